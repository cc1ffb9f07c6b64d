"""The report pages as people use them: a visitor confirms the e-mail and files, an association
member files and lists the association's reports, the filer follows the status, the committee
triages, forwards, closes and opens a suspension, the firm answers. Bad input gives the form
again with a message and writes nothing; the rate limits answer 429 and write nothing; each
page is refused to the wrong people."""

from __future__ import annotations

import datetime
import html
import re
import time
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certification.models import Report, ReportEvent, Seal
from certification.services import reports as services
from tests.certification.report_helpers import (
    CALLER_EMAIL,
    CALLER_NAME,
    CALLER_PHONE,
    VISITOR,
    answered,
    closed,
    file,
    forwarded,
    past_deadline,
    sealed,
)
from tests.factories import AssociationFactory, UserFactory

pytestmark = pytest.mark.django_db

St = Report.Status
NEW = "/segnalazioni/nuova/"


@pytest.fixture
def seal_a(firm_a):
    return sealed(firm_a)


@pytest.fixture
def other_member(db):
    return UserFactory(
        email="olga@altraassociazione.example",
        role="associazione",
        association=AssociationFactory(name="Altra associazione"),
    )


def _yesterday() -> str:
    return (timezone.localdate() - datetime.timedelta(days=1)).isoformat()


def _form(**overrides) -> dict:
    data = {
        "azienda": "01234560157",
        "category": Report.Category.OUTSIDE_HOURS,
        "call_date": _yesterday(),
        "call_time": "21:30",
        "calling_number": "02 1234 5678",
        "description": "Offerta di energia elettrica alle 21:30, l'operatore ha insistito.",
        "reporter_name": CALLER_NAME,
        "reporter_email": CALLER_EMAIL,
        "reporter_phone": "347 123 4567",
    }
    data.update(overrides)
    return data


def _confirmed_url(email: str = VISITOR, query: str = "") -> str:
    url = reverse("certification:report_new_confirmed", args=[services.visitor_token(email)])
    return f"{url}?{query}" if query else url


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _queries(client, url: str, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured.captured_queries)


def _link_in(message) -> str:
    return re.search(r"http://\S+/segnalazioni/nuova/\S+", message.body).group(0)


# --- the visitor ---------------------------------------------------------------------------------


def test_a_visitor_confirms_the_address_and_files_a_prefilled_report(
    client, seal_a, firm_a, django_capture_on_commit_callbacks
):
    page = client.get(NEW, {"azienda": "01234560157", "numero": "02 1234 5678"})
    assert page.status_code == 200
    assert "Contact Uno S.r.l." in _text(page)
    assert 'name="email"' in _text(page)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            NEW, {"email": "Lucia.Bianchi@example.it", "azienda": "01234560157", "numero": "021234"}
        )
    assert sent.status_code == 200
    assert "Controlla la tua e-mail" in _text(sent)
    assert not Report.objects.exists()
    (message,) = mail.outbox
    assert message.to == [VISITOR]
    link = _link_in(message)
    assert "azienda=01234560157" in link

    form_page = client.get(link.removeprefix("http://127.0.0.1:8000"))
    text = _text(form_page)
    assert form_page.status_code == 200
    assert VISITOR in text
    assert 'value="01234560157"' in text
    assert 'name="reporter_email"' not in text  # the confirmed address is the visitor's

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            link.removeprefix("http://127.0.0.1:8000"), _form(reporter_email="altro@example.it")
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/segnalazioni/segui/{report.follow_token}/"
    assert report.reporter_email == VISITOR
    assert report.filed_by is None
    assert report.calling_number == "+390212345678"
    assert report.reporter_phone == "+393471234567"
    assert timezone.localtime(report.call_at).strftime("%H:%M") == "21:30"
    assert report.follow_token in _link_or_body(mail.outbox, VISITOR)

    follow = client.get(response["Location"])
    assert "Segnalazione ricevuta" in _text(follow)


def _link_or_body(outbox, address) -> str:
    return "".join(m.body for m in outbox if address in m.to)


def test_an_expired_or_tampered_link_opens_no_form(client, seal_a):
    url = _confirmed_url()
    later = time.time() + 49 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        expired = client.get(url)
        posted = client.post(url, _form())
    assert expired.status_code == 400
    assert "scaduto" in _text(expired)
    assert posted.status_code == 400
    tampered = client.post(url.replace("/nuova/", "/nuova/x"), _form())
    assert tampered.status_code == 400
    assert "non è valido" in _text(tampered)
    assert not Report.objects.exists()


@pytest.mark.parametrize("email", ["", "non-un-indirizzo", "a@b", "x" * 250 + "@example.it"])
def test_a_bad_address_gets_a_message_and_no_mail(client, email):
    response = client.post(NEW, {"email": email})
    assert response.status_code == 200
    assert "indirizzo e-mail" in _text(response)
    assert mail.outbox == []


# --- bad input: the form again, a message, nothing written ---------------------------------------


def _future_time() -> tuple[str, str] | None:
    soon = timezone.localtime() + datetime.timedelta(minutes=10)
    if soon.date() != timezone.localdate():
        return None
    return soon.date().isoformat(), soon.strftime("%H:%M")


BAD_INPUT = [
    ("azienda", "", "Indica l'azienda"),
    ("azienda", "12345", "11 cifre"),
    ("azienda", "01234560158", "non è valida"),
    ("azienda", "12345670157", "Nessuna azienda con un Bollino Blu in corso"),  # firm B: no seal
    ("azienda", "Contact Qualunque S.r.l.", "Nessuna azienda con un Bollino Blu in corso"),
    ("category", "", "Scegli la categoria"),
    ("category", "spam", "Scegli la categoria dall'elenco"),
    ("call_date", "", "Indica il giorno"),
    ("call_date", "31/02/2026", "Indica un giorno valido"),
    ("call_date", "0001-01-01", "ultimi 365 giorni"),
    ("call_date", (datetime.date.today() + datetime.timedelta(days=2)).isoformat(), "futura"),
    ("call_time", "", "Indica l'ora"),
    ("call_time", "25:99", "Indica un'ora valida"),
    ("calling_number", "12345", "non è un numero di telefono italiano valido"),
    ("calling_number", "+44 20 7946 0958", "non è un numero di telefono italiano valido"),
    ("description", "", "Descrivi la chiamata"),
    ("description", "Troppo breve", "almeno 20 caratteri"),
    ("description", "x" * 4001, "al massimo 4000 caratteri"),
    ("reporter_name", "N" * 121, "121"),
    ("reporter_phone", "abc", "non è un numero di telefono italiano valido"),
    ("reporter_email", "non-un-indirizzo", "indirizzo e-mail valido"),
]


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
def test_each_bad_field_gets_a_message_and_writes_nothing(
    client, seal_a, firm_b, association_member, field, value, message
):
    client.force_login(association_member)
    response = client.post(NEW, _form(**{field: value}))
    assert response.status_code == 200
    assert message in _text(response)
    assert not Report.objects.exists()
    assert mail.outbox == []


def test_a_call_later_today_is_refused(client, seal_a, association_member):
    future = _future_time()
    if future is None:
        pytest.skip("ten minutes from now is tomorrow")
    client.force_login(association_member)
    response = client.post(NEW, _form(call_date=future[0], call_time=future[1]))
    assert "non può essere nel futuro" in _text(response)
    assert not Report.objects.exists()


def test_a_call_older_than_the_limit_is_refused(client, seal_a, association_member, settings):
    settings.REPORT_MAX_CALL_AGE_DAYS = 30
    client.force_login(association_member)
    old = (timezone.localdate() - datetime.timedelta(days=31)).isoformat()
    response = client.post(NEW, _form(call_date=old))
    assert "ultimi 30 giorni" in _text(response)
    assert not Report.objects.exists()


def test_the_firm_may_be_named_by_its_exact_name_in_any_case(client, seal_a, association_member):
    client.force_login(association_member)
    response = client.post(NEW, _form(azienda="  contact uno s.r.l. "))
    assert response.status_code == 302
    assert Report.objects.get().organization == seal_a.organization


def test_a_suspended_firm_may_be_reported_but_not_a_revoked_one(
    client, firm_a, firm_b, association_member
):
    sealed(firm_a, status=Seal.Status.SUSPENDED)
    sealed(firm_b, status=Seal.Status.REVOKED)
    client.force_login(association_member)
    assert client.post(NEW, _form()).status_code == 302
    refused = client.post(NEW, _form(azienda=firm_b.partita_iva))
    assert "Nessuna azienda con un Bollino Blu in corso" in _text(refused)
    assert Report.objects.count() == 1


# --- rate limits ---------------------------------------------------------------------------------


def test_the_default_limits(settings):
    assert settings.REPORT_RATE_LIMITS == {
        "confirm_ip": (5, 3600),
        "confirm_email": (3, 3600),
        "file_ip": (10, 3600),
        "file_email": (5, 3600),
    }


def test_a_visitor_files_at_most_five_reports_an_hour_from_one_address(client, seal_a):
    url = _confirmed_url()
    for n in range(5):
        assert (
            client.post(url, _form(description=f"Chiamata numero {n} di una serie.")).status_code
            == 302
        )
    refused = client.post(url, _form())
    assert refused.status_code == 429
    assert "Troppe richieste" in _text(refused)
    assert Report.objects.count() == 5


def test_one_address_files_at_most_ten_reports_an_hour(client, seal_a):
    for n in range(10):
        url = _confirmed_url(f"persona{n}@example.it")
        assert client.post(url, _form()).status_code == 302
    refused = client.post(_confirmed_url("undicesima@example.it"), _form())
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert Report.objects.count() == 10


def test_the_limits_count_per_address_so_another_ip_is_still_refused(client, seal_a, settings):
    settings.REPORT_RATE_LIMITS = {**settings.REPORT_RATE_LIMITS, "file_email": (1, 3600)}
    url = _confirmed_url()
    assert client.post(url, _form(), REMOTE_ADDR="10.0.0.1").status_code == 302
    assert client.post(url, _form(), REMOTE_ADDR="10.0.0.2").status_code == 429
    assert Report.objects.count() == 1


def test_confirmation_mails_are_limited_per_ip_and_per_address(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            assert client.post(NEW, {"email": f"p{n}@example.it"}).status_code == 200
        refused = client.post(NEW, {"email": "sesto@example.it"})
    assert refused.status_code == 429
    assert len(mail.outbox) == 5
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.post(NEW, {"email": "stesso@example.it"}, REMOTE_ADDR="10.0.0.9")
        again = client.post(NEW, {"email": "stesso@example.it"}, REMOTE_ADDR="10.0.0.10")
    assert again.status_code == 429
    assert len(mail.outbox) == 3


def test_bad_input_does_not_count_against_the_limit(client, seal_a, settings):
    settings.REPORT_RATE_LIMITS = {**settings.REPORT_RATE_LIMITS, "file_email": (1, 3600)}
    url = _confirmed_url()
    for _ in range(3):
        assert client.post(url, _form(description="")).status_code == 200
    assert client.post(url, _form()).status_code == 302


def test_association_members_are_not_rate_limited(client, seal_a, association_member, settings):
    settings.REPORT_RATE_LIMITS = dict.fromkeys(settings.REPORT_RATE_LIMITS, (1, 3600))
    client.force_login(association_member)
    for _ in range(3):
        assert client.post(NEW, _form()).status_code == 302
    assert Report.objects.count() == 3


# --- association members -------------------------------------------------------------------------


def test_a_member_files_directly_and_sees_the_associations_reports(
    client, seal_a, firm_a, association_member, other_member, django_assert_max_num_queries
):
    client.force_login(association_member)
    page = client.get(NEW, {"azienda": "01234560157", "numero": "021234"})
    assert 'name="description"' in _text(page)
    assert 'name="reporter_email"' in _text(page)
    assert client.post(NEW, _form()).status_code == 302
    report = Report.objects.get()
    assert report.filed_by == association_member
    assert report.association == association_member.association
    assert report.reporter_email == CALLER_EMAIL
    theirs = file(firm_a, member=other_member)

    listing = client.get("/segnalazioni/")
    text = _text(listing)
    assert f"/segnalazioni/segui/{report.follow_token}/" in text
    assert theirs.follow_token not in text


def test_the_association_list_runs_a_fixed_number_of_queries(
    client, seal_a, firm_a, association_member
):
    client.force_login(association_member)
    file(firm_a, member=association_member)
    few = _queries(client, "/segnalazioni/", {"stato": "ricevuta"})
    for _ in range(8):
        file(firm_a, member=association_member)
    assert _queries(client, "/segnalazioni/", {"stato": "ricevuta"}) == few <= 10
    assert _text(client.get("/segnalazioni/")).count("/segnalazioni/segui/") == 9


@pytest.mark.parametrize("who", ["applicant", "committee", "auditor"])
def test_only_association_members_have_the_list(client, who, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/segnalazioni/").status_code == 403


def test_a_visitor_is_asked_to_log_in_for_the_list(client):
    response = client.get("/segnalazioni/")
    assert response.status_code == 302
    assert "/accesso/" in response["Location"]


# --- the follow page -----------------------------------------------------------------------------


def test_the_follow_page_shows_status_deadline_and_answer_but_no_private_data(
    client, seal_a, firm_a, applicant, committee
):
    report = answered(firm_a, committee, applicant)
    url = f"/segnalazioni/segui/{report.follow_token}/"
    text = _text(client.get(url))
    assert "La risposta dell'azienda" in text
    assert "Dai nostri log la chiamata non risulta." in text
    assert "Risposta attesa entro il" in text
    for secret in (CALLER_NAME, VISITOR, CALLER_PHONE):
        assert secret not in text
    services.report_close(report=report, by=committee, outcome="fondata", note="Nota segreta.")
    text = _text(client.get(url))
    assert "fondata" in text
    assert "Nota segreta." not in text


@pytest.mark.parametrize("token", ["sbagliato", "x" * 65])
def test_an_unknown_follow_token_is_not_found(client, seal_a, firm_a, token):
    file(firm_a)
    assert client.get(f"/segnalazioni/segui/{token}/").status_code == 404


# --- the committee -------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["applicant", "association_member", "auditor"])
def test_the_triage_pages_are_the_committees(client, seal_a, firm_a, who, request):
    report = file(firm_a)
    client.force_login(request.getfixturevalue(who))
    for url in (
        "/gestione/segnalazioni/",
        f"/gestione/segnalazioni/{report.pk}/",
        f"/gestione/segnalazioni/{report.pk}/sospensione/",
    ):
        assert client.get(url).status_code == 403
    assert (
        client.post(f"/gestione/segnalazioni/{report.pk}/", {"azione": "inoltra"}).status_code
        == 403
    )
    report.refresh_from_db()
    assert report.status == St.RECEIVED


def test_the_triage_list_filters_and_runs_a_fixed_number_of_queries(
    client, seal_a, firm_a, firm_b, committee, applicant, association_member
):
    sealed(firm_b)
    client.force_login(committee)
    file(firm_a, member=association_member)
    forwarded(firm_b, committee, category=Report.Category.NO_CONSENT)
    few = _queries(client, "/gestione/segnalazioni/")
    for _ in range(6):
        file(firm_a)
        file(firm_b, member=association_member)
    assert _queries(client, "/gestione/segnalazioni/") == few <= 10

    def rows(**filters) -> int:
        text = _text(client.get("/gestione/segnalazioni/", filters))
        return len(re.findall(r'<th scope="row"><a href="/gestione/segnalazioni/\d+/">', text))

    assert rows() == 14
    assert rows(stato="inoltrata") == 1
    assert rows(categoria="senza_consenso") == 1
    assert rows(azienda="chiamate due") == 7
    assert rows(azienda="IT 01234560157") == 7
    assert rows(stato="sconosciuto") == 14  # a wrong filter shows everything, with a note


def test_the_committee_sees_the_callers_data_and_forwards(
    client, seal_a, firm_a, applicant, committee, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_ANSWER_DAYS = 7
    report = file(firm_a)
    client.force_login(committee)
    url = f"/gestione/segnalazioni/{report.pk}/"
    text = _text(client.get(url))
    for contact in (CALLER_NAME, VISITOR, CALLER_PHONE):
        assert contact in text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"azione": "inoltra", "inoltra-note": "Da verificare."})
    assert response.status_code == 302
    report.refresh_from_db()
    due = timezone.localdate() + datetime.timedelta(days=7)
    assert (report.status, report.answer_due) == (St.FORWARDED, due)
    assert ReportEvent.objects.filter(report=report).last().note == "Da verificare."
    assert any(applicant.email in m.to for m in mail.outbox)
    page = _text(client.get(url))
    assert f"Risposta attesa entro il {due:%d/%m/%Y}" in page
    assert "dopo la scadenza" in page


def test_the_committee_closes_and_a_missing_note_changes_nothing(
    client, seal_a, firm_a, applicant, committee
):
    report = answered(firm_a, committee, applicant)
    client.force_login(committee)
    url = f"/gestione/segnalazioni/{report.pk}/"
    refused = client.post(url, {"azione": "chiudi", "chiudi-outcome": "fondata", "chiudi-note": ""})
    assert refused.status_code == 200
    assert "Scrivi la nota di chiusura" in _text(refused)
    report.refresh_from_db()
    assert report.status == St.ANSWERED
    done = client.post(
        url, {"azione": "chiudi", "chiudi-outcome": "fondata", "chiudi-note": "Fatti accertati."}
    )
    assert done.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.outcome) == (St.CLOSED, "fondata")
    assert "Apri una sospensione" in _text(client.get(url))


def test_the_committee_cannot_close_before_the_deadline_or_give_a_founded_outcome_unforwarded(
    client, seal_a, firm_a, committee
):
    client.force_login(committee)
    waiting = forwarded(firm_a, committee)
    response = client.post(
        f"/gestione/segnalazioni/{waiting.pk}/",
        {"azione": "chiudi", "chiudi-outcome": "fondata", "chiudi-note": "Nota"},
    )
    assert "tempo per rispondere" in _text(response)
    received = file(firm_a)
    response = client.post(
        f"/gestione/segnalazioni/{received.pk}/",
        {"azione": "chiudi", "chiudi-outcome": "fondata", "chiudi-note": "Nota"},
    )
    assert "non può avere questo esito" in _text(response)
    assert set(Report.objects.values_list("status", flat=True)) == {St.FORWARDED, St.RECEIVED}
    dismissed = client.post(
        f"/gestione/segnalazioni/{received.pk}/",
        {"azione": "chiudi", "chiudi-outcome": "infondata", "chiudi-note": "Nessuna chiamata."},
    )
    assert dismissed.status_code == 302
    past_deadline(waiting)
    closed_late = client.post(
        f"/gestione/segnalazioni/{waiting.pk}/",
        {"azione": "chiudi", "chiudi-outcome": "fondata", "chiudi-note": "Nessuna risposta."},
    )
    assert closed_late.status_code == 302
    assert set(Report.objects.values_list("status", flat=True)) == {St.CLOSED}


def test_an_unknown_action_changes_nothing(client, seal_a, firm_a, committee):
    report = file(firm_a)
    client.force_login(committee)
    response = client.post(f"/gestione/segnalazioni/{report.pk}/", {"azione": "cancella"})
    assert "Operazione sconosciuta" in _text(response)
    report.refresh_from_db()
    assert report.status == St.RECEIVED


def test_a_missing_report_is_not_found(client, committee):
    client.force_login(committee)
    assert client.get("/gestione/segnalazioni/999999/").status_code == 404


def test_the_committee_opens_a_suspension_from_a_founded_report(
    client, seal_a, firm_a, applicant, committee
):
    report = closed(firm_a, committee, applicant, outcome="fondata")
    client.force_login(committee)
    url = f"/gestione/segnalazioni/{report.pk}/sospensione/"
    page = _text(client.get(url))
    assert f"Segnalazione n. {report.pk} del" in page  # the reason comes pre-filled
    empty = client.post(url, {"reason": ""})
    assert "Scrivi la motivazione" in _text(empty)
    seal_a.refresh_from_db()
    assert seal_a.status == Seal.Status.ACTIVE
    response = client.post(url, {"reason": "Segnalazione fondata: chiamate fuori orario."})
    assert response.status_code == 302
    seal_a.refresh_from_db()
    assert (seal_a.status, seal_a.public_reason) == (Seal.Status.SUSPENDED, "segnalazioni")
    assert "è sospeso" in _text(client.get(response["Location"]))
    again = client.post(url, {"reason": "Di nuovo"})
    assert "non si può sospendere" in _text(again)


def test_no_suspension_from_an_unfounded_report(client, seal_a, firm_a, applicant, committee):
    report = closed(firm_a, committee, applicant, outcome="infondata")
    client.force_login(committee)
    url = f"/gestione/segnalazioni/{report.pk}/sospensione/"
    assert "solo da una segnalazione chiusa come fondata" in _text(client.get(url))
    client.post(url, {"reason": "Motivo"})
    seal_a.refresh_from_db()
    assert seal_a.status == Seal.Status.ACTIVE


# --- the firm ------------------------------------------------------------------------------------


def test_the_firm_sees_its_forwarded_reports_only_and_never_the_callers_data(
    client, seal_a, firm_a, firm_b, applicant, committee, association_member
):
    sealed(firm_b)
    waiting = forwarded(firm_a, committee, member=association_member)
    received = file(firm_a)
    other_firm = forwarded(firm_b, committee)
    client.force_login(applicant)
    listing = _text(client.get("/azienda/segnalazioni/"))
    assert f"/azienda/segnalazioni/{waiting.pk}/" in listing
    assert f"/azienda/segnalazioni/{received.pk}/" not in listing
    assert f"/azienda/segnalazioni/{other_firm.pk}/" not in listing
    page = client.get(f"/azienda/segnalazioni/{waiting.pk}/")
    text = _text(page)
    assert "+390212345678" in text and "Chiamata alle 21:30" in text
    assert f"Risposta attesa entro il {waiting.answer_due:%d/%m/%Y}" in text
    for secret in (CALLER_NAME, CALLER_EMAIL, CALLER_PHONE, association_member.email):
        assert secret not in listing and secret not in text
    assert client.get(f"/azienda/segnalazioni/{received.pk}/").status_code == 404
    assert client.get(f"/azienda/segnalazioni/{other_firm.pk}/").status_code == 404


def test_an_overdue_report_is_highlighted_for_the_firm(
    client, seal_a, firm_a, applicant, committee
):
    report = past_deadline(forwarded(firm_a, committee), days=2)
    client.force_login(applicant)
    assert "termine scaduto" in _text(client.get("/azienda/segnalazioni/"))
    assert "è scaduto il" in _text(client.get(f"/azienda/segnalazioni/{report.pk}/"))


def test_the_firm_answers_in_the_portal(
    client, seal_a, firm_a, applicant, committee, django_capture_on_commit_callbacks
):
    report = forwarded(firm_a, committee)
    client.force_login(applicant)
    url = f"/azienda/segnalazioni/{report.pk}/"
    empty = client.post(url, {"answer": "   "})
    assert "Scrivi la risposta" in _text(empty)
    long = client.post(url, {"answer": "x" * 4001})
    assert "al massimo 4000" in _text(long)
    report.refresh_from_db()
    assert report.status == St.FORWARDED
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"answer": "Numero bloccato nella nostra lista."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.answer) == (St.ANSWERED, "Numero bloccato nella nostra lista.")
    assert any(committee.email in m.to for m in mail.outbox)
    again = client.post(url, {"answer": "Seconda risposta"}, follow=True)
    assert "non attende più una risposta" in _text(again)
    report.refresh_from_db()
    assert report.answer == "Numero bloccato nella nostra lista."


def test_another_firm_cannot_answer(client, seal_a, firm_a, applicant_b, committee):
    report = forwarded(firm_a, committee)
    client.force_login(applicant_b)
    assert client.post(f"/azienda/segnalazioni/{report.pk}/", {"answer": "Noi"}).status_code == 404
    report.refresh_from_db()
    assert report.status == St.FORWARDED


@pytest.mark.parametrize("who", ["committee", "association_member", "auditor"])
def test_the_firm_pages_are_for_applicants(client, seal_a, firm_a, committee, who, request):
    report = forwarded(firm_a, committee)
    client.force_login(request.getfixturevalue(who))
    assert client.get("/azienda/segnalazioni/").status_code == 403
    assert client.get(f"/azienda/segnalazioni/{report.pk}/").status_code == 403


def test_the_firm_list_runs_a_fixed_number_of_queries(client, seal_a, firm_a, applicant, committee):
    forwarded(firm_a, committee)
    client.force_login(applicant)
    few = _queries(client, "/azienda/segnalazioni/")
    for _ in range(5):
        forwarded(firm_a, committee)
    assert _queries(client, "/azienda/segnalazioni/") == few <= 10


@pytest.mark.parametrize(
    "url", ["/segnalazioni/nuova/", "/azienda/segnalazioni/", "/gestione/segnalazioni/"]
)
def test_other_methods_are_refused(client, committee, url):
    client.force_login(committee)
    assert client.put(url).status_code == 405


def test_the_admin_shows_reports_read_only(client, seal_a, firm_a, admin_user, committee):
    report = forwarded(firm_a, committee)
    client.force_login(admin_user)
    assert client.get("/admin/certification/report/").status_code == 200
    page = client.get(f"/admin/certification/report/{report.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in _text(page)
    assert client.get("/admin/certification/report/add/").status_code == 403
    client.post(f"/admin/certification/report/{report.pk}/delete/", {"post": "yes"})
    assert Report.objects.filter(pk=report.pk).exists()

"""Requests for information: the committee or an assigned auditor asks, with a due date, items
and documents; the firm hears by e-mail, answers, and the application goes back under review.
Every round stays; nobody else asks or answers, and a refused request writes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, ApplicationEvent, InformationRequest
from certification.services.audits import audit_assign
from certification.services.information_requests import (
    information_request_answer,
    information_request_create,
)
from codice.models import CodeVersion
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    make_checklist,
    make_current_version_with_checklist,
    make_version,
)

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def application(firm_a, applicant):
    make_current_version_with_checklist()
    app = ApplicationFactory(organization=firm_a, created_by=applicant)
    Application.objects.filter(pk=app.pk).update(status=S.UNDER_REVIEW, submitted_at=timezone.now())
    app.refresh_from_db()
    return app


@pytest.fixture
def assigned(application, committee, auditor):
    audit_assign(application=application, by=committee, lead=auditor)
    return auditor


@pytest.fixture
def other_auditor(db):
    return UserFactory(email="otto.auditor@oic.example", first_name="Otto", role="auditor")


def _in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _items(application):
    return {i.code: i for i in application.code_version.checklist_items.all()}


def _ask(application, by, **overrides):
    data = {
        "application": application,
        "by": by,
        "message": "Caricate il registro della formazione aggiornato.",
        "due_date": _in_days(15),
    }
    data.update(overrides)
    return information_request_create(**data)


def _snapshot(application):
    application.refresh_from_db()
    return (
        application.status,
        ApplicationEvent.objects.filter(application=application).count(),
        list(
            InformationRequest.objects.filter(application=application).values_list(
                "pk", "answer", "answered_at"
            )
        ),
    )


def _manage_url(application):
    return reverse("certification:information_request_create", args=[application.pk])


def _auditor_url(application):
    return reverse("certification:information_request_create_auditor", args=[application.pk])


def _applicant_url(application):
    return reverse("certification:information_requests", args=[application.pk])


def _request_payload(application, **overrides):
    items = _items(application)
    payload = {
        "message": "Manca il verbale di verifica RPO.",
        "due_date": _in_days(20).isoformat(),
        "items": [items["B.1"].pk],
        "document_kinds": ["formazione", "script"],
    }
    payload.update(overrides)
    return payload


# --- the services ----------------------------------------------------------------------------


def test_the_committee_asks_for_information_and_the_firm_is_told(
    application, committee, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    items = _items(application)
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(
            application,
            committee,
            items=[items["A.1"], items["B.1"]],
            document_kinds=["visura"],
        )

    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert request.requested_by == committee
    assert set(request.items.values_list("code", flat=True)) == {"A.1", "B.1"}
    assert request.document_kinds == ["visura"]
    event = ApplicationEvent.objects.filter(application=application).latest("at", "id")
    assert (event.from_status, event.to_status, event.actor) == (
        S.UNDER_REVIEW,
        S.INFO_REQUESTED,
        committee,
    )
    assert "registro della formazione" in event.note
    assert _in_days(15).strftime("%d/%m/%Y") in event.note
    to_firm = [m for m in mailoutbox if m.to == [applicant.email]]
    assert len(to_firm) == 1
    assert "registro della formazione" in to_firm[0].body


def test_an_assigned_auditor_asks_for_information(
    application, assigned, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        request = _ask(application, assigned)

    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert request.requested_by == assigned
    assert ApplicationEvent.objects.filter(
        application=application, actor=assigned, to_status=S.INFO_REQUESTED
    ).exists()
    assert [m.to for m in mailoutbox if m.to == [applicant.email]] == [[applicant.email]]


@pytest.mark.parametrize("who", ["other_auditor", "applicant", "association_member"])
def test_it_refuses_anyone_but_the_committee_or_an_assigned_auditor(
    application, assigned, request, who
):
    before = _snapshot(application)
    with pytest.raises(PermissionDenied):
        _ask(application, request.getfixturevalue(who))
    assert _snapshot(application) == before


@pytest.mark.parametrize("status", [S.SUBMITTED, S.INFO_REQUESTED, S.IN_EVALUATION, S.DRAFT])
def test_it_refuses_an_application_not_under_review(application, committee, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    before = _snapshot(application)
    with pytest.raises(ValidationError, match="in istruttoria"):
        _ask(application, committee)
    assert _snapshot(application) == before


@pytest.mark.parametrize("days", [0, -1])
def test_it_refuses_a_due_date_not_in_the_future(application, committee, days):
    before = _snapshot(application)
    with pytest.raises(ValidationError, match="data futura"):
        _ask(application, committee, due_date=_in_days(days))
    assert _snapshot(application) == before


def test_it_refuses_an_item_of_another_code_version(application, committee):
    draft = make_version("3.0", status=CodeVersion.Status.DRAFT)
    make_checklist(draft)
    foreign = draft.checklist_items.get(code="A.1")
    before = _snapshot(application)
    with pytest.raises(ValidationError, match="non è della lista di controllo"):
        _ask(application, committee, items=[_items(application)["A.2"], foreign])
    assert _snapshot(application) == before


def test_it_refuses_an_unknown_document_kind_or_an_empty_message(application, committee):
    before = _snapshot(application)
    with pytest.raises(ValidationError):
        _ask(application, committee, document_kinds=["passaporto"])
    with pytest.raises(ValidationError):
        _ask(application, committee, message="   ")
    assert _snapshot(application) == before


def test_the_applicant_answers_and_the_application_goes_back_under_review(
    application, committee, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    request = _ask(application, committee)
    with django_capture_on_commit_callbacks(execute=True):
        answered = information_request_answer(
            application=application, by=applicant, answer="Registro caricato tra i documenti."
        )

    application.refresh_from_db()
    request.refresh_from_db()
    assert answered.pk == request.pk
    assert application.status == S.UNDER_REVIEW
    assert request.answer == "Registro caricato tra i documenti."
    assert request.answered_by == applicant
    assert request.answered_at is not None
    event = ApplicationEvent.objects.filter(application=application).latest("at", "id")
    assert (event.from_status, event.to_status, event.actor) == (
        S.INFO_REQUESTED,
        S.UNDER_REVIEW,
        applicant,
    )
    assert any(m.to == [committee.email] for m in mailoutbox)


def test_two_rounds_are_both_kept(application, committee, assigned, applicant):
    first = _ask(application, committee, message="Prima richiesta.")
    information_request_answer(application=application, by=applicant, answer="Prima risposta.")
    second = _ask(application, assigned, message="Seconda richiesta.")
    information_request_answer(application=application, by=applicant, answer="Seconda risposta.")

    rows = list(
        InformationRequest.objects.filter(application=application)
        .order_by("requested_at", "id")
        .values_list("pk", "message", "answer")
    )
    assert rows == [
        (first.pk, "Prima richiesta.", "Prima risposta."),
        (second.pk, "Seconda richiesta.", "Seconda risposta."),
    ]
    moves = list(
        ApplicationEvent.objects.filter(application=application)
        .exclude(from_status=S.UNDER_REVIEW, to_status=S.UNDER_REVIEW)
        .exclude(from_status="")
        .order_by("at", "id")
        .values_list("from_status", "to_status")
    )
    assert moves == [
        (S.UNDER_REVIEW, S.INFO_REQUESTED),
        (S.INFO_REQUESTED, S.UNDER_REVIEW),
        (S.UNDER_REVIEW, S.INFO_REQUESTED),
        (S.INFO_REQUESTED, S.UNDER_REVIEW),
    ]


def test_only_an_applicant_of_the_firm_answers_and_only_while_asked(
    application, committee, applicant, applicant_b
):
    with pytest.raises(ValidationError):
        information_request_answer(application=application, by=applicant, answer="Troppo presto.")
    _ask(application, committee)
    before = _snapshot(application)
    for someone in (applicant_b, committee):
        with pytest.raises(PermissionDenied):
            information_request_answer(application=application, by=someone, answer="Risposta.")
    with pytest.raises(ValidationError):
        information_request_answer(application=application, by=applicant, answer="  ")
    assert _snapshot(application) == before


# --- the pages -------------------------------------------------------------------------------


def test_the_committee_page_asks_for_information(
    client, application, committee, applicant, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(committee)
    shown = client.get(_manage_url(application))
    page = shown.content.decode()
    assert shown.status_code == 200
    assert 'type="date"' in page
    assert "B.1 – La voce B.1 è rispettata?" in page
    assert "Registro della formazione" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_manage_url(application), _request_payload(application))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "certification:manage_application", args=[application.pk]
    )
    request = InformationRequest.objects.get(application=application)
    assert list(request.items.values_list("code", flat=True)) == ["B.1"]
    assert request.document_kinds == ["formazione", "script"]
    application.refresh_from_db()
    assert application.status == S.INFO_REQUESTED
    assert any(m.to == [applicant.email] for m in mailoutbox)


def test_the_assigned_auditor_page_asks_for_information(client, application, assigned):
    client.force_login(assigned)
    assert client.get(_auditor_url(application)).status_code == 200

    response = client.post(_auditor_url(application), _request_payload(application))

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "certification:auditor_application", args=[application.pk]
    )
    assert InformationRequest.objects.get(application=application).requested_by == assigned


def test_an_unassigned_auditor_gets_a_404(client, application, assigned, other_auditor):
    before = _snapshot(application)
    client.force_login(other_auditor)
    assert client.get(_auditor_url(application)).status_code == 404
    assert client.post(_auditor_url(application), _request_payload(application)).status_code == 404
    assert _snapshot(application) == before


@pytest.mark.parametrize("who", ["applicant", "auditor", "association_member"])
def test_only_the_committee_opens_the_committee_page(client, application, request, who):
    before = _snapshot(application)
    client.force_login(request.getfixturevalue(who))
    assert client.get(_manage_url(application)).status_code == 403
    assert client.post(_manage_url(application), _request_payload(application)).status_code == 403
    assert _snapshot(application) == before


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"message": ""}, "Scrivi che cosa chiedete al richiedente."),
        ({"due_date": ""}, "Indica la data entro cui inviare le integrazioni."),
        ({"due_date": "31/02/2027"}, "Indica una data valida"),
        ({"due_date": "2020-01-01"}, "La scadenza deve essere una data futura."),
        ({"items": ["999999"]}, "Scegli le voci dall&#x27;elenco di questa domanda."),
        ({"document_kinds": ["passaporto"]}, "Scegli i documenti dall&#x27;elenco."),
    ],
)
def test_bad_input_on_the_request_page_shows_a_message(
    client, application, committee, overrides, message
):
    before = _snapshot(application)
    client.force_login(committee)
    response = client.post(_manage_url(application), _request_payload(application, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert _snapshot(application) == before


def test_an_item_of_another_version_is_refused_on_the_page(client, application, committee):
    draft = make_version("3.0", status=CodeVersion.Status.DRAFT)
    make_checklist(draft)
    foreign = draft.checklist_items.get(code="A.1")
    before = _snapshot(application)
    client.force_login(committee)
    response = client.post(
        _manage_url(application), _request_payload(application, items=[foreign.pk])
    )
    assert response.status_code == 200
    assert "Scegli le voci dall&#x27;elenco di questa domanda." in response.content.decode()
    assert _snapshot(application) == before


def test_the_request_page_refuses_an_application_in_the_wrong_state(client, application, committee):
    Application.objects.filter(pk=application.pk).update(status=S.IN_EVALUATION)
    before = _snapshot(application)
    client.force_login(committee)
    shown = client.get(_manage_url(application)).content.decode()
    response = client.post(_manage_url(application), _request_payload(application))
    assert "Richiedi le integrazioni</button>" not in shown
    assert response.status_code == 200
    assert "Le integrazioni si chiedono su una domanda in istruttoria" in response.content.decode()
    assert _snapshot(application) == before


def test_the_applicant_sees_the_request_and_answers_it(client, application, committee, applicant):
    items = _items(application)
    _ask(application, committee, items=[items["A.1"]], document_kinds=["privacy"])
    client.force_login(applicant)

    page = client.get(_applicant_url(application)).content.decode()
    assert "Caricate il registro della formazione aggiornato." in page
    assert _in_days(15).strftime("%d/%m/%Y") in page
    assert "A.1 – La voce A.1 è rispettata?" in page
    assert "Informativa privacy" in page
    assert "Invia le integrazioni" in page

    response = client.post(_applicant_url(application), {"answer": "Informativa caricata."})

    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    request = InformationRequest.objects.get(application=application)
    assert (request.answer, request.answered_by) == ("Informativa caricata.", applicant)
    page = client.get(_applicant_url(application)).content.decode()
    assert "Informativa caricata." in page
    assert "Inviata da Anna" in page
    assert "Invia le integrazioni" not in page


def test_an_empty_answer_shows_a_message_and_writes_nothing(
    client, application, committee, applicant
):
    _ask(application, committee)
    before = _snapshot(application)
    client.force_login(applicant)
    response = client.post(_applicant_url(application), {"answer": "  "})
    assert response.status_code == 200
    assert "Scrivi la risposta" in response.content.decode()
    assert _snapshot(application) == before


def test_answering_when_nothing_is_asked_changes_nothing(client, application, applicant):
    before = _snapshot(application)
    client.force_login(applicant)
    response = client.post(_applicant_url(application), {"answer": "Eccoci."}, follow=True)
    assert "Nessuna integrazione da inviare" in response.content.decode()
    assert _snapshot(application) == before


def test_the_applicant_page_shows_every_round_in_a_fixed_number_of_queries(
    client, application, committee, applicant, django_assert_max_num_queries
):
    _ask(application, committee, message="Prima richiesta.")
    information_request_answer(application=application, by=applicant, answer="Prima risposta.")
    client.force_login(applicant)
    client.get(_applicant_url(application))  # warm the session and the site's caches
    with django_assert_max_num_queries(12) as one_round:
        client.get(_applicant_url(application))
    _ask(
        application,
        committee,
        message="Seconda richiesta.",
        items=list(_items(application).values()),
    )
    with django_assert_max_num_queries(len(one_round)):
        page = client.get(_applicant_url(application)).content.decode()
    assert "Prima risposta." in page
    assert "Seconda richiesta." in page
    assert "Richiesta n. 2" in page


def test_another_firm_gets_a_404(client, application, committee, applicant_b):
    _ask(application, committee)
    before = _snapshot(application)
    client.force_login(applicant_b)
    assert client.get(_applicant_url(application)).status_code == 404
    assert client.post(_applicant_url(application), {"answer": "Non è mia."}).status_code == 404
    assert _snapshot(application) == before


@pytest.mark.parametrize("url", [_applicant_url, _manage_url, _auditor_url])
def test_a_visitor_is_sent_to_the_login(client, application, url):
    response = client.get(url(application))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- in a real browser -----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_round_in_the_browser(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    committee,
    applicant,
    application,
):
    login_as(committee)
    page.wait_for_url("**/area-riservata/")
    page.goto(live_server.url + _manage_url(application))
    axe(page)
    page.get_by_label("Che cosa chiedete al richiedente").fill("Manca lo script delle chiamate.")
    page.get_by_label("Da inviare entro il").fill(_in_days(10).isoformat())
    page.locator("label", has_text="B.1 – La voce B.1 è rispettata?").click()
    page.locator("label", has_text="Script delle chiamate").click()
    page.get_by_role("button", name="Richiedi le integrazioni").click()
    page.wait_for_url(f"**/gestione/domande/{application.pk}/")
    request = InformationRequest.objects.get(application=application)
    assert list(request.items.values_list("code", flat=True)) == ["B.1"]
    assert request.document_kinds == ["script"]

    page.context.clear_cookies()
    login_as(applicant)
    page.wait_for_url("**/area-riservata/")
    page.goto(live_server.url + _applicant_url(application))
    axe(page)
    page.get_by_label("La vostra risposta a OIC").fill("Script caricato.")
    page.get_by_role("button", name="Invia le integrazioni").click()
    page.wait_for_url(f"**/domande/{application.pk}/")
    page.goto(live_server.url + _applicant_url(application))
    axe(page)
    application.refresh_from_db()
    assert application.status == S.UNDER_REVIEW
    request.refresh_from_db()
    assert request.answer == "Script caricato."

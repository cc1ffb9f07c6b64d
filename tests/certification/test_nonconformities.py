"""Nonconformities: raised by an assigned auditor, answered by the applicant, reviewed."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, ApplicationEvent, Nonconformity
from certification.services.nonconformities import (
    nonconformity_answer,
    nonconformity_raise,
    nonconformity_review,
)
from tests.certification.nonconformity_helpers import (
    application_in_evaluation,
    items,
    lead_score,
    set_status,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Application.Status
N = Nonconformity.Status


@pytest.fixture
def second_auditor(db):
    return UserFactory(email="bianca.auditor@oic.example", role="auditor")


@pytest.fixture
def application(firm_a, applicant, committee, auditor, second_auditor):
    return application_in_evaluation(
        firm=firm_a, applicant=applicant, committee=committee, lead=auditor, second=second_auditor
    )


def _raise(application, by, code="A.2", severity="minore", description="Orari non rispettati"):
    return nonconformity_raise(
        application=application,
        by=by,
        item=items(application)[code],
        severity=severity,
        description=description,
    )


def _tomorrow():
    return timezone.localdate() + datetime.timedelta(days=30)


# --- services ------------------------------------------------------------------------------


def test_an_assigned_auditor_raises_a_minor_nonconformity(application, second_auditor):
    nc = _raise(application, second_auditor)
    assert (nc.status, nc.severity, nc.raised_by) == (N.OPEN, "minore", second_auditor)
    assert ApplicationEvent.objects.filter(
        application=application, note__contains="A.2", actor=second_auditor
    ).exists()


def test_it_refuses_an_auditor_not_assigned(application, committee):
    stranger = UserFactory(email="estraneo@oic.example", role="auditor")
    with pytest.raises(PermissionDenied):
        _raise(application, stranger)
    with pytest.raises(PermissionDenied):
        _raise(application, committee)
    assert not Nonconformity.objects.exists()


@pytest.mark.parametrize("status", [S.SUBMITTED, S.EVALUATED, S.APPROVED])
def test_it_refuses_outside_the_evaluation(application, auditor, status):
    set_status(application, status)
    with pytest.raises(ValidationError, match="in valutazione"):
        _raise(application, auditor)
    assert not Nonconformity.objects.exists()


def test_it_refuses_an_item_at_full_marks(application, auditor):
    with pytest.raises(ValidationError, match="punteggio pieno"):
        _raise(application, auditor, code="B.1", severity="maggiore")
    assert not Nonconformity.objects.exists()


def test_it_refuses_an_item_the_lead_has_not_scored(
    firm_a, applicant, committee, auditor, second_auditor
):
    application = application_in_evaluation(
        firm=firm_a,
        applicant=applicant,
        committee=committee,
        lead=auditor,
        second=second_auditor,
        scores={"B.1": 3},
    )
    with pytest.raises(ValidationError, match="non ha ancora valutato"):
        _raise(application, second_auditor)
    assert not Nonconformity.objects.exists()


def test_it_refuses_a_minor_one_on_a_blocking_item(application, auditor):
    with pytest.raises(ValidationError, match="maggiore"):
        _raise(application, auditor, code="A.1", severity="minore")
    assert _raise(application, auditor, code="A.1", severity="maggiore").severity == "maggiore"


def test_it_refuses_a_minor_one_on_an_item_at_zero(application, auditor):
    lead_score(application, auditor, {"A.2": 0})
    with pytest.raises(ValidationError, match="maggiore"):
        _raise(application, auditor, code="A.2", severity="minore")
    assert not Nonconformity.objects.exists()


def test_the_applicant_answers_and_the_auditor_accepts(application, auditor, applicant):
    nc = _raise(application, auditor)
    nc = nonconformity_answer(
        nonconformity=nc,
        by=applicant,
        corrective_action="Nuovi orari",
        corrective_due_date=_tomorrow(),
    )
    assert (nc.status, nc.answered_by) == (N.ANSWERED, applicant)
    nc = nonconformity_review(nonconformity=nc, by=auditor, accept=True, note="")
    nc.refresh_from_db()
    assert (nc.status, nc.reviewed_by) == (N.ACCEPTED, auditor)
    assert ApplicationEvent.objects.filter(application=application).count() >= 4
    with pytest.raises(ValidationError):
        nonconformity_answer(
            nonconformity=nc,
            by=applicant,
            corrective_action="Di nuovo",
            corrective_due_date=_tomorrow(),
        )


def test_a_rejected_answer_can_be_answered_again(application, auditor, applicant):
    nc = _raise(application, auditor)
    nonconformity_answer(
        nonconformity=nc,
        by=applicant,
        corrective_action="Nuovi orari",
        corrective_due_date=_tomorrow(),
    )
    with pytest.raises(ValidationError, match="respinta"):
        nonconformity_review(nonconformity=nc, by=auditor, accept=False, note="")
    nc = nonconformity_review(nonconformity=nc, by=auditor, accept=False, note="Troppo vago")
    assert nc.status == N.REJECTED
    nc = nonconformity_answer(
        nonconformity=nc,
        by=applicant,
        corrective_action="Piano dettagliato",
        corrective_due_date=_tomorrow(),
    )
    assert nc.status == N.ANSWERED


def test_only_the_firm_answers_and_not_in_the_past(application, auditor, applicant, applicant_b):
    nc = _raise(application, auditor)
    with pytest.raises(PermissionDenied):
        nonconformity_answer(
            nonconformity=nc, by=applicant_b, corrective_action="x", corrective_due_date=_tomorrow()
        )
    with pytest.raises(ValidationError, match="passato"):
        nonconformity_answer(
            nonconformity=nc,
            by=applicant,
            corrective_action="x",
            corrective_due_date=timezone.localdate() - datetime.timedelta(days=1),
        )
    nc.refresh_from_db()
    assert nc.status == N.OPEN and nc.answered_by is None


def test_only_an_assigned_auditor_reviews(application, auditor, applicant, committee):
    nc = _raise(application, auditor)
    with pytest.raises(ValidationError):
        nonconformity_review(nonconformity=nc, by=auditor, accept=True)
    nonconformity_answer(
        nonconformity=nc, by=applicant, corrective_action="x", corrective_due_date=_tomorrow()
    )
    for wrong in (applicant, committee):
        with pytest.raises(PermissionDenied):
            nonconformity_review(nonconformity=nc, by=wrong, accept=True)
    nc.refresh_from_db()
    assert nc.status == N.ANSWERED


# --- pages ---------------------------------------------------------------------------------


def _auditor_url(application):
    return reverse("certification:nonconformities_auditor", args=[application.pk])


def _applicant_url(application):
    return reverse("certification:nonconformities_applicant", args=[application.pk])


def test_visitors_are_sent_to_the_login(client, application):
    for url in (_auditor_url(application), _applicant_url(application)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_the_auditor_page_is_only_for_assigned_auditors(client, application, applicant, committee):
    stranger = UserFactory(email="estraneo@oic.example", role="auditor")
    for user in (stranger, applicant, committee):
        client.force_login(user)
        assert client.get(_auditor_url(application)).status_code == 404


def test_the_auditor_page_offers_only_items_below_full_marks(
    client, application, auditor, django_assert_max_num_queries
):
    _raise(application, auditor)
    client.force_login(auditor)
    with django_assert_max_num_queries(20):
        response = client.get(_auditor_url(application))
    assert response.status_code == 200
    options = [str(choice[1]) for choice in response.context["raise_form"].fields["item"].choices]
    assert any(o.startswith("A.1") for o in options)
    assert any(o.startswith("A.2") for o in options)
    assert not any(o.startswith("B.1") for o in options)
    assert "Orari non rispettati" in response.content.decode()


def test_the_auditor_raises_through_the_page(client, application, auditor):
    client.force_login(auditor)
    item = items(application)["A.1"]
    response = client.post(
        _auditor_url(application),
        {"item": item.pk, "severity": "maggiore", "description": "Chiamate alle 21"},
    )
    assert response.status_code == 302
    assert Nonconformity.objects.get().item == item


@pytest.mark.parametrize(
    "code, severity, description, message",
    [
        ("A.1", "minore", "Chiamate alle 21", "deve essere maggiore"),
        ("B.1", "maggiore", "Chiamate alle 21", "Scegli una voce sotto il punteggio pieno"),
        ("A.2", "minore", "", "Descrivi la non conformità"),
        ("A.2", "gravissima", "x", "Scegli «minore» o «maggiore»"),
    ],
)
def test_bad_input_on_the_auditor_page_writes_nothing(
    client, application, auditor, code, severity, description, message
):
    client.force_login(auditor)
    response = client.post(
        _auditor_url(application),
        {"item": items(application)[code].pk, "severity": severity, "description": description},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Nonconformity.objects.exists()


def test_the_auditor_reviews_through_the_page(client, application, auditor, applicant):
    nc = _raise(application, auditor)
    nonconformity_answer(
        nonconformity=nc,
        by=applicant,
        corrective_action="Nuovi orari",
        corrective_due_date=_tomorrow(),
    )
    client.force_login(auditor)
    url = reverse("certification:nonconformity_review", args=[application.pk, nc.pk])
    response = client.post(url, {f"nc{nc.pk}-verdict": "respingi", f"nc{nc.pk}-note": ""})
    assert response.status_code == 200
    assert "Spiega perché la risposta è respinta" in response.content.decode()
    nc.refresh_from_db()
    assert nc.status == N.ANSWERED
    response = client.post(url, {f"nc{nc.pk}-verdict": "accetta"})
    assert response.status_code == 302
    nc.refresh_from_db()
    assert nc.status == N.ACCEPTED


def test_only_an_assigned_auditor_reviews_through_the_page(
    client, application, auditor, applicant, committee
):
    nc = _raise(application, auditor)
    nonconformity_answer(
        nonconformity=nc, by=applicant, corrective_action="x", corrective_due_date=_tomorrow()
    )
    url = reverse("certification:nonconformity_review", args=[application.pk, nc.pk])
    stranger = UserFactory(email="estraneo@oic.example", role="auditor")
    for user in (stranger, applicant, committee):
        client.force_login(user)
        assert client.post(url, {f"nc{nc.pk}-verdict": "accetta"}).status_code == 404
    nc.refresh_from_db()
    assert nc.status == N.ANSWERED


def test_the_applicant_page_is_only_for_the_firm(client, application, auditor, applicant_b):
    nc = _raise(application, auditor)
    client.force_login(applicant_b)
    assert client.get(_applicant_url(application)).status_code == 404
    answer_url = reverse("certification:nonconformity_answer", args=[application.pk, nc.pk])
    response = client.post(
        answer_url,
        {f"nc{nc.pk}-corrective_action": "x", f"nc{nc.pk}-corrective_due_date": "2099-01-01"},
    )
    assert response.status_code == 404
    client.force_login(auditor)
    assert client.get(_applicant_url(application)).status_code == 403
    nc.refresh_from_db()
    assert nc.status == N.OPEN


def test_the_applicant_answers_through_the_page(client, application, auditor, applicant):
    nc = _raise(application, auditor)
    client.force_login(applicant)
    response = client.get(_applicant_url(application))
    assert response.status_code == 200
    assert "Orari non rispettati" in response.content.decode()
    answer_url = reverse("certification:nonconformity_answer", args=[application.pk, nc.pk])
    response = client.post(
        answer_url,
        {f"nc{nc.pk}-corrective_action": "", f"nc{nc.pk}-corrective_due_date": "2000-01-01"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Descrivi l&#x27;azione correttiva" in body or "Descrivi l'azione correttiva" in body
    assert "nel passato" in body
    nc.refresh_from_db()
    assert nc.status == N.OPEN
    response = client.post(
        answer_url,
        {
            f"nc{nc.pk}-corrective_action": "Nuovi orari",
            f"nc{nc.pk}-corrective_due_date": _tomorrow().isoformat(),
        },
    )
    assert response.status_code == 302
    nc.refresh_from_db()
    assert (nc.status, nc.corrective_action) == (N.ANSWERED, "Nuovi orari")


# --- in a real browser ---------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_nonconformity_is_raised_answered_and_accepted_in_the_browser(
    page, live_server, axe, login_as, firm_a, applicant, committee, auditor
):
    application = application_in_evaluation(
        firm=firm_a, applicant=applicant, committee=committee, lead=auditor
    )
    login_as(auditor)
    page.goto(live_server.url + _auditor_url(application))
    axe(page)
    page.get_by_label("Voce della lista di controllo").select_option(
        str(items(application)["A.2"].pk)
    )
    page.get_by_label("Gravità").select_option("minore")
    page.get_by_label("Descrizione").fill("Orari non rispettati")
    page.get_by_role("button", name="Solleva la non conformità").click()
    page.get_by_text("Non conformità sollevata.").wait_for()
    axe(page)

    page.context.clear_cookies()
    login_as(applicant)
    page.goto(live_server.url + _applicant_url(application))
    axe(page)
    page.get_by_label("Azione correttiva").fill("Nuovi orari")
    page.get_by_label("Entro il").fill(_tomorrow().isoformat())
    page.get_by_role("button", name="Invia la risposta (A.2)").click()
    page.get_by_text("Risposta inviata all'auditor.").wait_for()

    page.context.clear_cookies()
    login_as(auditor)
    page.goto(live_server.url + _auditor_url(application))
    page.get_by_text("Accetta la risposta", exact=True).click()
    page.get_by_role("button", name="Registra la valutazione (A.2)").click()
    page.get_by_text("Risposta accettata.").wait_for()
    axe(page)
    assert Nonconformity.objects.get().status == N.ACCEPTED

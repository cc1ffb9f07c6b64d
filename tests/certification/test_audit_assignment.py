"""The committee assigns a lead auditor and optionally a second one; the auditors hear about it
by e-mail. Nobody else may assign, and a refused assignment writes nothing."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, ApplicationEvent, Audit
from certification.services.audits import audit_assign
from tests.certification.application_helpers import (
    LEAD_AUDITOR_EMAIL,
    application_in,
    current_version,  # noqa: F401
)
from tests.factories import UserFactory

S = Application.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_version", "private_root")]


@pytest.fixture
def auditor_b(db):
    return UserFactory(email="bea.auditor@oic.example", first_name="Beatrice", role="auditor")


@pytest.fixture
def submitted(applicant, committee):
    return application_in(S.SUBMITTED, applicant=applicant, committee=committee)


def _url(application):
    return reverse("certification:audit_assign", args=[application.pk])


def _in_a_month() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=30)


def _post(client, application, **data):
    payload = {"lead": "", "second": "", "due_date": _in_a_month().isoformat()}
    payload.update({k: ("" if v is None else str(v)) for k, v in data.items()})
    return client.post(_url(application), payload)


def _events(application) -> int:
    return ApplicationEvent.objects.filter(application=application).count()


# --- the happy path --------------------------------------------------------------------------


def test_the_committee_assigns_a_lead_and_a_second_auditor(
    client,
    committee,
    auditor,
    auditor_b,
    submitted,
    mailoutbox,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.SITE_URL = "https://bollinoblu.example"
    client.force_login(committee)
    due = _in_a_month()

    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            client, submitted, lead=auditor.pk, second=auditor_b.pk, due_date=due.isoformat()
        )

    assert response.status_code == 302
    assert response["Location"] == reverse("certification:manage_application", args=[submitted.pk])
    audits = {a.role: a for a in Audit.objects.filter(application=submitted)}
    assert set(audits) == {Audit.Role.LEAD, Audit.Role.SECOND}
    assert audits[Audit.Role.LEAD].auditor == auditor
    assert audits[Audit.Role.SECOND].auditor == auditor_b
    assert all(a.due_date == due and a.assigned_by == committee for a in audits.values())
    assert all(a.status == Audit.Status.IN_PROGRESS for a in audits.values())

    event = ApplicationEvent.objects.filter(application=submitted).latest("id")
    assert event.actor == committee
    assert event.from_status == event.to_status == S.SUBMITTED
    assert "Auditor assegnati" in event.note
    assert auditor.email in event.note and auditor_b.email in event.note

    assert sorted(m.to[0] for m in mailoutbox) == sorted([auditor.email, auditor_b.email])
    link = f"https://bollinoblu.example/audit/{submitted.pk}/"
    for mail in mailoutbox:
        assert f"domanda n. {submitted.pk}" in mail.subject
        assert link in mail.body
        assert "Contact Uno S.r.l." in mail.body
        assert due.strftime("%d/%m/%Y") in mail.body
    by_address = {m.to[0]: m.body for m in mailoutbox}
    assert "auditor capofila" in by_address[auditor.email]
    assert "secondo auditor" in by_address[auditor_b.email]


def test_a_lead_alone_is_enough(client, committee, auditor, submitted):
    client.force_login(committee)

    response = _post(client, submitted, lead=auditor.pk)

    assert response.status_code == 302
    assert list(Audit.objects.filter(application=submitted).values_list("auditor", "role")) == [
        (auditor.pk, Audit.Role.LEAD)
    ]


@pytest.mark.parametrize("status", [S.UNDER_REVIEW, S.INFO_REQUESTED])
def test_auditors_can_be_assigned_during_the_review(client, committee, applicant, auditor, status):
    application = application_in(status, applicant=applicant, committee=committee)
    client.force_login(committee)

    response = _post(client, application, lead=auditor.pk)

    assert response.status_code == 302
    assert Audit.objects.filter(application=application, auditor=auditor).exists()


def test_the_page_lists_the_active_auditors_and_offers_the_form(
    client, committee, auditor, auditor_b, applicant, submitted
):
    UserFactory(email="ex.auditor@oic.example", role="auditor", is_active=False)
    client.force_login(committee)

    response = client.get(_url(submitted))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Nessun auditor assegnato." in page
    assert f'<option value="{auditor.pk}"' in page
    assert f'<option value="{auditor_b.pk}"' in page
    assert "ex.auditor@oic.example" not in page
    assert applicant.email not in page
    assert committee.email not in page
    assert 'type="date"' in page
    assert f'min="{timezone.localdate().isoformat()}"' in page


def test_the_page_shows_the_current_assignment(client, committee, auditor, auditor_b, submitted):
    due = _in_a_month()
    audit_assign(application=submitted, by=committee, lead=auditor, second=auditor_b, due_date=due)
    client.force_login(committee)

    page = client.get(_url(submitted)).content.decode()

    assert "Assegnazione attuale" in page
    assert "Cambia l'assegnazione" in page
    assert auditor.email in page and auditor_b.email in page
    assert due.strftime("%d/%m/%Y") in page
    assert f'<option value="{auditor.pk}" selected>' in page
    assert f'value="{due.isoformat()}"' in page


def test_reassigning_before_any_audit_is_completed_replaces_the_auditors(
    client, committee, auditor, auditor_b, submitted
):
    audit_assign(application=submitted, by=committee, lead=auditor, second=auditor_b)
    client.force_login(committee)

    response = _post(client, submitted, lead=auditor_b.pk)

    assert response.status_code == 302
    assert list(Audit.objects.filter(application=submitted).values_list("auditor", "role")) == [
        (auditor_b.pk, Audit.Role.LEAD)
    ]


# --- refusals: nothing written ----------------------------------------------------------------


def _assert_nothing_written(application, events_before):
    # application_in() gives an application past review its own lead auditor: only that one.
    assert (
        not Audit.objects.filter(application=application)
        .exclude(auditor__email=LEAD_AUDITOR_EMAIL)
        .exists()
    )
    assert _events(application) == events_before


@pytest.mark.parametrize("who", ["applicant", "committee", "inactive auditor"])
def test_it_refuses_someone_who_is_not_an_active_auditor(
    client, committee, applicant, auditor, submitted, who
):
    person = {
        "applicant": applicant,
        "committee": committee,
        "inactive auditor": UserFactory(
            email="ex.auditor@oic.example", role="auditor", is_active=False
        ),
    }[who]
    before = _events(submitted)
    client.force_login(committee)

    as_lead = _post(client, submitted, lead=person.pk)
    as_second = _post(client, submitted, lead=auditor.pk, second=person.pk)

    for response in (as_lead, as_second):
        assert response.status_code == 200
        assert "Scegli un auditor attivo dall&#x27;elenco." in response.content.decode()
    _assert_nothing_written(submitted, before)


def test_it_refuses_the_same_person_as_lead_and_second(client, committee, auditor, submitted):
    before = _events(submitted)
    client.force_login(committee)

    response = _post(client, submitted, lead=auditor.pk, second=auditor.pk)

    assert response.status_code == 200
    assert "Il secondo auditor deve essere una persona diversa." in response.content.decode()
    _assert_nothing_written(submitted, before)


def test_it_refuses_a_missing_lead_or_due_date(client, committee, submitted):
    before = _events(submitted)
    client.force_login(committee)

    response = _post(client, submitted, due_date="")

    assert response.status_code == 200
    page = response.content.decode()
    assert "Scegli l&#x27;auditor capofila." in page
    assert "Indica la data entro cui l&#x27;audit va concluso." in page
    _assert_nothing_written(submitted, before)


@pytest.mark.parametrize("due", ["yesterday", "not a date"])
def test_it_refuses_a_due_date_in_the_past_or_not_a_date(
    client, committee, auditor, submitted, due
):
    value = (
        (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
        if due == "yesterday"
        else "31/02/2026"
    )
    before = _events(submitted)
    client.force_login(committee)

    response = _post(client, submitted, lead=auditor.pk, due_date=value)

    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "La scadenza non può essere nel passato." in page
        if due == "yesterday"
        else "Indica una data valida" in page
    )
    _assert_nothing_written(submitted, before)


@pytest.mark.parametrize("status", [S.DRAFT, S.IN_EVALUATION, S.APPROVED])
def test_it_refuses_an_application_not_waiting_for_auditors(
    client, committee, applicant, auditor, status, mailoutbox, django_capture_on_commit_callbacks
):
    application = application_in(status, applicant=applicant, committee=committee)
    before = _events(application)
    client.force_login(committee)

    shown = client.get(_url(application))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, application, lead=auditor.pk)

    assert shown.status_code == 200
    assert "Assegna gli auditor</button>" not in shown.content.decode()
    assert response.status_code == 200
    assert "Gli auditor si assegnano prima della valutazione" in response.content.decode()
    _assert_nothing_written(application, before)
    assert mailoutbox == []


def test_it_refuses_to_reassign_once_an_audit_is_completed(
    client, committee, auditor, auditor_b, submitted
):
    audit_assign(application=submitted, by=committee, lead=auditor, second=auditor_b)
    Audit.objects.filter(application=submitted, role=Audit.Role.SECOND).update(
        status=Audit.Status.COMPLETED, completed_at=timezone.now()
    )
    before = _events(submitted)
    client.force_login(committee)

    shown = client.get(_url(submitted)).content.decode()
    response = _post(client, submitted, lead=auditor_b.pk)

    assert "Un audit è già completato" in shown
    assert response.status_code == 200
    assert "Un audit è già completato" in response.content.decode()
    assert set(Audit.objects.filter(application=submitted).values_list("auditor", "role")) == {
        (auditor.pk, Audit.Role.LEAD),
        (auditor_b.pk, Audit.Role.SECOND),
    }
    assert _events(submitted) == before


@pytest.mark.parametrize("who", ["auditor", "applicant", "association_member", "admin_user"])
def test_only_the_committee_assigns_auditors(client, request, auditor, submitted, who):
    before = _events(submitted)
    client.force_login(request.getfixturevalue(who))

    shown = client.get(_url(submitted))
    response = _post(client, submitted, lead=auditor.pk)

    assert shown.status_code == 403
    assert response.status_code == 403
    _assert_nothing_written(submitted, before)


def test_a_visitor_is_sent_to_the_login_page(client, auditor, submitted):
    response = _post(client, submitted, lead=auditor.pk)

    assert response.status_code == 302
    assert "next=" in response["Location"]
    assert not Audit.objects.filter(application=submitted).exists()


def test_an_unknown_application_is_not_found(client, committee):
    client.force_login(committee)

    response = client.get(reverse("certification:audit_assign", args=[999999]))

    assert response.status_code == 404


def test_the_wrong_method_is_refused(client, committee, submitted):
    client.force_login(committee)

    response = client.put(_url(submitted))

    assert response.status_code == 405

"""E-mails about an application: sent by a Celery task once the transition has committed."""

import pytest
from django.urls import reverse

from certification.models import Application, ApplicationEvent, User
from certification.services import applications as services
from certification.tasks import notify_application_event
from tests.certification.application_helpers import (
    application_in,
    complete,
    current_version,  # noqa: F401
    new_application,
)
from tests.factories import UserFactory

S = Application.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_version", "private_root")]


@pytest.fixture
def oic_address(settings):
    settings.OIC_NOTIFICATION_EMAIL = "bollinoblu@oic.example"
    settings.SITE_URL = "https://bollinoblu.example"
    return settings.OIC_NOTIFICATION_EMAIL


def _committee():
    """Every active committee member (the cast's Carla and whoever published the code)."""
    return set(
        User.objects.filter(role=User.Role.COMMITTEE, is_active=True).values_list(
            "email", flat=True
        )
    )


def _by_address(mailoutbox):
    found = {}
    for message in mailoutbox:
        for address in message.to:
            found.setdefault(address, []).append(message)
    return found


def test_a_submitted_application_reaches_oic_and_the_organization(
    client,
    applicant,
    applicant_b,
    committee,
    firm_a,
    oic_address,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    colleague = UserFactory(email="carlo@contactuno.example", organization=firm_a)
    UserFactory(email="ex@oic.example", role="comitato", is_active=False)
    application = complete(new_application(applicant), applicant)
    client.force_login(applicant)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certification:application_submit", args=[application.pk]))

    assert response.status_code == 302
    received = _by_address(mailoutbox)
    assert committee.email in _committee()
    assert "ex@oic.example" not in _committee()
    assert set(received) == _committee() | {oic_address, applicant.email, colleague.email}
    assert all(len(messages) == 1 for messages in received.values())
    to_oic = received[oic_address][0]
    assert to_oic.subject == "Nuova domanda di Bollino Blu: Contact Uno S.r.l."
    manage_url = reverse("certification:manage_application", args=[application.pk])
    assert f"https://bollinoblu.example{manage_url}" in to_oic.body
    assert "01234560157" in to_oic.body
    assert "da «Bozza» a «Inviata»" in to_oic.body
    assert received[committee.email][0].body == to_oic.body
    to_firm = received[applicant.email][0]
    assert to_firm.subject == "Bollino Blu – Contact Uno S.r.l.: domanda Inviata"
    page_url = reverse("certification:application", args=[application.pk])
    assert f"https://bollinoblu.example{page_url}" in to_firm.body
    assert manage_url not in to_firm.body
    assert applicant_b.email not in received


def test_without_an_oic_mailbox_the_committee_still_hears(
    applicant, committee, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.OIC_NOTIFICATION_EMAIL = ""
    application = complete(new_application(applicant), applicant)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_submit(application=application, by=applicant)

    assert set(_by_address(mailoutbox)) == _committee() | {applicant.email}


def test_a_request_for_information_reaches_only_the_organization_with_the_note(
    applicant, committee, oic_address, mailoutbox, django_capture_on_commit_callbacks
):
    application = application_in(S.UNDER_REVIEW, applicant=applicant, committee=committee)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(
            application=application,
            to=S.INFO_REQUESTED,
            by=committee,
            note="Caricate la visura aggiornata.",
        )

    received = _by_address(mailoutbox)
    assert set(received) == {applicant.email}
    assert "Caricate la visura aggiornata." in received[applicant.email][0].body
    assert "Integrazione richiesta" in received[applicant.email][0].subject


@pytest.mark.parametrize(
    ("status", "to"),
    [(S.INFO_REQUESTED, S.UNDER_REVIEW), (S.SUBMITTED, S.WITHDRAWN), (S.DRAFT, S.WITHDRAWN)],
)
def test_integrations_and_withdrawals_reach_oic_too(
    status,
    to,
    applicant,
    committee,
    oic_address,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    application = application_in(status, applicant=applicant, committee=committee)

    with django_capture_on_commit_callbacks(execute=True):
        services.application_transition(application=application, to=to, by=applicant)

    assert set(_by_address(mailoutbox)) == _committee() | {oic_address, applicant.email}


def test_no_mail_is_queued_for_a_refused_transition(
    applicant, committee, mailoutbox, django_capture_on_commit_callbacks
):
    application = new_application(applicant)

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(services.IncompleteApplication),
    ):
        services.application_submit(application=application, by=applicant)

    assert callbacks == []
    assert mailoutbox == []


def test_no_mail_before_the_transaction_commits(
    applicant, committee, mailoutbox, django_capture_on_commit_callbacks
):
    application = complete(new_application(applicant), applicant)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(application=application, by=applicant)

    assert len(callbacks) == 1
    assert mailoutbox == []


def test_opening_an_application_sends_nothing(
    applicant, committee, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new_application(applicant)

    assert mailoutbox == []


def test_the_task_ignores_an_event_that_does_not_exist(mailoutbox):
    notify_application_event(999999)

    assert mailoutbox == []


def test_the_task_sends_the_mails_of_an_event(applicant, committee, oic_address, mailoutbox):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    event = ApplicationEvent.objects.get(application=application, to_status=S.SUBMITTED)

    notify_application_event(event.pk)

    assert set(_by_address(mailoutbox)) == _committee() | {oic_address, applicant.email}

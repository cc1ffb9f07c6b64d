"""The auditor's pages: the queue of assigned applications, the read-only view of one of them
with the state changes an auditor may make, and the evidence files. An auditor sees only the
applications assigned to them; nobody else uses these pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from certification.models import (
    Application,
    ApplicationEvent,
    Audit,
    AuditScore,
    ChecklistItem,
    EvidenceFile,
)
from certification.services import applications as services
from certification.services.audits import audit_assign
from tests.certification.application_helpers import (
    PDF,
    application_in,
    complete_lead_audit,
    current_version,  # noqa: F401
)
from tests.factories import ApplicationFactory, UserFactory

S = Application.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_version", "private_root")]


@pytest.fixture
def auditor_b(db):
    return UserFactory(email="bea.auditor@oic.example", first_name="Beatrice", role="auditor")


@pytest.fixture
def outsider(db):
    """An auditor who is not assigned to the applications of these tests."""
    return UserFactory(email="ottavio.auditor@oic.example", first_name="Ottavio", role="auditor")


def _in(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _assigned(status, *, applicant, committee, lead, second=None, due=None) -> Application:
    """An application brought to `status`, with auditors assigned while it was under review."""
    before = status if status in (S.SUBMITTED, S.UNDER_REVIEW) else S.UNDER_REVIEW
    application = application_in(before, applicant=applicant, committee=committee)
    audit_assign(
        application=application, by=committee, lead=lead, second=second, due_date=due or _in(30)
    )
    if status in (S.IN_EVALUATION, S.EVALUATED):
        services.application_transition(application=application, to=S.IN_EVALUATION, by=committee)
    if status == S.EVALUATED:
        # Only the lead, with a completed audit, declares the evaluation over.
        services.application_transition(
            application=application, to=S.EVALUATED, by=complete_lead_audit(application)
        )
    application.refresh_from_db()
    assert application.status == status
    return application


def _queue():
    return reverse("certification:auditor_queue")


def _page(application):
    return reverse("certification:auditor_application", args=[application.pk])


def _move(application):
    return reverse("certification:auditor_transition", args=[application.pk])


def _status(application) -> str:
    return Application.objects.values_list("status", flat=True).get(pk=application.pk)


def _events(application) -> int:
    return ApplicationEvent.objects.filter(application=application).count()


# --- the queue -------------------------------------------------------------------------------


def test_the_queue_shows_only_my_applications(
    client, committee, applicant, applicant_b, auditor, auditor_b
):
    mine = _assigned(
        S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor, due=_in(10)
    )
    theirs = _assigned(S.SUBMITTED, applicant=applicant_b, committee=committee, lead=auditor_b)
    client.force_login(auditor)

    response = client.get(_queue())

    assert response.status_code == 200
    page = response.content.decode()
    assert f'href="{_page(mine)}"' in page
    assert "Contact Uno S.r.l." in page
    assert f'href="{_page(theirs)}"' not in page
    assert "Chiamate Due S.p.A." not in page
    assert "Auditor capofila" in page
    assert _in(10).strftime("%d/%m/%Y") in page
    assert "Inviata" in page and "In corso" in page
    assert "scaduta" not in page


def test_the_queue_shows_my_role_progress_and_overdue_audits(
    client, committee, applicant, applicant_b, auditor, auditor_b
):
    late = _assigned(
        S.IN_EVALUATION,
        applicant=applicant,
        committee=committee,
        lead=auditor_b,
        second=auditor,
        due=_in(1),
    )
    Audit.objects.filter(application=late).update(due_date=_in(-3))
    items = list(ChecklistItem.objects.filter(version_id=late.code_version_id).order_by("id"))
    mine = Audit.objects.get(application=late, auditor=auditor)
    lead = Audit.objects.get(application=late, auditor=auditor_b)
    for item in items[:2]:
        AuditScore.objects.create(audit=mine, item=item, points=2)
    for item in items:  # the lead's scores are not mine
        AuditScore.objects.create(audit=lead, item=item, points=1)
    client.force_login(auditor)

    page = client.get(_queue()).content.decode()

    assert "Secondo auditor" in page
    assert f"2 su {len(items)}" in page
    assert f"{len(items)} su {len(items)}" not in page
    assert _in(-3).strftime("%d/%m/%Y") in page
    assert "scaduta" in page
    assert 'class="table-warning"' in page


def test_an_auditor_without_assignments_sees_an_empty_queue(client, outsider):
    client.force_login(outsider)

    response = client.get(_queue())

    assert response.status_code == 200
    assert "Non hai domande assegnate." in response.content.decode()


def _assign_directly(auditor, committee, count):
    for _n in range(count):
        Audit.objects.create(
            application=ApplicationFactory(),
            auditor=auditor,
            role=Audit.Role.LEAD,
            assigned_by=committee,
            due_date=_in(5),
        )


def test_the_queue_needs_the_same_queries_for_1_and_10_applications(
    client, committee, auditor, auditor_b, django_assert_num_queries
):
    _assign_directly(auditor, committee, 1)
    _assign_directly(auditor_b, committee, 10)
    client.force_login(auditor)
    with CaptureQueriesContext(connection) as one:
        assert client.get(_queue()).status_code == 200
    client.force_login(auditor_b)

    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(_queue())

    assert response.status_code == 200
    assert response.content.decode().count("Domanda n.") == 10


@pytest.mark.parametrize("who", ["committee", "applicant", "association_member", "admin_user"])
def test_only_auditors_have_a_queue(client, request, who):
    client.force_login(request.getfixturevalue(who))

    response = client.get(_queue())

    assert response.status_code == 403


def test_a_visitor_is_sent_to_log_in_for_the_queue(client):
    response = client.get(_queue())

    assert response.status_code == 302
    assert "next=" in response["Location"]


# --- the application, read only ---------------------------------------------------------------


def test_the_assigned_auditor_sees_the_whole_application(
    client, committee, applicant, auditor, auditor_b
):
    application = _assigned(
        S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor, second=auditor_b
    )
    evidence = EvidenceFile.objects.filter(application=application, item__isnull=False).first()
    document = EvidenceFile.objects.filter(application=application, item__isnull=True).first()
    number = application.organization.calling_numbers.active().get()
    client.force_login(auditor)

    response = client.get(_page(application))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Contact Uno S.r.l." in page
    assert "01234560157" in page
    assert "A.1" in page and "B.1" in page
    assert "Conforme" in page
    download = reverse("certification:evidence_download", args=[application.pk, evidence.pk])
    assert f'href="{download}"' in page
    download = reverse("certification:evidence_download", args=[application.pk, document.pk])
    assert f'href="{download}"' in page
    assert number.number in page
    assert "DPR 445" in page or "veridicità" in page.lower()
    assert "Auditor assegnati" in page  # the history's note of the assignment
    assert "Beatrice" in page
    assert f'action="{_move(application)}"' in page
    assert 'value="in_istruttoria"' in page


def test_the_scoring_page_is_linked_once_it_exists(client, committee, applicant, auditor):
    application = _assigned(S.IN_EVALUATION, applicant=applicant, committee=committee, lead=auditor)
    try:
        scoring = reverse("certification:audit_scoring", args=[application.pk])
    except NoReverseMatch:
        scoring = None
    client.force_login(auditor)

    page = client.get(_page(application)).content.decode()

    if scoring is None:
        assert "Apri la pagina dei punteggi" not in page
    else:
        assert f'href="{scoring}"' in page


def test_an_unassigned_auditor_does_not_find_the_application(
    client, committee, applicant, auditor, outsider
):
    application = _assigned(S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor)
    before = _events(application)
    client.force_login(outsider)

    shown = client.get(_page(application))
    moved = client.post(_move(application), {"to": S.UNDER_REVIEW, "note": ""})

    assert shown.status_code == 404
    assert moved.status_code == 404
    assert _status(application) == S.SUBMITTED
    assert _events(application) == before


def test_an_auditor_does_not_find_an_unknown_application(client, auditor):
    client.force_login(auditor)

    assert client.get(reverse("certification:auditor_application", args=[999999])).status_code == (
        404
    )


@pytest.mark.parametrize("who", ["committee", "applicant", "association_member"])
def test_the_auditor_pages_are_for_auditors_only(
    client, request, committee, applicant, auditor, who
):
    application = _assigned(S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor)
    client.force_login(request.getfixturevalue(who))

    shown = client.get(_page(application))
    moved = client.post(_move(application), {"to": S.UNDER_REVIEW, "note": ""})

    assert shown.status_code == 403
    assert moved.status_code == 403
    assert _status(application) == S.SUBMITTED


def test_the_wrong_methods_are_refused(client, committee, applicant, auditor):
    application = _assigned(S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor)
    client.force_login(auditor)

    assert client.post(_page(application)).status_code == 405
    assert client.get(_move(application)).status_code == 405
    assert _status(application) == S.SUBMITTED


# --- the auditor's state changes ---------------------------------------------------------------


def test_the_assigned_auditor_takes_the_application_under_review(
    client, committee, applicant, auditor, auditor_b
):
    application = _assigned(
        S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor, second=auditor_b
    )
    client.force_login(auditor_b)  # the second auditor may do it too

    response = client.post(_move(application), {"to": S.UNDER_REVIEW, "note": "Inizio."})

    assert response.status_code == 302
    assert response["Location"] == _page(application)
    assert _status(application) == S.UNDER_REVIEW
    event = ApplicationEvent.objects.filter(application=application).latest("id")
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        auditor_b,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        "Inizio.",
    )


def test_asking_for_information_needs_a_note(client, committee, applicant, auditor):
    application = _assigned(S.UNDER_REVIEW, applicant=applicant, committee=committee, lead=auditor)
    before = _events(application)
    client.force_login(auditor)

    refused = client.post(_move(application), {"to": S.INFO_REQUESTED, "note": "  "})

    assert refused.status_code == 200
    assert "Scrivi una nota per il richiedente" in refused.content.decode()
    assert _status(application) == S.UNDER_REVIEW
    assert _events(application) == before

    accepted = client.post(
        _move(application), {"to": S.INFO_REQUESTED, "note": "Manca il registro formazione."}
    )

    assert accepted.status_code == 302
    assert _status(application) == S.INFO_REQUESTED
    assert (
        ApplicationEvent.objects.filter(application=application).latest("id").note
        == "Manca il registro formazione."
    )


def test_an_auditor_cannot_approve_an_application_under_review(
    client, committee, applicant, auditor
):
    application = _assigned(S.UNDER_REVIEW, applicant=applicant, committee=committee, lead=auditor)
    before = _events(application)
    client.force_login(auditor)

    response = client.post(_move(application), {"to": S.APPROVED, "note": ""})

    assert response.status_code == 200
    assert "non può passare a «Approvata»" in response.content.decode()
    assert _status(application) == S.UNDER_REVIEW
    assert _events(application) == before


def test_an_auditor_cannot_approve_an_evaluated_application(client, committee, applicant, auditor):
    application = _assigned(S.EVALUATED, applicant=applicant, committee=committee, lead=auditor)
    before = _events(application)
    client.force_login(auditor)

    shown = client.get(_page(application)).content.decode()
    response = client.post(_move(application), {"to": S.APPROVED, "note": ""})

    assert 'value="approvata"' not in shown
    assert response.status_code == 200
    assert "Non puoi eseguire questo passaggio." in response.content.decode()
    assert _status(application) == S.EVALUATED
    assert _events(application) == before


def test_an_unknown_state_is_refused_with_a_message(client, committee, applicant, auditor):
    application = _assigned(S.UNDER_REVIEW, applicant=applicant, committee=committee, lead=auditor)
    client.force_login(auditor)

    response = client.post(_move(application), {"to": "sigillata", "note": ""})

    assert response.status_code == 200
    assert "Passaggio di stato non valido." in response.content.decode()
    assert _status(application) == S.UNDER_REVIEW


def test_only_the_lead_starts_the_evaluation(client, committee, applicant, auditor, auditor_b):
    application = _assigned(
        S.UNDER_REVIEW, applicant=applicant, committee=committee, lead=auditor, second=auditor_b
    )
    before = _events(application)
    client.force_login(auditor_b)

    second_sees = client.get(_page(application)).content.decode()
    refused = client.post(_move(application), {"to": S.IN_EVALUATION, "note": ""})

    assert 'value="in_valutazione"' not in second_sees
    assert 'value="integrazione_richiesta"' in second_sees
    assert refused.status_code == 200
    assert "Non puoi eseguire questo passaggio." in refused.content.decode()
    assert _status(application) == S.UNDER_REVIEW
    assert _events(application) == before

    client.force_login(auditor)
    lead_sees = client.get(_page(application)).content.decode()
    accepted = client.post(_move(application), {"to": S.IN_EVALUATION, "note": ""})

    assert 'value="in_valutazione"' in lead_sees
    assert accepted.status_code == 302
    assert _status(application) == S.IN_EVALUATION


# --- evidence files ----------------------------------------------------------------------------


def test_the_assigned_auditor_downloads_the_evidence_and_no_other_auditor_does(
    client, committee, applicant, auditor, outsider
):
    application = _assigned(S.SUBMITTED, applicant=applicant, committee=committee, lead=auditor)
    evidence = EvidenceFile.objects.filter(application=application).first()
    url = reverse("certification:evidence_download", args=[application.pk, evidence.pk])

    client.force_login(auditor)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF

    client.force_login(outsider)
    assert client.get(url).status_code == 404

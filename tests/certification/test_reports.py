"""Reports (segnalazioni) as services: filing by an association member or a confirmed visitor,
forwarding with a deadline, the firm's answer, closing, the suspension opened from a founded
report, the visitor's signed link, the erasure of contact data, and the demo reports. Each change
is made only by the right person in the right state, with its history row and its e-mails after
the commit; a refused change writes nothing."""

from __future__ import annotations

import datetime
import time
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from certification import tasks
from certification.demo_reports import load_demo_reports
from certification.models import Report, ReportEvent, Seal, SealEvent
from certification.services import reports as services
from certification.services.organizations import signup_token
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
    report_data,
    sealed,
)
from tests.factories import AssociationFactory, UserFactory

pytestmark = pytest.mark.django_db

St = Report.Status
Out = Report.Outcome


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


def _snapshot(report: Report):
    row = Report.objects.values().get(pk=report.pk)
    return row, ReportEvent.objects.filter(report=report).count()


def _mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


# --- filing --------------------------------------------------------------------------------------


def test_an_association_member_files_a_report_that_records_who_and_for_which_association(
    seal_a, firm_a, association_member, committee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = file(firm_a, member=association_member)
    report.refresh_from_db()
    assert report.status == St.RECEIVED
    assert report.filed_by == association_member
    assert report.association == association_member.association
    assert report.seal == seal_a
    # The consumer's contact data, as the member typed it.
    assert (report.reporter_name, report.reporter_email, report.reporter_phone) == (
        CALLER_NAME,
        CALLER_EMAIL,
        CALLER_PHONE,
    )
    event = ReportEvent.objects.get(report=report)
    assert (event.from_status, event.to_status, event.actor) == (
        "",
        St.RECEIVED,
        association_member,
    )
    # The member gets the follow link; the committee hears of a new report.
    (to_member,) = _mails_to(association_member.email)
    assert f"/segnalazioni/segui/{report.follow_token}/" in to_member.body
    assert _mails_to(committee.email)
    assert _mails_to(django_settings.OIC_NOTIFICATION_EMAIL)
    # The consumer typed by the member is not written to.
    assert not _mails_to(CALLER_EMAIL)


def test_a_visitor_files_with_the_confirmed_address_as_reporter_email(
    seal_a, firm_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = file(firm_a, visitor="Lucia.Bianchi@Example.it")
    assert report.filed_by is None and report.association is None
    assert report.reporter_email == VISITOR
    (message,) = _mails_to(VISITOR)
    assert report.follow_token in message.body


def test_nobody_files_without_a_confirmed_address_or_an_association(seal_a, firm_a, applicant):
    with pytest.raises(PermissionDenied):
        services.report_file(data=report_data(firm_a), by=None, visitor_email="")
    with pytest.raises(PermissionDenied):
        services.report_file(data=report_data(firm_a), by=applicant, visitor_email="")
    assert not Report.objects.exists()


@pytest.mark.parametrize("status", [None, Seal.Status.REVOKED, Seal.Status.EXPIRED])
def test_a_firm_without_a_current_seal_cannot_be_reported(firm_a, association_member, status):
    if status:
        sealed(firm_a, status=status)
    with pytest.raises(ValidationError):
        file(firm_a, member=association_member)
    assert not Report.objects.exists()


def test_a_suspended_firm_can_still_be_reported(firm_a, association_member):
    seal = sealed(firm_a, status=Seal.Status.SUSPENDED)
    assert file(firm_a, member=association_member).seal == seal


def test_no_mail_leaves_before_the_filing_commits(
    seal_a, firm_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file(firm_a)
    assert callbacks
    assert mail.outbox == []


# --- forwarding ----------------------------------------------------------------------------------


def test_the_committee_forwards_with_a_deadline_and_the_firm_hears_without_the_callers_data(
    seal_a, firm_a, applicant, applicant_b, committee, settings, django_capture_on_commit_callbacks
):
    settings.REPORT_ANSWER_DAYS = 10
    report = file(firm_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_forward(report=report, by=committee)
    report.refresh_from_db()
    assert report.status == St.FORWARDED
    assert report.forwarded_at is not None
    assert report.answer_due == timezone.localdate() + datetime.timedelta(days=10)
    event = ReportEvent.objects.filter(report=report).last()
    assert (event.from_status, event.to_status, event.actor) == (
        St.RECEIVED,
        St.FORWARDED,
        committee,
    )
    (to_firm,) = _mails_to(applicant.email)
    assert report.answer_due.strftime("%d/%m/%Y") in to_firm.subject
    assert f"/azienda/segnalazioni/{report.pk}/" in to_firm.body
    for secret in (CALLER_NAME, VISITOR, CALLER_PHONE):
        assert secret not in to_firm.body
    assert not _mails_to(applicant_b.email)
    # The visitor hears that it moved on.
    assert "Inoltrata" in _mails_to(VISITOR)[0].subject


def test_the_default_answer_period_is_15_days():
    assert django_settings.REPORT_ANSWER_DAYS == 15


@pytest.mark.parametrize("who", ["association_member", "applicant", "auditor", "admin_user"])
def test_only_the_committee_forwards(seal_a, firm_a, who, request):
    report = file(firm_a)
    before = _snapshot(report)
    with pytest.raises(PermissionDenied):
        services.report_forward(report=report, by=request.getfixturevalue(who))
    assert _snapshot(report) == before


def test_a_report_is_forwarded_once(seal_a, firm_a, committee):
    report = forwarded(firm_a, committee)
    before = _snapshot(report)
    with pytest.raises(ValidationError):
        services.report_forward(report=report, by=committee)
    assert _snapshot(report) == before


# --- the firm's answer ---------------------------------------------------------------------------


def test_the_firm_answers_and_the_committee_and_the_filer_hear(
    seal_a, firm_a, applicant, committee, association_member, django_capture_on_commit_callbacks
):
    report = forwarded(firm_a, committee, member=association_member)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_answer(
            report=report, by=applicant, answer="  Verificato: numero bloccato. "
        )
    report.refresh_from_db()
    assert report.status == St.ANSWERED
    assert report.answer == "Verificato: numero bloccato."
    assert report.answered_by == applicant and report.answered_at is not None
    assert ReportEvent.objects.filter(report=report).last().to_status == St.ANSWERED
    assert _mails_to(committee.email)
    assert _mails_to(association_member.email)


@pytest.mark.parametrize("who", ["applicant_b", "committee", "association_member", "auditor"])
def test_only_a_member_of_the_reported_firm_answers(seal_a, firm_a, committee, who, request):
    report = forwarded(firm_a, committee)
    before = _snapshot(report)
    with pytest.raises(PermissionDenied):
        services.report_answer(report=report, by=request.getfixturevalue(who), answer="Risposta")
    assert _snapshot(report) == before


def test_the_firm_answers_only_a_forwarded_report_and_not_with_an_empty_text(
    seal_a, firm_a, applicant, committee
):
    received = file(firm_a)
    with pytest.raises(ValidationError):
        services.report_answer(report=received, by=applicant, answer="Risposta")
    report = forwarded(firm_a, committee)
    before = _snapshot(report)
    with pytest.raises(ValidationError):
        services.report_answer(report=report, by=applicant, answer="   ")
    assert _snapshot(report) == before
    services.report_answer(report=report, by=applicant, answer="Prima risposta")
    with pytest.raises(ValidationError):
        services.report_answer(report=report, by=applicant, answer="Seconda risposta")
    report.refresh_from_db()
    assert report.answer == "Prima risposta"


def test_a_late_answer_is_still_accepted_while_the_committee_has_not_closed(
    seal_a, firm_a, applicant, committee
):
    report = past_deadline(forwarded(firm_a, committee))
    services.report_answer(report=report, by=applicant, answer="In ritardo, ma rispondiamo.")
    assert report.status == St.ANSWERED


# --- closing -------------------------------------------------------------------------------------


@pytest.mark.parametrize("outcome", [Out.FOUNDED, Out.UNFOUNDED])
def test_the_committee_closes_an_answered_report_with_a_note(
    seal_a, firm_a, applicant, committee, outcome, django_capture_on_commit_callbacks
):
    report = answered(firm_a, committee, applicant)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_close(report=report, by=committee, outcome=outcome, note="Accertato.")
    report.refresh_from_db()
    assert (report.status, report.outcome, report.closing_note) == (
        St.CLOSED,
        outcome,
        "Accertato.",
    )
    assert report.closed_at is not None
    event = ReportEvent.objects.filter(report=report).last()
    assert (event.from_status, event.to_status, event.note) == (
        St.ANSWERED,
        St.CLOSED,
        "Accertato.",
    )
    assert _mails_to(applicant.email)[-1].subject.endswith(outcome)
    # The visitor learns the outcome, never the committee's note.
    to_visitor = _mails_to(VISITOR)[-1]
    assert "Accertato." not in to_visitor.body


def test_a_forwarded_report_closes_only_after_the_deadline(seal_a, firm_a, committee):
    report = forwarded(firm_a, committee)
    before = _snapshot(report)
    with pytest.raises(ValidationError, match="tempo per rispondere"):
        services.report_close(report=report, by=committee, outcome=Out.FOUNDED, note="Nessuna")
    assert _snapshot(report) == before
    past_deadline(report)
    services.report_close(report=report, by=committee, outcome=Out.FOUNDED, note="Nessuna risposta")
    assert report.status == St.CLOSED


def test_a_received_report_may_be_dismissed_as_unfounded_only_and_the_firm_never_hears(
    seal_a, firm_a, applicant, committee, django_capture_on_commit_callbacks
):
    report = file(firm_a)
    with pytest.raises(ValidationError, match="inoltrala"):
        services.report_close(report=report, by=committee, outcome=Out.FOUNDED, note="Fondata")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_close(report=report, by=committee, outcome=Out.UNFOUNDED, note="Spam")
    assert (report.status, report.outcome) == (St.CLOSED, Out.UNFOUNDED)
    assert not _mails_to(applicant.email)


@pytest.mark.parametrize(
    "outcome, note", [("fondata", ""), ("fondata", "   "), ("", "Nota"), ("forse", "Nota")]
)
def test_closing_needs_a_note_and_a_known_outcome(
    seal_a, firm_a, applicant, committee, outcome, note
):
    report = answered(firm_a, committee, applicant)
    before = _snapshot(report)
    with pytest.raises(ValidationError):
        services.report_close(report=report, by=committee, outcome=outcome, note=note)
    assert _snapshot(report) == before


@pytest.mark.parametrize("who", ["association_member", "applicant", "auditor"])
def test_only_the_committee_closes(seal_a, firm_a, applicant, committee, who, request):
    report = answered(firm_a, committee, applicant)
    before = _snapshot(report)
    with pytest.raises(PermissionDenied):
        services.report_close(
            report=report, by=request.getfixturevalue(who), outcome=Out.FOUNDED, note="x"
        )
    assert _snapshot(report) == before


def test_a_closed_report_stays_closed(seal_a, firm_a, applicant, committee):
    report = closed(firm_a, committee, applicant)
    before = _snapshot(report)
    for change in (
        lambda: services.report_close(report=report, by=committee, outcome=Out.UNFOUNDED, note="x"),
        lambda: services.report_forward(report=report, by=committee),
        lambda: services.report_answer(report=report, by=applicant, answer="x"),
    ):
        with pytest.raises(ValidationError):
            change()
    assert _snapshot(report) == before


def test_the_history_cannot_be_rewritten(seal_a, firm_a, committee):
    report = forwarded(firm_a, committee)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE certification_reportevent SET note = 'x' WHERE report_id = %s", [report.pk]
        )


# --- suspension from a founded report ------------------------------------------------------------


def test_the_committee_suspends_the_seal_from_a_founded_report(
    seal_a, firm_a, applicant, committee
):
    report = closed(firm_a, committee, applicant, outcome=Out.FOUNDED)
    reason = services.suspension_reason(report)
    assert f"Segnalazione n. {report.pk}" in reason
    seal = services.report_open_suspension(report=report, by=committee, reason=reason)
    seal_a.refresh_from_db()
    assert seal_a.status == Seal.Status.SUSPENDED
    assert seal_a.public_reason == Seal.PublicReason.REPORTS
    event = SealEvent.objects.filter(seal=seal_a).last()
    assert (event.to_status, event.public_reason, event.reason) == (
        "sospeso",
        "segnalazioni",
        reason,
    )
    assert seal.number in ReportEvent.objects.filter(report=report).last().note


def test_no_suspension_from_an_unfounded_or_open_report(seal_a, firm_a, applicant, committee):
    for report in (
        closed(firm_a, committee, applicant, outcome=Out.UNFOUNDED),
        answered(firm_a, committee, applicant),
    ):
        with pytest.raises(ValidationError):
            services.report_open_suspension(report=report, by=committee, reason="Motivo")
    seal_a.refresh_from_db()
    assert seal_a.status == Seal.Status.ACTIVE
    assert not SealEvent.objects.filter(seal=seal_a).exists()


def test_no_second_suspension_and_none_by_others(seal_a, firm_a, applicant, committee, auditor):
    report = closed(firm_a, committee, applicant, outcome=Out.FOUNDED)
    with pytest.raises(PermissionDenied):
        services.report_open_suspension(report=report, by=auditor, reason="Motivo")
    services.report_open_suspension(report=report, by=committee, reason="Motivo")
    events = ReportEvent.objects.filter(report=report).count()
    with pytest.raises(ValidationError):
        services.report_open_suspension(report=report, by=committee, reason="Motivo")
    assert SealEvent.objects.filter(seal=seal_a).count() == 1
    assert ReportEvent.objects.filter(report=report).count() == events


def test_a_suspension_needs_a_reason(seal_a, firm_a, applicant, committee):
    report = closed(firm_a, committee, applicant, outcome=Out.FOUNDED)
    with pytest.raises(ValidationError):
        services.report_open_suspension(report=report, by=committee, reason="  ")
    seal_a.refresh_from_db()
    assert seal_a.status == Seal.Status.ACTIVE


# --- the visitor's link --------------------------------------------------------------------------


def test_the_visitor_token_gives_back_the_address():
    assert (
        services.visitor_email(services.visitor_token(" Mario@Example.IT ")) == "mario@example.it"
    )


def test_a_tampered_token_is_refused():
    token = services.visitor_token("mario@example.it")
    value, stamp, signature = token.rsplit(":", 2)
    forged = signing.TimestampSigner(salt="altro").sign_object({"e": "eva@example.it"})
    for bad in (
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        f"{value}x:{stamp}:{signature}",
        forged,
        "nonsense",
        "",
    ):
        with pytest.raises(ValidationError) as exc:
            services.visitor_email(bad)
        assert exc.value.code == "invalid"


def test_another_signed_token_of_the_portal_is_refused(applicant):
    with pytest.raises(ValidationError):
        services.visitor_email(signup_token(applicant))


def test_the_token_expires_after_the_configured_hours(settings):
    settings.REPORT_CONFIRMATION_HOURS = 48
    token = services.visitor_token("mario@example.it")
    later = time.time() + 47 * 3600
    with mock.patch("django.core.signing.time.time", return_value=later):
        assert services.visitor_email(token) == "mario@example.it"
    later = time.time() + 49 * 3600
    with (
        mock.patch("django.core.signing.time.time", return_value=later),
        pytest.raises(ValidationError) as exc,
    ):
        services.visitor_email(token)
    assert exc.value.code == "expired"


# --- deadlines seen by everyone ------------------------------------------------------------------


def test_overdue_means_forwarded_and_past_the_deadline(seal_a, firm_a, applicant, committee):
    on_time = forwarded(firm_a, committee)
    late = past_deadline(forwarded(firm_a, committee))
    answered_late = past_deadline(answered(firm_a, committee, applicant))
    overdue = dict(services.reports_for_committee(committee).values_list("pk", "overdue"))
    assert overdue[on_time.pk] is False
    assert overdue[late.pk] is True
    assert overdue[answered_late.pk] is False


# --- privacy: retention of contact data ----------------------------------------------------------


def _closed_days_ago(report: Report, days: int) -> Report:
    Report.objects.filter(pk=report.pk).update(
        closed_at=timezone.now() - datetime.timedelta(days=days)
    )
    report.refresh_from_db()
    return report


def test_contact_data_is_erased_a_year_after_closing(
    seal_a, firm_a, applicant, committee, association_member, settings
):
    assert django_settings.REPORT_CONTACT_RETENTION_DAYS == 365
    old = _closed_days_ago(closed(firm_a, committee, applicant), 366)
    old_member = _closed_days_ago(
        closed(firm_a, committee, applicant, member=association_member), 400
    )
    recent = _closed_days_ago(closed(firm_a, committee, applicant), 364)
    still_open = answered(firm_a, committee, applicant)
    Report.objects.filter(pk=still_open.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=800)
    )
    now = timezone.now()
    assert services.reports_erase_expired_contacts(now) == 2
    for report in (old, old_member):
        report.refresh_from_db()
        assert (report.reporter_name, report.reporter_email, report.reporter_phone) == ("", "", "")
        assert report.contact_erased_at == now
        # What the report says stays.
        assert report.description and report.answer and report.outcome == Out.FOUNDED
        assert "cancellati" in ReportEvent.objects.filter(report=report).last().note
    for report in (recent, still_open):
        report.refresh_from_db()
        assert report.reporter_email == VISITOR and report.contact_erased_at is None
    assert services.reports_erase_expired_contacts(now) == 0


def test_the_retention_is_configurable(seal_a, firm_a, applicant, committee, settings):
    settings.REPORT_CONTACT_RETENTION_DAYS = 30
    report = _closed_days_ago(closed(firm_a, committee, applicant), 31)
    assert services.reports_erase_expired_contacts() == 1
    report.refresh_from_db()
    assert report.reporter_email == ""


def test_the_daily_task_erases_and_beat_runs_it(seal_a, firm_a, applicant, committee):
    _closed_days_ago(closed(firm_a, committee, applicant), 366)
    assert tasks.reports_erase_expired_contacts.delay().get() == 1
    entry = django_settings.CELERY_BEAT_SCHEDULE["reports-erase-expired-contacts"]
    assert entry["task"] == "certification.tasks.reports_erase_expired_contacts"
    assert entry["task"] in tasks.reports_erase_expired_contacts.app.tasks
    # Daily: a crontab that fires once a day.
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {15}


# --- demo ----------------------------------------------------------------------------------------


def test_the_demo_reports_cover_every_state_and_load_once(
    firm_a, firm_b, applicant, applicant_b, association_member, committee
):
    sealed(firm_a)
    sealed(firm_b)
    assert load_demo_reports() is True
    reports = Report.objects.all()
    assert reports.count() >= 12
    assert set(reports.values_list("status", flat=True)) == set(St.values)
    assert set(reports.founded().values_list("outcome", flat=True)) == {Out.FOUNDED}
    assert reports.filter(outcome=Out.UNFOUNDED).exists()
    assert reports.filter(filed_by=association_member).exists()
    assert reports.filter(filed_by__isnull=True).exists()
    assert services.reports_for_committee(committee).filter(overdue=True).exists()
    for report in reports:
        events = list(ReportEvent.objects.filter(report=report).values_list("to_status", flat=True))
        assert events[0] == St.RECEIVED and events[-1] == report.status
        assert report.call_at < report.created_at <= timezone.now()
    assert load_demo_reports() is False
    assert Report.objects.count() == reports.count()


@pytest.mark.django_db
def test_the_database_refuses_an_answer_without_text_or_a_closing_without_date(firm_a, committee):
    from tests.certification.report_helpers import forwarded, sealed

    sealed(firm_a)
    report = forwarded(firm_a, committee)
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status="risposta")
    with pytest.raises(IntegrityError), transaction.atomic():
        Report.objects.filter(pk=report.pk).update(status="chiusa", outcome="fondata")

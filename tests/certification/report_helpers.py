"""Reports for tests: a firm with a current seal (written directly, without the audit that
issues it in real life), and reports taken through the services to each state."""

from __future__ import annotations

import datetime

from django.utils import timezone

from certification.models import Application, Report, Seal, SealCounter
from certification.services.reports import (
    ReportData,
    report_answer,
    report_close,
    report_file,
    report_forward,
)
from certification.services.seals import format_number, validity_for
from codice.models import CodeVersion
from tests.factories import ApplicationFactory, make_current_version_with_checklist

VISITOR = "lucia.bianchi@example.it"
CALLER_NAME = "Lucia Bianchi"
CALLER_PHONE = "+393471234567"
CALLER_EMAIL = "consumatrice.privata@example.it"


def sealed(firm, *, status: str = Seal.Status.ACTIVE) -> Seal:
    """Give `firm` a seal in `status`, as if its application had been approved today."""
    version = CodeVersion.objects.current() or make_current_version_with_checklist()
    application = ApplicationFactory(organization=firm, code_version=version)
    now = timezone.now()
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.APPROVED, submitted_at=now
    )
    today = timezone.localdate(now)
    sequence = SealCounter.next_sequence(today.year)
    return Seal.objects.create(
        number=format_number(today.year, sequence),
        year=today.year,
        sequence=sequence,
        organization=firm,
        application=application,
        code_version=version,
        issued_at=now,
        valid_from=today,
        valid_until=validity_for(today)[1],
        status=status,
        public_reason="" if status == Seal.Status.ACTIVE else Seal.PublicReason.OTHER,
        status_changed_at=now,
    )


def report_data(firm, **overrides) -> ReportData:
    values = {
        "organization": firm,
        "category": Report.Category.OUTSIDE_HOURS,
        "call_at": timezone.now() - datetime.timedelta(days=2),
        "calling_number": "+390212345678",
        "description": "Chiamata alle 21:30 per un'offerta di energia elettrica.",
        "reporter_name": CALLER_NAME,
        "reporter_email": CALLER_EMAIL,
        "reporter_phone": CALLER_PHONE,
    }
    values.update(overrides)
    return ReportData(**values)


def file(firm, *, member=None, visitor: str = VISITOR, **overrides) -> Report:
    """A received report on `firm`: by the association `member`, else by the visitor."""
    return report_file(
        data=report_data(firm, **overrides), by=member, visitor_email="" if member else visitor
    )


def forwarded(firm, committee, **kwargs) -> Report:
    report = file(firm, **kwargs)
    return report_forward(report=report, by=committee)


def answered(firm, committee, firm_user, **kwargs) -> Report:
    report = forwarded(firm, committee, **kwargs)
    return report_answer(
        report=report, by=firm_user, answer="Dai nostri log la chiamata non risulta."
    )


def closed(firm, committee, firm_user, outcome=Report.Outcome.FOUNDED, **kwargs) -> Report:
    report = answered(firm, committee, firm_user, **kwargs)
    return report_close(
        report=report, by=committee, outcome=outcome, note="Nota interna riservata del comitato."
    )


def past_deadline(report: Report, days: int = 1) -> Report:
    """Move the firm's deadline into the past, as if the days had gone by."""
    Report.objects.filter(pk=report.pk).update(
        answer_due=timezone.localdate() - datetime.timedelta(days=days)
    )
    report.refresh_from_db()
    return report

"""Set-up shared by the nonconformity and decision tests: an application of firm A with its
auditors assigned, scored by the lead, optionally completed and evaluated."""

from __future__ import annotations

from django.utils import timezone

from certification.models import Application, Audit, ChecklistItem
from certification.services.audits import audit_assign, audit_complete, audit_save_scores
from tests.factories import ApplicationFactory, make_current_version_with_checklist

S = Application.Status

# Checklist of tests.factories.make_checklist: A.1 (weight 2, blocking), A.2 (weight 1, N/A
# allowed), B.1 (weight 3); scale 0-3, threshold 70. These scores total 72.22 and pass.
PASSING = {"A.1": 1, "A.2": 2, "B.1": 3}


def items(application: Application) -> dict[str, ChecklistItem]:
    return {i.code: i for i in ChecklistItem.objects.filter(version=application.code_version)}


def set_status(application: Application, status: str) -> None:
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()


def application_in_evaluation(
    *, firm, applicant, committee, lead, second=None, scores: dict | None = PASSING
) -> Application:
    """Submitted, auditors assigned, in evaluation, the lead's scores saved."""
    make_current_version_with_checklist()
    application = ApplicationFactory(organization=firm, created_by=applicant)
    Application.objects.filter(pk=application.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    audit_assign(application=application, by=committee, lead=lead, second=second)
    set_status(application, S.IN_EVALUATION)
    if scores:
        lead_score(application, lead, scores)
    return application


def lead_audit(application: Application) -> Audit:
    return Audit.objects.get(application=application, role=Audit.Role.LEAD)


def lead_score(application: Application, lead, scores: dict) -> None:
    by_code = items(application)
    audit_save_scores(
        audit=lead_audit(application),
        by=lead,
        scores={by_code[code].pk: (points, False, "") for code, points in scores.items()},
    )


def evaluated(application: Application, lead) -> Application:
    """Complete the lead's audit and mark the application evaluated."""
    audit_complete(audit=lead_audit(application), by=lead)
    set_status(application, S.EVALUATED)
    return application

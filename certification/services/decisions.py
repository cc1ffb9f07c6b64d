"""The committee's decision on an evaluated application (approve or reject, with a reason).

The four-eyes rule: whoever audited the application cannot decide it. Approval is refused
while a major nonconformity is not accepted. The decision keeps the consolidated result (the
lead auditor's audit, computed by the scoring engine) and moves the application to its final
state in the same transaction. Approval issues the seal in that same transaction.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import Application, Audit, Decision, Nonconformity, User
from certification.scoring import ScoreResult
from certification.services.applications import application_transition
from certification.services.audits import audit_result
from certification.services.seals import seal_issue

S = Application.Status


def lead_result(application: Application) -> ScoreResult | None:
    """The consolidated result (the lead auditor's audit), or None without a lead audit."""
    lead = (
        Audit.objects.select_related("application__code_version")
        .filter(application=application, role=Audit.Role.LEAD)
        .first()
    )
    return audit_result(lead) if lead is not None else None


def open_major_nonconformities(application: Application):
    return Nonconformity.objects.filter(
        application=application, severity=Nonconformity.Severity.MAJOR
    ).exclude(status=Nonconformity.Status.ACCEPTED)


def decision_record(*, application: Application, by: User, outcome: str, reason: str) -> Decision:
    """Record the committee's decision and move the application to approvata / respinta."""
    reason = (reason or "").strip()
    if not (by and by.is_authenticated and by.is_active and by.role == User.Role.COMMITTEE):
        raise PermissionDenied(_("Solo il comitato di certificazione decide sulle domande."))
    if outcome not in Decision.Outcome.values:
        raise ValidationError(_("Esito non valido."))
    if not reason:
        raise ValidationError(_("Scrivi la motivazione della decisione."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status != S.EVALUATED:
            raise ValidationError(
                _("Si decide su una domanda valutata (stato attuale: %(s)s).")
                % {"s": locked.get_status_display()}
            )
        if Audit.objects.filter(application=locked, auditor=by).exists():
            raise PermissionDenied(
                _(
                    "Hai svolto un audit su questa domanda: non puoi deciderla (regola dei quattro "
                    "occhi)."
                )
            )
        if Decision.objects.filter(application=locked).exists():
            raise ValidationError(_("Su questa domanda c'è già una decisione."))
        if outcome == Decision.Outcome.APPROVED:
            blocking = list(
                open_major_nonconformities(locked)
                .select_for_update(of=("self",))
                .select_related("item")
            )
            if blocking:
                raise ValidationError(
                    _("Non si approva con non conformità maggiori non accettate: %(codes)s.")
                    % {"codes": ", ".join(n.item.code for n in blocking)}
                )
        result = lead_result(locked)
        decision = Decision.objects.create(
            application=locked,
            outcome=outcome,
            reason=reason,
            total=result.total if result is not None else None,
            passed=result.passed if result is not None else False,
            decided_by=by,
        )
        application_transition(
            application=locked,
            to=S.APPROVED if outcome == Decision.Outcome.APPROVED else S.REJECTED,
            by=by,
            note=reason,
        )
        if outcome == Decision.Outcome.APPROVED:
            seal_issue(application=locked, decision=decision, by=by)
    application.status = locked.status
    return decision

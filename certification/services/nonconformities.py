"""Nonconformities: raised by an assigned auditor on an item below full marks, answered by the
applicant with a corrective action, accepted or rejected by an auditor.

Every step: one transaction, the rows that change locked, the actor's right and the state
checked, one history row on the application.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistItem,
    Nonconformity,
    ScaleLevel,
    User,
)
from certification.services.applications import APPLICANT, AUDITOR, record_event, roles_of

S = Application.Status
N = Nonconformity.Status


def max_points(application: Application) -> int | None:
    """The highest points of the application's scale (full marks)."""
    levels = ScaleLevel.objects.filter(version_id=application.code_version_id).values_list(
        "points", flat=True
    )
    return max(levels, default=None)


def lead_scores(application: Application) -> dict[int, AuditScore]:
    """The consolidated scores (the lead auditor's), by item id."""
    return {
        s.item_id: s
        for s in AuditScore.objects.filter(
            audit__application=application, audit__role=Audit.Role.LEAD
        )
    }


def items_below_full_marks(application: Application) -> list[ChecklistItem]:
    """Items whose consolidated score is below full marks (N/A never is), in checklist order."""
    full = max_points(application)
    scores = lead_scores(application)
    return [
        item
        for item in ChecklistItem.objects.filter(version_id=application.code_version_id)
        .select_related("section")
        .order_by("section__order", "order", "id")
        if item.pk in scores
        and not scores[item.pk].not_applicable
        and full is not None
        and scores[item.pk].points < full
    ]


def nonconformity_raise(
    *, application: Application, by: User, item: ChecklistItem, severity: str, description: str
) -> Nonconformity:
    """An assigned auditor raises a nonconformity on an item below full marks; it is major
    when the consolidated score is 0 or the item is blocking."""
    description = (description or "").strip()
    if not description:
        raise ValidationError(_("Descrivi la non conformità."))
    if severity not in Nonconformity.Severity.values:
        raise ValidationError(_("Gravità non valida."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if AUDITOR not in roles_of(by, locked):
            raise PermissionDenied(_("Solo un auditor assegnato solleva non conformità."))
        if locked.status != S.IN_EVALUATION:
            raise ValidationError(
                _("Le non conformità si sollevano su una domanda in valutazione (ora: %(s)s).")
                % {"s": locked.get_status_display()}
            )
        if item.version_id != locked.code_version_id:
            raise ValidationError(_("La voce non appartiene a questa lista di controllo."))
        score = lead_scores(locked).get(item.pk)
        if score is None:
            raise ValidationError(
                _("L'auditor capofila non ha ancora valutato la voce %(code)s.")
                % {"code": item.code}
            )
        full = max_points(locked)
        if score.not_applicable or full is None or score.points >= full:
            raise ValidationError(
                _("La voce %(code)s ha il punteggio pieno: non c'è non conformità da sollevare.")
                % {"code": item.code}
            )
        if severity == Nonconformity.Severity.MINOR and (score.points == 0 or item.blocking):
            raise ValidationError(
                _(
                    "La voce %(code)s è a 0 punti o bloccante: la non conformità deve essere "
                    "maggiore."
                )
                % {"code": item.code}
            )
        nonconformity = Nonconformity.objects.create(
            application=locked,
            item=item,
            severity=severity,
            description=description,
            raised_by=by,
        )
        record_event(
            locked,
            by=by,
            note=_("Non conformità %(severity)s sollevata sulla voce %(code)s")
            % {"severity": nonconformity.get_severity_display().lower(), "code": item.code},
        )
    return nonconformity


def nonconformity_answer(
    *,
    nonconformity: Nonconformity,
    by: User,
    corrective_action: str,
    corrective_due_date: datetime.date | None,
) -> Nonconformity:
    """The applicant answers an open (or rejected) nonconformity with a corrective action."""
    corrective_action = (corrective_action or "").strip()
    if not corrective_action:
        raise ValidationError(_("Descrivi l'azione correttiva."))
    if corrective_due_date is None:
        raise ValidationError(_("Indica entro quando completerete l'azione correttiva."))
    if corrective_due_date < timezone.localdate():
        raise ValidationError(_("La data dell'azione correttiva non può essere nel passato."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=nonconformity.application_id)
        locked = Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)
        if APPLICANT not in roles_of(by, application):
            raise PermissionDenied(_("Solo chi appartiene all'organizzazione risponde."))
        if locked.status not in (N.OPEN, N.REJECTED):
            raise ValidationError(
                _("La non conformità è «%(s)s»: non attende una risposta.")
                % {"s": locked.get_status_display()}
            )
        locked.status = N.ANSWERED
        locked.corrective_action = corrective_action
        locked.corrective_due_date = corrective_due_date
        locked.answered_by = by
        locked.answered_at = timezone.now()
        locked.save(
            update_fields=[
                "status",
                "corrective_action",
                "corrective_due_date",
                "answered_by",
                "answered_at",
            ]
        )
        record_event(
            application,
            by=by,
            note=_("Risposta alla non conformità sulla voce %(code)s") % {"code": locked.item.code},
        )
    return locked


def nonconformity_review(
    *, nonconformity: Nonconformity, by: User, accept: bool, note: str = ""
) -> Nonconformity:
    """An assigned auditor accepts or rejects the answer (a note is required to reject)."""
    note = (note or "").strip()
    if not accept and not note:
        raise ValidationError(_("Spiega perché la risposta è respinta."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=nonconformity.application_id)
        locked = Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)
        if AUDITOR not in roles_of(by, application):
            raise PermissionDenied(_("Solo un auditor assegnato valuta le risposte."))
        if locked.status != N.ANSWERED:
            raise ValidationError(
                _("La non conformità è «%(s)s»: non c'è una risposta da valutare.")
                % {"s": locked.get_status_display()}
            )
        locked.status = N.ACCEPTED if accept else N.REJECTED
        locked.reviewed_by = by
        locked.reviewed_at = timezone.now()
        locked.review_note = note
        locked.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_note"])
        record_event(
            application,
            by=by,
            note=(
                _("Risposta accettata alla non conformità sulla voce %(code)s")
                if accept
                else _("Risposta respinta alla non conformità sulla voce %(code)s")
            )
            % {"code": locked.item.code},
        )
    return locked

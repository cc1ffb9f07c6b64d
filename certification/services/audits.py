"""Audits: assigning auditors, scoring items, completing an audit.

The lead auditor's scores are the consolidated result: with two auditors, the lead sees where
the second disagrees and settles each item by setting their own score.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistItem,
    ScaleLevel,
    User,
)
from certification.scoring import NA, ChecklistSpec, ScoreResult, score, spec_for_version

S = Application.Status


def audit_assign(
    *,
    application: Application,
    by: User,
    lead: User,
    second: User | None = None,
    due_date: datetime.date | None = None,
) -> list[Audit]:
    """The committee assigns a lead auditor and optionally a second one, before the evaluation."""
    if by.role != User.Role.COMMITTEE:
        raise PermissionDenied(_("Solo il comitato assegna gli auditor."))
    auditors = [lead] + ([second] if second else [])
    if any(a.role != User.Role.AUDITOR or not a.is_active for a in auditors):
        raise ValidationError(_("Si possono assegnare solo auditor attivi."))
    if second is not None and second.pk == lead.pk:
        raise ValidationError(_("Il secondo auditor deve essere una persona diversa."))
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if locked.status not in (S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED):
            raise ValidationError(
                _("Gli auditor si assegnano prima della valutazione (stato attuale: %(s)s).")
                % {"s": locked.get_status_display()}
            )
        if Audit.objects.filter(application=locked, status=Audit.Status.COMPLETED).exists():
            raise ValidationError(_("Un audit è già completato: l'assegnazione non cambia più."))
        # An auditor who keeps their role keeps their audit and the scores given so far; only
        # the due date changes. Anyone replaced loses their audit.
        wanted = {Audit.Role.LEAD: lead, Audit.Role.SECOND: second}
        current = {a.role: a for a in Audit.objects.select_for_update().filter(application=locked)}
        for role, existing in list(current.items()):
            person = wanted[role]
            if person is None or existing.auditor_id != person.pk:
                existing.delete()
                del current[role]
        audits = []
        for role, person in wanted.items():
            if person is None:
                continue
            existing = current.get(role)
            if existing is not None:
                existing.due_date = due_date
                existing.save(update_fields=["due_date"])
                audits.append(existing)
            else:
                audits.append(
                    Audit.objects.create(
                        application=locked,
                        auditor=person,
                        role=role,
                        assigned_by=by,
                        due_date=due_date,
                    )
                )
        from certification.services.applications import record_event

        names = ", ".join(str(a.auditor) for a in audits)
        record_event(locked, by=by, note=_("Auditor assegnati: %(names)s") % {"names": names})
        audit_ids = [a.pk for a in audits]
        transaction.on_commit(lambda: _notify_assignment(audit_ids), robust=True)
    return audits


def _notify_assignment(audit_ids: list[int]) -> None:
    """E-mail each assigned auditor, once the assignment is committed."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.urls import reverse
    from django.utils import translation

    audits = Audit.objects.select_related("application__organization", "auditor").filter(
        pk__in=audit_ids
    )
    with translation.override("it"):
        for audit in audits:
            application = audit.application
            link = settings.SITE_URL + reverse(
                "certification:auditor_application", args=[application.pk]
            )
            due = audit.due_date.strftime("%d/%m/%Y") if audit.due_date else _("non indicata")
            subject = _("Bollino Blu: ti è stata assegnata la domanda n. %(number)s") % {
                "number": application.pk
            }
            body = _(
                "Buongiorno,\n\nil comitato di certificazione ti ha assegnato la domanda "
                "n. %(number)s di %(firm)s come %(role)s.\nScadenza dell'audit: %(due)s.\n\n"
                "Apri la domanda: %(link)s\n\nBollino Blu – OIC\n"
            ) % {
                "number": application.pk,
                "firm": application.organization.legal_name,
                "role": audit.get_role_display().lower(),
                "due": due,
                "link": link,
            }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [audit.auditor.email])


def audit_get_for_auditor(user: User, application_pk: int) -> Audit:
    """The audit this auditor holds on this application, or 404 (never someone else's)."""
    audit = (
        Audit.objects.select_related("application__organization", "application__code_version")
        # The firm's search text and vector are the registry's, large, and never shown here.
        .defer("application__organization__search_text", "application__organization__search_vector")
        .filter(application_id=application_pk, auditor_id=user.pk)
        .first()
    )
    if audit is None or user.role != User.Role.AUDITOR:
        raise Http404
    return audit


def audit_save_scores(
    *, audit: Audit, by: User, scores: dict[int, tuple[int | None, bool, str]]
) -> None:
    """Save {item id: (points, not applicable, comment)} for this auditor's open audit.

    All or nothing: a level off the scale, N/A where the item does not allow it, an item of
    another checklist, or a completed audit refuses the whole save. The scores are written
    with one upsert, whatever their number.
    """
    if audit.auditor_id != by.pk:
        raise PermissionDenied(_("Puoi dare punteggi solo nei tuoi audit."))
    with transaction.atomic():
        locked = (
            Audit.objects.select_for_update(of=("self",))
            .select_related("application")
            .get(pk=audit.pk)
        )
        if locked.status != Audit.Status.IN_PROGRESS:
            raise ValidationError(_("L'audit è completato: i punteggi non si modificano più."))
        version_id = locked.application.code_version_id
        if locked.application.status != S.IN_EVALUATION:
            raise ValidationError(_("Si danno punteggi solo a una domanda in valutazione."))
        items = {
            i.pk: i
            for i in ChecklistItem.objects.filter(version_id=version_id, pk__in=list(scores))
            .order_by()
            .only("pk", "code", "allows_na")
        }
        scale = set(
            ScaleLevel.objects.filter(version_id=version_id)
            .order_by()
            .values_list("points", flat=True)
        )
        errors = {}
        for item_id, (points, not_applicable, _comment) in scores.items():
            item = items.get(item_id)
            if item is None:
                errors[item_id] = _("La voce non appartiene a questa lista di controllo.")
            elif not_applicable and not item.allows_na:
                errors[item_id] = _("La voce %(code)s non ammette «non applicabile».") % {
                    "code": item.code
                }
            elif not not_applicable and points not in scale:
                errors[item_id] = _("Il livello indicato per %(code)s non è nella scala.") % {
                    "code": item.code
                }
        if errors:
            raise ValidationError(errors)
        # INSERT … ON CONFLICT (audit, item) DO UPDATE: updated_at is set by auto_now on
        # every row, the inserted and the updated alike.
        AuditScore.objects.bulk_create(
            [
                AuditScore(
                    audit=locked,
                    item_id=item_id,
                    points=None if not_applicable else points,
                    not_applicable=not_applicable,
                    comment=comment,
                )
                for item_id, (points, not_applicable, comment) in scores.items()
            ],
            update_conflicts=True,
            unique_fields=["audit", "item"],
            update_fields=["points", "not_applicable", "comment", "updated_at"],
        )


def audit_result(
    audit: Audit,
    *,
    items: Iterable[ChecklistItem] | None = None,
    scores: Iterable[AuditScore] | None = None,
    spec: ChecklistSpec | None = None,
) -> ScoreResult:
    """The running score of this audit, computed by the scoring engine.

    A caller that has read the checklist's items, the audit's scores or the checklist's spec
    already passes them, and they are not read again.
    """
    version = audit.application.code_version
    if spec is None:
        spec = spec_for_version(version)
    if items is None:
        codes = dict(
            ChecklistItem.objects.filter(version=version).order_by().values_list("pk", "code")
        )
    else:
        codes = {item.pk: item.code for item in items}
    if scores is None:
        scores = audit.scores.all()
    return score(
        spec,
        {
            codes[s.item_id]: (NA if s.not_applicable else s.points)
            for s in scores
            if s.item_id in codes
        },
    )


def audit_complete(*, audit: Audit, by: User) -> Audit:
    """Close an audit; allowed only when every item has a score."""
    if audit.auditor_id != by.pk:
        raise PermissionDenied(_("Puoi completare solo i tuoi audit."))
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        if locked.status != Audit.Status.IN_PROGRESS:
            raise ValidationError(_("L'audit è già completato."))
        total = ChecklistItem.objects.filter(version_id=locked.application.code_version_id).count()
        scored = locked.scores.count()
        if scored < total:
            raise ValidationError(
                _("Mancano %(missing)d voci da valutare prima di completare l'audit.")
                % {"missing": total - scored}
            )
        if locked.role == Audit.Role.LEAD:
            second = Audit.objects.filter(
                application_id=locked.application_id, role=Audit.Role.SECOND
            ).first()
            if second is not None and second.status != Audit.Status.COMPLETED:
                raise ValidationError(
                    _("Il capofila completa l'audit dopo il secondo auditor, per consolidare.")
                )
        locked.status = Audit.Status.COMPLETED
        locked.completed_at = timezone.now()
        locked.save(update_fields=["status", "completed_at"])
        from certification.services.applications import record_event

        record_event(
            locked.application,
            by=by,
            note=_("Audit completato (%(role)s)") % {"role": locked.get_role_display()},
        )
    return locked


def disagreements(application: Application) -> list[tuple[ChecklistItem, AuditScore, AuditScore]]:
    """Items the two auditors scored differently: (item, lead's score, second's score)."""
    audits = {a.role: a for a in Audit.objects.filter(application=application)}
    lead, second = audits.get(Audit.Role.LEAD), audits.get(Audit.Role.SECOND)
    if lead is None or second is None:
        return []
    lead_scores = {s.item_id: s for s in lead.scores.select_related("item__section")}
    result = []
    for other in second.scores.select_related("item__section"):
        mine = lead_scores.get(other.item_id)
        if mine is None or (mine.points, mine.not_applicable) != (
            other.points,
            other.not_applicable,
        ):
            result.append((other.item, mine, other))
    return sorted(result, key=lambda row: (row[0].section.order, row[0].order))

"""Requests for information ("integrazione richiesta"): OIC asks, the applicant answers.

Each round is one InformationRequest row, kept for good; the state changes go through the
application's state machine, which checks role and state again and writes the history row
(and queues the e-mails) in the same transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Application,
    ChecklistItem,
    EvidenceFile,
    InformationRequest,
    User,
)
from certification.services.applications import (
    APPLICANT,
    AUDITOR,
    COMMITTEE,
    application_transition,
    roles_of,
)

S = Application.Status


def _note_for(message: str, due_date: datetime.date) -> str:
    """The history note (and the e-mail's): the request and the date it is due."""
    due = _("Da inviare entro il %(date)s.") % {"date": due_date.strftime("%d/%m/%Y")}
    return f"{message}\n\n{due}"


def information_request_create(
    *,
    application: Application,
    by: User,
    message: str,
    due_date: datetime.date,
    items: Iterable[ChecklistItem] = (),
    document_kinds: Iterable[str] = (),
) -> InformationRequest:
    """The committee or an assigned auditor asks the applicant for more information on an
    application under review; the application moves to "integrazione richiesta"."""
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Scrivi che cosa chiedete al richiedente."), code="no_message")
    if due_date is None or due_date <= timezone.localdate():
        raise ValidationError(_("La scadenza deve essere una data futura."), code="past_due_date")
    valid_kinds = set(EvidenceFile.DocumentKind.values)
    kinds: list[str] = []
    for kind in document_kinds:
        if kind not in valid_kinds:
            raise ValidationError(
                _("«%(kind)s» non è un tipo di documento previsto.") % {"kind": kind},
                code="invalid_document_kind",
            )
        if kind not in kinds:
            kinds.append(kind)
    items = list({item.pk: item for item in items}.values())
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if not roles_of(by, locked) & {COMMITTEE, AUDITOR}:
            raise PermissionDenied(
                _("Le integrazioni le chiede il comitato o un auditor assegnato alla domanda.")
            )
        if locked.status != S.UNDER_REVIEW:
            raise ValidationError(
                _(
                    "Le integrazioni si chiedono su una domanda in istruttoria "
                    "(stato attuale: «%(status)s»)."
                )
                % {"status": locked.get_status_display()},
                code="invalid_state",
            )
        for item in items:
            if item.version_id != locked.code_version_id:
                raise ValidationError(
                    _("La voce %(code)s non è della lista di controllo di questa domanda.")
                    % {"code": item.code},
                    code="foreign_item",
                )
        request = InformationRequest.objects.create(
            application=locked,
            message=message,
            document_kinds=kinds,
            due_date=due_date,
            requested_by=by,
        )
        if items:
            request.items.set(items)
        application_transition(
            application=locked, to=S.INFO_REQUESTED, by=by, note=_note_for(message, due_date)
        )
    application.status = locked.status
    return request


def information_request_answer(
    *, application: Application, by: User, answer: str
) -> InformationRequest | None:
    """An applicant of the organization answers the open request; the application goes back
    under review. Returns the request answered (None if OIC moved the application to
    "integrazione richiesta" without writing a request: the answer is then only in the
    history)."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(
            _("Scrivi la risposta: spiega che cosa avete integrato o modificato."),
            code="no_answer",
        )
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        if APPLICANT not in roles_of(by, locked):
            raise PermissionDenied(_("Solo chi appartiene all'organizzazione risponde."))
        if locked.status != S.INFO_REQUESTED:
            raise ValidationError(
                _("Nessuna integrazione da inviare: la domanda è «%(status)s».")
                % {"status": locked.get_status_display()},
                code="invalid_state",
            )
        request = (
            InformationRequest.objects.select_for_update()
            .filter(application=locked, answered_at__isnull=True)
            .order_by("-requested_at", "-id")
            .first()
        )
        if request is not None:
            request.answer = answer
            request.answered_by = by
            request.answered_at = timezone.now()
            request.save(update_fields=["answer", "answered_by", "answered_at"])
        application_transition(application=locked, to=S.UNDER_REVIEW, by=by, note=answer)
    application.status = locked.status
    return request

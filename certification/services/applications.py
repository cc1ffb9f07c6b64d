"""The application's state machine. Every transition: one transaction, the row locked, the
actor's right and the current state checked, one history row, e-mails queued after commit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certification.models import (
    Application,
    ApplicationEvent,
    CallingNumber,
    ChecklistItem,
    ChecklistTemplate,
    Declaration,
    EvidenceFile,
    Organization,
    SelfAssessmentAnswer,
    User,
)
from codice.models import CodeVersion

S = Application.Status

APPLICANT = "applicant"
COMMITTEE = "committee"
AUDITOR = "auditor"  # an auditor assigned to this application
LEAD_AUDITOR = "lead_auditor"  # the lead auditor of this application

# (from, to) -> who may make it.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({APPLICANT}),
    (S.SUBMITTED, S.UNDER_REVIEW): frozenset({COMMITTEE, AUDITOR}),
    (S.UNDER_REVIEW, S.INFO_REQUESTED): frozenset({COMMITTEE, AUDITOR}),
    (S.INFO_REQUESTED, S.UNDER_REVIEW): frozenset({APPLICANT}),
    (S.UNDER_REVIEW, S.IN_EVALUATION): frozenset({COMMITTEE, LEAD_AUDITOR}),
    # Only the lead auditor, once the audit is complete (checked in application_transition).
    (S.IN_EVALUATION, S.EVALUATED): frozenset({LEAD_AUDITOR}),
    (S.EVALUATED, S.APPROVED): frozenset({COMMITTEE}),
    (S.EVALUATED, S.REJECTED): frozenset({COMMITTEE}),
    **{
        (status, S.WITHDRAWN): frozenset({APPLICANT})
        for status in (
            S.DRAFT,
            S.SUBMITTED,
            S.UNDER_REVIEW,
            S.INFO_REQUESTED,
            S.IN_EVALUATION,
            S.EVALUATED,
        )
    },
}


class IncompleteApplication(ValidationError):
    """Submitting refused: `missing` lists, in words, everything still to do."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__(
            _("La domanda non è completa: %(count)d elementi da completare.")
            % {"count": len(missing)},
            code="incomplete",
        )


def roles_of(user: User, application: Application) -> set[str]:
    roles = set()
    if not (user and user.is_authenticated and user.is_active):
        return roles
    if user.role == User.Role.APPLICANT and user.organization_id == application.organization_id:
        roles.add(APPLICANT)
    if user.role == User.Role.COMMITTEE:
        roles.add(COMMITTEE)
    if user.role == User.Role.AUDITOR:
        for audit_role in application.audits.filter(auditor=user).values_list("role", flat=True):
            roles.add(AUDITOR)
            if audit_role == "capofila":
                roles.add(LEAD_AUDITOR)
    return roles


def allowed_transitions(application: Application, user: User) -> list[str]:
    """The states this user may move the application to now (for the page's buttons)."""
    mine = roles_of(user, application)
    return [
        to for (frm, to), who in TRANSITIONS.items() if frm == application.status and who & mine
    ]


def _notify(event_id: int) -> None:
    from certification.tasks import notify_application_event

    notify_application_event.delay(event_id)


def _record(application: Application, *, by, frm: str, to: str, note: str) -> ApplicationEvent:
    event = ApplicationEvent.objects.create(
        application=application, actor=by, from_status=frm, to_status=to, note=note
    )
    transaction.on_commit(lambda: _notify(event.pk), robust=True)
    return event


def record_event(application: Application, *, by, note: str) -> ApplicationEvent:
    """A history row for a step that does not change the state (an assignment, an audit
    completed). The caller holds the application's row lock."""
    return ApplicationEvent.objects.create(
        application=application,
        actor=by,
        from_status=application.status,
        to_status=application.status,
        note=note,
    )


def application_create(
    *, organization: Organization, by: User, kind: str = Application.Kind.FIRST
) -> Application:
    """Open a new application on the code version in force now (and keep that version).

    A renewal points to the firm's last approved application and starts pre-filled from it
    (see _renewal_prefill)."""
    if by.role != User.Role.APPLICANT or by.organization_id != organization.pk:
        raise PermissionDenied(_("Solo chi appartiene all'organizzazione può presentare domanda."))
    copied_files: list[str] = []
    try:
        return _application_create(
            organization=organization, by=by, kind=kind, copied_files=copied_files
        )
    except BaseException:
        # The rows are rolled back with the transaction; the files copied on disk are not.
        for name in copied_files:
            EvidenceFile.file.field.storage.delete(name)
        raise


def application_create_renewal(*, organization: Organization, by: User) -> Application:
    """The renewal of the firm's seal (current or expired; a revoked seal is not renewed)."""
    from certification.services.seals import renewable_seal

    if renewable_seal(organization) is None:
        raise ValidationError(
            _(
                "Non c'è un bollino da rinnovare: il rinnovo si chiede per un bollino in corso "
                "o scaduto. Per un bollino revocato presentate una nuova domanda."
            )
        )
    return application_create(organization=organization, by=by, kind=Application.Kind.RENEWAL)


def _application_create(
    *, organization: Organization, by: User, kind: str, copied_files: list[str]
) -> Application:
    with transaction.atomic():
        Organization.objects.select_for_update().get(pk=organization.pk)
        version = CodeVersion.objects.current()
        if version is None or not ChecklistTemplate.objects.filter(version=version).exists():
            raise ValidationError(
                _("Le domande si aprono quando il codice in vigore ha la sua lista di controllo.")
            )
        if Application.objects.open().filter(organization=organization).exists():
            raise ValidationError(_("L'organizzazione ha già una domanda in corso."))
        previous = None
        if kind == Application.Kind.RENEWAL:
            previous = (
                Application.objects.filter(organization=organization, status=S.APPROVED)
                .order_by("-submitted_at")
                .first()
            )
        application = Application.objects.create(
            organization=organization,
            kind=kind,
            code_version=version,
            created_by=by,
            previous=previous,
        )
        ApplicationEvent.objects.create(
            application=application,
            actor=by,
            from_status="",
            to_status=S.DRAFT,
            note=_("Domanda creata sul codice versione %(number)s") % {"number": version.number},
        )
        if previous is not None:
            _renewal_prefill(application, previous=previous, by=by, copied_files=copied_files)
    return application


def _renewal_prefill(
    application: Application, *, previous: Application, by: User, copied_files: list[str]
) -> None:
    """Copy into a new renewal what still holds from the previous application: the
    self-assessment answers and comments of the items whose code is still in the checklist,
    and the general documents. Declarations are given again; calling numbers belong to the
    organization already.

    Documents are copied to new files: the application's files are deleted from disk when
    their row is (evidence_delete), so a shared file would vanish from the old application.
    """
    from certification.models import Seal

    items = {
        item.code: item
        for item in ChecklistItem.objects.filter(version_id=application.code_version_id)
    }
    answers = []
    for old in SelfAssessmentAnswer.objects.filter(application=previous).select_related("item"):
        item = items.get(old.item.code)
        if item is None:
            continue
        if old.answer == SelfAssessmentAnswer.Answer.NOT_APPLICABLE and not item.allows_na:
            continue  # the new version wants an answer on it
        answers.append(
            SelfAssessmentAnswer(
                application=application,
                item=item,
                answer=old.answer,
                comment=old.comment,
                updated_by=by,
            )
        )
    SelfAssessmentAnswer.objects.bulk_create(answers)

    storage = EvidenceFile.file.field.storage
    documents, lost = 0, []
    for old in EvidenceFile.objects.filter(application=previous, item__isnull=True).order_by(
        "uploaded_at", "id"
    ):
        if not old.file.name or not storage.exists(old.file.name):
            lost.append(old.original_name)
            continue
        copy = EvidenceFile(
            application=application,
            document_kind=old.document_kind,
            original_name=old.original_name,
            content_type=old.content_type,
            size=old.size,
            sha256=old.sha256,
            uploaded_by=by,
        )
        with storage.open(old.file.name, "rb") as handle:
            copy.file.save(f"evidenza{PurePosixPath(old.file.name).suffix}", File(handle), False)
        copied_files.append(copy.file.name)
        copy.save()
        documents += 1

    seal = Seal.objects.filter(application=previous).only("number").first()
    counts = {"answers": len(answers), "documents": documents, "number": previous.pk}
    if seal is not None:
        note = _(
            "Rinnovo avviato dal bollino %(seal)s: riprese dalla domanda n. %(number)s "
            "%(answers)d risposte dell'autovalutazione e %(documents)d documenti."
        ) % {**counts, "seal": seal.number}
    else:
        note = (
            _(
                "Rinnovo della domanda n. %(number)s: riprese %(answers)d risposte "
                "dell'autovalutazione e %(documents)d documenti."
            )
            % counts
        )
    if lost:
        note += " " + _("Non trovati, da caricare di nuovo: %(names)s.") % {
            "names": ", ".join(lost)
        }
    record_event(application, by=by, note=note)


@dataclass(frozen=True)
class Missing:
    """One thing still to do before submitting: the step of the application it belongs to
    (self_assessment, documents, declarations, calling_numbers, organization) and, in words,
    what is missing."""

    step: str
    message: str


def missing_steps(application: Application) -> list[Missing]:
    """Everything still missing before the application can be submitted, step by step."""
    missing: list[Missing] = []
    items = list(
        ChecklistItem.objects.filter(version_id=application.code_version_id)
        .select_related("section")
        .order_by("section__order", "order", "id")
    )
    answers = {a.item_id: a for a in SelfAssessmentAnswer.objects.filter(application=application)}
    evidence_items = set(
        EvidenceFile.objects.filter(application=application, item__isnull=False).values_list(
            "item_id", flat=True
        )
    )
    unanswered = [item.code for item in items if item.pk not in answers]
    if unanswered:
        missing.append(
            Missing(
                "self_assessment",
                _("Autovalutazione: mancano le risposte alle voci %(codes)s.")
                % {"codes": ", ".join(unanswered)},
            )
        )
    needs_evidence = [
        item.code
        for item in items
        if item.evidence_hint
        and item.pk in answers
        and answers[item.pk].answer
        in (SelfAssessmentAnswer.Answer.CONFORM, SelfAssessmentAnswer.Answer.PARTIAL)
        and item.pk not in evidence_items
    ]
    if needs_evidence:
        missing.append(
            Missing(
                "self_assessment",
                _("Evidenze: carica almeno un file per le voci %(codes)s.")
                % {"codes": ", ".join(needs_evidence)},
            )
        )
    documents = set(
        EvidenceFile.objects.filter(application=application, item__isnull=True).values_list(
            "document_kind", flat=True
        )
    )
    for kind in EvidenceFile.REQUIRED_DOCUMENTS:
        if kind not in documents:
            missing.append(
                Missing(
                    "documents",
                    _("Documenti: manca «%(document)s».") % {"document": kind.label},
                )
            )
    declared = set(application.declarations.values_list("kind", flat=True))
    for kind in Declaration.Kind:
        if kind not in declared:
            missing.append(
                Missing(
                    "declarations",
                    _("Dichiarazioni: manca «%(declaration)s».")
                    % {"declaration": short_declaration(kind)},
                )
            )
    organization = application.organization
    if organization.outbound and not organization.calling_numbers.active().exists():
        missing.append(
            Missing(
                "calling_numbers",
                _("Numeri chiamanti: dichiara almeno un numero da cui chiamate."),
            )
        )
    if not organization.sites.exists():
        missing.append(
            Missing("organization", _("Organizzazione: indica almeno una sede operativa."))
        )
    return missing


def missing_for_submission(application: Application) -> list[str]:
    """Everything still missing before the application can be submitted, in words."""
    return [m.message for m in missing_steps(application)]


def short_declaration(kind: str) -> str:
    return {
        Declaration.Kind.TRUTHFULNESS: _("veridicità delle informazioni (DPR 445/2000)"),
        Declaration.Kind.NO_SANCTIONS: _("assenza di sanzioni definitive negli ultimi due anni"),
        Declaration.Kind.PUBLICATION: _("consenso alla pubblicazione nel registro"),
        Declaration.Kind.PRIVACY: _("presa visione dell'informativa privacy"),
    }[kind]


@dataclass(frozen=True)
class TransitionResult:
    application: Application
    event: ApplicationEvent


def application_transition(
    *, application: Application, to: str, by: User, note: str = ""
) -> TransitionResult:
    """Move the application to `to`, if this person may do it from the current state."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        frm = locked.status
        who = TRANSITIONS.get((frm, to))
        if who is None:
            raise ValidationError(
                _("Una domanda «%(frm)s» non può passare a «%(to)s».")
                % {"frm": S(frm).label, "to": S(to).label},
                code="invalid_transition",
            )
        if not who & roles_of(by, locked):
            raise PermissionDenied(_("Non puoi eseguire questo passaggio."))
        if to == S.IN_EVALUATION and not locked.audits.filter(role="capofila").exists():
            raise ValidationError(
                _("Prima della valutazione il comitato assegna l'auditor capofila."),
                code="no_lead_auditor",
            )
        if to == S.EVALUATED:
            lead_done = locked.audits.filter(role="capofila", status="completato").exists()
            if not lead_done:
                raise ValidationError(
                    _("La domanda è valutata quando l'audit del capofila è completato."),
                    code="audit_incomplete",
                )
        if to == S.SUBMITTED:
            missing = missing_for_submission(locked)
            if missing:
                raise IncompleteApplication(missing)
            locked.submitted_at = timezone.now()
        locked.status = to
        locked.save(update_fields=["status", "submitted_at", "updated_at"])
        event = _record(locked, by=by, frm=frm, to=to, note=note)
    application.status = locked.status
    application.submitted_at = locked.submitted_at
    return TransitionResult(application=locked, event=event)


def application_submit(*, application: Application, by: User) -> TransitionResult:
    return application_transition(application=application, to=S.SUBMITTED, by=by)


def application_withdraw(*, application: Application, by: User, note: str = "") -> TransitionResult:
    return application_transition(application=application, to=S.WITHDRAWN, by=by, note=note)


# --- the applicant's work on an open application --------------------------------------------


def _lock_editable(application: Application, by: User) -> Application:
    """Lock the application row and check that this person may still change it: a member of
    its organization, while it is a draft or waiting for more information."""
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("organization")
        .get(pk=application.pk)
    )
    if APPLICANT not in roles_of(by, locked):
        raise PermissionDenied(_("Solo chi appartiene all'organizzazione modifica la domanda."))
    if not locked.applicant_can_edit:
        raise ValidationError(
            _("La domanda è «%(status)s»: non si può più modificare.")
            % {"status": locked.get_status_display()},
            code="not_editable",
        )
    return locked


@dataclass(frozen=True)
class AnswerInput:
    item: ChecklistItem
    answer: str
    comment: str


def self_assessment_save(
    *,
    application: Application,
    by: User,
    answers: list[AnswerInput],
    uploads: Sequence[tuple[ChecklistItem, UploadedFile]] = (),
) -> None:
    """Save answers and evidence files of the self-assessment, all or nothing."""
    from certification.files import evidence_store

    stored: list[EvidenceFile] = []
    try:
        with transaction.atomic():
            locked = _lock_editable(application, by)
            for given in [*(a.item for a in answers), *(item for item, _up in uploads)]:
                if given.version_id != locked.code_version_id:
                    raise ValidationError(
                        _("La voce %(code)s non è di questa domanda.") % {"code": given.code}
                    )
            for given in answers:
                if given.answer == SelfAssessmentAnswer.Answer.NOT_APPLICABLE and (
                    not given.item.allows_na
                ):
                    raise ValidationError(
                        _("La voce %(code)s non ammette la risposta «non applicabile».")
                        % {"code": given.item.code}
                    )
            if answers:
                SelfAssessmentAnswer.objects.bulk_create(
                    [
                        SelfAssessmentAnswer(
                            application=locked,
                            item=given.item,
                            answer=given.answer,
                            comment=given.comment,
                            updated_by=by,
                        )
                        for given in answers
                    ],
                    update_conflicts=True,
                    unique_fields=["application", "item"],
                    update_fields=["answer", "comment", "updated_by", "updated_at"],
                )
            for item, uploaded in uploads:
                stored.append(
                    evidence_store(application=locked, by=by, uploaded=uploaded, item=item)
                )
    except BaseException:
        # The rows are rolled back with the transaction; the files already on disk are not.
        for evidence in stored:
            evidence.file.storage.delete(evidence.file.name)
        raise


def application_document_add(
    *, application: Application, by: User, uploaded: UploadedFile, document_kind: str
) -> EvidenceFile:
    """Add one general document (visura, informativa privacy, script, formazione, altro)."""
    from certification.files import evidence_store

    with transaction.atomic():
        locked = _lock_editable(application, by)
        return evidence_store(
            application=locked, by=by, uploaded=uploaded, document_kind=document_kind
        )


def declarations_give(*, application: Application, by: User, kinds: list[str]) -> list[Declaration]:
    """Record the declarations given now; those given before stay as they are (who and when)."""
    with transaction.atomic():
        locked = _lock_editable(application, by)
        already = set(locked.declarations.values_list("kind", flat=True))
        new = [
            Declaration(application=locked, kind=kind, accepted_by=by)
            for kind in Declaration.Kind
            if kind in kinds and kind not in already
        ]
        return Declaration.objects.bulk_create(new)


# As the database holds it (CallingNumber's check constraint).
E164_ITALIAN = re.compile(r"\+39[0-9]{6,11}")


def check_italian_number(number: str) -> None:
    if not E164_ITALIAN.fullmatch(number or ""):
        raise ValidationError(
            _("«%(number)s» non è un numero di telefono italiano valido.") % {"number": number},
            code="invalid_number",
        )


def record_calling_number(
    *, organization_id: int, application: Application | None, by: User, number: str
) -> CallingNumber:
    """Write a declaration; the caller holds the lock that serialises its organization's
    declarations (the application's or the organization's row)."""
    holder = (
        CallingNumber.objects.active()
        .filter(number=number)
        .values_list("organization_id", flat=True)
    ).first()
    if holder == organization_id:
        raise ValidationError(
            _("Il numero %(number)s è già tra quelli dichiarati.") % {"number": number},
            code="already_yours",
        )
    if holder is not None:
        raise ValidationError(
            _(
                "Il numero %(number)s è già dichiarato da un'altra organizzazione. Se lo "
                "usate voi, scrivete a OIC per chiarire."
            )
            % {"number": number},
            code="already_declared",
        )
    try:
        with transaction.atomic():
            return CallingNumber.objects.create(
                organization_id=organization_id,
                application=application,
                number=number,
                declared_by=by,
            )
    except IntegrityError as exc:
        # Someone declared the same number in the same instant: the database kept theirs.
        raise ValidationError(
            _("Il numero %(number)s è già dichiarato da un'altra organizzazione.")
            % {"number": number},
            code="already_declared",
        ) from exc


def calling_number_declare(*, application: Application, by: User, number: str) -> CallingNumber:
    """Declare an outbound number (E.164, Italian) for the application's organization."""
    check_italian_number(number)
    with transaction.atomic():
        locked = _lock_editable(application, by)
        return record_calling_number(
            organization_id=locked.organization_id, application=locked, by=by, number=number
        )


def calling_number_withdraw(
    *, application: Application, by: User, calling_number: CallingNumber
) -> None:
    """Withdraw a declared number of the application's organization (kept, with the date)."""
    with transaction.atomic():
        locked = _lock_editable(application, by)
        updated = CallingNumber.objects.filter(
            pk=calling_number.pk,
            organization_id=locked.organization_id,
            withdrawn_at__isnull=True,
        ).update(withdrawn_at=timezone.now())
        if not updated:
            raise ValidationError(_("Il numero era già stato ritirato."), code="already_withdrawn")

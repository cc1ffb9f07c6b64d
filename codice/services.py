"""State changes of the code: new draft, publish, amendments. Each runs in one transaction,
locks what it changes and writes its history row."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from codice.models import (
    Amendment,
    Article,
    Chapter,
    CodeEvent,
    CodeVersion,
    DecalogoEntry,
    Meeting,
    VersionLocked,
)

# Other apps (the checklists) register here to copy their own rows into a new draft.
DRAFT_COPIERS: list[Callable[[CodeVersion, CodeVersion], None]] = []


def can_manage_codice(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("codice.manage_codice"))


def _require_manager(user) -> None:
    if not can_manage_codice(user):
        raise PermissionDenied(_("Solo il comitato gestisce il codice."))


def _copy_content(source: CodeVersion, target: CodeVersion) -> None:
    chapters = list(source.chapters.all())
    new_chapters = Chapter.objects.bulk_create(
        [Chapter(version=target, number=c.number, title=c.title, order=c.order) for c in chapters]
    )
    chapter_map = {old.pk: new for old, new in zip(chapters, new_chapters, strict=True)}
    Article.objects.bulk_create(
        [
            Article(
                version=target,
                chapter=chapter_map[a.chapter_id],
                key=a.key,
                number=a.number,
                title=a.title,
                body=a.body,
                order=a.order,
            )
            for a in source.articles.all()
        ]
    )
    DecalogoEntry.objects.bulk_create(
        [
            DecalogoEntry(
                version=target, audience=d.audience, title=d.title, body=d.body, order=d.order
            )
            for d in source.decalogo.all()
        ]
    )
    for copier in DRAFT_COPIERS:
        copier(source, target)


def codeversion_create_draft(
    *, by, number: str, title: str, change_summary: str = ""
) -> CodeVersion:
    """Start a new draft as a full copy of the current version (or empty if there is none)."""
    _require_manager(by)
    with transaction.atomic():
        # Lock the current version so that a concurrent publish cannot swap it mid-copy.
        current = (
            CodeVersion.objects.select_for_update()
            .filter(status=CodeVersion.Status.PUBLISHED)
            .first()
        )
        if CodeVersion.objects.drafts().exists():
            raise ValidationError(_("Esiste già una bozza in lavorazione."))
        draft = CodeVersion(
            number=number,
            title=title,
            change_summary=change_summary,
            based_on=current,
            created_by=by,
        )
        draft.full_clean()
        draft.save()
        if current is not None:
            _copy_content(current, draft)
        CodeEvent.objects.create(
            version=draft,
            action=CodeEvent.Action.DRAFT_CREATED,
            actor=by,
            to_status=CodeVersion.Status.DRAFT,
            note=_("Copia della versione %(number)s") % {"number": current.number}
            if current
            else "",
        )
    return draft


def codeversion_record_edit(*, version: CodeVersion, by, note: str) -> None:
    CodeEvent.objects.create(
        version=version, action=CodeEvent.Action.EDITED, actor=by, note=note[:500]
    )


def codeversion_publish(
    *, version: CodeVersion, by, effective_date: datetime.date, note: str = ""
) -> CodeVersion:
    """Publish a draft; the version current until now is superseded in the same transaction."""
    _require_manager(by)
    with transaction.atomic():
        draft = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if draft.status != CodeVersion.Status.DRAFT:
            raise ValidationError(_("Si può pubblicare solo una bozza."))
        if not draft.articles.exists():
            raise ValidationError(_("Una versione senza articoli non si può pubblicare."))
        open_amendments = draft.amendments.filter(status=Amendment.Status.OPEN).count()
        if open_amendments:
            # A proposal left open would stay undecidable for ever once the draft is frozen.
            raise ValidationError(
                ngettext(
                    "C'è ancora %(count)d proposta di modifica aperta: decidila prima di "
                    "pubblicare.",
                    "Ci sono ancora %(count)d proposte di modifica aperte: decidile prima di "
                    "pubblicare.",
                    open_amendments,
                )
                % {"count": open_amendments}
            )
        previous = (
            CodeVersion.objects.select_for_update()
            .filter(status=CodeVersion.Status.PUBLISHED)
            .first()
        )
        if previous is not None:
            if previous.effective_date and effective_date < previous.effective_date:
                raise ValidationError(
                    _("La data di entrata in vigore non può precedere quella della versione %(n)s.")
                    % {"n": previous.number}
                )
            previous.status = CodeVersion.Status.SUPERSEDED
            previous.save(update_fields=["status"])
            CodeEvent.objects.create(
                version=previous,
                action=CodeEvent.Action.SUPERSEDED,
                actor=by,
                from_status=CodeVersion.Status.PUBLISHED,
                to_status=CodeVersion.Status.SUPERSEDED,
                note=_("Sostituita dalla versione %(number)s") % {"number": draft.number},
            )
        draft.status = CodeVersion.Status.PUBLISHED
        draft.effective_date = effective_date
        draft.published_at = timezone.now()
        draft.published_by = by
        draft.save()
        CodeEvent.objects.create(
            version=draft,
            action=CodeEvent.Action.PUBLISHED,
            actor=by,
            from_status=CodeVersion.Status.DRAFT,
            to_status=CodeVersion.Status.PUBLISHED,
            note=note,
        )
        version_id = draft.pk
        transaction.on_commit(lambda: _queue_pdf(version_id), robust=True)
    return draft


def _queue_pdf(version_id: int) -> None:
    from codice.tasks import prerender_code_pdf

    prerender_code_pdf.delay(version_id)


def amendment_propose(
    *, version: CodeVersion, by, article_key: str, proposed_text: str, rationale: str, proposer: str
) -> Amendment:
    _require_manager(by)
    with transaction.atomic():
        draft = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if not draft.is_draft:
            raise VersionLocked(draft)
        if not draft.articles.filter(key=article_key).exists():
            raise ValidationError(_("L'articolo indicato non esiste nella bozza."))
        amendment = Amendment.objects.create(
            version=draft,
            article_key=article_key,
            proposed_text=proposed_text,
            rationale=rationale,
            proposer=proposer,
            created_by=by,
        )
        CodeEvent.objects.create(
            version=draft,
            action=CodeEvent.Action.AMENDMENT_PROPOSED,
            actor=by,
            amendment=amendment,
            note=proposer,
        )
    return amendment


def amendment_decide(
    *, amendment: Amendment, by, accept: bool, meeting: Meeting, note: str = ""
) -> Amendment:
    """Accept (applying the proposed text to the draft's article) or reject an open proposal."""
    _require_manager(by)
    with transaction.atomic():
        locked = Amendment.objects.select_for_update().get(pk=amendment.pk)
        if locked.status != Amendment.Status.OPEN:
            raise ValidationError(_("Questa proposta è già stata decisa."))
        version = CodeVersion.objects.select_for_update().get(pk=locked.version_id)
        if not version.is_draft:
            raise VersionLocked(version)
        if accept:
            article = (
                Article.objects.select_for_update()
                .filter(version=version, key=locked.article_key)
                .first()
            )
            if article is None:
                raise ValidationError(_("L'articolo della proposta non esiste più nella bozza."))
            locked.previous_text = article.body
            article.body = locked.proposed_text
            article.save(update_fields=["body"])
        locked.status = Amendment.Status.ACCEPTED if accept else Amendment.Status.REJECTED
        locked.meeting = meeting
        locked.decision_note = note
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.save()
        CodeEvent.objects.create(
            version=version,
            action=CodeEvent.Action.AMENDMENT_ACCEPTED
            if accept
            else CodeEvent.Action.AMENDMENT_REJECTED,
            actor=by,
            amendment=locked,
            note=note,
        )
    return locked

"""Checklist templates: created with the default scale, copied into every new draft."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from certification.models.checklists import DEFAULT_LEVELS
from codice.models import CodeVersion, VersionLocked
from codice.services import can_manage_codice, codeversion_record_edit

T = TypeVar("T")


def _require_manager(user) -> None:
    if not can_manage_codice(user):
        raise PermissionDenied(_("Solo il comitato gestisce le liste di controllo."))


def checklist_create(
    *, version: CodeVersion, by, pass_threshold: Decimal = Decimal("70")
) -> ChecklistTemplate:
    """Give a draft its checklist, with the default scale of levels."""
    _require_manager(by)
    with transaction.atomic():
        locked = CodeVersion.objects.select_for_update().get(pk=version.pk)
        locked.assert_editable()
        if ChecklistTemplate.objects.filter(version=locked).exists():
            raise ValidationError(_("Questa versione ha già una lista di controllo."))
        template = ChecklistTemplate.objects.create(version=locked, pass_threshold=pass_threshold)
        ScaleLevel.objects.bulk_create(
            [
                ScaleLevel(version=locked, points=points, label=str(label))
                for points, label in DEFAULT_LEVELS
            ]
        )
        codeversion_record_edit(version=locked, by=by, note=_("Lista di controllo creata"))
    return template


def checklist_edit(*, version: CodeVersion, by, note: str, write: Callable[[], T]) -> T:
    """Run `write` (one change to the draft's checklist) with its history row, in one
    transaction.

    The version row is locked first, so a publish cannot slip in between the check and the
    write. Raises VersionLocked once the version is frozen, ValidationError when it has no
    checklist yet; the database's own refusals (IntegrityError) reach the caller.
    """
    _require_manager(by)
    with transaction.atomic():
        locked = CodeVersion.objects.select_for_update().get(pk=version.pk)
        if not locked.is_draft:
            raise VersionLocked(locked)
        if not ChecklistTemplate.objects.filter(version=locked).exists():
            raise ValidationError(_("Questa versione non ha ancora una lista di controllo."))
        result = write()
        codeversion_record_edit(version=locked, by=by, note=note)
    return result


def checklist_set_threshold(
    *, version: CodeVersion, by, pass_threshold: Decimal
) -> ChecklistTemplate:
    def write() -> ChecklistTemplate:
        template = ChecklistTemplate.objects.select_for_update().get(version=version)
        template.pass_threshold = pass_threshold
        template.full_clean()
        template.save(update_fields=["pass_threshold"])
        return template

    note = _("Soglia della lista di controllo: %(threshold)s%%") % {
        "threshold": number_format(pass_threshold, decimal_pos=2)
    }
    return checklist_edit(version=version, by=by, note=note, write=write)


def validate_scale(levels: Sequence[tuple[int, str]]) -> None:
    """A scale the scoring formula can use: at least two levels, one at 0 points (the mark
    that fails a blocking item), distinct points, each level labelled."""
    points = [p for p, _label in levels]
    if len(levels) < 2:
        raise ValidationError(_("La scala deve avere almeno due livelli."), code="too_few")
    if len(set(points)) != len(points):
        raise ValidationError(_("Due livelli non possono avere gli stessi punti."), code="dup")
    if any(p < 0 for p in points):
        raise ValidationError(_("I punti non possono essere negativi."), code="negative")
    if 0 not in points:
        raise ValidationError(
            _("Serve un livello da 0 punti: è quello che fa fallire una voce bloccante."),
            code="no_zero",
        )
    if any(not label.strip() for _p, label in levels):
        raise ValidationError(_("Ogni livello ha bisogno di un'etichetta."), code="no_label")


def checklist_set_scale(
    *, version: CodeVersion, by, levels: Sequence[tuple[int, str]]
) -> list[ScaleLevel]:
    """Replace the draft's scale with `levels` [(points, label)]."""
    validate_scale(levels)

    def write() -> list[ScaleLevel]:
        # Replaced as a whole: moving points between levels one row at a time would trip the
        # uniqueness of points mid-way. Nothing refers to a draft's levels by id.
        ScaleLevel.objects.filter(version=version).delete()
        return ScaleLevel.objects.bulk_create(
            [
                ScaleLevel(version=version, points=points, label=label.strip())
                for points, label in sorted(levels)
            ]
        )

    description = ", ".join(f"{points} {label.strip()}" for points, label in sorted(levels))
    note = _("Scala dei livelli: %(levels)s") % {"levels": description}
    return checklist_edit(version=version, by=by, note=note, write=write)


def checklist_copy(source: CodeVersion, target: CodeVersion) -> None:
    """Copy the checklist of `source` into the new draft `target` (registered in DRAFT_COPIERS)."""
    template = ChecklistTemplate.objects.filter(version=source).first()
    if template is None:
        return
    ChecklistTemplate.objects.create(version=target, pass_threshold=template.pass_threshold)
    ScaleLevel.objects.bulk_create(
        [
            ScaleLevel(version=target, points=level.points, label=level.label)
            for level in source.scale_levels.all()
        ]
    )
    sections = list(source.checklist_sections.all())
    new_sections = ChecklistSection.objects.bulk_create(
        [
            ChecklistSection(
                version=target,
                code=s.code,
                title=s.title,
                minimum_percent=s.minimum_percent,
                order=s.order,
            )
            for s in sections
        ]
    )
    section_map = {old.pk: new for old, new in zip(sections, new_sections, strict=True)}
    ChecklistItem.objects.bulk_create(
        [
            ChecklistItem(
                version=target,
                section=section_map[i.section_id],
                code=i.code,
                question=i.question,
                guidance=i.guidance,
                article_keys=list(i.article_keys),
                weight=i.weight,
                blocking=i.blocking,
                allows_na=i.allows_na,
                evidence_hint=i.evidence_hint,
                order=i.order,
            )
            for i in source.checklist_items.all()
        ]
    )

"""Checklist templates: created with the default scale, copied into every new draft."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from certification.models.checklists import DEFAULT_LEVELS
from codice.models import CodeVersion
from codice.services import can_manage_codice


def checklist_create(
    *, version: CodeVersion, by, pass_threshold: Decimal = Decimal("70")
) -> ChecklistTemplate:
    """Give a draft its checklist, with the default scale of levels."""
    if not can_manage_codice(by):
        raise PermissionDenied(_("Solo il comitato gestisce le liste di controllo."))
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
    return template


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

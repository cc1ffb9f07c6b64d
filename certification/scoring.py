"""The scoring engine of the weighted audit checklists (PRODUCT §5), as pure functions.

`score(spec, scores)` takes the checklist and the points given to its items and returns a
`ScoreResult`; it reads no database and keeps no state. `spec_for_version(version)` (at the
end, kept apart) builds the spec of a code version's stored checklist.

The rules:

- an item's fraction is points / the highest points of the scale;
- a figure (the total, or one section) is Σ(weight · fraction) / Σ(weight) × 100 over the
  items not marked N/A, in exact decimals, rounded half-up to 2 places. It is computed as
  100 · Σ(weight · points) / (max points · Σ weight): one division per figure, so only the
  final figure is ever rounded;
- pass ⇔ total ≥ threshold, no blocking item at 0, every section with a minimum at or
  above it. The comparisons use the rounded figures, the ones people read: a total shown as
  70,00 passes a 70% threshold;
- an item not yet scored (`None`, or left out of `scores`) makes the result incomplete: the
  figures are the running score over the items scored so far, and an incomplete result never
  passes. N/A counts as scored;
- when every item is N/A (or there is none) there is nothing to measure: the total is None
  and the result does not pass. A section whose items are all N/A (or unscored) has a score
  of None and is never below its minimum;
- a blocking item at 0 fails the audit even while others are still unscored, and whatever
  the total.
"""

from __future__ import annotations

import decimal
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Final

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

if TYPE_CHECKING:
    from codice.models import CodeVersion

TWO_PLACES: Final = Decimal("0.01")
HUNDRED: Final = Decimal(100)


class NotApplicable(enum.Enum):
    """The mark of an item judged «non applicabile»."""

    NA = "N/A"

    def __repr__(self) -> str:
        return "NA"


NA: Final = NotApplicable.NA

Score = int | NotApplicable | None


@dataclass(frozen=True)
class ItemSpec:
    code: str
    section_code: str
    weight: Decimal
    blocking: bool = False
    allows_na: bool = False


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: str
    minimum: Decimal | None = None


@dataclass(frozen=True)
class ChecklistSpec:
    """What the engine needs of a checklist: its sections and items (in display order), the
    points of its scale and its pass threshold (a percentage)."""

    sections: tuple[SectionSpec, ...]
    items: tuple[ItemSpec, ...]
    scale: tuple[int, ...]
    threshold: Decimal

    @property
    def max_points(self) -> int:
        return max(self.scale)


@dataclass(frozen=True)
class SectionResult:
    code: str
    title: str
    score: Decimal | None
    minimum: Decimal | None
    below_minimum: bool


@dataclass(frozen=True)
class ScoreResult:
    total: Decimal | None
    threshold: Decimal
    sections: tuple[SectionResult, ...]
    blocking_failures: tuple[str, ...]
    passed: bool
    reasons: tuple[str, ...]
    scored_count: int
    total_count: int
    na_count: int

    @property
    def complete(self) -> bool:
        return self.scored_count == self.total_count


def round_half_up(value: Decimal) -> Decimal:
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def _percent(weighted_points: Decimal, weights: Decimal, max_points: int) -> Decimal | None:
    if weights == 0:
        return None
    # Inputs are exact decimals (weights with two places, integer points): the only inexact
    # step is this one division, done with ample precision so that a figure that is exactly
    # x.xx5 is seen as such and rounded up.
    with decimal.localcontext() as ctx:
        ctx.prec = 60
        return round_half_up(HUNDRED * weighted_points / (max_points * weights))


def _pct(value: Decimal) -> str:
    return number_format(value, decimal_pos=2)


def validate_spec(spec: ChecklistSpec) -> None:
    """Refuse a checklist the formula cannot measure (ValueError)."""
    if not spec.scale or max(spec.scale) <= 0:
        raise ValueError("the scale needs a level above 0 points")
    if any(points < 0 for points in spec.scale):
        raise ValueError("scale points cannot be negative")
    section_codes = [s.code for s in spec.sections]
    if len(set(section_codes)) != len(section_codes):
        raise ValueError("duplicate section code")
    item_codes = [i.code for i in spec.items]
    if len(set(item_codes)) != len(item_codes):
        raise ValueError("duplicate item code")
    known = set(section_codes)
    for item in spec.items:
        if item.section_code not in known:
            raise ValueError(f"item {item.code}: unknown section {item.section_code}")
        if not item.weight > 0:
            raise ValueError(f"item {item.code}: the weight must be greater than 0")


def _check_scores(spec: ChecklistSpec, scores: Mapping[str, Score]) -> None:
    codes = {item.code for item in spec.items}
    unknown = sorted(set(scores) - codes)
    if unknown:
        raise ValueError(f"scores for unknown items: {', '.join(unknown)}")
    levels = set(spec.scale)
    for item in spec.items:
        value = scores.get(item.code)
        if value is None:
            continue
        if value is NA:
            if not item.allows_na:
                raise ValueError(f"item {item.code} does not allow N/A")
        elif isinstance(value, bool) or not isinstance(value, int) or value not in levels:
            raise ValueError(f"item {item.code}: {value!r} is not a level of the scale")


def score(spec: ChecklistSpec, scores: Mapping[str, Score]) -> ScoreResult:
    """Measure `scores` (item code → points, NA or None) against the checklist `spec`."""
    validate_spec(spec)
    _check_scores(spec, scores)
    max_points = spec.max_points

    sums: dict[str, list[Decimal]] = {s.code: [Decimal(0), Decimal(0)] for s in spec.sections}
    total_points = Decimal(0)
    total_weight = Decimal(0)
    scored = na = 0
    blocking_failures: list[str] = []
    for item in spec.items:
        value = scores.get(item.code)
        if value is None:
            continue
        scored += 1
        if value is NA:
            na += 1
            continue
        weighted = item.weight * value
        sums[item.section_code][0] += weighted
        sums[item.section_code][1] += item.weight
        total_points += weighted
        total_weight += item.weight
        if item.blocking and value == 0:
            blocking_failures.append(item.code)

    total = _percent(total_points, total_weight, max_points)
    sections = []
    for section in spec.sections:
        section_score = _percent(*sums[section.code], max_points)
        below = (
            section.minimum is not None
            and section_score is not None
            and section_score < section.minimum
        )
        sections.append(
            SectionResult(
                code=section.code,
                title=section.title,
                score=section_score,
                minimum=section.minimum,
                below_minimum=below,
            )
        )

    reasons = _reasons(
        spec=spec,
        total=total,
        sections=sections,
        blocking_failures=blocking_failures,
        missing=len(spec.items) - scored,
    )
    return ScoreResult(
        total=total,
        threshold=spec.threshold,
        sections=tuple(sections),
        blocking_failures=tuple(blocking_failures),
        passed=not reasons,
        reasons=tuple(reasons),
        scored_count=scored,
        total_count=len(spec.items),
        na_count=na,
    )


def _reasons(
    *,
    spec: ChecklistSpec,
    total: Decimal | None,
    sections: Iterable[SectionResult],
    blocking_failures: list[str],
    missing: int,
) -> list[str]:
    """Every reason the audit does not pass, in Italian; an empty list means it passes."""
    reasons = []
    if missing:
        reasons.append(
            ngettext(
                "Valutazione incompleta: %(missing)d voce su %(total)d non ha ancora un punteggio.",
                "Valutazione incompleta: %(missing)d voci su %(total)d non hanno ancora un "
                "punteggio.",
                missing,
            )
            % {"missing": missing, "total": len(spec.items)}
        )
    if total is None:
        if not missing:
            reasons.append(
                _(
                    "Nessuna voce è applicabile: senza voci valutate il punteggio non si può "
                    "calcolare."
                )
            )
    elif total < spec.threshold:
        reasons.append(
            _(
                "Punteggio totale %(total)s%% inferiore alla soglia di superamento "
                "(%(threshold)s%%)."
            )
            % {"total": _pct(total), "threshold": _pct(spec.threshold)}
        )
    for code in blocking_failures:
        reasons.append(
            _("La voce bloccante %(code)s ha punteggio 0: l'audit non è superato.") % {"code": code}
        )
    for section in sections:
        if section.below_minimum:
            reasons.append(
                _(
                    "Sezione %(code)s «%(title)s»: %(score)s%%, sotto il minimo richiesto "
                    "(%(minimum)s%%)."
                )
                % {
                    "code": section.code,
                    "title": section.title,
                    "score": _pct(section.score),
                    "minimum": _pct(section.minimum),
                }
            )
    return reasons


# --- adapter: the spec of a stored checklist ----------------------------------------------------


def spec_for_version(version: CodeVersion) -> ChecklistSpec:
    """The spec of `version`'s checklist (four queries). Raises ChecklistTemplate.DoesNotExist
    when the version has none."""
    from certification.models import ChecklistTemplate

    template = ChecklistTemplate.objects.get(version=version)
    sections = list(version.checklist_sections.order_by("order", "id"))
    order = {section.pk: position for position, section in enumerate(sections)}
    items = sorted(
        version.checklist_items.all(), key=lambda i: (order[i.section_id], i.order, i.pk)
    )
    codes = {section.pk: section.code for section in sections}
    return ChecklistSpec(
        sections=tuple(
            SectionSpec(code=s.code, title=s.title, minimum=s.minimum_percent) for s in sections
        ),
        items=tuple(
            ItemSpec(
                code=i.code,
                section_code=codes[i.section_id],
                weight=i.weight,
                blocking=i.blocking,
                allows_na=i.allows_na,
            )
            for i in items
        ),
        scale=tuple(version.scale_levels.values_list("points", flat=True)),
        threshold=template.pass_threshold,
    )

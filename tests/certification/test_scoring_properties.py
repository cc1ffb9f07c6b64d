"""Invariants of the scoring engine over generated checklists and scores (hypothesis)."""

import random
from dataclasses import replace
from decimal import Decimal
from fractions import Fraction

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from certification.scoring import NA, ChecklistSpec, ItemSpec, SectionSpec, score

# Local to this module: the profile of the rest of the suite is left alone.
examples = settings(max_examples=200, deadline=None)

weights = st.decimals(
    min_value=Decimal("0.01"),
    max_value=Decimal("9999.99"),
    places=2,
    allow_nan=False,
    allow_infinity=False,
)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2, allow_nan=False)
scales = st.sets(st.integers(min_value=1, max_value=10), min_size=1, max_size=5).map(
    lambda points: tuple(sorted(points | {0}))
)


@st.composite
def checklists(draw) -> ChecklistSpec:
    sections = tuple(
        SectionSpec(code=f"S{n}", title=f"Sezione {n}", minimum=draw(st.none() | percents))
        for n in range(draw(st.integers(min_value=1, max_value=4)))
    )
    items = tuple(
        ItemSpec(
            code=f"I{n}",
            section_code=draw(st.sampled_from(sections)).code,
            weight=draw(weights),
            blocking=draw(st.booleans()),
            allows_na=draw(st.booleans()),
        )
        for n in range(draw(st.integers(min_value=1, max_value=12)))
    )
    return ChecklistSpec(
        sections=sections,
        items=items,
        scale=draw(scales),
        threshold=draw(percents.filter(lambda p: p > 0)),
    )


def levels(spec: ChecklistSpec, item: ItemSpec, *, na: bool) -> list:
    return [*spec.scale, NA] if na and item.allows_na else list(spec.scale)


@st.composite
def scored(draw, *, na: bool = True, unscored: bool = False):
    """A checklist and complete scores (or, with unscored=True, possibly missing ones)."""
    spec = draw(checklists())
    scores = {}
    for item in spec.items:
        choices = levels(spec, item, na=na) + ([None] if unscored else [])
        scores[item.code] = draw(st.sampled_from(choices))
    return spec, scores


def half_up(value: Fraction) -> Decimal:
    """Reference rounding on exact fractions: half-up to two places (values are ≥ 0)."""
    cents = value * 100
    whole = cents.numerator // cents.denominator
    if cents - whole >= Fraction(1, 2):
        whole += 1
    return Decimal(whole) / 100


def reference_total(spec: ChecklistSpec, scores: dict) -> Decimal | None:
    """PRODUCT §5 taken literally, on exact fractions."""
    top = Fraction(max(spec.scale))
    applicable = [i for i in spec.items if scores.get(i.code) not in (None, NA)]
    weight = sum((Fraction(i.weight) for i in applicable), Fraction(0))
    if weight == 0:
        return None
    weighted = sum(Fraction(i.weight) * Fraction(scores[i.code]) / top for i in applicable)
    return half_up(weighted / weight * 100)


def section_scores(result) -> dict:
    return {s.code: s.score for s in result.sections}


@examples
@given(scored(unscored=True))
def test_the_total_is_the_formula_computed_on_exact_fractions(case):
    spec, scores = case
    assert score(spec, scores).total == reference_total(spec, scores)


@examples
@given(scored(unscored=True))
def test_every_figure_is_between_0_and_100(case):
    spec, scores = case
    result = score(spec, scores)
    for figure in [result.total, *section_scores(result).values()]:
        assert figure is None or Decimal(0) <= figure <= Decimal(100)
        assert figure is None or figure == figure.quantize(Decimal("0.01"))


@examples
@given(scored(unscored=True), st.data())
def test_raising_one_items_level_never_lowers_the_total(case, data):
    spec, scores = case
    candidates = [
        i
        for i in spec.items
        if isinstance(scores[i.code], int) and scores[i.code] < max(spec.scale)
    ]
    assume(candidates)
    item = data.draw(st.sampled_from(candidates))
    higher = data.draw(st.sampled_from([p for p in spec.scale if p > scores[item.code]]))
    before = score(spec, scores)
    after = score(spec, {**scores, item.code: higher})
    assert after.total >= before.total
    section = item.section_code
    assert section_scores(after)[section] >= section_scores(before)[section]


@examples
@given(scored(), st.data())
def test_marking_an_item_na_is_the_same_as_leaving_it_out_of_the_checklist(case, data):
    spec, scores = case
    candidates = [i for i in spec.items if i.allows_na]
    assume(candidates)
    item = data.draw(st.sampled_from(candidates))
    marked = score(spec, {**scores, item.code: NA})
    without = score(
        replace(spec, items=tuple(i for i in spec.items if i.code != item.code)),
        {code: value for code, value in scores.items() if code != item.code},
    )
    assert marked.total == without.total
    assert marked.sections == without.sections
    assert marked.blocking_failures == without.blocking_failures
    assert marked.passed == without.passed
    assert marked.reasons == without.reasons


@examples
@given(scored(), st.data())
def test_any_blocking_item_at_zero_fails(case, data):
    spec, scores = case
    candidates = [i for i in spec.items if i.blocking]
    assume(candidates)
    item = data.draw(st.sampled_from(candidates))
    result = score(spec, {**scores, item.code: 0})
    assert result.passed is False
    assert item.code in result.blocking_failures
    assert any(item.code in reason for reason in result.reasons)


@examples
@given(scored(unscored=True), st.randoms(use_true_random=False))
def test_the_order_of_items_and_sections_does_not_change_the_result(case, rnd: random.Random):
    spec, scores = case
    items, sections = list(spec.items), list(spec.sections)
    rnd.shuffle(items)
    rnd.shuffle(sections)
    shuffled = replace(spec, items=tuple(items), sections=tuple(sections))
    original, permuted = score(spec, scores), score(shuffled, scores)
    assert permuted.total == original.total
    assert section_scores(permuted) == section_scores(original)
    assert sorted(permuted.blocking_failures) == sorted(original.blocking_failures)
    assert sorted(permuted.reasons) == sorted(original.reasons)
    assert permuted.passed == original.passed


@examples
@given(checklists())
def test_all_items_at_the_top_level_score_100_and_all_at_zero_score_0(spec):
    top = score(spec, {i.code: max(spec.scale) for i in spec.items})
    assert top.total == Decimal("100.00")
    assert all(s.score in (None, Decimal("100.00")) for s in top.sections)
    assert top.blocking_failures == ()
    assert top.passed is True

    bottom = score(spec, {i.code: 0 for i in spec.items})
    assert bottom.total == Decimal("0.00")
    assert all(s.score in (None, Decimal("0.00")) for s in bottom.sections)
    assert bottom.passed is False


@examples
@given(scored(unscored=True))
def test_it_passes_exactly_when_every_rule_of_product_5_holds(case):
    spec, scores = case
    result = score(spec, scores)
    rules_hold = (
        result.complete
        and result.total is not None
        and result.total >= spec.threshold
        and not result.blocking_failures
        and not any(s.below_minimum for s in result.sections)
    )
    assert result.passed == rules_hold
    assert bool(result.reasons) == (not result.passed)


@examples
@given(scored(unscored=True))
def test_an_incomplete_scoring_never_passes(case):
    spec, scores = case
    result = score(spec, scores)
    missing = sum(1 for i in spec.items if scores.get(i.code) is None)
    assert result.total_count - result.scored_count == missing
    if missing:
        assert not result.passed

"""The scoring engine on examples worked out by hand (PRODUCT §5).

Every expected figure is derived in the comment above it from the formula
    total = Σ(weight · points / max points) / Σ(weight) × 100, over the items not marked N/A,
rounded half-up to two places at the very end.
"""

from decimal import Decimal

import pytest

from certification.scoring import (
    NA,
    ChecklistSpec,
    ItemSpec,
    SectionSpec,
    round_half_up,
    score,
    spec_for_version,
)
from codice.models import CodeVersion
from tests.factories import make_checklist, make_version

D = Decimal
SCALE = (0, 1, 2, 3)


def checklist(items, sections=None, threshold="70", scale=SCALE) -> ChecklistSpec:
    """items: [(code, section, weight, blocking, allows_na)]; sections: [(code, minimum)]."""
    sections = sections or [(code, None) for code in dict.fromkeys(i[1] for i in items)]
    return ChecklistSpec(
        sections=tuple(
            SectionSpec(code=code, title=f"Sezione {code}", minimum=None if m is None else D(m))
            for code, m in sections
        ),
        items=tuple(
            ItemSpec(code=code, section_code=s, weight=D(w), blocking=b, allows_na=na)
            for code, s, w, b, na in items
        ),
        scale=scale,
        threshold=D(threshold),
    )


def section(result, code):
    return next(s for s in result.sections if s.code == code)


# --- worked examples -----------------------------------------------------------------------


def test_an_item_marked_na_leaves_the_score_of_the_others():
    spec = checklist(
        [
            ("A.1", "A", "2", False, False),
            ("A.2", "A", "1", False, True),
            ("B.1", "B", "3", False, False),
        ]
    )
    result = score(spec, {"A.1": 3, "A.2": NA, "B.1": 2})
    # A.2 is N/A and drops out of both sums:
    # total = (2·3/3 + 3·2/3) / (2 + 3) × 100 = (2 + 2) / 5 × 100 = 80.00
    assert result.total == D("80.00")
    # section A = (2·3/3) / 2 × 100 = 100.00
    assert section(result, "A").score == D("100.00")
    # section B = (3·2/3) / 3 × 100 = 66.666… → 66.67
    assert section(result, "B").score == D("66.67")
    assert result.passed is True
    assert result.reasons == ()
    assert (result.scored_count, result.total_count, result.na_count) == (3, 3, 1)
    assert result.complete


def test_a_total_of_exactly_x_xx5_is_rounded_half_up():
    spec = checklist([("A.1", "A", "5.01", False, False), ("A.2", "A", "2.99", False, False)])
    result = score(spec, {"A.1": 3, "A.2": 0})
    # total = (5.01·3/3 + 2.99·0/3) / (5.01 + 2.99) × 100 = 5.01 / 8 × 100 = 62.625 exactly.
    # Half-up gives 62.63 (banker's rounding would give 62.62).
    assert result.total == D("62.63")
    assert result.passed is False
    assert result.reasons == (
        "Punteggio totale 62,63% inferiore alla soglia di superamento (70,00%).",
    )


def test_a_sixth_is_rounded_once_at_the_end_not_item_by_item():
    spec = checklist([(f"A.{n}", "A", "1", False, False) for n in range(1, 7)])
    result = score(spec, {"A.1": 1, "A.2": 0, "A.3": 0, "A.4": 0, "A.5": 0, "A.6": 0})
    # total = (1·1/3) / 6 × 100 = 100/18 = 5.5555… → 5.56.
    # Rounding A.1's fraction first (0.33) would give 0.33/6 × 100 = 5.50.
    assert result.total == D("5.56")


def test_a_blocking_item_at_zero_fails_whatever_the_total():
    items = [("A.1", "A", "1", True, False)] + [
        (f"B.{n}", "B", "3", False, False) for n in range(1, 6)
    ]
    spec = checklist(items)
    result = score(spec, {"A.1": 0, "B.1": 3, "B.2": 3, "B.3": 3, "B.4": 3, "B.5": 3})
    # total = (1·0/3 + 5·3·3/3) / (1 + 15) × 100 = 15/16 × 100 = 93.75, above the 70 threshold
    assert result.total == D("93.75")
    assert result.blocking_failures == ("A.1",)
    assert result.passed is False
    assert result.reasons == ("La voce bloccante A.1 ha punteggio 0: l'audit non è superato.",)


def test_a_blocking_item_above_zero_does_not_fail():
    spec = checklist([("A.1", "A", "1", True, False), ("A.2", "A", "1", False, False)])
    result = score(spec, {"A.1": 1, "A.2": 3})
    # total = (1·1/3 + 1·3/3) / 2 × 100 = (4/3)/2 × 100 = 66.666… → 66.67, below 70;
    # A.1 is weak but not 0, so it is no blocking failure.
    assert result.total == D("66.67")
    assert result.blocking_failures == ()
    assert len(result.reasons) == 1


def test_a_section_below_its_minimum_fails_with_a_high_total():
    spec = checklist(
        [
            ("A.1", "A", "1", False, False),
            ("A.2", "A", "1", False, False),
            ("B.1", "B", "4", False, False),
        ],
        sections=[("A", "80"), ("B", None)],
    )
    result = score(spec, {"A.1": 2, "A.2": 2, "B.1": 3})
    # section A = (1·2/3 + 1·2/3) / 2 × 100 = 66.666… → 66.67, below its minimum of 80
    a = section(result, "A")
    assert (a.score, a.minimum, a.below_minimum) == (D("66.67"), D("80"), True)
    # section B = 4·3/3 / 4 × 100 = 100.00, no minimum
    b = section(result, "B")
    assert (b.score, b.minimum, b.below_minimum) == (D("100.00"), None, False)
    # total = (2/3 + 2/3 + 4) / 6 × 100 = (16/3)/6 × 100 = 88.888… → 88.89
    assert result.total == D("88.89")
    assert result.passed is False
    assert result.reasons == ("Sezione A «Sezione A»: 66,67%, sotto il minimo richiesto (80,00%).",)


def test_a_section_exactly_at_its_minimum_and_a_total_exactly_at_the_threshold_pass():
    spec = checklist(
        [("A.1", "A", "1", False, False), ("A.2", "A", "2", False, False)],
        sections=[("A", "77.78")],
        threshold="77.78",
    )
    result = score(spec, {"A.1": 1, "A.2": 3})
    # total = section A = (1·1/3 + 2·3/3) / 3 × 100 = (7/3)/3 × 100 = 77.777… → 77.78
    assert result.total == D("77.78")
    assert section(result, "A").below_minimum is False
    assert result.passed is True


def test_the_rounded_total_is_the_one_compared_with_the_threshold():
    spec = checklist(
        [("A.1", "A", "139.99", False, False), ("A.2", "A", "60.01", False, False)],
        scale=(0, 1),
    )
    result = score(spec, {"A.1": 1, "A.2": 0})
    # total = 139.99 / 200.00 × 100 = 69.995 exactly → 70.00, which is what people read:
    # it passes a 70% threshold.
    assert result.total == D("70.00")
    assert result.passed is True


def test_all_items_na_give_no_total_and_no_pass():
    spec = checklist(
        [("A.1", "A", "2", False, True), ("B.1", "B", "1", False, True)],
        sections=[("A", "50"), ("B", None)],
    )
    result = score(spec, {"A.1": NA, "B.1": NA})
    # Σ(weight) over the applicable items is 0: there is nothing to measure.
    assert result.total is None
    assert [s.score for s in result.sections] == [None, None]
    # A section with nothing to measure is not below its minimum.
    assert section(result, "A").below_minimum is False
    assert result.passed is False
    assert result.complete
    assert result.reasons == (
        "Nessuna voce è applicabile: senza voci valutate il punteggio non si può calcolare.",
    )


def test_an_incomplete_scoring_gives_the_running_score_and_never_passes():
    spec = checklist(
        [
            ("A.1", "A", "1", False, False),
            ("A.2", "A", "3", False, False),
            ("B.1", "B", "2", True, False),
        ]
    )
    result = score(spec, {"A.1": 3, "A.2": None})
    # Only A.1 is scored: running total = 1·3/3 / 1 × 100 = 100.00
    assert result.total == D("100.00")
    assert section(result, "B").score is None
    assert (result.scored_count, result.total_count) == (1, 3)
    assert not result.complete
    assert result.passed is False
    assert result.reasons == ("Valutazione incompleta: 2 voci su 3 non hanno ancora un punteggio.",)


def test_a_blocking_zero_is_reported_while_the_scoring_is_still_incomplete():
    spec = checklist([("A.1", "A", "1", True, False), ("A.2", "A", "1", False, False)])
    result = score(spec, {"A.1": 0})
    # running total = 1·0/3 / 1 × 100 = 0.00
    assert result.total == D("0.00")
    assert result.blocking_failures == ("A.1",)
    assert result.reasons == (
        "Valutazione incompleta: 1 voce su 2 non ha ancora un punteggio.",
        "Punteggio totale 0,00% inferiore alla soglia di superamento (70,00%).",
        "La voce bloccante A.1 ha punteggio 0: l'audit non è superato.",
    )


def test_a_blocking_item_marked_na_is_no_failure():
    spec = checklist([("A.1", "A", "1", True, True), ("A.2", "A", "1", False, False)])
    result = score(spec, {"A.1": NA, "A.2": 3})
    assert result.total == D("100.00")
    assert result.blocking_failures == ()
    assert result.passed is True


def test_every_reason_is_listed_when_several_rules_fail():
    spec = checklist(
        [("A.1", "A", "1", True, False), ("B.1", "B", "1", False, False)],
        sections=[("A", None), ("B", "50")],
    )
    result = score(spec, {"A.1": 0, "B.1": 1})
    # total = (0 + 1·1/3) / 2 × 100 = 16.666… → 16.67; section B = 33.33 < 50
    assert result.total == D("16.67")
    assert len(result.reasons) == 3
    assert result.reasons[0].startswith("Punteggio totale 16,67%")
    assert result.reasons[1].startswith("La voce bloccante A.1")
    assert result.reasons[2].startswith("Sezione B")


def test_round_half_up_rounds_only_the_third_decimal():
    assert round_half_up(D("62.625")) == D("62.63")
    assert round_half_up(D("62.6249999")) == D("62.62")
    assert round_half_up(D("0.005")) == D("0.01")
    assert round_half_up(D("99.995")) == D("100.00")


# --- refused input -------------------------------------------------------------------------

SIMPLE = checklist([("A.1", "A", "1", False, False), ("A.2", "A", "1", False, True)])


@pytest.mark.parametrize("points", [4, -1, 7, 1.5, "2", True])
def test_points_not_on_the_scale_are_refused(points):
    with pytest.raises(ValueError, match="A.1"):
        score(SIMPLE, {"A.1": points})


def test_na_on_an_item_that_does_not_allow_it_is_refused():
    with pytest.raises(ValueError, match="A.1 does not allow N/A"):
        score(SIMPLE, {"A.1": NA, "A.2": NA})


def test_scores_of_unknown_items_are_refused():
    with pytest.raises(ValueError, match="Z.9"):
        score(SIMPLE, {"A.1": 1, "Z.9": 1})


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (checklist([("A.1", "A", "1", False, False)], scale=(0,)), "scale"),
        (checklist([("A.1", "A", "1", False, False)], scale=()), "scale"),
        (checklist([("A.1", "A", "0", False, False)]), "weight"),
        (checklist([("A.1", "A", "1", False, False), ("A.1", "A", "2", False, False)]), "dup"),
        (checklist([("A.1", "A", "1", False, False)], sections=[("B", None)]), "section"),
    ],
)
def test_a_checklist_the_formula_cannot_measure_is_refused(spec, message):
    with pytest.raises(ValueError, match=message):
        score(spec, {})


# --- the adapter over a stored checklist ---------------------------------------------------


@pytest.mark.django_db
def test_the_spec_of_a_stored_checklist_follows_its_rows(django_assert_num_queries):
    version = make_version("2.0", status=CodeVersion.Status.DRAFT)
    make_checklist(
        version,
        sections=[
            ("B", "Consenso", [("B.1", "3", False, False, "")]),
            ("A", "Orari", [("A.2", "1", False, True, ""), ("A.1", "2", True, False, "")]),
        ],
        pass_threshold="72.5",
    )
    version.checklist_sections.filter(code="A").update(minimum_percent=D("60"))

    with django_assert_num_queries(4):
        spec = spec_for_version(version)

    assert spec.threshold == D("72.5")
    assert spec.scale == (0, 1, 2, 3)
    assert spec.sections == (
        SectionSpec(code="B", title="Consenso", minimum=None),
        SectionSpec(code="A", title="Orari", minimum=D("60")),
    )
    assert spec.items == (
        ItemSpec(code="B.1", section_code="B", weight=D("3"), blocking=False, allows_na=False),
        ItemSpec(code="A.2", section_code="A", weight=D("1"), blocking=False, allows_na=True),
        ItemSpec(code="A.1", section_code="A", weight=D("2"), blocking=True, allows_na=False),
    )
    # B.1: 3·3/3; A.2 N/A; A.1: 2·2/3 → (3 + 4/3) / 5 × 100 = 86.666… → 86.67
    assert score(spec, {"B.1": 3, "A.2": NA, "A.1": 2}).total == D("86.67")

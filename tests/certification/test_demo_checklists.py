"""The demo checklists: their data fit the demo code versions, and the loader builds them on a
draft (replacing the copy a new draft inherits), never on a frozen version."""

import datetime
from decimal import Decimal

import pytest

from certification.demo_checklists import CHECKLISTS, load_demo_checklist, load_demo_checklists
from certification.models import ChecklistTemplate
from certification.scoring import NA, score, spec_for_version
from codice import demo_content
from codice.models import Article, Chapter, CodeVersion, VersionLocked
from codice.services import codeversion_create_draft, codeversion_publish

DEMO_VERSIONS = {v["number"]: v for v in demo_content.VERSIONS}


def article_keys(number: str) -> set[str]:
    return {a["key"] for c in DEMO_VERSIONS[number]["chapters"] for a in c["articles"]}


def items_of(number: str) -> list[dict]:
    return [item for section in CHECKLISTS[number]["sections"] for item in section["items"]]


# --- the data ------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["1.0", "2.0", "3.0"])
def test_every_item_verifies_articles_of_its_own_version(number):
    keys = article_keys(number)
    for item in items_of(number):
        assert item["articles"], item["question"]
        assert set(item["articles"]) <= keys, (number, item["question"])


@pytest.mark.parametrize("number", ["1.0", "2.0", "3.0"])
def test_every_item_reads_as_a_real_checklist_question(number):
    sections = CHECKLISTS[number]["sections"]
    assert len({s["code"] for s in sections}) == len(sections)
    for item in items_of(number):
        assert item["question"].endswith("?")
        assert len(item["guidance"]) > 40
        assert item["weight"] in (1, 2, 3)


def test_the_sizes_follow_the_history_of_the_code():
    sizes = {number: len(items_of(number)) for number in CHECKLISTS}
    assert 25 <= sizes["2.0"] <= 35
    assert sizes["3.0"] == sizes["2.0"] + 2
    assert sizes["1.0"] < sizes["2.0"]
    assert len(CHECKLISTS["2.0"]["sections"]) == 6


def test_version_1_0_has_no_item_on_what_came_with_2_0():
    used = {key for item in items_of("1.0") for key in item["articles"]}
    assert not used & {"subappalto", "formazione", "filiera"}


@pytest.mark.parametrize("number", ["2.0", "3.0"])
def test_the_key_rules_are_blocking_and_subcontracting_may_be_na(number):
    blocking = {key for item in items_of(number) if item["blocking"] for key in item["articles"]}
    assert {"orari", "cli", "rpo", "roc", "consenso", "sanzioni"} <= blocking
    subcontracting = [i for i in items_of(number) if "subappalto" in i["articles"]]
    assert subcontracting and all(i["allows_na"] for i in subcontracting)
    assert any(s["minimum"] for s in CHECKLISTS[number]["sections"])


# --- the loader ----------------------------------------------------------------------------


def fill(version: CodeVersion) -> None:
    """The demo articles of the version's number (the checklist only needs the articles)."""
    for order, data in enumerate(DEMO_VERSIONS[version.number]["chapters"], start=1):
        chapter = Chapter.objects.create(
            version=version, number=data["number"], title=data["title"], order=order
        )
        for n, article in enumerate(data["articles"], start=1):
            Article.objects.create(
                version=version,
                chapter=chapter,
                key=article["key"],
                number=article["number"],
                title=article["title"],
                body=article["body"],
                order=n,
            )


def new_draft(committee, number: str) -> CodeVersion:
    draft = codeversion_create_draft(by=committee, number=number, title="Codice")
    fill_or_refill(draft)
    return draft


def fill_or_refill(version: CodeVersion) -> None:
    Article.objects.filter(version=version).delete()
    Chapter.objects.filter(version=version).delete()
    fill(version)


@pytest.mark.django_db
def test_the_loader_builds_each_version_in_turn_like_the_demo_does(committee):
    loaded = {}
    for number in ["1.0", "2.0", "3.0"]:
        draft = new_draft(committee, number)
        template = load_demo_checklist(draft)
        assert template is not None
        loaded[number] = draft
        if number != "3.0":
            codeversion_publish(
                version=draft, by=committee, effective_date=datetime.date(2024, int(number[0]), 1)
            )

    for number, version in loaded.items():
        assert version.checklist_items.count() == len(items_of(number))
        assert ChecklistTemplate.objects.get(version=version).pass_threshold == Decimal(
            CHECKLISTS[number]["threshold"]
        )
        assert list(version.scale_levels.values_list("points", flat=True)) == [0, 1, 2, 3]
    # 3.0 started as a copy of 2.0's checklist: the loader replaced it, it did not add to it.
    draft = loaded["3.0"]
    codes = list(draft.checklist_items.order_by("section__order", "order").values_list("code"))
    assert len(codes) == len(set(codes)) == 33
    assert (
        draft.checklist_items.filter(article_keys__contains=["sistemi-automatizzati"]).count() == 2
    )


@pytest.mark.django_db
def test_a_loaded_checklist_scores_100_at_the_top_and_fails_on_a_blocking_zero(committee):
    draft = new_draft(committee, "2.0")
    load_demo_checklist(draft)
    spec = spec_for_version(draft)
    top = score(spec, {item.code: 3 for item in spec.items})
    assert (top.total, top.passed) == (Decimal("100.00"), True)

    na = {item.code: NA for item in spec.items if item.allows_na}
    orari = draft.checklist_items.get(article_keys__contains=["orari"], blocking=True)
    result = score(spec, {**{item.code: 3 for item in spec.items}, **na, orari.code: 0})
    assert result.passed is False
    assert result.blocking_failures == (orari.code,)


@pytest.mark.django_db
def test_the_loader_refuses_a_frozen_version_and_ignores_unknown_numbers(committee):
    draft = new_draft(committee, "1.0")
    load_demo_checklist(draft)
    codeversion_publish(version=draft, by=committee, effective_date=datetime.date(2024, 1, 1))
    with pytest.raises(VersionLocked):
        load_demo_checklist(CodeVersion.objects.get(pk=draft.pk))

    other = codeversion_create_draft(by=committee, number="9.9", title="Altra")
    assert load_demo_checklist(other) is None
    # The copy inherited from 1.0 stays as it is.
    assert other.checklist_items.count() == len(items_of("1.0"))


@pytest.mark.django_db
def test_load_demo_checklists_takes_the_versions_by_number(committee):
    draft = new_draft(committee, "1.0")
    assert [t.version_id for t in load_demo_checklists({"1.0": draft})] == [draft.pk]

"""A published or superseded version's checklist is frozen with it: the ORM refuses the write
(VersionLocked) and so does PostgreSQL (triggers of certification/0005). A new draft receives
a faithful copy that can be edited without touching the original. Drafts stay editable, so
each refusal below is a real one."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from certification.models import ChecklistItem, ChecklistSection, ChecklistTemplate, ScaleLevel
from codice.models import CodeVersion, VersionLocked
from codice.services import codeversion_create_draft
from tests.factories import make_checklist, make_version

pytestmark = pytest.mark.django_db

ARTICLES = [
    ("orari", "Fasce orarie", "Dalle 9 alle 20 nei giorni feriali."),
    ("rpo", "Registro delle opposizioni", "Verifica prima di ogni campagna."),
]
FROZEN = [CodeVersion.Status.PUBLISHED, CodeVersion.Status.SUPERSEDED]
MODELS = [ChecklistTemplate, ScaleLevel, ChecklistSection, ChecklistItem]
TABLES = {
    ChecklistTemplate: "certification_checklisttemplate",
    ScaleLevel: "certification_scalelevel",
    ChecklistSection: "certification_checklistsection",
    ChecklistItem: "certification_checklistitem",
}
# A harmless change per model, for the ORM and for raw SQL.
CHANGES = {
    ChecklistTemplate: ("pass_threshold", Decimal("55")),
    ScaleLevel: ("label", "Riscritto"),
    ChecklistSection: ("title", "Riscritta"),
    ChecklistItem: ("question", "Riscritta?"),
}


def freeze(version: CodeVersion, status: str, by=None) -> CodeVersion:
    version.status = status
    version.effective_date = datetime.date(2025, 1, 1)
    version.published_at = timezone.now()
    version.published_by = by or version.created_by
    version.save()
    return version


def version_with_checklist(number: str) -> CodeVersion:
    version = make_version(number, status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    make_checklist(
        version,
        sections=[
            (
                "A",
                "Orari e modalità delle chiamate",
                [("A.1", "2", True, False, "Log delle chiamate"), ("A.2", "1.5", False, True, "")],
            ),
            ("B", "Consenso e RPO", [("B.1", "3", False, False, "Esiti RPO")]),
        ],
        pass_threshold="72.5",
    )
    ChecklistSection.objects.filter(version=version, code="B").update(minimum_percent=Decimal("60"))
    ChecklistItem.objects.filter(version=version, code="B.1").update(article_keys=["rpo"])
    ChecklistItem.objects.filter(version=version, code="A.1").update(article_keys=["orari", "rpo"])
    return version


@pytest.fixture(params=FROZEN)
def frozen(request, committee):
    return freeze(version_with_checklist("1.0"), request.param, by=committee)


@pytest.fixture
def draft():
    return version_with_checklist("2.0")


def snapshot(version: CodeVersion) -> dict:
    return {
        model.__name__: list(model.objects.filter(version=version).order_by("pk").values())
        for model in MODELS
    }


def first_row(model, version: CodeVersion):
    return model.objects.filter(version=version).order_by("pk").first()


def raw(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def assert_db_refuses(sql: str, params: list, match: str = "codice|certification") -> None:
    """The statement fails with the trigger's check_violation; the test can go on afterwards."""
    with pytest.raises(IntegrityError, match=match), transaction.atomic():
        raw(sql, params)


def test_the_fixtures_build_frozen_versions_with_a_checklist(frozen):
    assert frozen.status in FROZEN
    assert ChecklistTemplate.objects.filter(version=frozen).count() == 1
    assert frozen.scale_levels.count() == 4
    assert frozen.checklist_sections.count() == 2
    assert frozen.checklist_items.count() == 3


# --- through the ORM -----------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_to_save_a_changed_row_of_a_frozen_checklist(frozen, model):
    before = snapshot(frozen)
    row = first_row(model, frozen)
    field, value = CHANGES[model]
    setattr(row, field, value)
    with pytest.raises(VersionLocked):
        row.save()
    with pytest.raises(VersionLocked):
        row.save(update_fields=[field])
    assert snapshot(frozen) == before


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_to_delete_a_row_of_a_frozen_checklist(frozen, model):
    before = snapshot(frozen)
    with pytest.raises(VersionLocked):
        first_row(model, frozen).delete()
    assert snapshot(frozen) == before


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_a_queryset_update_of_a_frozen_checklist(frozen, draft, model):
    before, draft_before = snapshot(frozen), snapshot(draft)
    field, value = CHANGES[model]
    with pytest.raises(VersionLocked):
        model.objects.filter(version=frozen).update(**{field: value})
    with pytest.raises(VersionLocked):
        model.objects.all().update(**{field: value})
    row = first_row(model, frozen)
    setattr(row, field, value)
    # bulk_update runs in atomic(savepoint=False): give it its own block to spoil.
    with pytest.raises(VersionLocked), transaction.atomic():
        model.objects.bulk_update([row], [field])
    assert snapshot(frozen) == before
    # Not even the draft's rows in the same queryset were written.
    assert snapshot(draft) == draft_before


@pytest.mark.parametrize("model", MODELS)
def test_it_refuses_a_queryset_delete_of_a_frozen_checklist(frozen, model):
    before = snapshot(frozen)
    with pytest.raises(VersionLocked):
        model.objects.filter(version=frozen).delete()
    with pytest.raises(VersionLocked):
        model.objects.all().delete()
    assert snapshot(frozen) == before


def test_it_refuses_new_rows_in_a_frozen_checklist(frozen):
    before = snapshot(frozen)
    section = frozen.checklist_sections.get(code="A")
    with pytest.raises(VersionLocked):
        ScaleLevel.objects.create(version=frozen, points=4, label="Esemplare")
    with pytest.raises(VersionLocked):
        ChecklistSection.objects.create(version=frozen, code="C", title="Reclami", order=3)
    with pytest.raises(VersionLocked):
        ChecklistItem.objects.create(
            version=frozen, section=section, code="A.3", question="Nuova?", weight=Decimal("1")
        )
    with pytest.raises(VersionLocked), transaction.atomic():
        ScaleLevel.objects.bulk_create([ScaleLevel(version=frozen, points=5, label="Oltre")])
    assert snapshot(frozen) == before


def test_it_refuses_to_move_a_draft_item_into_a_frozen_version(frozen, draft):
    item = first_row(ChecklistItem, draft)
    item.version = frozen
    item.section = frozen.checklist_sections.get(code="A")
    item.code = "A.9"
    with pytest.raises(VersionLocked):
        item.save()
    with pytest.raises(VersionLocked):
        ChecklistItem.objects.filter(pk=item.pk).update(version=frozen)
    assert ChecklistItem.objects.get(pk=item.pk).version_id == draft.pk
    assert frozen.checklist_items.count() == 3


def test_a_drafts_checklist_stays_editable(draft):
    row = first_row(ChecklistItem, draft)
    row.question = "Riscritta?"
    row.save()
    ChecklistSection.objects.filter(version=draft).update(title="Nuovo titolo")
    first_row(ScaleLevel, draft).delete()
    assert draft.scale_levels.count() == 3
    assert set(draft.checklist_sections.values_list("title", flat=True)) == {"Nuovo titolo"}


# --- through raw SQL: PostgreSQL refuses -------------------------------------------------------


@pytest.mark.parametrize("model", MODELS)
def test_the_database_refuses_a_raw_update_of_a_frozen_checklist(frozen, model):
    before = snapshot(frozen)
    field, value = CHANGES[model]
    table = TABLES[model]
    assert_db_refuses(f"UPDATE {table} SET {field} = %s WHERE version_id = %s", [value, frozen.pk])
    assert snapshot(frozen) == before


@pytest.mark.parametrize("model", MODELS)
def test_the_database_refuses_a_raw_delete_of_a_frozen_checklist(frozen, model):
    before = snapshot(frozen)
    assert_db_refuses(f"DELETE FROM {TABLES[model]} WHERE version_id = %s", [frozen.pk])
    assert snapshot(frozen) == before


def test_the_database_refuses_a_raw_insert_into_a_frozen_checklist(frozen):
    before = snapshot(frozen)
    assert_db_refuses(
        "INSERT INTO certification_scalelevel (version_id, points, label) VALUES (%s, 9, 'X')",
        [frozen.pk],
    )
    assert_db_refuses(
        'INSERT INTO certification_checklistsection (version_id, code, title, "order") '
        "VALUES (%s, 'Z', 'Intrusa', 9)",
        [frozen.pk],
    )
    assert snapshot(frozen) == before


def test_the_database_accepts_raw_writes_on_a_draft(draft):
    # The refusals above are the triggers at work, not a broken statement.
    for model in MODELS:
        field, value = CHANGES[model]
        updated = raw(
            f"UPDATE {TABLES[model]} SET {field} = %s WHERE version_id = %s", [value, draft.pk]
        )
        assert updated == model.objects.filter(version=draft).count()
    assert raw("DELETE FROM certification_checklistitem WHERE version_id = %s", [draft.pk]) == 3


# --- an item's section belongs to the item's version -------------------------------------------


def test_the_database_refuses_an_item_whose_section_is_in_another_version(frozen, draft):
    foreign = frozen.checklist_sections.get(code="A")
    item = first_row(ChecklistItem, draft)
    assert_db_refuses(
        "UPDATE certification_checklistitem SET section_id = %s WHERE id = %s",
        [foreign.pk, item.pk],
        match="altra versione",
    )
    assert_db_refuses(
        "INSERT INTO certification_checklistitem (version_id, section_id, code, question, "
        'guidance, article_keys, weight, blocking, allows_na, evidence_hint, "order") '
        "VALUES (%s, %s, 'Z.1', 'Intrusa?', '', '[]', 1, false, false, '', 1)",
        [draft.pk, foreign.pk],
        match="altra versione",
    )
    assert ChecklistItem.objects.get(pk=item.pk).section.version_id == draft.pk


def test_the_orm_save_of_such_an_item_is_refused_by_the_database(frozen, draft):
    item = ChecklistItem(
        version=draft,
        section=frozen.checklist_sections.get(code="A"),
        code="Z.1",
        question="Intrusa?",
        weight=Decimal("1"),
    )
    with pytest.raises(IntegrityError, match="altra versione"), transaction.atomic():
        item.save()
    assert not ChecklistItem.objects.filter(code="Z.1").exists()


def test_clean_refuses_an_item_whose_section_is_in_another_version(frozen, draft):
    item = ChecklistItem(
        version=draft,
        section=frozen.checklist_sections.get(code="A"),
        code="Z.1",
        question="Intrusa?",
        weight=Decimal("1"),
    )
    with pytest.raises(ValidationError) as refused:
        item.full_clean()
    assert refused.value.message_dict["section"] == ["La sezione appartiene a un'altra versione."]


# --- copied into a new draft -------------------------------------------------------------------


@pytest.fixture
def current(committee):
    return freeze(version_with_checklist("1.0"), CodeVersion.Status.PUBLISHED, by=committee)


def fields(row, *exclude: str) -> dict:
    skip = {"id", "version", *exclude}
    return {
        f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.name not in skip
    }


def test_a_new_draft_receives_a_faithful_copy_of_the_checklist(committee, current):
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")

    source = ChecklistTemplate.objects.get(version=current)
    copy = ChecklistTemplate.objects.get(version=draft)
    assert copy.pk != source.pk
    assert fields(copy) == fields(source)

    def levels(version):
        return [fields(level) for level in version.scale_levels.order_by("points")]

    assert levels(draft) == levels(current)

    def sections(version):
        return [fields(s) for s in version.checklist_sections.order_by("order", "code")]

    assert sections(draft) == sections(current)
    assert not set(draft.checklist_sections.values_list("pk", flat=True)) & set(
        current.checklist_sections.values_list("pk", flat=True)
    )

    def items(version):
        return [
            {**fields(i, "section"), "section_code": i.section.code}
            for i in version.checklist_items.select_related("section").order_by("code")
        ]

    assert items(draft) == items(current)
    assert len(items(draft)) == 3
    # Every copied item points at the copy of its section, in the draft.
    for item in draft.checklist_items.select_related("section"):
        assert item.section.version_id == draft.pk


def test_editing_the_copy_leaves_the_original_intact(committee, current):
    before = snapshot(current)
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")

    item = draft.checklist_items.get(code="A.1")
    item.question = "Domanda riscritta?"
    item.article_keys.append("nuovo")
    item.weight = Decimal("5")
    item.save()
    ChecklistTemplate.objects.filter(version=draft).update(pass_threshold=Decimal("80"))
    draft.checklist_sections.filter(code="B").update(minimum_percent=None, title="Cambiata")
    draft.scale_levels.filter(points=3).delete()
    draft.checklist_sections.get(code="A").delete()

    assert snapshot(current) == before
    assert current.checklist_items.get(code="A.1").article_keys == ["orari", "rpo"]


def test_a_draft_from_a_version_without_checklist_has_none(committee):
    version = freeze(
        make_version("1.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES),
        CodeVersion.Status.PUBLISHED,
        by=committee,
    )
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")
    assert version.articles.count() == draft.articles.count() == 2
    assert not ChecklistTemplate.objects.filter(version=draft).exists()
    assert not draft.scale_levels.exists()

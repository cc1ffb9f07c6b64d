"""A published or superseded version cannot be changed or deleted: not through the ORM (model
methods and querysets), not with raw SQL (PostgreSQL triggers). The admin and forms are covered in
test_admin.py. Drafts stay freely editable, so each refusal below is a real one."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from codice.models import (
    Article,
    Chapter,
    CodeEvent,
    CodeVersion,
    DecalogoEntry,
    VersionLocked,
)
from tests.factories import (
    ArticleFactory,
    ChapterFactory,
    CodeVersionFactory,
    DecalogoEntryFactory,
    make_version,
)

pytestmark = pytest.mark.django_db

ARTICLES = [
    ("ambito", "Ambito di applicazione", "Il codice si applica al telemarketing."),
    ("orari", "Orari delle chiamate", "Le chiamate sono effettuate dalle 9 alle 20."),
]
DECALOGO = [("consumatori", "Diritto di opposizione", "Puoi opporti in ogni momento.")]
FROZEN = [CodeVersion.Status.PUBLISHED, CodeVersion.Status.SUPERSEDED]
CONTENT = [Chapter, Article, DecalogoEntry]
TABLES = {
    Chapter: "codice_chapter",
    Article: "codice_article",
    DecalogoEntry: "codice_decalogoentry",
}


@pytest.fixture(params=FROZEN)
def frozen(request):
    return make_version("1.0", status=request.param, articles=ARTICLES, decalogo=DECALOGO)


@pytest.fixture
def draft():
    return make_version(
        "2.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES, decalogo=DECALOGO
    )


def snapshot(version: CodeVersion) -> dict:
    """Everything a frozen version holds, read fresh from the database."""
    return {
        "version": CodeVersion.objects.filter(pk=version.pk).values().get(),
        "chapters": list(Chapter.objects.filter(version=version).order_by("pk").values()),
        "articles": list(Article.objects.filter(version=version).order_by("pk").values()),
        "decalogo": list(DecalogoEntry.objects.filter(version=version).order_by("pk").values()),
    }


def first_row(model, version: CodeVersion):
    return model.objects.filter(version=version).order_by("pk").first()


def raw(sql: str, params: list) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def assert_db_refuses(sql: str, params: list) -> None:
    """The statement fails with the trigger's check_violation; the test can go on afterwards."""
    with pytest.raises(IntegrityError, match="codice|storico"), transaction.atomic():
        raw(sql, params)


def test_the_fixtures_build_frozen_versions_with_content(frozen):
    assert frozen.status in FROZEN
    assert frozen.chapters.count() == 1
    assert frozen.articles.count() == 2
    assert frozen.decalogo.count() == 1


# --- the version row, through the ORM -----------------------------------------------------------


def test_it_refuses_to_save_a_changed_title_of_a_frozen_version(frozen):
    before = snapshot(frozen)
    frozen.title = "Titolo riscritto"
    with pytest.raises(VersionLocked):
        frozen.save()
    assert snapshot(frozen) == before


def test_it_refuses_to_save_a_frozen_version_even_with_update_fields_other_than_status(frozen):
    before = snapshot(frozen)
    frozen.title = "Titolo riscritto"
    with pytest.raises(VersionLocked):
        frozen.save(update_fields=["title"])
    assert snapshot(frozen) == before


def test_it_refuses_to_bring_a_frozen_version_back_to_draft(frozen):
    frozen.status = CodeVersion.Status.DRAFT
    with pytest.raises(VersionLocked):
        frozen.save(update_fields=["status"])
    assert CodeVersion.objects.get(pk=frozen.pk).status in FROZEN


def test_it_refuses_to_delete_a_frozen_version(frozen):
    with pytest.raises(VersionLocked):
        frozen.delete()
    assert CodeVersion.objects.filter(pk=frozen.pk).exists()
    assert Article.objects.filter(version_id=frozen.pk).count() == 2


def test_it_refuses_a_queryset_update_that_touches_a_frozen_version(frozen, draft):
    before = snapshot(frozen)
    with pytest.raises(VersionLocked):
        CodeVersion.objects.all().update(title="Titolo riscritto")
    with pytest.raises(VersionLocked):
        CodeVersion.objects.filter(pk=frozen.pk).update(change_summary="")
    assert snapshot(frozen) == before
    # Not even the draft in the same queryset was written.
    assert CodeVersion.objects.get(pk=draft.pk).title == draft.title


def test_it_refuses_a_queryset_delete_that_touches_a_frozen_version(frozen):
    with pytest.raises(VersionLocked):
        CodeVersion.objects.filter(pk=frozen.pk).delete()
    with pytest.raises(VersionLocked):
        CodeVersion.objects.all().delete()
    assert CodeVersion.objects.filter(pk=frozen.pk).exists()


# --- the content, through the ORM ---------------------------------------------------------------


@pytest.mark.parametrize("model", CONTENT)
def test_it_refuses_to_save_a_changed_row_of_a_frozen_version(frozen, model):
    before = snapshot(frozen)
    row = first_row(model, frozen)
    row.title = "Titolo riscritto"
    with pytest.raises(VersionLocked):
        row.save()
    with pytest.raises(VersionLocked):
        row.save(update_fields=["title"])
    assert snapshot(frozen) == before


@pytest.mark.parametrize("model", CONTENT)
def test_it_refuses_to_delete_a_row_of_a_frozen_version(frozen, model):
    row = first_row(model, frozen)
    with pytest.raises(VersionLocked):
        row.delete()
    assert model.objects.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model", CONTENT)
def test_it_refuses_a_queryset_update_of_a_frozen_versions_rows(frozen, draft, model):
    before = snapshot(frozen)
    with pytest.raises(VersionLocked):
        model.objects.filter(version=frozen).update(title="Titolo riscritto")
    with pytest.raises(VersionLocked):
        model.objects.all().update(order=99)
    # bulk_update runs in atomic(savepoint=False): give it its own block to spoil.
    row = first_row(model, frozen)
    row.title = "Titolo riscritto"
    with pytest.raises(VersionLocked), transaction.atomic():
        model.objects.bulk_update([row], ["title"])
    assert snapshot(frozen) == before
    assert not model.objects.filter(version=draft, order=99).exists()


@pytest.mark.parametrize("model", CONTENT)
def test_it_refuses_a_queryset_delete_of_a_frozen_versions_rows(frozen, model):
    count = model.objects.filter(version=frozen).count()
    with pytest.raises(VersionLocked):
        model.objects.filter(version=frozen).delete()
    with pytest.raises(VersionLocked):
        model.objects.all().delete()
    assert model.objects.filter(version=frozen).count() == count


def test_it_refuses_a_new_chapter_in_a_frozen_version(frozen):
    with pytest.raises(VersionLocked):
        Chapter.objects.create(version=frozen, number="II", title="Nuovo capitolo", order=2)
    assert frozen.chapters.count() == 1


def test_it_refuses_a_new_article_in_a_frozen_version(frozen):
    with pytest.raises(VersionLocked):
        Article.objects.create(
            version=frozen,
            chapter=frozen.chapters.get(),
            key="nuovo",
            number="3",
            title="Nuovo articolo",
            body="Testo.",
            order=3,
        )
    assert frozen.articles.count() == 2


def test_it_refuses_a_new_decalogo_entry_in_a_frozen_version(frozen):
    with pytest.raises(VersionLocked):
        DecalogoEntry.objects.create(
            version=frozen, audience="aziende", title="Nuovo dovere", body="Testo.", order=2
        )
    assert frozen.decalogo.count() == 1


def test_it_refuses_a_bulk_created_article_in_a_frozen_version(frozen):
    # bulk_create skips save(): the database trigger is what refuses it.
    with pytest.raises((VersionLocked, IntegrityError)), transaction.atomic():
        Article.objects.bulk_create(
            [
                Article(
                    version=frozen,
                    chapter=frozen.chapters.get(),
                    key="nuovo",
                    number="3",
                    title="Nuovo articolo",
                    body="Testo.",
                )
            ]
        )
    assert frozen.articles.count() == 2


def test_it_refuses_to_move_an_article_from_a_draft_into_a_frozen_version(frozen, draft):
    article = first_row(Article, draft)
    article.version = frozen
    article.chapter = frozen.chapters.get()
    article.key = "spostato"
    article.number = "99"
    with pytest.raises(VersionLocked):
        article.save()
    assert Article.objects.get(pk=article.pk).version_id == draft.pk
    assert frozen.articles.count() == 2


def test_it_refuses_to_move_an_article_out_of_a_frozen_version(frozen, draft):
    article = first_row(Article, frozen)
    article.version = draft
    article.chapter = draft.chapters.get()
    article.key = "spostato"
    article.number = "99"
    with pytest.raises(VersionLocked):
        article.save()
    assert Article.objects.get(pk=article.pk).version_id == frozen.pk


def test_it_refuses_to_move_draft_articles_into_a_frozen_version_with_a_queryset(frozen, draft):
    # The queryset only touches draft rows, so this is the trigger's NEW.version_id check.
    with pytest.raises((VersionLocked, IntegrityError)), transaction.atomic():
        Article.objects.filter(version=draft, key="orari").update(
            version=frozen, chapter=frozen.chapters.get(), key="spostato", number="99"
        )
    assert frozen.articles.count() == 2
    assert draft.articles.filter(key="orari").exists()


# --- raw SQL: the PostgreSQL triggers -----------------------------------------------------------


def test_the_database_refuses_a_raw_update_of_a_frozen_version(frozen):
    before = snapshot(frozen)
    assert_db_refuses("UPDATE codice_codeversion SET title = %s WHERE id = %s", ["X", frozen.pk])
    assert_db_refuses("UPDATE codice_codeversion SET status = 'bozza' WHERE id = %s", [frozen.pk])
    assert snapshot(frozen) == before


def test_the_database_refuses_a_raw_delete_of_a_frozen_version(frozen):
    assert_db_refuses("DELETE FROM codice_codeversion WHERE id = %s", [frozen.pk])
    assert CodeVersion.objects.filter(pk=frozen.pk).exists()


@pytest.mark.parametrize("model", CONTENT)
def test_the_database_refuses_a_raw_update_of_a_frozen_versions_rows(frozen, model):
    before = snapshot(frozen)
    table = TABLES[model]
    assert_db_refuses(f"UPDATE {table} SET title = %s WHERE version_id = %s", ["X", frozen.pk])
    assert snapshot(frozen) == before


@pytest.mark.parametrize("model", CONTENT)
def test_the_database_refuses_a_raw_delete_of_a_frozen_versions_rows(frozen, model):
    count = model.objects.filter(version=frozen).count()
    table = TABLES[model]
    if model is Chapter:
        # The chapter's articles would go first; the trigger refuses those too.
        assert_db_refuses("DELETE FROM codice_article WHERE version_id = %s", [frozen.pk])
    assert_db_refuses(f"DELETE FROM {table} WHERE version_id = %s", [frozen.pk])
    assert model.objects.filter(version=frozen).count() == count


def test_the_database_refuses_a_raw_insert_of_an_article_into_a_frozen_version(frozen):
    chapter = frozen.chapters.get()
    assert_db_refuses(
        'INSERT INTO codice_article (version_id, chapter_id, key, number, title, body, "order") '
        "VALUES (%s, %s, 'nuovo', '3', 'Nuovo', 'Testo', 3)",
        [frozen.pk, chapter.pk],
    )
    assert frozen.articles.count() == 2


def test_the_database_refuses_a_raw_insert_of_a_chapter_or_entry_into_a_frozen_version(frozen):
    assert_db_refuses(
        'INSERT INTO codice_chapter (version_id, number, title, "order") '
        "VALUES (%s, 'II', 'Nuovo', 2)",
        [frozen.pk],
    )
    assert_db_refuses(
        'INSERT INTO codice_decalogoentry (version_id, audience, title, body, "order") '
        "VALUES (%s, 'aziende', 'Nuovo', 'Testo', 2)",
        [frozen.pk],
    )
    assert frozen.chapters.count() == 1
    assert frozen.decalogo.count() == 1


def test_the_database_refuses_a_raw_move_of_a_draft_article_into_a_frozen_version(frozen, draft):
    article = first_row(Article, draft)
    assert_db_refuses(
        "UPDATE codice_article SET version_id = %s, chapter_id = %s, key = 'x', number = '99' "
        "WHERE id = %s",
        [frozen.pk, frozen.chapters.get().pk, article.pk],
    )
    assert Article.objects.get(pk=article.pk).version_id == draft.pk


def test_the_database_allows_superseding_that_changes_only_the_status():
    published = make_version("1.0", articles=ARTICLES)
    before = snapshot(published)
    assert raw("UPDATE codice_codeversion SET status = 'superata' WHERE id = %s", [published.pk])
    after = snapshot(published)
    assert after["version"]["status"] == CodeVersion.Status.SUPERSEDED
    after["version"]["status"] = before["version"]["status"]
    assert after == before


def test_the_database_refuses_superseding_that_also_changes_the_title():
    published = make_version("1.0", articles=ARTICLES)
    assert_db_refuses(
        "UPDATE codice_codeversion SET status = 'superata', title = 'X' WHERE id = %s",
        [published.pk],
    )
    assert CodeVersion.objects.get(pk=published.pk).status == CodeVersion.Status.PUBLISHED


def test_the_database_refuses_to_publish_a_superseded_version_again():
    superseded = make_version("1.0", status=CodeVersion.Status.SUPERSEDED, articles=ARTICLES)
    assert_db_refuses(
        "UPDATE codice_codeversion SET status = 'pubblicata' WHERE id = %s", [superseded.pk]
    )
    assert CodeVersion.objects.get(pk=superseded.pk).status == CodeVersion.Status.SUPERSEDED


def test_the_database_keeps_the_history_append_only(frozen, committee):
    event = CodeEvent.objects.create(
        version=frozen, action=CodeEvent.Action.PUBLISHED, actor=committee, note="prima"
    )
    assert_db_refuses("UPDATE codice_codeevent SET note = 'riscritta' WHERE id = %s", [event.pk])
    assert_db_refuses("DELETE FROM codice_codeevent WHERE id = %s", [event.pk])
    assert CodeEvent.objects.get(pk=event.pk).note == "prima"


def test_the_orm_keeps_the_history_append_only(frozen, committee):
    event = CodeEvent.objects.create(
        version=frozen, action=CodeEvent.Action.PUBLISHED, actor=committee, note="prima"
    )
    event.note = "riscritta"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises((ValidationError, IntegrityError)), transaction.atomic():
        CodeEvent.objects.filter(pk=event.pk).update(note="riscritta")
    with pytest.raises((ValidationError, IntegrityError)), transaction.atomic():
        CodeEvent.objects.filter(pk=event.pk).delete()
    assert CodeEvent.objects.get(pk=event.pk).note == "prima"


# --- drafts stay editable: the refusals above are about freezing, not about writing ------------


def test_a_draft_and_its_content_can_be_changed_through_the_orm(draft):
    draft.title = "Bozza riveduta"
    draft.save()
    article = first_row(Article, draft)
    article.body = "Testo nuovo."
    article.save()
    Chapter.objects.filter(version=draft).update(title="Capitolo riveduto")
    DecalogoEntry.objects.filter(version=draft).update(title="Voce riveduta")
    ArticleFactory(version=draft, chapter=draft.chapters.get(), key="nuovo", number="3")
    ChapterFactory(version=draft, number="II")
    DecalogoEntryFactory(version=draft, audience="aziende")

    assert CodeVersion.objects.get(pk=draft.pk).title == "Bozza riveduta"
    assert Article.objects.get(pk=article.pk).body == "Testo nuovo."
    assert set(draft.chapters.values_list("title", flat=True)) == {
        "Capitolo riveduto",
        "Principi generali",
    }
    assert draft.decalogo.filter(title="Voce riveduta").exists()
    assert draft.articles.count() == 3

    draft.articles.filter(key="nuovo").delete()
    Article.objects.get(pk=article.pk).delete()
    assert draft.articles.count() == 1


def test_a_draft_and_its_content_can_be_changed_with_raw_sql(draft):
    article = first_row(Article, draft)
    assert raw("UPDATE codice_codeversion SET title = 'Via SQL' WHERE id = %s", [draft.pk]) == 1
    assert raw("UPDATE codice_article SET body = 'Via SQL' WHERE id = %s", [article.pk]) == 1
    assert raw("UPDATE codice_chapter SET title = 'Via SQL' WHERE version_id = %s", [draft.pk]) == 1
    assert (
        raw(
            "INSERT INTO codice_article "
            '(version_id, chapter_id, key, number, title, body, "order") '
            "VALUES (%s, %s, 'nuovo', '3', 'Nuovo', 'Testo', 3)",
            [draft.pk, draft.chapters.get().pk],
        )
        == 1
    )
    assert raw("DELETE FROM codice_decalogoentry WHERE version_id = %s", [draft.pk]) == 1
    assert CodeVersion.objects.get(pk=draft.pk).title == "Via SQL"
    assert Article.objects.get(pk=article.pk).body == "Via SQL"
    assert draft.articles.count() == 3
    assert draft.decalogo.count() == 0
    assert raw("DELETE FROM codice_article WHERE version_id = %s", [draft.pk]) == 3
    assert raw("DELETE FROM codice_chapter WHERE version_id = %s", [draft.pk]) == 1
    assert raw("DELETE FROM codice_codeversion WHERE id = %s", [draft.pk]) == 1


def test_a_draft_can_be_deleted_with_its_content_through_the_orm(draft):
    draft.delete()
    assert not CodeVersion.objects.filter(pk=draft.pk).exists()
    assert not Article.objects.filter(version_id=draft.pk).exists()


def test_the_database_refuses_a_draft_article_under_a_frozen_versions_chapter(frozen, draft):
    # An article of the draft pointing at the frozen version's chapter: the trigger refuses it.
    article = first_row(Article, draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        raw(
            "UPDATE codice_article SET chapter_id = %s WHERE id = %s",
            [frozen.chapters.get().pk, article.pk],
        )
    assert Article.objects.get(pk=article.pk).chapter.version_id == draft.pk


# --- one published, one draft -------------------------------------------------------------------


def test_the_database_refuses_a_second_published_version():
    make_version("1.0", articles=ARTICLES)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_version("2.0", articles=ARTICLES)
    assert CodeVersion.objects.filter(status=CodeVersion.Status.PUBLISHED).count() == 1
    assert CodeVersion.objects.current().number == "1.0"


def test_the_database_refuses_a_second_draft():
    CodeVersionFactory(number="3.0")
    with pytest.raises(IntegrityError), transaction.atomic():
        CodeVersion.objects.create(number="4.0", title="Altra bozza")
    assert CodeVersion.objects.drafts().count() == 1


def test_many_superseded_versions_may_coexist_with_one_published_and_one_draft():
    make_version("1.0", status=CodeVersion.Status.SUPERSEDED, articles=ARTICLES)
    make_version("2.0", status=CodeVersion.Status.SUPERSEDED, articles=ARTICLES)
    make_version("3.0", articles=ARTICLES, effective_date=datetime.date(2026, 1, 1))
    CodeVersionFactory(number="4.0")
    assert CodeVersion.objects.filter(status=CodeVersion.Status.SUPERSEDED).count() == 2
    assert CodeVersion.objects.current().number == "3.0"
    assert CodeVersion.objects.drafts().get().number == "4.0"

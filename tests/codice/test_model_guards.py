"""The ORM refuses frozen-version writes on its own, without relying on the triggers."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from codice.models import Article, CodeEvent, CodeVersion, DecalogoEntry, VersionLocked
from codice.services import amendment_propose, codeversion_publish
from tests.factories import make_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen():
    return make_version("1.0", articles=[("orari", "Orari", "Dalle 9 alle 20.")])


@pytest.fixture
def draft():
    return make_version("2.0", status="bozza", articles=[("cli", "Numero visibile", "Sempre.")])


def test_it_refuses_to_move_draft_articles_into_a_frozen_version_by_queryset(frozen, draft):
    with pytest.raises(VersionLocked):
        Article.objects.filter(version=draft).update(version=frozen)
    with pytest.raises(VersionLocked):
        Article.objects.filter(version=draft).update(version_id=frozen.pk)
    assert Article.objects.filter(version=draft).count() == 1


def test_it_refuses_bulk_create_into_a_frozen_version(frozen):
    with pytest.raises(VersionLocked):
        DecalogoEntry.objects.bulk_create(
            [DecalogoEntry(version=frozen, audience="aziende", title="T", body="B")]
        )
    assert frozen.decalogo.count() == 0


def test_it_allows_bulk_create_into_a_draft(draft):
    DecalogoEntry.objects.bulk_create(
        [DecalogoEntry(version=draft, audience="aziende", title="T", body="B")]
    )
    assert draft.decalogo.count() == 1


def test_it_refuses_bulk_update_of_frozen_articles(frozen):
    article = frozen.articles.get()
    article.title = "Cambiato"
    with pytest.raises(VersionLocked):
        Article.objects.bulk_update([article], ["title"])


def test_history_cannot_be_updated_or_deleted_by_queryset(draft, committee):
    CodeEvent.objects.create(version=draft, action=CodeEvent.Action.EDITED, actor=committee)
    with pytest.raises(ValidationError):
        CodeEvent.objects.all().update(note="riscritta")
    with pytest.raises(ValidationError):
        CodeEvent.objects.all().delete()
    assert CodeEvent.objects.get().note == ""


def test_publishing_is_refused_while_amendments_are_open(draft, committee):
    amendment_propose(
        version=draft,
        by=committee,
        article_key="cli",
        proposed_text="Sempre, senza eccezioni.",
        rationale="Chiarezza.",
        proposer="Luca Marini (Assocontact)",
    )
    with pytest.raises(ValidationError, match="1 proposta di modifica aperta"):
        codeversion_publish(version=draft, by=committee, effective_date=datetime.date(2026, 1, 1))
    draft.refresh_from_db()
    assert draft.status == CodeVersion.Status.DRAFT

"""The code's state changes: a new draft is a faithful copy, publishing swaps the current version in
one transaction (and only once under concurrency), proposals are decided once, on a draft."""

import datetime
import threading
import time

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections
from django.utils import timezone

from codice.models import (
    Amendment,
    Article,
    Chapter,
    CodeEvent,
    CodeVersion,
    DecalogoEntry,
    VersionLocked,
)
from codice.services import (
    amendment_decide,
    amendment_propose,
    codeversion_create_draft,
    codeversion_publish,
)
from tests.factories import (
    ArticleFactory,
    ChapterFactory,
    CodeVersionFactory,
    DecalogoEntryFactory,
    MeetingFactory,
    UserFactory,
    make_version,
)

ARTICLES = [
    ("ambito", "Ambito di applicazione", "Il codice si applica al telemarketing."),
    ("orari", "Orari delle chiamate", "Le chiamate sono effettuate dalle 9 alle 20."),
]
EFFECTIVE_1 = datetime.date(2025, 1, 1)
EFFECTIVE_2 = datetime.date(2026, 1, 1)


def build_published(number: str = "1.0") -> CodeVersion:
    """A published version with two chapters, articles in both (out of creation order) and a
    decalogo for both audiences: enough structure for a copy to get something wrong."""
    version = CodeVersionFactory(number=number, title=f"Codice {number}", change_summary="Testo")
    first = ChapterFactory(version=version, number="I", title="Principi generali", order=1)
    second = ChapterFactory(version=version, number="II", title="Obblighi", order=2)
    ArticleFactory(
        version=version, chapter=second, key="opposizione", number="3", title="Opposizione",
        body="Il consumatore può **opporsi**.", order=1,
    )  # fmt: skip
    ArticleFactory(
        version=version, chapter=first, key="ambito", number="1", title="Ambito",
        body="Il codice si applica a:\n\n- telemarketing\n- teleselling", order=1,
    )  # fmt: skip
    ArticleFactory(
        version=version, chapter=first, key="orari", number="2", title="Orari",
        body="Dalle 9 alle 20.", order=2,
    )  # fmt: skip
    DecalogoEntryFactory(
        version=version, audience="consumatori", title="Diritto di sapere chi chiama",
        body="Chi chiama dice subito chi è.", order=1,
    )  # fmt: skip
    DecalogoEntryFactory(
        version=version, audience="aziende", title="Dovere di trasparenza",
        body="L'azienda indica il proprio nome.", order=1,
    )  # fmt: skip
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = EFFECTIVE_1
    version.published_at = timezone.now()
    version.published_by = UserFactory(email="pubblicatore@oic.example", role="comitato")
    version.save()
    return version


def chapters_of(version):
    return [(c.number, c.title, c.order) for c in Chapter.objects.filter(version=version)]


def articles_of(version):
    return [
        (a.key, a.number, a.title, a.body, a.order, a.chapter.number, a.chapter.version_id)
        for a in Article.objects.filter(version=version).select_related("chapter")
    ]


def decalogo_of(version):
    return [
        (d.audience, d.title, d.body, d.order)
        for d in DecalogoEntry.objects.filter(version=version)
    ]


def content_of(version):
    return {
        "chapters": chapters_of(version),
        "articles": [row[:-1] for row in articles_of(version)],
        "decalogo": decalogo_of(version),
    }


# --- codeversion_create_draft -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_draft_is_a_faithful_copy_of_the_current_version(committee):
    source = build_published()
    expected = content_of(source)

    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")

    draft.refresh_from_db()
    assert draft.status == CodeVersion.Status.DRAFT
    assert draft.based_on == source
    assert draft.created_by == committee
    assert content_of(draft) == expected
    assert len(expected["chapters"]) == 2
    assert len(expected["articles"]) == 3
    assert len(expected["decalogo"]) == 2
    # Every copied article hangs from the copied chapter, never from the source's.
    assert {row[-1] for row in articles_of(draft)} == {draft.pk}


@pytest.mark.django_db
def test_a_new_draft_has_new_rows(committee):
    source = build_published()
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")
    for model in (Chapter, Article, DecalogoEntry):
        source_pks = set(model.objects.filter(version=source).values_list("pk", flat=True))
        draft_pks = set(model.objects.filter(version=draft).values_list("pk", flat=True))
        assert len(draft_pks) == len(source_pks) > 0
        assert source_pks.isdisjoint(draft_pks)


@pytest.mark.django_db
def test_editing_the_copy_leaves_the_source_intact(committee):
    source = build_published()
    before = content_of(source)
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")

    article = draft.articles.get(key="orari")
    article.body = "Dalle 10 alle 19."
    article.save()
    chapter = draft.chapters.get(number="II")
    chapter.title = "Doveri"
    chapter.save()
    draft.decalogo.filter(audience="aziende").delete()
    draft.articles.filter(key="ambito").delete()

    assert content_of(source) == before
    assert source.articles.get(key="orari").body == "Dalle 9 alle 20."


@pytest.mark.django_db
def test_creating_a_draft_writes_its_history(committee):
    source = build_published()
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")
    event = CodeEvent.objects.get(version=draft)
    assert event.action == CodeEvent.Action.DRAFT_CREATED
    assert event.actor == committee
    assert event.to_status == CodeVersion.Status.DRAFT
    assert source.number in event.note


@pytest.mark.django_db
def test_without_a_current_version_the_first_draft_starts_empty(committee):
    draft = codeversion_create_draft(by=committee, number="1.0", title="Prima stesura")
    assert draft.based_on is None
    assert not draft.articles.exists()
    assert CodeEvent.objects.filter(version=draft, action=CodeEvent.Action.DRAFT_CREATED).exists()


@pytest.mark.django_db
def test_it_refuses_a_second_draft(committee):
    build_published()
    codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")
    with pytest.raises(ValidationError):
        codeversion_create_draft(by=committee, number="3.0", title="Codice 3.0")
    assert list(CodeVersion.objects.drafts().values_list("number", flat=True)) == ["2.0"]
    assert not Article.objects.filter(version__number="3.0").exists()


@pytest.mark.django_db
def test_it_refuses_a_draft_with_a_number_already_used(committee):
    build_published("1.0")
    with pytest.raises(ValidationError):
        codeversion_create_draft(by=committee, number="1.0", title="Doppione")
    assert CodeVersion.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("person", ["auditor", "applicant", "association_member", "admin_user"])
def test_it_refuses_a_draft_to_anyone_but_the_committee(request, person):
    build_published()
    user = request.getfixturevalue(person)
    if person == "admin_user":
        # A superuser holds every permission; the role alone gives nothing.
        user.is_superuser = False
        user.save()
    with pytest.raises(PermissionDenied):
        codeversion_create_draft(by=user, number="2.0", title="Codice 2.0")
    assert not CodeVersion.objects.drafts().exists()
    assert not CodeEvent.objects.exists()


# --- codeversion_publish ------------------------------------------------------------------------


@pytest.fixture
def previous(db):
    return build_published("1.0")


@pytest.fixture
def draft(previous, committee):
    return codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")


@pytest.mark.django_db
def test_publishing_supersedes_the_previous_version(committee, previous, draft):
    before = timezone.now()
    published = codeversion_publish(
        version=draft, by=committee, effective_date=EFFECTIVE_2, note="Approvato dal comitato"
    )

    draft.refresh_from_db()
    previous.refresh_from_db()
    assert published.pk == draft.pk
    assert draft.status == CodeVersion.Status.PUBLISHED
    assert draft.published_by == committee
    assert before <= draft.published_at <= timezone.now()
    assert draft.effective_date == EFFECTIVE_2
    assert previous.status == CodeVersion.Status.SUPERSEDED
    assert previous.effective_date == EFFECTIVE_1
    assert CodeVersion.objects.current() == draft

    superseded = CodeEvent.objects.get(version=previous, action=CodeEvent.Action.SUPERSEDED)
    assert (superseded.from_status, superseded.to_status) == ("pubblicata", "superata")
    assert superseded.actor == committee
    event = CodeEvent.objects.get(version=draft, action=CodeEvent.Action.PUBLISHED)
    assert (event.from_status, event.to_status) == ("bozza", "pubblicata")
    assert event.actor == committee
    assert event.note == "Approvato dal comitato"


@pytest.mark.django_db
def test_the_first_version_is_published_without_a_previous_one(committee):
    draft = make_version("1.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    codeversion_publish(version=draft, by=committee, effective_date=EFFECTIVE_1)
    assert CodeVersion.objects.current() == draft
    assert not CodeEvent.objects.filter(action=CodeEvent.Action.SUPERSEDED).exists()


@pytest.mark.django_db
def test_it_refuses_to_publish_a_version_that_is_not_a_draft(committee, previous):
    superseded = make_version("0.9", status=CodeVersion.Status.SUPERSEDED, articles=ARTICLES)
    for version in (previous, superseded):
        with pytest.raises(ValidationError):
            codeversion_publish(version=version, by=committee, effective_date=EFFECTIVE_2)
    assert CodeVersion.objects.get(pk=superseded.pk).status == CodeVersion.Status.SUPERSEDED
    assert CodeVersion.objects.current() == previous
    assert not CodeEvent.objects.exists()


@pytest.mark.django_db
def test_it_refuses_to_publish_an_empty_draft(committee, previous):
    empty = CodeVersionFactory(number="2.0")
    with pytest.raises(ValidationError):
        codeversion_publish(version=empty, by=committee, effective_date=EFFECTIVE_2)
    assert CodeVersion.objects.get(pk=empty.pk).status == CodeVersion.Status.DRAFT
    assert CodeVersion.objects.current() == previous


@pytest.mark.django_db
def test_it_refuses_an_effective_date_before_the_previous_one(committee, previous, draft):
    with pytest.raises(ValidationError):
        codeversion_publish(
            version=draft, by=committee, effective_date=EFFECTIVE_1 - datetime.timedelta(days=1)
        )
    assert CodeVersion.objects.get(pk=draft.pk).status == CodeVersion.Status.DRAFT
    assert CodeVersion.objects.current() == previous


@pytest.mark.django_db
def test_it_refuses_to_publish_to_anyone_but_the_committee(auditor, previous, draft):
    with pytest.raises(PermissionDenied):
        codeversion_publish(version=draft, by=auditor, effective_date=EFFECTIVE_2)
    assert CodeVersion.objects.get(pk=draft.pk).status == CodeVersion.Status.DRAFT
    assert CodeVersion.objects.current() == previous


@pytest.mark.django_db
def test_a_failure_after_superseding_leaves_the_previous_version_published(
    committee, previous, draft, monkeypatch
):
    create = CodeEvent.objects.create

    def failing_create(**kwargs):
        if kwargs.get("action") == CodeEvent.Action.PUBLISHED:
            raise RuntimeError("history unavailable")
        return create(**kwargs)

    monkeypatch.setattr(CodeEvent.objects, "create", failing_create)
    with pytest.raises(RuntimeError):
        codeversion_publish(version=draft, by=committee, effective_date=EFFECTIVE_2)
    monkeypatch.undo()

    previous.refresh_from_db()
    draft.refresh_from_db()
    assert previous.status == CodeVersion.Status.PUBLISHED
    assert draft.status == CodeVersion.Status.DRAFT
    assert draft.published_at is None
    assert CodeVersion.objects.current() == previous
    assert not CodeEvent.objects.filter(action=CodeEvent.Action.SUPERSEDED).exists()


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_publications_of_the_same_draft_publish_it_once(committee, monkeypatch):
    previous = build_published("1.0")
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2.0")

    # Hold the lock a little while writing the history, so that the two really overlap.
    create = CodeEvent.objects.create

    def slow_create(**kwargs):
        if kwargs.get("action") == CodeEvent.Action.SUPERSEDED:
            time.sleep(0.3)
        return create(**kwargs)

    monkeypatch.setattr(CodeEvent.objects, "create", slow_create)

    barrier = threading.Barrier(2)
    outcomes: list[object] = []

    def publish() -> None:
        try:
            barrier.wait(timeout=10)
            codeversion_publish(version=draft, by=committee, effective_date=EFFECTIVE_2)
            outcomes.append("ok")
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test inspects
            outcomes.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    monkeypatch.undo()

    assert outcomes.count("ok") == 1, outcomes
    errors = [o for o in outcomes if o != "ok"]
    assert len(errors) == 1 and isinstance(errors[0], ValidationError), outcomes
    assert list(CodeVersion.objects.filter(status="pubblicata").values_list("pk", flat=True)) == [
        draft.pk
    ]
    assert CodeVersion.objects.get(pk=previous.pk).status == CodeVersion.Status.SUPERSEDED
    assert CodeEvent.objects.filter(action=CodeEvent.Action.PUBLISHED).count() == 1
    assert CodeEvent.objects.filter(action=CodeEvent.Action.SUPERSEDED).count() == 1


# --- amendments ---------------------------------------------------------------------------------


@pytest.fixture
def meeting(db):
    return MeetingFactory()


def propose(draft, committee, key="orari", text="Dalle 9 alle 19."):
    return amendment_propose(
        version=draft,
        by=committee,
        article_key=key,
        proposed_text=text,
        rationale="Allineamento al Garante.",
        proposer="Luca Marini (Assocontact)",
    )


@pytest.mark.django_db
def test_a_proposal_on_a_draft_article_is_recorded(committee, draft):
    amendment = propose(draft, committee)
    assert amendment.status == Amendment.Status.OPEN
    assert amendment.version == draft
    assert amendment.created_by == committee
    event = CodeEvent.objects.get(action=CodeEvent.Action.AMENDMENT_PROPOSED)
    assert (event.version, event.amendment, event.actor) == (draft, amendment, committee)


@pytest.mark.django_db
def test_it_refuses_a_proposal_on_an_unknown_article(committee, draft):
    with pytest.raises(ValidationError):
        propose(draft, committee, key="articolo-inesistente")
    assert not Amendment.objects.exists()
    assert not CodeEvent.objects.filter(action=CodeEvent.Action.AMENDMENT_PROPOSED).exists()


@pytest.mark.django_db
def test_it_refuses_a_proposal_on_a_published_version(committee, previous):
    with pytest.raises(VersionLocked):
        propose(previous, committee)
    assert not Amendment.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_proposal_to_anyone_but_the_committee(association_member, draft):
    with pytest.raises(PermissionDenied):
        propose(draft, association_member)
    assert not Amendment.objects.exists()


@pytest.mark.django_db
def test_accepting_a_proposal_applies_its_text_to_the_draft(committee, draft, meeting):
    amendment = propose(draft, committee)
    before = timezone.now()

    amendment_decide(
        amendment=amendment, by=committee, accept=True, meeting=meeting, note="All'unanimità"
    )

    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.ACCEPTED
    assert amendment.previous_text == "Dalle 9 alle 20."
    assert amendment.decided_by == committee
    assert before <= amendment.decided_at <= timezone.now()
    assert amendment.meeting == meeting
    assert amendment.decision_note == "All'unanimità"
    assert draft.articles.get(key="orari").body == "Dalle 9 alle 19."
    # The published version's article of the same key keeps its text.
    assert Article.objects.get(version__number="1.0", key="orari").body == "Dalle 9 alle 20."
    event = CodeEvent.objects.get(action=CodeEvent.Action.AMENDMENT_ACCEPTED)
    assert (event.version, event.amendment, event.actor) == (draft, amendment, committee)


@pytest.mark.django_db
def test_rejecting_a_proposal_leaves_the_article_alone(committee, draft, meeting):
    amendment = propose(draft, committee)
    amendment_decide(amendment=amendment, by=committee, accept=False, meeting=meeting)

    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.REJECTED
    assert amendment.previous_text == ""
    assert amendment.meeting == meeting
    assert amendment.decided_by == committee
    assert draft.articles.get(key="orari").body == "Dalle 9 alle 20."
    assert CodeEvent.objects.filter(
        action=CodeEvent.Action.AMENDMENT_REJECTED, amendment=amendment
    ).exists()


@pytest.mark.django_db
def test_it_refuses_to_decide_a_proposal_twice(committee, draft, meeting):
    amendment = propose(draft, committee)
    amendment_decide(amendment=amendment, by=committee, accept=False, meeting=meeting)
    with pytest.raises(ValidationError):
        amendment_decide(amendment=amendment, by=committee, accept=True, meeting=meeting)
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.REJECTED
    assert draft.articles.get(key="orari").body == "Dalle 9 alle 20."
    assert CodeEvent.objects.filter(action=CodeEvent.Action.AMENDMENT_ACCEPTED).count() == 0


@pytest.mark.django_db
def test_it_refuses_to_decide_once_the_version_is_no_longer_a_draft(committee, draft, meeting):
    amendment = propose(draft, committee)
    # The publish service refuses while a proposal is open; freeze the version directly to
    # prove that the decision itself checks the version's state.
    draft.status = CodeVersion.Status.SUPERSEDED
    draft.effective_date = EFFECTIVE_2
    draft.published_at = timezone.now()
    draft.published_by = committee
    draft.save()

    with pytest.raises(VersionLocked):
        amendment_decide(amendment=amendment, by=committee, accept=True, meeting=meeting)

    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert amendment.decided_at is None
    assert draft.articles.get(key="orari").body == "Dalle 9 alle 20."


@pytest.mark.django_db
def test_it_refuses_a_decision_to_anyone_but_the_committee(committee, auditor, draft, meeting):
    amendment = propose(draft, committee)
    with pytest.raises(PermissionDenied):
        amendment_decide(amendment=amendment, by=auditor, accept=True, meeting=meeting)
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.OPEN
    assert draft.articles.get(key="orari").body == "Dalle 9 alle 20."

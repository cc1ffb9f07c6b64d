"""Committee pages for the content of a draft: chapters, articles, decalogo entries."""

import pytest
from django.urls import reverse

from codice.models import Article, Chapter, CodeEvent, CodeVersion, DecalogoEntry
from codice.services import codeversion_create_draft, codeversion_publish
from tests.factories import make_version

ARTICLES = [
    ("orari", "Orari delle chiamate", "Le chiamate si fanno dalle 9 alle 20 nei giorni feriali."),
    ("identificativo", "Numero visibile", "Il numero chiamante è sempre visibile."),
]
DECALOGO = [("consumatori", "Diritto di opposizione", "Puoi chiedere di non essere richiamato.")]


@pytest.fixture
def current(db):
    return make_version("1.0", articles=ARTICLES, decalogo=DECALOGO)


@pytest.fixture
def draft(committee, current):
    return codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")


@pytest.fixture
def logged_in(client, committee):
    client.force_login(committee)
    return client


def edit_events(version):
    return list(
        version.events.filter(action=CodeEvent.Action.EDITED).values_list("note", flat=True)
    )


def content_urls(version):
    chapter = version.chapters.first()
    article = version.articles.first()
    entry = version.decalogo.first()
    return [
        reverse("codice_manage:chapter_create", args=[version.pk]),
        reverse("codice_manage:chapter_edit", args=[version.pk, chapter.pk]),
        reverse("codice_manage:chapter_delete", args=[version.pk, chapter.pk]),
        reverse("codice_manage:article_create", args=[version.pk]),
        reverse("codice_manage:article_edit", args=[version.pk, article.pk]),
        reverse("codice_manage:article_delete", args=[version.pk, article.pk]),
        reverse("codice_manage:decalogo_create", args=[version.pk]),
        reverse("codice_manage:decalogo_edit", args=[version.pk, entry.pk]),
        reverse("codice_manage:decalogo_delete", args=[version.pk, entry.pk]),
    ]


def test_every_content_page_sends_a_visitor_to_the_login_page(client, draft):
    for url in content_urls(draft):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"/accesso/?next={url}"


@pytest.mark.parametrize("role", ["applicant", "auditor", "association_member"])
def test_every_content_page_is_forbidden_outside_the_committee(client, draft, request, role):
    client.force_login(request.getfixturevalue(role))
    for url in content_urls(draft):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"number": "9", "title": "x", "body": "y"}).status_code == 403
    assert draft.articles.count() == 2
    assert draft.chapters.count() == 1
    assert draft.decalogo.count() == 1


def test_every_content_page_opens_for_the_committee(logged_in, draft):
    for url in content_urls(draft):
        assert logged_in.get(url).status_code == 200, url


def test_content_of_another_version_is_a_404(logged_in, current, draft):
    article = current.articles.first()
    url = reverse("codice_manage:article_edit", args=[draft.pk, article.pk])
    assert logged_in.get(url).status_code == 404


# --- chapters ------------------------------------------------------------------------------


def test_the_committee_adds_a_chapter(logged_in, draft):
    response = logged_in.post(
        reverse("codice_manage:chapter_create", args=[draft.pk]),
        {"number": "II", "title": "Campagne outbound", "order": "2"},
    )
    chapter = draft.chapters.get(number="II")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#capitolo-{chapter.pk}")
    assert chapter.title == "Campagne outbound"
    assert edit_events(draft) == ["Capitolo II aggiunto"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"number": "", "title": "", "order": "1"}, "Questo campo è obbligatorio."),
        ({"number": "I", "title": "Doppione", "order": "1"}, "Esiste già un capitolo con questo"),
        ({"number": "III", "title": "Ordine", "order": "-1"}, "maggiore o uguale a 0"),
    ],
)
def test_a_chapter_with_bad_input_is_refused(logged_in, draft, data, message):
    response = logged_in.post(reverse("codice_manage:chapter_create", args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert draft.chapters.count() == 1
    assert edit_events(draft) == []


def test_a_chapter_number_of_another_version_is_free(logged_in, draft):
    # Chapter "I" exists in 1.0 and in the draft; a new version's "II" does not clash with 1.0.
    other = draft.chapters.get()
    response = logged_in.post(
        reverse("codice_manage:chapter_edit", args=[draft.pk, other.pk]),
        {"number": "I", "title": "Principi", "order": "1"},
    )
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.title == "Principi"
    assert edit_events(draft) == ["Capitolo I modificato"]


def test_deleting_a_chapter_asks_first_then_removes_it_with_its_articles(logged_in, draft):
    chapter = draft.chapters.get()
    url = reverse("codice_manage:chapter_delete", args=[draft.pk, chapter.pk])
    page = logged_in.get(url).content.decode()
    assert "Vuoi eliminare il capitolo" in page
    assert "Art. 1 — Orari delle chiamate" in page
    assert Chapter.objects.filter(pk=chapter.pk).exists()
    response = logged_in.post(url)
    assert response.status_code == 302
    assert not Chapter.objects.filter(pk=chapter.pk).exists()
    assert draft.articles.count() == 0
    assert edit_events(draft) == ["Capitolo I eliminato"]


# --- articles ------------------------------------------------------------------------------


def article_data(draft, **overrides):
    data = {
        "chapter": str(draft.chapters.get().pk),
        "number": "3",
        "key": "consenso",
        "title": "Consenso",
        "body": "Si chiama solo con un **consenso valido**.",
        "order": "3",
    }
    data.update(overrides)
    return data


def test_the_committee_adds_an_article_and_sees_its_preview(logged_in, draft):
    response = logged_in.post(
        reverse("codice_manage:article_create", args=[draft.pk]), article_data(draft)
    )
    article = draft.articles.get(key="consenso")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "codice_manage:article_edit", args=[draft.pk, article.pk]
    )
    assert edit_events(draft) == ["Articolo 3 aggiunto"]
    page = logged_in.get(response["Location"]).content.decode()
    assert "Articolo 3 aggiunto" in page
    assert "Anteprima del testo salvato" in page
    assert "<strong>consenso valido</strong>" in page


def test_the_chapter_select_lists_only_this_versions_chapters(logged_in, current, draft):
    page = logged_in.get(reverse("codice_manage:article_create", args=[draft.pk])).content
    assert f'value="{draft.chapters.get().pk}"'.encode() in page
    assert f'value="{current.chapters.get().pk}"'.encode() not in page
    response = logged_in.post(
        reverse("codice_manage:article_create", args=[draft.pk]),
        article_data(draft, chapter=str(current.chapters.get().pk)),
    )
    assert response.status_code == 200
    assert "Scegli un&#x27;opzione valida" in response.content.decode()
    assert draft.articles.count() == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"key": "orari"}, "Esiste già un articolo con questa chiave."),
        ({"number": "1"}, "Esiste già un articolo con questo numero."),
        (
            {"key": "Chiave con spazi"},
            "La chiave può contenere solo lettere senza accenti, cifre e trattini",
        ),
        ({"title": "", "body": ""}, "Questo campo è obbligatorio."),
        ({"chapter": ""}, "Questo campo è obbligatorio."),
    ],
)
def test_an_article_with_bad_input_is_refused(logged_in, draft, overrides, message):
    response = logged_in.post(
        reverse("codice_manage:article_create", args=[draft.pk]),
        article_data(draft, **overrides),
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert draft.articles.count() == 2
    assert edit_events(draft) == []


def test_the_committee_edits_an_article(logged_in, draft):
    article = draft.articles.get(key="orari")
    url = reverse("codice_manage:article_edit", args=[draft.pk, article.pk])
    response = logged_in.post(
        url,
        article_data(
            draft, key="orari", number="1", title="Orari", body="Dalle 9 alle 19.", order="1"
        ),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert (article.title, article.body) == ("Orari", "Dalle 9 alle 19.")
    assert edit_events(draft) == ["Articolo 1 modificato"]


def test_an_article_cannot_take_the_number_of_another(logged_in, draft):
    article = draft.articles.get(key="orari")
    response = logged_in.post(
        reverse("codice_manage:article_edit", args=[draft.pk, article.pk]),
        article_data(draft, key="orari", number="2"),
    )
    assert response.status_code == 200
    assert "Esiste già un articolo con questo numero." in response.content.decode()
    article.refresh_from_db()
    assert article.number == "1"


def test_deleting_an_article_asks_first(logged_in, draft):
    article = draft.articles.get(key="orari")
    url = reverse("codice_manage:article_delete", args=[draft.pk, article.pk])
    assert "Vuoi eliminare «Art. 1 — Orari delle chiamate»" in logged_in.get(url).content.decode()
    assert Article.objects.filter(pk=article.pk).exists()
    logged_in.post(url)
    assert not Article.objects.filter(pk=article.pk).exists()
    assert edit_events(draft) == ["Articolo 1 eliminato"]


def test_an_article_needs_a_chapter_first(logged_in, committee):
    draft = codeversion_create_draft(by=committee, number="1.0", title="Vuota")
    response = logged_in.get(reverse("codice_manage:article_create", args=[draft.pk]), follow=True)
    assert "Aggiungi prima un capitolo" in response.content.decode()


# --- decalogo ------------------------------------------------------------------------------


def test_the_committee_adds_and_edits_a_decalogo_entry(logged_in, draft):
    response = logged_in.post(
        reverse("codice_manage:decalogo_create", args=[draft.pk]),
        {"audience": "aziende", "title": "Trasparenza", "body": "Dichiara chi sei.", "order": "1"},
    )
    entry = draft.decalogo.get(title="Trasparenza")
    assert response.status_code == 302
    assert entry.audience == DecalogoEntry.Audience.COMPANIES
    logged_in.post(
        reverse("codice_manage:decalogo_edit", args=[draft.pk, entry.pk]),
        {"audience": "aziende", "title": "Trasparenza", "body": "Di' chi sei.", "order": "1"},
    )
    entry.refresh_from_db()
    assert entry.body == "Di' chi sei."
    assert edit_events(draft) == [
        "Voce del decalogo «Trasparenza» modificata",
        "Voce del decalogo «Trasparenza» aggiunta",
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"audience": "tutti", "title": "X", "body": "Y", "order": "1"}, "Scegli un&#x27;opzione"),
        ({"audience": "aziende", "title": "", "body": "", "order": "1"}, "obbligatorio"),
    ],
)
def test_a_decalogo_entry_with_bad_input_is_refused(logged_in, draft, data, message):
    response = logged_in.post(reverse("codice_manage:decalogo_create", args=[draft.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert draft.decalogo.count() == 1


def test_deleting_a_decalogo_entry_asks_first(logged_in, draft):
    entry = draft.decalogo.get()
    url = reverse("codice_manage:decalogo_delete", args=[draft.pk, entry.pk])
    assert "Vuoi eliminare la voce «Diritto di opposizione»" in logged_in.get(url).content.decode()
    logged_in.post(url)
    assert draft.decalogo.count() == 0
    assert edit_events(draft) == ["Voce del decalogo «Diritto di opposizione» eliminata"]


# --- frozen versions -----------------------------------------------------------------------


def frozen_posts(version):
    chapter = version.chapters.get()
    article = version.articles.get(key="orari")
    entry = version.decalogo.get()
    return [
        (reverse("codice_manage:chapter_create", args=[version.pk]), {"number": "II"}),
        (
            reverse("codice_manage:chapter_edit", args=[version.pk, chapter.pk]),
            {"number": "I", "title": "Riscritto", "order": "1"},
        ),
        (reverse("codice_manage:chapter_delete", args=[version.pk, chapter.pk]), {}),
        (
            reverse("codice_manage:article_create", args=[version.pk]),
            {"chapter": chapter.pk, "number": "9", "key": "nuovo", "title": "N", "body": "B"},
        ),
        (
            reverse("codice_manage:article_edit", args=[version.pk, article.pk]),
            {
                "chapter": chapter.pk,
                "number": "1",
                "key": "orari",
                "title": "Riscritto",
                "body": "Sempre.",
                "order": "1",
            },
        ),
        (reverse("codice_manage:article_delete", args=[version.pk, article.pk]), {}),
        (
            reverse("codice_manage:decalogo_create", args=[version.pk]),
            {"audience": "aziende", "title": "N", "body": "B", "order": "1"},
        ),
        (
            reverse("codice_manage:decalogo_edit", args=[version.pk, entry.pk]),
            {"audience": "aziende", "title": "Riscritto", "body": "B", "order": "1"},
        ),
        (reverse("codice_manage:decalogo_delete", args=[version.pk, entry.pk]), {}),
    ]


def snapshot(version):
    return (
        list(version.chapters.values_list("id", "number", "title", "order")),
        list(version.articles.values_list("id", "number", "key", "title", "body")),
        list(version.decalogo.values_list("id", "audience", "title", "body")),
    )


@pytest.mark.parametrize("status", [CodeVersion.Status.PUBLISHED, CodeVersion.Status.SUPERSEDED])
def test_content_of_a_frozen_version_cannot_be_changed(logged_in, status):
    version = make_version("1.0", status=status, articles=ARTICLES, decalogo=DECALOGO)
    before = snapshot(version)
    for url, data in frozen_posts(version):
        response = logged_in.get(url, follow=True)
        assert response.redirect_chain[-1][0] == reverse("codice_manage:version", args=[version.pk])
        assert "è pubblicata e non può essere modificata" in response.content.decode(), url
        response = logged_in.post(url, data)
        assert response.status_code == 302, url
    assert snapshot(version) == before
    assert CodeEvent.objects.count() == 0


def test_a_version_published_while_editing_refuses_the_save(logged_in, committee, draft):
    article = draft.articles.get(key="orari")
    url = reverse("codice_manage:article_edit", args=[draft.pk, article.pk])
    assert logged_in.get(url).status_code == 200
    # Someone else publishes between the page load and the save.
    codeversion_publish(version=draft, by=committee, effective_date=draft.created_at.date())
    response = logged_in.post(url, article_data(draft, key="orari", number="1", body="Mai."))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == ARTICLES[0][2]

"""Public pages of the code: /codice/, /codice/<n>/, /codice/versioni/, /decalogo/, confronta."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from codice.models import CodeVersion, DecalogoEntry
from codice.services import codeversion_create_draft, codeversion_publish
from tests.factories import ArticleFactory, ChapterFactory, make_version

CONSUMERS = DecalogoEntry.Audience.CONSUMERS
COMPANIES = DecalogoEntry.Audience.COMPANIES

ORARI_1 = "Le chiamate sono effettuate dalle 9 alle 20 nei giorni feriali."
ORARI_2 = "Le chiamate sono effettuate dalle 9 alle 19 nei giorni feriali."


@pytest.fixture
def old_version(db):
    return make_version(
        "1.0",
        status=CodeVersion.Status.SUPERSEDED,
        articles=[
            ("orari", "Orari delle chiamate", ORARI_1),
            ("roc", "Iscrizione al ROC", "L'operatore è iscritto al ROC."),
            ("script", "Script e informativa", "Ogni campagna ha uno script."),
        ],
        decalogo=[(CONSUMERS, "Diritto di opposizione", "Puoi opporti sempre.")],
        effective_date=datetime.date(2024, 1, 1),
    )


@pytest.fixture
def current_version(old_version):
    return make_version(
        "2.0",
        articles=[
            ("orari", "Orari delle chiamate", ORARI_2),
            ("rpo", "Registro delle opposizioni", "Si consulta il registro prima di chiamare."),
            ("script", "Script e informativa", "Ogni campagna ha uno script."),
        ],
        decalogo=[
            (CONSUMERS, "Diritto di opposizione", "Puoi opporti in ogni momento."),
            (COMPANIES, "Numero visibile", "Mostra sempre il numero chiamante."),
        ],
        effective_date=datetime.date(2025, 6, 1),
    )


@pytest.fixture
def draft(current_version):
    return make_version(
        "3.0",
        status=CodeVersion.Status.DRAFT,
        articles=[("bozza", "Articolo in bozza", "Testo riservato al comitato.")],
    )


def text(response) -> str:
    return response.content.decode()


# --- /codice/ -------------------------------------------------------------------------------


def test_the_current_code_shows_title_chapters_and_articles(client, current_version):
    response = client.get("/codice/")
    assert response.status_code == 200
    body = text(response)
    assert "Codice versione 2.0" in body
    assert "01/06/2025" in body
    assert "Prima stesura." in body
    assert "Disposizioni generali" in body
    assert 'id="art-orari"' in body
    assert 'href="#art-orari"' in body
    assert "Registro delle opposizioni" in body
    assert "dalle 9 alle 19" in body
    assert 'href="/codice/2.0/codice.pdf"' in body
    assert 'href="/decalogo/2.0/"' in body
    assert 'href="/codice/confronta/?da=1.0&amp;a=2.0"' in body
    assert "Versione superata" not in body


def test_the_current_code_renders_the_markdown_body_sanitized(client, db):
    make_version(
        "1.0",
        articles=[("orari", "Orari", "Solo **giorni feriali**.\n\n<script>alert(1)</script>")],
    )
    body = text(client.get("/codice/"))
    assert "<strong>giorni feriali</strong>" in body
    assert "<script>alert(1)</script>" not in body


def test_it_says_the_code_is_not_yet_published(client, db):
    make_version("1.0", status=CodeVersion.Status.DRAFT, articles=[("a", "Bozza", "Segreto.")])
    response = client.get("/codice/")
    assert response.status_code == 200
    assert "non è ancora pubblicato" in text(response)
    assert "Segreto." not in text(response)


def test_it_refuses_post_on_the_code(client, current_version):
    assert client.post("/codice/").status_code == 405


def test_a_long_code_costs_no_more_queries_than_a_short_one(client, committee):
    make_version("1.0", articles=[("orari", "Orari", ORARI_1)])
    with CaptureQueriesContext(connection) as small:
        assert client.get("/codice/").status_code == 200

    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice lungo")
    for c in range(4):
        chapter = ChapterFactory(version=draft, number=f"C{c}", order=c + 10)
        for i in range(10):
            ArticleFactory(version=draft, chapter=chapter, key=f"art-{c}-{i}", number=f"{c}.{i}")
    codeversion_publish(version=draft, by=committee, effective_date=datetime.date(2026, 1, 1))
    with CaptureQueriesContext(connection) as large:
        response = client.get("/codice/")
    assert response.status_code == 200
    assert text(response).count('class="bb-article') == 41
    assert len(large) == len(small)


def test_the_current_code_query_count_is_fixed(client, current_version, django_assert_num_queries):
    # current version, chapters, articles, previous version
    with django_assert_num_queries(4):
        client.get("/codice/")


# --- /codice/<number>/ ----------------------------------------------------------------------


def test_a_superseded_version_shows_a_notice_with_a_link_to_the_current_one(
    client, current_version
):
    response = client.get("/codice/1.0/")
    assert response.status_code == 200
    body = text(response)
    assert "Versione superata" in body
    assert re.search(r'<a href="/codice/">[^<]*versione in vigore \(2\.0\)', body)
    assert "dalle 9 alle 20" in body
    assert "Iscrizione al ROC" in body


def test_the_current_version_by_number_has_no_superseded_notice(client, current_version):
    response = client.get("/codice/2.0/")
    assert response.status_code == 200
    assert "Versione superata" not in text(response)
    assert "Registro delle opposizioni" in text(response)


@pytest.mark.parametrize("path", ["/codice/9.9/", "/codice/abc/", "/codice/1/", "/codice/1.0.0/"])
def test_unknown_or_malformed_numbers_are_not_found(client, current_version, path):
    assert client.get(path).status_code == 404


def test_a_draft_is_hidden_from_the_public(client, draft, applicant, auditor):
    assert client.get("/codice/3.0/").status_code == 404
    assert client.get("/decalogo/3.0/").status_code == 404
    for person in (applicant, auditor):
        client.force_login(person)
        assert client.get("/codice/3.0/").status_code == 404


def test_the_committee_can_read_a_draft(client, draft, committee):
    client.force_login(committee)
    response = client.get("/codice/3.0/")
    assert response.status_code == 200
    assert "Bozza non pubblicata" in text(response)
    assert "Testo riservato al comitato." in text(response)
    assert 'href="/codice/3.0/codice.pdf"' in text(response)


# --- /codice/versioni/ ----------------------------------------------------------------------


def test_the_version_list_shows_public_versions_only(client, draft):
    response = client.get("/codice/versioni/")
    assert response.status_code == 200
    body = text(response)
    assert 'href="/codice/1.0/"' in body
    assert 'href="/codice/2.0/"' in body
    assert "/codice/3.0/" not in body
    assert "Superata" in body
    assert "In vigore" in body
    assert "01/01/2024" in body
    assert body.index("Versione 2.0") < body.index("Versione 1.0")


def test_the_version_list_costs_one_query_however_many_versions(
    client, db, django_assert_num_queries
):
    make_version("1.0")
    with django_assert_num_queries(1):
        assert client.get("/codice/versioni/").status_code == 200
    for n in range(2, 8):
        make_version(f"0.{n}", status=CodeVersion.Status.SUPERSEDED)
    with django_assert_num_queries(1):
        response = client.get("/codice/versioni/")
    assert text(response).count('<th scope="row">') == 7


def test_the_version_list_says_when_nothing_is_published(client, db):
    response = client.get("/codice/versioni/")
    assert response.status_code == 200
    assert "non è ancora pubblicato" in text(response)


# --- /decalogo/ -----------------------------------------------------------------------------


def test_the_decalogo_is_grouped_by_audience(client, current_version):
    response = client.get("/decalogo/")
    assert response.status_code == 200
    body = text(response)
    consumers = body.index("Per i consumatori")
    companies = body.index("Per le aziende")
    assert consumers < body.index("Puoi opporti in ogni momento.") < companies
    assert companies < body.index("Mostra sempre il numero chiamante.")
    assert "Versione superata" not in body


def test_the_decalogo_of_a_past_version(client, current_version, django_assert_num_queries):
    with django_assert_num_queries(3):  # version, entries, current version
        response = client.get("/decalogo/1.0/")
    assert response.status_code == 200
    body = text(response)
    assert "Puoi opporti sempre." in body
    assert "Versione superata" in body
    assert 'href="/decalogo/"' in body


def test_the_decalogo_says_when_nothing_is_published(client, db):
    response = client.get("/decalogo/")
    assert response.status_code == 200
    assert "non è ancora pubblicato" in text(response)


def test_the_decalogo_of_an_unknown_version_is_not_found(client, current_version):
    assert client.get("/decalogo/7.0/").status_code == 404


# --- /codice/confronta/ ---------------------------------------------------------------------


def marked(body: str, tag: str) -> list[str]:
    return re.findall(rf"<{tag}>(.*?)</{tag}>", body, flags=re.S)


def test_compare_defaults_to_previous_against_current(client, current_version):
    response = client.get("/codice/confronta/")
    assert response.status_code == 200
    body = text(response)
    assert "Dalla versione 1.0 alla versione 2.0" in body
    assert re.search(r'<option value="1\.0"[^>]*selected', body)
    assert re.search(r'<option value="2\.0"[^>]*selected', body)


def test_compare_marks_exactly_the_changed_words(client, current_version):
    response = client.get("/codice/confronta/?da=1.0&a=2.0")
    assert response.status_code == 200
    body = text(response)
    # The legend's examples, then the article body and the decalogo entry.
    deleted = marked(body, "del")
    inserted = marked(body, "ins")
    assert "20" in deleted and "19" in inserted
    assert "sempre" in deleted and "in ogni momento" in inserted
    assert not any("chiamate" in t or "feriali" in t for t in deleted + inserted)
    assert "1 articolo modificato" in body
    assert "1 articolo aggiunto" in body
    assert "1 articolo eliminato" in body
    assert "1 articolo invariato" in body
    # Added and removed articles by title; the unchanged one is only in the collapsed list.
    assert 'id="aggiunto-rpo"' in body
    assert 'id="eliminato-roc"' in body
    assert 'id="modificato-orari"' in body
    assert 'id="modificato-script"' not in body
    assert "<details" in body


def test_compare_works_backwards_too(client, current_version):
    body = text(client.get("/codice/confronta/?da=2.0&a=1.0"))
    assert "19" in marked(body, "del")
    assert "20" in marked(body, "ins")
    assert 'id="aggiunto-roc"' in body


def test_compare_costs_a_fixed_number_of_queries(
    client, current_version, django_assert_num_queries
):
    # public versions, articles of both, decalogo of both
    with django_assert_num_queries(3):
        client.get("/codice/confronta/?da=1.0&a=2.0")


def test_compare_escapes_the_text_it_marks(client, db):
    make_version(
        "1.0",
        status=CodeVersion.Status.SUPERSEDED,
        articles=[("a", "Titolo", "Testo <b>vecchio</b>")],
    )
    make_version("2.0", articles=[("a", "Titolo", "Testo <img src=x onerror=alert(1)>")])
    body = text(client.get("/codice/confronta/?da=1.0&a=2.0")).split("<main", 1)[1]
    assert "<img" not in body
    assert "<b>" not in body
    assert "Testo &lt;" in body
    assert "img" in "".join(marked(body, "ins"))


@pytest.mark.parametrize(
    "query",
    ["?da=1.0&a=9.9", "?da=abc&a=2.0", "?da=&a=", "?a=2.0", "?da=<script>&a=2.0", "?da=3.0&a=2.0"],
)
def test_compare_refuses_unknown_versions_with_a_message(client, draft, query):
    response = client.get(f"/codice/confronta/{query}")
    assert response.status_code == 200
    body = text(response)
    assert "non esiste o non è pubblicata" in body or "Scegli una versione" in body
    assert "<script>" not in body.split("<main", 1)[1]
    assert 'id="risultato"' not in body


def test_compare_refuses_the_same_version_twice(client, current_version):
    response = client.get("/codice/confronta/?da=2.0&a=2.0")
    assert response.status_code == 200
    assert "stessa versione due volte" in text(response)
    assert 'id="risultato"' not in text(response)


def test_compare_with_one_version_explains_why_there_is_nothing(client, db):
    make_version("1.0")
    response = client.get("/codice/confronta/")
    assert response.status_code == 200
    assert "servono almeno due versioni" in text(response)


def test_compare_of_identical_versions_says_so(client, db):
    articles = [("orari", "Orari", ORARI_1)]
    make_version("1.0", status=CodeVersion.Status.SUPERSEDED, articles=articles)
    make_version("2.0", articles=articles)
    body = text(client.get("/codice/confronta/?da=1.0&a=2.0"))
    assert "identico" in body
    assert marked(body, "del") == []
    assert "1 articolo invariato" in body


def test_the_committee_does_not_see_drafts_in_the_comparison(client, draft, committee):
    client.force_login(committee)
    body = text(client.get("/codice/confronta/"))
    assert 'value="3.0"' not in body


def test_decalogo_entries_added_in_the_new_version_are_listed(client, current_version):
    body = text(client.get("/codice/confronta/?da=1.0&a=2.0"))
    assert "Numero visibile" in body
    assert "Il decalogo non è cambiato." not in body

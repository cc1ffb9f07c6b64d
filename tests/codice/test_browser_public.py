"""The public code pages in a real browser, each checked with axe-core."""

import datetime

import pytest
from playwright.sync_api import expect

from codice.models import CodeVersion, DecalogoEntry
from tests.factories import make_version

CONSUMERS = DecalogoEntry.Audience.CONSUMERS
COMPANIES = DecalogoEntry.Audience.COMPANIES


@pytest.fixture
def versions(db):
    make_version(
        "1.0",
        status=CodeVersion.Status.SUPERSEDED,
        articles=[
            ("orari", "Orari delle chiamate", "Dalle 9 alle 20 nei giorni feriali."),
            ("roc", "Iscrizione al ROC", "L'operatore è iscritto al ROC."),
        ],
        decalogo=[(CONSUMERS, "Diritto di opposizione", "Puoi opporti sempre.")],
        effective_date=datetime.date(2024, 1, 1),
    )
    make_version(
        "2.0",
        articles=[
            ("orari", "Orari delle chiamate", "Dalle 9 alle 19 nei giorni feriali."),
            ("rpo", "Registro delle opposizioni", "Si consulta **prima** di ogni campagna."),
        ],
        decalogo=[
            (CONSUMERS, "Diritto di opposizione", "Puoi opporti in ogni momento."),
            (COMPANIES, "Numero visibile", "Mostra sempre il numero chiamante."),
        ],
        effective_date=datetime.date(2025, 6, 1),
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_reads_the_code_its_history_and_what_changed(page, live_server, axe, versions):
    page.goto(f"{live_server.url}/codice/")
    assert page.get_by_role("heading", level=1).inner_text() == "Codice versione 2.0"
    expect(page.locator("#art-rpo")).to_be_visible()
    axe(page)

    page.get_by_role("link", name="Tutte le versioni").click()
    page.wait_for_url("**/codice/versioni/")
    assert page.get_by_role("heading", level=1).inner_text() == "Versioni del codice"
    axe(page)

    page.get_by_role("link", name="Versione 1.0", exact=True).click()
    page.wait_for_url("**/codice/1.0/")
    expect(page.locator(".bb-superseded")).to_be_visible()
    axe(page)

    page.goto(f"{live_server.url}/decalogo/")
    expect(page.get_by_role("heading", name="Per i consumatori")).to_be_visible()
    expect(page.get_by_role("heading", name="Per le aziende")).to_be_visible()
    axe(page)

    page.goto(f"{live_server.url}/codice/confronta/?da=1.0&a=2.0")
    assert page.locator(".bb-diff-text del").first.inner_text() == "20"
    assert page.locator(".bb-diff-text ins").first.inner_text() == "19"
    axe(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_comparison_form_swaps_the_versions(page, live_server, axe, versions):
    page.goto(f"{live_server.url}/codice/confronta/")
    page.get_by_label("Dalla versione", exact=True).select_option("2.0")
    page.get_by_label("Alla versione", exact=True).select_option("1.0")
    page.get_by_role("button", name="Confronta").click()
    page.wait_for_url("**/codice/confronta/?da=2.0&a=1.0")
    assert (
        "Dalla versione 2.0 alla versione 1.0"
        in page.get_by_role("heading", level=2).all_inner_texts()
    )
    axe(page)

    page.get_by_label("Alla versione", exact=True).select_option("2.0")
    page.get_by_role("button", name="Confronta").click()
    expect(page.get_by_text("stessa versione due volte")).to_be_visible()
    axe(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_code_renders_in_english(page, live_server, axe, versions):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    response = page.goto(f"{live_server.url}/codice/")
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("div[lang=it] #art-orari").count() == 1
    axe(page)

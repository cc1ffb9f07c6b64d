"""A consumer looks for a contact center in the registry with a real browser: a misspelled,
accent-less name, then a region, then the firm's page. Every page is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from certification.models import Seal
from tests.certification.registry_helpers import certified

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def results(page) -> list[str]:
    return page.locator("table.bb-registry tbody th a").all_inner_texts()


def test_a_consumer_finds_a_firm_filters_by_region_and_opens_its_page(page, live_server, axe):
    certified(
        "Caffè Telefonico S.r.l.",
        provincia="RM",
        comune="Roma",
        sectors=("telecomunicazioni",),
    )
    certified("Caffè Telefonico Nord S.r.l.", provincia="TO", comune="Torino")
    certified("Ascolto Lazio S.r.l.", provincia="LT", comune="Latina", status=Seal.Status.SUSPENDED)

    page.goto(f"{live_server.url}/registro/")
    assert heading(page) == "Registro delle aziende certificate"
    expect(page.get_by_text("3 aziende certificate")).to_be_visible()
    expect(page.get_by_text("Sospeso", exact=True)).to_be_visible()
    axe(page)

    # Misspelled and without the accent.
    page.get_by_label("Cerca un'azienda").fill("cafe telefonco")
    page.get_by_role("button", name="Cerca", exact=True).click()
    assert "q=cafe+telefonco" in page.url
    # Waited for first: the click returns once the new page commits, before its rows are parsed.
    expect(page.get_by_text("2 aziende certificate")).to_be_visible()
    assert sorted(results(page)) == ["Caffè Telefonico Nord S.r.l.", "Caffè Telefonico S.r.l."]
    axe(page)

    page.get_by_label("Regione").select_option(label="Lazio")
    page.get_by_role("button", name="Cerca", exact=True).click()
    assert "regione=lazio" in page.url and "q=cafe+telefonco" in page.url
    expect(page.locator("table.bb-registry tbody th a")).to_have_text(["Caffè Telefonico S.r.l."])
    # The exports follow the search.
    assert re.search(r"regione=lazio", page.locator("#export-csv").get_attribute("href"))

    page.get_by_role("link", name="Caffè Telefonico S.r.l.").click()
    assert re.search(r"/registro/\d{11}/$", page.url)
    assert heading(page) == "Caffè Telefonico S.r.l."
    expect(page.get_by_text("Azienda certificata Bollino Blu Qualità")).to_be_visible()
    assert page.get_by_role("link", name=re.compile(r"^BB-\d{4}-\d{5}$")).count() == 1
    axe(page)


def test_an_empty_search_and_a_bad_parameter_pass_axe(page, live_server, axe):
    certified("Contact Uno S.r.l.")
    page.goto(f"{live_server.url}/registro/?q=nessunaaziendacosi&regione=atlantide&pagina=x")
    expect(page.get_by_text("Nessuna azienda certificata corrisponde alla ricerca")).to_be_visible()
    expect(page.get_by_text("La regione indicata non esiste").first).to_be_visible()
    axe(page)


def test_suspended_revoked_and_unknown_firm_pages_pass_axe(page, live_server, axe):
    suspended = certified("Sospesa S.r.l.", status=Seal.Status.SUSPENDED)
    revoked = certified("Revocata S.r.l.", status=Seal.Status.REVOKED)
    page.goto(f"{live_server.url}/registro/{suspended.partita_iva}/")
    expect(page.get_by_text("è sospeso")).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/registro/{revoked.partita_iva}/")
    expect(page.get_by_text("Questa azienda non è certificata")).to_be_visible()
    axe(page)
    page.goto(f"{live_server.url}/registro/00000000000/")
    assert heading(page) == "Azienda non trovata nel registro"
    axe(page)

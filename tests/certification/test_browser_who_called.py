""" "Who called me?" in a real browser: a consumer types the number as they saw it, with spaces
and +39, and finds the certified firm; a number nobody declared and a mistyped one get their
answers. Every page is checked with axe-core. The firm's own numbers page is checked too."""

import re

import pytest
from playwright.sync_api import expect

from tests.certification.registry_api_helpers import certified_firm
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def look_up(page, typed: str) -> None:
    page.get_by_label("Il numero che ti ha chiamato").fill(typed)
    page.get_by_role("button", name="Cerca il numero").click()


def test_a_consumer_finds_who_called_and_how_to_report_it(page, live_server, axe, browser):
    firm = certified_firm(legal_name="Telefonate Corrette S.r.l.", numbers=("+390212345678",))
    seal = firm.seals.get()
    page.goto(f"{live_server.url}/chi-mi-ha-chiamato/")
    assert heading(page) == "Chi mi ha chiamato?"
    axe(page)

    # A hit: typed with +39 and spaces.
    look_up(page, "+39 02 1234 5678")
    assert re.search(r"/chi-mi-ha-chiamato/\?numero=%2B39\+02\+1234\+5678$", page.url)
    expect(page.get_by_text("È un contact center certificato Bollino Blu.")).to_be_visible()
    page.get_by_role("link", name="Telefonate Corrette S.r.l.").wait_for()
    assert page.get_by_role("link", name="Telefonate Corrette S.r.l.").get_attribute("href") == (
        f"/registro/{firm.partita_iva}/"
    )
    assert page.get_by_role("link", name=seal.number).get_attribute("href") == (
        f"/verifica/{seal.number}/"
    )
    report = page.get_by_role("link", name="Segnala la chiamata dal 02 1234 5678")
    assert report.get_attribute("href") == (
        f"/segnalazioni/nuova/?numero=%2B390212345678&azienda={firm.partita_iva}"
    )
    axe(page)

    # A miss.
    look_up(page, "06 9876 5432")
    expect(
        page.get_by_text(
            "Questo numero non risulta tra quelli dichiarati dalle aziende certificate."
        )
    ).to_be_visible()
    expect(page.get_by_role("link", name="Registro Pubblico delle Opposizioni")).to_be_visible()
    axe(page)

    # A mistake.
    look_up(page, "+44 20 7946 0958")
    expect(
        page.get_by_text("Il numero non è stato riconosciuto: correggilo e riprova.")
    ).to_be_visible()
    expect(page.get_by_text("non è un numero italiano")).to_be_visible()
    axe(page)

    # Without JavaScript the form works the same, and a link to an answer gives the answer.
    context = browser.new_context(java_script_enabled=False, locale="it-IT")
    try:
        plain = context.new_page()
        plain.goto(f"{live_server.url}/chi-mi-ha-chiamato/")
        look_up(plain, "02.1234.5678")
        expect(plain.get_by_text("È un contact center certificato Bollino Blu.")).to_be_visible()
        plain.goto(f"{live_server.url}/chi-mi-ha-chiamato/?numero=%2B390212345678")
        expect(plain.get_by_text("È un contact center certificato Bollino Blu.")).to_be_visible()
    finally:
        context.close()


def test_a_firm_keeps_its_numbers_current(page, live_server, axe, login_as):
    firm = certified_firm(legal_name="Telefonate Corrette S.r.l.")
    member = UserFactory(email="qualita@corrette.example", role="richiedente", organization=firm)
    login_as(member)
    page.goto(f"{live_server.url}/azienda/numeri/")
    assert heading(page) == "Numeri chiamanti"
    expect(page.get_by_text("Nessun numero dichiarato.")).to_be_visible()
    axe(page)

    page.get_by_label("Numero chiamante").fill("0039 02-1234-5678")
    page.get_by_role("button", name="Dichiara il numero").click()
    expect(page.get_by_text("Numero +390212345678 dichiarato.")).to_be_visible()
    axe(page)

    page.get_by_label("Numero chiamante").fill("ciao")
    page.get_by_role("button", name="Dichiara il numero").click()
    expect(page.get_by_text("«ciao» non è un numero di telefono italiano valido.")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Ritira il numero +390212345678").click()
    expect(page.get_by_text("Numero +390212345678 ritirato.")).to_be_visible()
    expect(page.get_by_text(re.compile(r"\+390212345678, ritirato il"))).to_be_visible()
    axe(page)

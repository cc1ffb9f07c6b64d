import pytest
from playwright.sync_api import expect

from tests.factories import make_version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_visitor_reads_the_home_and_privacy_pages(page, live_server, axe):
    make_version("2.0", articles=[("orari", "Orari delle chiamate", "Dalle 9 alle 20.")])
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Il Bollino Blu")
    axe(page)
    page.get_by_role("link", name="Informativa sulla privacy").click()
    expect(page.get_by_text("solo cookie tecnici").first).to_be_visible()
    axe(page)


def test_a_committee_member_logs_in_and_out(page, live_server, axe, committee, login_as):
    page.goto(live_server.url + "/accesso/")
    axe(page)
    login_as(committee)
    page.wait_for_url("**/area-riservata/")
    assert "Gestire le versioni del codice" in page.content()
    axe(page)
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url(live_server.url + "/")
    expect(page.get_by_role("link", name="Accedi")).to_be_visible()


def test_a_wrong_password_is_explained_on_the_page(page, live_server, axe, committee):
    page.goto(live_server.url + "/accesso/")
    page.get_by_label("Indirizzo e-mail").fill(committee.email)
    page.get_by_label("Password").fill("sbagliata")
    page.get_by_role("button", name="Accedi").click()
    # content() read while the form's POST is still loading returns "" (seen once in CI).
    expect(page.get_by_text("corretti").first).to_be_visible()
    axe(page)


def test_the_password_reset_page_is_accessible(page, live_server, axe):
    page.goto(live_server.url + "/accesso/password/recupera/")
    axe(page)
    page.get_by_label("Email").fill("nessuno@example.it")
    page.get_by_role("button", name="Invia il collegamento").click()
    page.wait_for_url("**/inviata/")
    axe(page)


def test_the_language_switcher_turns_the_page_english(page, live_server, axe):
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    axe(page)

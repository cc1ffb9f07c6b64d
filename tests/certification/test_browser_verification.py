"""A consumer verifies a seal in a real browser: types its number sloppily in the form, lands on
the seal's page, and later finds it suspended; a mistyped number gets a clear page. axe-core
runs on every page."""

import pytest
from playwright.sync_api import expect

from certification.models import Seal
from certification.services.seals import seal_suspend
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.seal_helpers import approve

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def test_a_consumer_verifies_a_seal_by_its_number(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    firm_a,
    applicant,
    committee,
    auditor,
    private_root,
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.READY

    page.goto(f"{live_server.url}/verifica/")
    assert heading(page) == "Verifica un bollino"
    axe(page)

    # Half the number is missing: the form says what a number looks like.
    page.get_by_label("Numero del bollino").fill("BB-2026")
    page.get_by_role("button", name="Verifica", exact=True).click()
    expect(page.get_by_text("Questo non è un numero di bollino.")).to_be_visible()
    axe(page)

    # Lower case and spaces, as people type it.
    typed = seal.number.lower().replace("-", " ")
    page.get_by_label("Numero del bollino").fill(typed)
    page.get_by_role("button", name="Verifica", exact=True).click()
    page.wait_for_url(f"**/verifica/{seal.number}/")
    assert heading(page) == f"Bollino n. {seal.number}"
    status = page.locator("#stato")
    assert "Attivo" in status.inner_text()
    assert "il certificato è valido" in status.inner_text()
    expect(page.get_by_text("Contact Uno S.r.l.").first).to_be_visible()
    expect(page.get_by_role("link", name="Scarica il certificato (PDF)")).to_be_visible()
    assert page.locator("#sha256").inner_text() == seal.pdf_sha256
    axe(page)

    # The committee suspends the seal: the same address now says so.
    seal_suspend(seal=seal, by=committee, reason="Verifica interna in corso", public_reason="altro")
    page.reload()
    status = page.locator("#stato")
    assert "Sospeso" in status.inner_text()
    assert "il certificato non è valido" in status.inner_text()
    assert page.get_by_role("link", name="Scarica il certificato (PDF)").count() == 0
    assert page.get_by_text("Verifica interna in corso").count() == 0
    axe(page)

    # A number that was never issued.
    response = page.goto(f"{live_server.url}/verifica/BB-1999-00001/")
    assert response.status == 404
    assert heading(page) == "Bollino non trovato"
    expect(page.get_by_role("link", name="Scrivi di nuovo il numero del bollino")).to_be_visible()
    axe(page)

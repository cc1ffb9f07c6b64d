"""A consumer in a real browser: the home page and /statistiche/ with data, checked by axe-core;
the home page's search box leads to the registry; the statistics tables hold the numbers."""

import re

import pytest
from playwright.sync_api import expect

from certification.models import Report
from certification.services.seals import seal_suspend
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.statistics_helpers import decided, firm_in, report, seal_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def cells(page, table: str, row: str) -> list[str]:
    found = page.get_by_role("table", name=table).get_by_role("row", name=re.compile(f"^{row} "))
    return found.get_by_role("cell").all_inner_texts()


@pytest.fixture
def scheme(reference_data, private_root, committee, auditor, association_member):  # noqa: F811
    """Two firms in Lombardy (one suspended), one in Campania, one rejected in Lazio;
    reports in two categories."""
    decided(
        firm=firm_in("MI", "Milano", legal_name="Contact Uno S.r.l."),
        committee=committee,
        lead=auditor,
    )
    monza = decided(firm=firm_in("MI", "Monza"), committee=committee, lead=auditor)
    napoli = decided(
        firm=firm_in("NA", "Napoli", legal_name="Chiamate Due S.p.A."),
        committee=committee,
        lead=auditor,
        scores={"A.1": 3, "A.2": 3, "B.1": 2},
    )
    decided(firm=firm_in("RM", "Roma"), committee=committee, lead=auditor, outcome="respinta")
    seal_suspend(seal=seal_of(monza), by=committee, reason="Verifica", public_reason="segnalazioni")
    firm = napoli.organization
    report(firm, by=association_member, status=Report.Status.CLOSED, outcome="fondata")
    report(firm, by=association_member, category=Report.Category.OPPOSITION_REGISTER)


def test_a_consumer_uses_the_home_page_and_reads_the_statistics(page, live_server, axe, scheme):
    page.goto(live_server.url + "/")
    latest = page.get_by_role("list").filter(has_text="Certificata dal")
    assert latest.get_by_role("heading").all_inner_texts() == [
        "Chiamate Due S.p.A.",
        "Contact Uno S.r.l.",
    ]
    axe(page)

    page.get_by_label("Nome, partita IVA o comune").fill("Contact Uno")
    page.get_by_role("button", name="Cerca nel registro").click()
    page.wait_for_url("**/registro/**")
    assert page.url == f"{live_server.url}/registro/?q=Contact+Uno"

    page.goto(live_server.url + "/statistiche/")
    expect(page.get_by_role("img", name="Aziende certificate per regione")).to_be_visible()
    for summary in page.locator("details > summary").all():
        summary.click()
    axe(page)

    regions = "Aziende certificate per regione"
    assert cells(page, regions, "Lombardia") == ["1", "1", "2"]
    assert cells(page, regions, "Campania") == ["1", "0", "1"]
    assert cells(page, regions, "Lazio") == ["0", "0", "0"]
    applications = "Domande di certificazione per stato"
    assert cells(page, applications, "Approvata") == ["3"]
    assert cells(page, applications, "Respinta") == ["1"]
    reports = "Segnalazioni per categoria ed esito"
    assert cells(page, reports, "Chiamata fuori dagli orari consentiti") == ["1", "0", "0", "1"]
    assert cells(page, reports, "Numero iscritto al Registro") == ["0", "0", "1", "1"]
    sections = "Verifiche per sezione e fascia di punteggio, versione 2.0 del codice"
    # A: 44.44 three times (Contact Uno, Monza, the rejected one), 100; B: 100 three times, 66.67
    assert cells(page, sections, "A – Orari") == ["3", "0", "0", "1", "4"]
    assert cells(page, sections, "B – Consenso") == ["0", "1", "0", "3", "4"]
    assert page.locator(".bb-stat-number").all_inner_texts() == ["3", "3", "1"]

"""Issue 6's journey in one browser session: a consumer searches the registry with a
misspelled, accent-less name and finds the firm, filters by region, opens the firm's page,
checks the number that called (typed with +39 and spaces); an association member reports the
call; the firm answers; the committee closes it as founded, and the firm's page counts it.
axe-core checks every page."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import CallingNumber, Report, User
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.registry_helpers import certified
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIRM = "Città Telefonica S.r.l."
PASSWORD = "password-di-prova-123"


@pytest.fixture(autouse=True)
def _reference(reference_data):  # noqa: F811
    return reference_data


def field(page, label: str):
    return page.get_by_label(f"{label}*", exact=True).or_(page.get_by_label(label, exact=True))


def sign_in(page, login_as, user) -> None:
    page.context.clear_cookies()
    login_as(user)
    page.wait_for_url("**/area-riservata/")


def test_search_check_a_number_report_answer_close_and_count(
    page, live_server, axe, login_as, committee, association_member
):
    firm = certified(FIRM, provincia="RM", comune="Roma")
    certified("Città Telefonica Nord S.r.l.", provincia="TO", comune="Torino")
    member = UserFactory(
        email="referente@cittatelefonica.example", role=User.Role.APPLICANT, organization=firm
    )
    CallingNumber.objects.create(organization=firm, number="+390612345678", declared_by=member)

    # A consumer: misspelled and without accents, then the region.
    page.goto(f"{live_server.url}/registro/")
    axe(page)
    page.get_by_label("Cerca un'azienda").fill("citta telefonca")
    page.get_by_role("button", name="Cerca", exact=True).click()
    expect(page.get_by_role("link", name=FIRM)).to_be_visible()
    expect(page.get_by_text("2 aziende certificate")).to_be_visible()
    axe(page)
    page.get_by_label("Regione").select_option(label="Lazio")
    page.get_by_role("button", name="Cerca", exact=True).click()
    expect(page.get_by_text("1 azienda certificata")).to_be_visible()
    assert "regione=lazio" in page.url
    axe(page)
    page.get_by_role("link", name=FIRM).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRM)
    expect(page.locator("#segnalazioni-fondate")).to_contain_text("non ha ritenuto fondata alcuna")
    axe(page)
    firm_page = page.url

    # The number that called, as the consumer writes it.
    page.goto(f"{live_server.url}/chi-mi-ha-chiamato/")
    page.get_by_label("Il numero che ti ha chiamato").fill("+39 06 1234 5678")
    page.get_by_role("button", name="Cerca il numero").click()
    expect(page.get_by_text("È un contact center certificato Bollino Blu.")).to_be_visible()
    expect(page.get_by_role("link", name=FIRM)).to_be_visible()
    axe(page)

    # An association member reports the call on that firm.
    sign_in(page, login_as, association_member)
    page.goto(
        f"{live_server.url}/segnalazioni/nuova/?azienda={firm.partita_iva}&numero=%2B390612345678"
    )
    axe(page)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    field(page, "Che cosa è successo").select_option("fuori_orario")
    field(page, "Giorno della chiamata").fill(yesterday.isoformat())
    field(page, "Ora della chiamata").fill("21:15")
    field(page, "Descrizione della chiamata").fill(
        "Chiamata alle 21:15 per un'offerta telefonica, dopo l'orario consentito dal codice."
    )
    page.get_by_role("button", name="Invia la segnalazione").click()
    page.wait_for_url("**/segnalazioni/segui/**")
    axe(page)
    report = Report.objects.get()
    assert (report.organization, report.calling_number) == (firm, "+390612345678")

    # The committee forwards it; the firm answers.
    sign_in(page, login_as, committee)
    page.goto(f"{live_server.url}/gestione/segnalazioni/{report.pk}/")
    page.get_by_role("button", name="Inoltra all'azienda").click()
    expect(page.get_by_text("Segnalazione inoltrata all'azienda").first).to_be_visible()
    axe(page)
    sign_in(page, login_as, member)
    page.goto(f"{live_server.url}/azienda/segnalazioni/{report.pk}/")
    axe(page)
    field(page, "La risposta dell'azienda").fill(
        "Campagna serale partita per errore: sospesa e operatori richiamati alle regole."
    )
    page.get_by_role("button", name="Invia la risposta").click()
    expect(page.get_by_text("Risposta inviata al comitato.")).to_be_visible()

    # The committee closes it as founded; the firm's page counts it.
    sign_in(page, login_as, committee)
    page.goto(f"{live_server.url}/gestione/segnalazioni/{report.pk}/")
    page.locator("label[for='id_chiudi-outcome_0']").click()
    field(page, "Nota di chiusura (interna al comitato)").fill("Ammesso dall'azienda.")
    page.get_by_role("button", name="Chiudi la segnalazione").click()
    expect(page.get_by_text("Segnalazione chiusa come «Fondata».")).to_be_visible()
    axe(page)
    page.context.clear_cookies()
    page.goto(firm_page)
    expect(page.locator("#segnalazioni-fondate")).to_contain_text(
        "ha ritenuto fondata 1 segnalazione"
    )
    axe(page)

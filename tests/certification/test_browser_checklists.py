"""The committee's checklist pages in a real browser, each checked with axe-core."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import ChecklistItem
from codice.models import CodeVersion
from tests.factories import make_checklist, make_version

ARTICLES = [
    ("orari", "Fasce orarie", "Dalle 9 alle 20 nei giorni feriali."),
    ("cli", "Numero chiamante", "Sempre visibile."),
]


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_committee_builds_a_drafts_checklist(page, live_server, axe, login_as, committee):
    draft = make_version("2.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    login_as(committee)
    page.wait_for_url("**/area-riservata/")

    page.goto(live_server.url + reverse("certification:checklist", args=[draft.pk]))
    assert heading(page) == "Lista di controllo della versione 2.0"
    expect(page.get_by_text("Questa versione non ha una lista di controllo.")).to_be_visible()
    axe(page)

    # The checklist, with the default scale.
    page.get_by_role("link", name="Crea la lista di controllo").click()
    assert heading(page) == "Nuova lista di controllo per la versione 2.0"
    axe(page)
    page.get_by_label("Soglia di superamento (%)").fill("centodue")
    page.get_by_role("button", name="Crea la lista di controllo").click()
    expect(page.get_by_text("Inserisci un numero, per esempio 70 o 72,5.")).to_be_visible()
    axe(page)
    page.get_by_label("Soglia di superamento (%)").fill("72,5")
    page.get_by_role("button", name="Crea la lista di controllo").click()
    page.wait_for_url("**/lista-di-controllo/")
    expect(page.get_by_text("Lista di controllo creata.")).to_be_visible()
    expect(page.get_by_role("cell", name="Parzialmente conforme")).to_be_visible()
    axe(page)

    # The scale page.
    page.get_by_role("link", name="Modifica la scala dei livelli").click()
    assert heading(page) == "Modifica la scala dei livelli"
    axe(page)
    page.get_by_role("link", name="Annulla").click()

    # A section.
    page.get_by_role("link", name="Aggiungi una sezione").click()
    assert heading(page) == "Nuova sezione"
    axe(page)
    page.get_by_label("Codice").fill("A")
    page.get_by_label("Titolo").fill("Orari e numero chiamante")
    page.get_by_label("Minimo della sezione (%)").fill("60")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Sezione A della lista di controllo aggiunta").first).to_be_visible()
    expect(page.get_by_role("heading", name="Sezione A. Orari e numero chiamante")).to_be_visible()
    axe(page)

    # An item in it; a weight of 0 is refused first.
    page.get_by_role("link", name="Aggiungi una voce alla sezione A").click()
    assert heading(page) == "Nuova voce"
    axe(page)
    page.get_by_label("Codice").fill("A.1")
    page.get_by_label("Domanda").fill("Le chiamate si fanno solo nelle fasce orarie consentite?")
    page.get_by_label("Indicazioni per l'auditor").fill("Estrarre i log di due settimane.")
    # Bootstrap Italia draws the box on the label, which is what a person clicks.
    page.locator("label", has_text="Art. 1 — Fasce orarie").click()
    assert page.get_by_label("Art. 1 — Fasce orarie").is_checked()
    page.get_by_label("Peso").fill("0")
    page.locator("label", has_text="Bloccante").click()
    page.get_by_label("Evidenze attese").fill("Log del sistema di chiamata")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Il peso deve essere maggiore di zero.")).to_be_visible()
    axe(page)
    page.get_by_label("Peso").fill("2,5")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url("**/lista-di-controllo/#voce-*")
    expect(page.get_by_text("Voce A.1 della lista di controllo aggiunta").first).to_be_visible()

    # The overview shows both.
    row = page.get_by_role("row", name="A.1")
    assert "Le chiamate si fanno solo nelle fasce orarie consentite?" in row.inner_text()
    assert "Art. 1 — Fasce orarie" in row.inner_text()
    assert "Bloccante" in row.inner_text()
    assert "2,5" in row.inner_text()
    axe(page)

    item = ChecklistItem.objects.get(version=draft, code="A.1")
    assert item.article_keys == ["orari"]
    assert item.section.minimum_percent == 60


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_checklist_of_a_published_version_is_shown_read_only(
    page, live_server, axe, login_as, committee
):
    version = make_version("1.0", status=CodeVersion.Status.DRAFT, articles=ARTICLES)
    make_checklist(version)
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = datetime.date(2025, 1, 1)
    version.published_at = timezone.now()
    version.published_by = committee
    version.save()

    login_as(committee)
    page.wait_for_url("**/area-riservata/")
    page.goto(live_server.url + reverse("certification:checklist", args=[version.pk]))
    assert heading(page) == "Lista di controllo della versione 1.0"
    expect(page.get_by_text("la sua lista di controllo non si modifica più")).to_be_visible()
    expect(page.get_by_role("row", name="A.1")).to_be_visible()
    assert page.get_by_role("link", name="Modifica la voce A.1").count() == 0
    axe(page)

"""The committee's management pages in a real browser, each checked with axe-core."""

import datetime

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from codice.models import Amendment, CodeVersion, DecalogoEntry
from codice.services import amendment_decide, amendment_propose, codeversion_create_draft
from tests.factories import MeetingFactory, make_version

ORARI = "Le chiamate si fanno dalle 9 alle 20 nei giorni feriali."


@pytest.fixture
def current(db):
    return make_version(
        "1.0",
        articles=[
            ("orari", "Orari delle chiamate", ORARI),
            ("rpo", "Registro delle opposizioni", "Si consulta **prima** di ogni campagna."),
        ],
        decalogo=[
            (DecalogoEntry.Audience.CONSUMERS, "Diritto di opposizione", "Puoi opporti."),
            (DecalogoEntry.Audience.COMPANIES, "Numero visibile", "Mostra il numero."),
        ],
        effective_date=datetime.date(2025, 6, 1),
    )


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_committee_revises_the_code_from_draft_to_publication(
    page, live_server, axe, login_as, committee, current
):
    page.goto(f"{live_server.url}/accesso/")
    axe(page)
    login_as(committee)
    page.wait_for_url("**/area-riservata/")

    # The list of versions.
    page.get_by_role("link", name="Gestione codice").click()
    page.wait_for_url("**/gestione/codice/")
    assert heading(page) == "Gestione del codice"
    axe(page)

    # A new draft, copied from 1.0.
    page.get_by_role("link", name="Nuova bozza dalla versione corrente").click()
    assert heading(page) == "Nuova bozza dalla versione corrente"
    axe(page)
    page.get_by_label("Numero").fill("2")
    page.get_by_role("button", name="Crea la bozza").click()
    expect(page.get_by_text("Il numero di versione ha la forma 2.0 o 2.1.")).to_be_visible()
    axe(page)
    page.get_by_label("Numero").fill("2.0")
    page.get_by_label("Sintesi delle modifiche").fill("Orari ridotti di un'ora.")
    page.get_by_role("button", name="Crea la bozza").click()
    page.wait_for_url("**/gestione/codice/*/")
    assert heading(page).startswith("Versione 2.0")
    expect(page.get_by_text("Bozza 2.0 creata.")).to_be_visible()
    axe(page)
    draft = CodeVersion.objects.get(number="2.0")
    assert draft.articles.count() == 2

    # Edit an article; the page then shows the rendered preview.
    page.get_by_role("link", name="Modifica l'articolo 2").click()
    assert heading(page) == "Modifica l'articolo 2"
    axe(page)
    page.get_by_label("Testo (Markdown)").fill("Si consulta **sempre** prima di ogni campagna.")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Articolo 2 modificato").first).to_be_visible()
    assert page.locator(".bb-article strong").inner_text() == "sempre"
    axe(page)

    # Propose an amendment to article 1.
    page.get_by_role("link", name="Versione 2.0").click()
    page.get_by_role("link", name="Proponi una modifica all'articolo 1").click()
    assert heading(page) == "Nuova proposta di modifica"
    assert page.get_by_label("Testo proposto").input_value() == ORARI
    axe(page)
    page.get_by_label("Testo proposto").fill(ORARI.replace("20", "19"))
    page.get_by_label("Motivazione").fill("Allineamento al codice di condotta del Garante.")
    page.get_by_label("Proponente").fill("Luca Marini (Assocontact)")
    page.get_by_role("button", name="Presenta la proposta").click()
    expect(page.get_by_text("Proposta di modifica registrata.")).to_be_visible()
    assert page.locator("ins").first.inner_text() == "19"
    axe(page)
    amendment_url = page.url

    # Record the meeting of the working table.
    page.get_by_role("link", name="Tavolo di lavoro").first.click()
    page.wait_for_url("**/gestione/codice/tavolo/")
    axe(page)
    page.get_by_role("link", name="Nuova riunione").click()
    axe(page)
    page.get_by_label("Data").fill("2026-10-13")
    page.get_by_label("Luogo o modalità").fill("Roma, sede OIC")
    page.get_by_label("Partecipanti OIC").fill("Giulia Ferri (OIC)\nPaolo Conti (Adiconsum)")
    page.get_by_label("Partecipanti Assocontact").fill("Luca Marini (Assocontact)")
    page.get_by_label("Ordine del giorno").fill("1. Orari delle chiamate")
    page.get_by_label("Verbale").fill("Il tavolo accoglie la proposta **all'unanimità**.")
    page.get_by_role("button", name="Salva la riunione").click()
    assert heading(page) == "Riunione del 13/10/2026"
    assert page.locator(".bb-minutes strong").inner_text() == "all'unanimità"
    axe(page)

    # Accept the amendment at that meeting.
    page.goto(amendment_url)
    axe(page)
    # Bootstrap Italia draws the radio on its label, as a person would click it.
    page.locator("label", has_text="Accogliere la proposta").click()
    assert page.get_by_label("Accogliere la proposta").is_checked()
    page.get_by_label("Riunione del tavolo che ha deciso").select_option(
        label="Tavolo di lavoro 13/10/2026"
    )
    page.get_by_role("button", name="Registra la decisione").click()
    expect(page.get_by_text("Proposta accolta").first).to_be_visible()
    expect(page.get_by_text("Carla Rossi").first).to_be_visible()
    axe(page)
    amendment = Amendment.objects.get()
    assert amendment.status == Amendment.Status.ACCEPTED
    assert draft.articles.get(key="orari").body == ORARI.replace("20", "19")

    # Publish: 1.0 is superseded.
    page.get_by_role("link", name="Versione 2.0").first.click()
    page.get_by_role("link", name="Pubblica questa bozza").click()
    expect(
        page.get_by_text("La versione 1.0, in vigore dal 01/06/2025, diventa superata")
    ).to_be_visible()
    axe(page)
    page.get_by_label("Data di entrata in vigore").fill("2027-01-01")
    page.locator("label", has_text="Confermo la pubblicazione").click()
    assert page.get_by_label("Confermo la pubblicazione").is_checked()
    page.get_by_role("button", name="Pubblica la versione 2.0").click()
    expect(page.get_by_text("Versione 2.0 pubblicata.")).to_be_visible()
    axe(page)
    draft.refresh_from_db()
    current.refresh_from_db()
    assert draft.status == CodeVersion.Status.PUBLISHED
    assert draft.effective_date == datetime.date(2027, 1, 1)
    assert current.status == CodeVersion.Status.SUPERSEDED


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_other_management_pages_pass_axe(page, live_server, axe, login_as, committee, current):
    draft = codeversion_create_draft(by=committee, number="2.0", title="Codice 2026")
    amendment = amendment_propose(
        version=draft,
        by=committee,
        article_key="orari",
        proposed_text=ORARI.replace("20", "19"),
        rationale="Codice del Garante.",
        proposer="Luca Marini (Assocontact)",
    )
    meeting = MeetingFactory()
    amendment_decide(amendment=amendment, by=committee, accept=False, meeting=meeting)
    chapter = draft.chapters.get()
    article = draft.articles.get(key="orari")
    entry = draft.decalogo.first()
    login_as(committee)
    page.wait_for_url("**/area-riservata/")
    paths = [
        reverse("codice_manage:version", args=[current.pk]),
        reverse("codice_manage:version_edit", args=[draft.pk]),
        reverse("codice_manage:chapter_create", args=[draft.pk]),
        reverse("codice_manage:chapter_edit", args=[draft.pk, chapter.pk]),
        reverse("codice_manage:chapter_delete", args=[draft.pk, chapter.pk]),
        reverse("codice_manage:article_create", args=[draft.pk]),
        reverse("codice_manage:article_delete", args=[draft.pk, article.pk]),
        reverse("codice_manage:decalogo_create", args=[draft.pk]),
        reverse("codice_manage:decalogo_edit", args=[draft.pk, entry.pk]),
        reverse("codice_manage:decalogo_delete", args=[draft.pk, entry.pk]),
        reverse("codice_manage:amendments", args=[draft.pk]),
        reverse("codice_manage:amendment_create", args=[draft.pk]),
        reverse("codice_manage:amendment", args=[draft.pk, amendment.pk]),
        reverse("codice_manage:meeting", args=[meeting.pk]),
        reverse("codice_manage:meeting_edit", args=[meeting.pk]),
    ]
    for path in paths:
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        axe(page)

    # A form with errors, and a refused edit of a frozen version.
    page.goto(f"{live_server.url}{reverse('codice_manage:chapter_create', args=[draft.pk])}")
    page.get_by_role("button", name="Salva").click()
    expect(page.get_by_text("Questo campo è obbligatorio.").first).to_be_visible()
    axe(page)
    frozen = current.articles.get(key="orari")
    page.goto(
        f"{live_server.url}{reverse('codice_manage:article_edit', args=[current.pk, frozen.pk])}"
    )
    expect(page.get_by_text("è pubblicata e non può essere modificata")).to_be_visible()
    axe(page)

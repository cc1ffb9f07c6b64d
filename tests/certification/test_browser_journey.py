"""The whole journey of issue 3 in a real browser: a new contact center signs up, confirms its
e-mail, registers the firm, fills the self-assessment, uploads evidence, is told what is
missing, completes it and submits; OIC receives the e-mail. axe runs on every page."""

import re

import pytest
from playwright.sync_api import expect

from certification.models import Application, EvidenceFile, Organization
from tests.certification.application_helpers import PDF
from tests.certification.organizations_helpers import NEW_PIVA
from tests.factories import make_current_version_with_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Cuffie-e-microfoni-2025"


def h1(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def field(page, label: str):
    return page.get_by_label(f"{label}*", exact=True).or_(page.get_by_label(label, exact=True))


def tick(page, label: str) -> None:
    box = field(page, label)
    if not box.is_checked():
        page.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


def link_in(body: str, prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({prefix}[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_a_contact_center_signs_up_applies_and_oic_is_told(
    page, live_server, axe, mailoutbox, committee, settings, tmp_path
):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.OIC_NOTIFICATION_EMAIL = "bollinoblu@oic.example"
    make_current_version_with_checklist()
    evidence = tmp_path / "registro-chiamate.pdf"
    evidence.write_bytes(PDF)

    # Sign up and confirm the address.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Registra il tuo contact center").click()
    assert h1(page) == "Registrati come contact center"
    axe(page)
    field(page, "Nome").fill("Nadia")
    field(page, "Cognome").fill("Esposito")
    field(page, "Indirizzo e-mail").fill("nadia@nuovocontact.example")
    field(page, "Password").fill(PASSWORD)
    field(page, "Ripeti la password").fill(PASSWORD)
    tick(page, "Ho letto l'informativa sul trattamento dei dati personali")
    page.get_by_role("button", name="Registrati", exact=True).click()
    page.wait_for_url("**/registrazione/inviata/")
    axe(page)
    page.goto(live_server.url + link_in(mailoutbox[-1].body, "/registrazione/conferma/"))
    axe(page)
    page.get_by_role("button", name="Conferma e continua").click()
    page.wait_for_url("**/azienda/nuova/")
    axe(page)

    # Register the firm with its first site.
    field(page, "Ragione sociale").fill("Nuovo Contact S.r.l.")
    field(page, "Partita IVA").fill(NEW_PIVA)
    field(page, "Indirizzo PEC").fill("nuovocontact@pec.example.it")
    field(page, "Indirizzo della sede legale").fill("Via Toledo 10")
    field(page, "CAP").fill("80134")
    page.locator("#id_azienda-comune").fill("Napoli")
    page.locator("#id_azienda-provincia").select_option("NA")
    field(page, "Numero di operatori").fill("45")
    tick(page, "Inbound: assistenza e servizio clienti (chiamate ricevute)")
    tick(page, "Energia e gas")
    page.locator("#id_sede-comune").fill("Napoli")
    page.locator("#id_sede-provincia").select_option("NA")
    field(page, "Postazioni").fill("30")
    page.get_by_role("button", name="Registra l'azienda").click()
    page.wait_for_url(re.compile(r".*/azienda/$"))
    assert h1(page) == "Nuovo Contact S.r.l."
    axe(page)
    firm = Organization.objects.get(partita_iva=NEW_PIVA)

    # Start an application; the overview says what is missing.
    page.get_by_role("link", name="Le nostre domande").click()
    axe(page)
    page.get_by_label("Prima certificazione").check()
    page.get_by_role("button", name="Inizia una nuova domanda").click()
    page.wait_for_url("**/domande/*/")
    application = Application.objects.get(organization=firm)
    expect(page.get_by_text("Cosa manca per inviare la domanda")).to_be_visible()
    axe(page)

    # The self-assessment, with evidence for one item only.
    page.get_by_role("link", name="Autovalutazione", exact=True).click()
    axe(page)
    for fieldset in page.get_by_role("group").all():
        fieldset.get_by_text("Conforme", exact=True).click()
    page.get_by_label("Aggiungi un file di evidenza per la voce A.1").set_input_files(str(evidence))
    page.get_by_role("button", name="Salva l'autovalutazione").first.click()
    expect(page.get_by_text("Autovalutazione salvata.")).to_be_visible()
    axe(page)

    # Submitting now is refused with the exact list of what is missing.
    page.goto(f"{live_server.url}/domande/{application.pk}/")
    page.get_by_role("button", name="Invia la domanda").click()
    expect(
        page.get_by_text("Evidenze: carica almeno un file per le voci B.1.").first
    ).to_be_visible()
    expect(page.get_by_text("Documenti: manca «Visura camerale».").first).to_be_visible()
    axe(page)
    application.refresh_from_db()
    assert application.status == Application.Status.DRAFT

    # Complete it: the missing evidence, the documents, the declarations.
    page.goto(f"{live_server.url}/domande/{application.pk}/autovalutazione/")
    page.get_by_label("Aggiungi un file di evidenza per la voce B.1").set_input_files(str(evidence))
    page.get_by_role("button", name="Salva l'autovalutazione").first.click()
    expect(page.get_by_text("Autovalutazione salvata.")).to_be_visible()
    page.goto(f"{live_server.url}/domande/{application.pk}/documenti/")
    for kind in EvidenceFile.REQUIRED_DOCUMENTS:
        page.get_by_label("Tipo di documento").select_option(label=str(kind.label))
        page.get_by_label("File").set_input_files(str(evidence))
        page.get_by_role("button", name="Carica il documento").click()
    axe(page)
    page.goto(f"{live_server.url}/domande/{application.pk}/dichiarazioni/")
    for checkbox in page.get_by_role("checkbox").all():
        page.locator(f'label[for="{checkbox.get_attribute("id")}"]').click()
    page.get_by_role("button", name="Rendi le dichiarazioni selezionate").click()
    expect(page.get_by_text("Dichiarazioni registrate.")).to_be_visible()
    axe(page)

    mailoutbox.clear()
    page.goto(f"{live_server.url}/domande/{application.pk}/")
    page.get_by_role("button", name="Invia la domanda").click()
    expect(page.get_by_text("Domanda inviata.")).to_be_visible()
    axe(page)
    application.refresh_from_db()
    assert application.status == Application.Status.SUBMITTED

    # OIC hears of it: the committee and the scheme's mailbox, with a link to the application.
    to_oic = [m for m in mailoutbox if "bollinoblu@oic.example" in m.to]
    assert len(to_oic) == 1
    assert "Nuovo Contact S.r.l." in to_oic[0].subject
    assert f"/gestione/domande/{application.pk}/" in to_oic[0].body
    assert any(committee.email in m.to for m in mailoutbox)

"""A new contact center signs up and registers its firm in a real browser; a member then manages
the firm and invites a colleague. Every page is checked with axe-core."""

import re

import pytest
from playwright.sync_api import expect

from certification.models import Invitation, Organization, User
from tests.certification.organizations_helpers import NEW_PIVA

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PASSWORD = "Cuffie-e-microfoni-2025"
# The firm's page, maybe at one of its sections (#sedi, #inviti).
FIRM_PAGE = re.compile(r".*/azienda/(#[a-z]+)?$")


def heading(page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def field(page, label: str):
    """The input with exactly this label (required fields add an asterisk to it)."""
    return page.get_by_label(f"{label}*", exact=True).or_(page.get_by_label(label, exact=True))


def tick(page, label: str) -> None:
    """Check a box as a person does: Bootstrap Italia draws it on its label, which takes the
    click."""
    box = field(page, label)
    if not box.is_checked():
        page.locator(f"label[for='{box.get_attribute('id')}']").click()
    assert box.is_checked()


def path_in(body: str, prefix: str) -> str:
    match = re.search(rf"https?://[^/\s]+({prefix}[^\s]+/)", body)
    assert match, body
    return match.group(1)


def test_a_new_contact_center_signs_up_and_registers_its_firm(page, live_server, axe, mailoutbox):
    page.goto(f"{live_server.url}/registrazione/")
    assert heading(page) == "Registrati come contact center"
    axe(page)

    # A mistake first: the passwords differ.
    field(page, "Nome").fill("Nadia")
    field(page, "Cognome").fill("Esposito")
    field(page, "Indirizzo e-mail").fill("Nadia@NuovoContact.example")
    field(page, "Password").fill(PASSWORD)
    field(page, "Ripeti la password").fill("un'altra")
    tick(page, "Ho letto l'informativa sul trattamento dei dati personali")
    page.get_by_role("button", name="Registrati", exact=True).click()
    expect(page.get_by_text("Le due password non coincidono.")).to_be_visible()
    axe(page)

    field(page, "Password").fill(PASSWORD)
    field(page, "Ripeti la password").fill(PASSWORD)
    tick(page, "Ho letto l'informativa sul trattamento dei dati personali")
    page.get_by_role("button", name="Registrati", exact=True).click()
    page.wait_for_url("**/registrazione/inviata/")
    assert heading(page) == "Controlla la tua e-mail"
    expect(page.get_by_text("nadia@nuovocontact.example")).to_be_visible()
    axe(page)

    # The link from the e-mail.
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["nadia@nuovocontact.example"]
    page.goto(live_server.url + path_in(mailoutbox[0].body, "/registrazione/conferma/"))
    assert heading(page) == "Conferma il tuo indirizzo"
    axe(page)
    page.get_by_role("button", name="Conferma e continua").click()
    page.wait_for_url("**/azienda/nuova/")
    assert heading(page) == "Registra la tua azienda"
    expect(page.get_by_text("Indirizzo confermato")).to_be_visible()
    axe(page)

    # The firm and its first site; a mistyped partita IVA first.
    field(page, "Ragione sociale").fill("Nuovo Contact S.r.l.")
    field(page, "Partita IVA").fill("01234567890")
    field(page, "Indirizzo PEC").fill("nuovocontact@pec.example.it")
    field(page, "Sito web").fill("www.nuovocontact.example")
    field(page, "Indirizzo della sede legale").fill("Via Toledo 10")
    field(page, "CAP").fill("80134")
    page.locator("#id_azienda-comune").fill("Napoli")
    page.locator("#id_azienda-provincia").select_option("NA")
    field(page, "Numero di operatori").fill("45")
    tick(page, "Inbound: assistenza e servizio clienti (chiamate ricevute)")
    tick(page, "Energia e gas")
    tick(page, "Telecomunicazioni")
    page.locator("#id_sede-comune").fill("Caserta")
    page.locator("#id_sede-provincia").select_option("CE")
    field(page, "Postazioni").fill("30")
    page.get_by_role("button", name="Registra l'azienda").click()
    expect(page.get_by_text("La partita IVA non è valida: controlla le 11 cifre.")).to_be_visible()
    axe(page)

    field(page, "Partita IVA").fill("IT " + NEW_PIVA)
    page.get_by_role("button", name="Registra l'azienda").click()
    page.wait_for_url(FIRM_PAGE)
    assert heading(page) == "Nuovo Contact S.r.l."
    expect(page.get_by_text("Caserta (CE)")).to_be_visible()
    axe(page)

    firm = Organization.objects.get(partita_iva=NEW_PIVA)
    nadia = User.objects.get(email="nadia@nuovocontact.example")
    assert nadia.is_active and nadia.organization == firm
    assert firm.sites.get().seats == 30


def test_a_member_manages_the_firm_and_a_colleague_joins(
    page, live_server, axe, login_as, applicant, firm_a, mailoutbox
):
    login_as(applicant)
    page.wait_for_url("**/area-riservata/")
    page.goto(f"{live_server.url}/azienda/")
    assert heading(page) == "Contact Uno S.r.l."
    axe(page)

    page.get_by_role("link", name="Modifica i dati dell'azienda").click()
    assert heading(page) == "Modifica i dati dell'azienda"
    axe(page)
    field(page, "Numero di operatori").fill("150")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(FIRM_PAGE)

    page.get_by_role("link", name="Aggiungi una sede operativa").click()
    assert heading(page) == "Aggiungi una sede operativa"
    field(page, "Comune").fill("Bergamo")
    field(page, "Provincia").select_option("BG")
    field(page, "Postazioni").fill("0")
    page.get_by_role("button", name="Aggiungi").click()
    expect(page.get_by_text("Una sede ha almeno una postazione.")).to_be_visible()
    axe(page)
    field(page, "Postazioni").fill("12")
    page.get_by_role("button", name="Aggiungi").click()
    page.wait_for_url(FIRM_PAGE)
    expect(page.get_by_text("Bergamo (BG)")).to_be_visible()

    page.get_by_role("link", name="Elimina la sede di Bergamo").click()
    assert heading(page) == "Elimina la sede di Bergamo"
    axe(page)
    page.get_by_role("link", name="Annulla").click()

    field(page, "Indirizzo e-mail del collega").fill("carlo@contactuno.example")
    page.get_by_role("button", name="Invia l'invito").click()
    page.wait_for_url(FIRM_PAGE)
    expect(page.get_by_text("Invito inviato a carlo@contactuno.example")).to_be_visible()
    axe(page)

    # Carlo opens the invitation without an account and signs up there.
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url(f"{live_server.url}/")
    invitation = Invitation.objects.get()
    page.goto(live_server.url + path_in(mailoutbox[-1].body, "/invito/"))
    assert heading(page) == "Invito a entrare in Contact Uno S.r.l."
    axe(page)
    field(page, "Nome").fill("Carlo")
    field(page, "Cognome").fill("Bianchi")
    field(page, "Password").fill(PASSWORD)
    field(page, "Ripeti la password").fill(PASSWORD)
    tick(page, "Ho letto l'informativa sul trattamento dei dati personali")
    page.get_by_role("button", name="Crea l'account e accetta l'invito").click()
    page.wait_for_url(FIRM_PAGE)
    expect(page.get_by_text("carlo@contactuno.example").first).to_be_visible()
    axe(page)

    carlo = User.objects.get(email="carlo@contactuno.example")
    assert carlo.organization == firm_a
    invitation.refresh_from_db()
    assert invitation.accepted_by == carlo
    firm_a.refresh_from_db()
    assert firm_a.operators_count == 150
    assert firm_a.sites.count() == 2

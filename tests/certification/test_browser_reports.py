"""Reports in a real browser. An association member files a report on a certified firm (after a
mistake the form points out); the committee forwards it; the firm answers by the deadline
without ever seeing who called; the committee closes it as founded and suspends the seal; the
member follows it to the end. A visitor confirms the e-mail and reaches the form. axe-core
checks every page."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import Report, Seal
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.report_helpers import forwarded, past_deadline, sealed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONSUMER = ("Rosa Gallo", "rosa.gallo@example.it", "340 123 4987")


@pytest.fixture(autouse=True)
def _reference(reference_data):  # noqa: F811
    return reference_data


def field(page, label: str):
    """The input with exactly this label (required fields add an asterisk to it)."""
    return page.get_by_label(f"{label}*", exact=True).or_(page.get_by_label(label, exact=True))


def sign_in(page, axe, login_as, user) -> None:
    page.context.clear_cookies()
    login_as(user)
    page.wait_for_url("**/area-riservata/")


def see(page, axe, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible()
    axe(page)


def test_a_member_files_the_firm_answers_and_the_committee_closes_it_as_founded(
    page, live_server, axe, login_as, firm_a, applicant, committee, association_member
):
    seal = sealed(firm_a)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    # The association member files, pre-filled from the firm's link.
    sign_in(page, axe, login_as, association_member)
    page.goto(f"{live_server.url}/segnalazioni/nuova/?azienda=01234560157&numero=0212345678")
    see(page, axe, "Stai segnalando")
    expect(field(page, "Azienda segnalata")).to_have_value("01234560157")
    field(page, "Che cosa è successo").select_option("fuori_orario")
    field(page, "Giorno della chiamata").fill(yesterday.isoformat())
    field(page, "Ora della chiamata").fill("21:40")
    field(page, "Descrizione della chiamata").fill("Troppo breve")
    name, email, phone = CONSUMER
    field(page, "Nome e cognome del consumatore (facoltativo)").fill(name)
    field(page, "E-mail del consumatore (facoltativa)").fill(email)
    field(page, "Telefono del consumatore (facoltativo)").fill(phone)
    page.get_by_role("button", name="Invia la segnalazione").click()
    see(page, axe, "Descrivi la chiamata in almeno 20 caratteri")
    assert not Report.objects.exists()
    field(page, "Descrizione della chiamata").fill(
        "Chiamata alle 21:40 per un contratto luce e gas; l'operatore ha insistito."
    )
    page.get_by_role("button", name="Invia la segnalazione").click()
    page.wait_for_url("**/segnalazioni/segui/**")
    see(page, axe, "Segnalazione ricevuta")
    report = Report.objects.get()
    assert (report.filed_by, report.reporter_phone) == (association_member, "+393401234987")
    follow_url = page.url
    page.goto(f"{live_server.url}/segnalazioni/")
    see(page, axe, "Le segnalazioni dell'associazione")

    # The committee triages and forwards it.
    sign_in(page, axe, login_as, committee)
    page.goto(f"{live_server.url}/gestione/segnalazioni/")
    axe(page)
    page.get_by_role("link", name=f"n. {report.pk}").click()
    see(page, axe, name)  # the committee sees who called
    page.get_by_role("button", name="Inoltra all'azienda").click()
    see(page, axe, "Segnalazione inoltrata all'azienda")
    report.refresh_from_db()
    due = report.answer_due.strftime("%d/%m/%Y")

    # The firm reads it, with its deadline and without the caller's data, and answers.
    sign_in(page, axe, login_as, applicant)
    page.goto(f"{live_server.url}/azienda/segnalazioni/")
    axe(page)
    page.get_by_role("link", name=f"n. {report.pk}").click()
    see(page, axe, f"Risposta attesa entro il {due}")
    body = page.content()
    for secret in (name, email, "+393401234987", association_member.email):
        assert secret not in body
    field(page, "La risposta dell'azienda").fill(
        "Confermiamo: errore del dialer sulla campagna serale, corretto il giorno stesso."
    )
    page.get_by_role("button", name="Invia la risposta").click()
    see(page, axe, "Risposta inviata al comitato.")

    # The committee closes it as founded and opens a suspension.
    sign_in(page, axe, login_as, committee)
    page.goto(f"{live_server.url}/gestione/segnalazioni/{report.pk}/")
    see(page, axe, "errore del dialer")
    page.locator("label[for='id_chiudi-outcome_0']").click()
    expect(page.locator("#id_chiudi-outcome_0")).to_be_checked()
    field(page, "Nota di chiusura (interna al comitato)").fill("Ammesso dall'azienda.")
    page.get_by_role("button", name="Chiudi la segnalazione").click()
    see(page, axe, "Segnalazione chiusa come «Fondata».")
    page.get_by_role("link", name="Apri una sospensione").click()
    see(page, axe, f"Segnalazione n. {report.pk} del")
    page.get_by_role("button", name="Sospendi il bollino").click()
    see(page, axe, f"Il bollino {seal.number} è sospeso per segnalazioni fondate.")
    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (Seal.Status.SUSPENDED, "segnalazioni")

    # The member follows it to the end: the outcome, not the committee's note.
    page.context.clear_cookies()
    page.goto(follow_url)
    see(page, axe, "ha ritenuto la segnalazione fondata")
    assert "Ammesso dall'azienda." not in page.content()


def test_a_visitor_confirms_the_address_and_reaches_the_form(
    page, live_server, axe, firm_a, mailoutbox
):
    sealed(firm_a)
    page.goto(f"{live_server.url}/segnalazioni/nuova/?azienda=01234560157")
    see(page, axe, "Azienda da segnalare")
    field(page, "Il tuo indirizzo e-mail").fill("nonvalido")
    page.get_by_role("button", name="Mandami il collegamento").click()
    see(page, axe, "Indica un indirizzo e-mail valido")
    field(page, "Il tuo indirizzo e-mail").fill("lucia.bianchi@example.it")
    page.get_by_role("button", name="Mandami il collegamento").click()
    see(page, axe, "Controlla la tua e-mail")
    (message,) = mailoutbox
    link = re.search(r"https?://\S+/segnalazioni/nuova/\S+", message.body).group(0)
    path = link.split("/segnalazioni/", 1)[1]
    page.goto(f"{live_server.url}/segnalazioni/{path}")
    see(page, axe, "lucia.bianchi@example.it")
    expect(field(page, "Azienda segnalata")).to_have_value("01234560157")
    page.goto(f"{live_server.url}/segnalazioni/nuova/non-valido/")
    see(page, axe, "Collegamento non valido")


def test_an_overdue_report_is_highlighted_on_both_sides(
    page, live_server, axe, login_as, firm_a, applicant, committee
):
    sealed(firm_a)
    report = past_deadline(forwarded(firm_a, committee), days=3)
    due = report.answer_due.strftime("%d/%m/%Y")
    sign_in(page, axe, login_as, applicant)
    page.goto(f"{live_server.url}/azienda/segnalazioni/")
    see(page, axe, f"Risposta attesa entro il {due}: termine scaduto")
    page.goto(f"{live_server.url}/azienda/segnalazioni/{report.pk}/")
    see(page, axe, f"Il termine per rispondere è scaduto il {due}")
    sign_in(page, axe, login_as, committee)
    page.goto(f"{live_server.url}/gestione/segnalazioni/?stato=inoltrata")
    see(page, axe, "termine scaduto")
    page.goto(f"{live_server.url}/gestione/segnalazioni/{report.pk}/")
    see(page, axe, "Il termine per la risposta è scaduto senza risposta dell'azienda.")

"""The audit of issue 4 in a real browser, from the committee's assignment to its decision.

First run: the committee assigns two auditors; both score every item and differ on one; the
lead resolves the disagreement, raises a minor nonconformity that the applicant answers and the
lead accepts; the lead completes the audit and marks the application evaluated; the committee
approves. Second run: a blocking item at 0 fails the audit although the total is above the
threshold, and the committee rejects. axe runs on every page the browser visits."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistItem,
    Decision,
    Nonconformity,
    User,
)
from codice.models import CodeVersion
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.factories import (
    ApplicationFactory,
    UserFactory,
    make_checklist,
    make_current_version_with_checklist,
    make_version,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

S = Application.Status


# --- set-up --------------------------------------------------------------------------------


def submitted_application(firm, applicant) -> Application:
    """An application of `firm` on the version in force, submitted."""
    application = ApplicationFactory(organization=firm, created_by=applicant)
    Application.objects.filter(pk=application.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    return application


def version_with_a_light_blocking_item() -> CodeVersion:
    """The version in force, whose blocking item A.1 weighs 1 of 10: with A.1 at 0 and the rest
    at full marks the total is 90%, well above the 70% threshold."""
    version = make_version(
        "2.0",
        status=CodeVersion.Status.DRAFT,
        articles=[("orari", "Fasce orarie", "Dalle 9 alle 20 nei giorni feriali.")],
    )
    make_checklist(
        version,
        [
            (
                "A",
                "Orari e modalità delle chiamate",
                [
                    ("A.1", "1", True, False, "Estratto dei log delle chiamate"),
                    ("A.2", "1", False, True, ""),
                ],
            ),
            ("B", "Consenso e RPO", [("B.1", "8", False, False, "Verbale di verifica RPO")]),
        ],
    )
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = datetime.date(2025, 1, 1)
    version.published_at = timezone.now()
    version.published_by = UserFactory(email="pubblicatore@oic.example", role=User.Role.COMMITTEE)
    version.save()
    return version


def item_ids(application: Application) -> dict[str, int]:
    return dict(
        ChecklistItem.objects.filter(version=application.code_version).values_list("code", "pk")
    )


# --- browser steps -------------------------------------------------------------------------


def sign_in(page, axe, login_as, user) -> None:
    """Leave whoever was signed in, sign `user` in through the login form, check the landing."""
    page.context.clear_cookies()
    login_as(user)
    page.wait_for_url("**/area-riservata/")
    axe(page)


def visit(page, live_server, axe, name: str, *args) -> None:
    page.goto(live_server.url + reverse(f"certification:{name}", args=args))
    axe(page)


def see_message(page, axe, text: str) -> None:
    expect(page.get_by_text(text).first).to_be_visible()
    axe(page)


def assign(page, live_server, axe, application, lead, second=None) -> None:
    visit(page, live_server, axe, "audit_assign", application.pk)
    page.get_by_label("Auditor capofila").select_option(str(lead.pk))
    if second is not None:
        page.get_by_label("Secondo auditor (facoltativo)").select_option(str(second.pk))
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.get_by_label("Scadenza dell'audit").fill(due.isoformat())
    page.get_by_role("button", name="Assegna gli auditor").click()
    see_message(page, axe, f"Auditor assegnati alla domanda n. {application.pk}")


def move(page, live_server, axe, application, button: str, status_label: str) -> None:
    """From the auditor's view of the application, one state change."""
    visit(page, live_server, axe, "auditor_application", application.pk)
    page.get_by_role("button", name=button, exact=True).click()
    see_message(page, axe, f"La domanda è ora «{status_label}».")


def score(page, live_server, axe, application, levels: dict[int, str]) -> None:
    """Choose a level for each item (on its label, as Bootstrap Italia draws the radio there)
    and save them all with the «Salva» button."""
    visit(page, live_server, axe, "audit_scoring", application.pk)
    for item_id, level in levels.items():
        page.locator(f"label[for='livello-{item_id}-{level}']").click()
        expect(page.locator(f"#livello-{item_id}-{level}")).to_be_checked()
    page.get_by_role("button", name="Salva", exact=True).first.click()
    see_message(page, axe, "Punteggi salvati.")
    expect(page.locator("#riepilogo")).to_contain_text(
        f"Voci valutate: {len(levels)} su {len(levels)}"
    )


def complete_audit(page, live_server, axe, application) -> None:
    visit(page, live_server, axe, "audit_scoring", application.pk)
    page.get_by_role("button", name="Completa l'audit").click()
    see_message(page, axe, "Audit completato.")


def decide(page, live_server, axe, application, outcome: str, reason: str) -> None:
    page.get_by_text(outcome, exact=True).click()
    page.get_by_label("Motivazione").fill(reason)
    page.get_by_role("button", name="Registra la decisione").click()
    see_message(page, axe, "Decisione registrata")


def levels_of(application: Application, role: str) -> dict[str, int | None]:
    return dict(
        AuditScore.objects.filter(audit__application=application, audit__role=role).values_list(
            "item__code", "points"
        )
    )


# --- the runs ------------------------------------------------------------------------------


def test_two_auditors_a_nonconformity_and_the_committee_approves(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    firm_a,
    applicant,
    committee,
    auditor,
):
    make_current_version_with_checklist()
    application = submitted_application(firm_a, applicant)
    ids = item_ids(application)
    a1, a2, b1 = ids["A.1"], ids["A.2"], ids["B.1"]
    second = UserFactory(
        email="bianca.auditor@oic.example", first_name="Bianca", role=User.Role.AUDITOR
    )

    # The committee assigns a lead and a second auditor, with a due date.
    sign_in(page, axe, login_as, committee)
    assign(page, live_server, axe, application, lead=auditor, second=second)
    assert sorted(
        Audit.objects.filter(application=application).values_list("role", "auditor__email")
    ) == [
        (Audit.Role.LEAD, "andrea.auditor@oic.example"),
        (Audit.Role.SECOND, "bianca.auditor@oic.example"),
    ]

    # The lead finds it in the queue, takes it under review and starts the evaluation.
    sign_in(page, axe, login_as, auditor)
    visit(page, live_server, axe, "auditor_queue")
    expect(page.get_by_role("main")).to_contain_text(firm_a.legal_name)
    move(page, live_server, axe, application, "Prendi in istruttoria", "In istruttoria")
    move(page, live_server, axe, application, "Avvia la valutazione", "In valutazione")
    application.refresh_from_db()
    assert application.status == S.IN_EVALUATION

    # Both score every item; they differ on A.2.
    score(page, live_server, axe, application, {a1: "3", a2: "1", b1: "3"})
    sign_in(page, axe, login_as, second)
    score(page, live_server, axe, application, {a1: "3", a2: "3", b1: "3"})
    complete_audit(page, live_server, axe, application)
    assert levels_of(application, Audit.Role.SECOND) == {"A.1": 3, "A.2": 3, "B.1": 3}

    # The lead sees the one disagreement and sets the final level.
    sign_in(page, axe, login_as, auditor)
    visit(page, live_server, axe, "audit_disagreements", application.pk)
    expect(page.get_by_text("1 voce diverge.")).to_be_visible()
    expect(page.locator(f"#divergenza-{a2}")).to_be_visible()
    expect(page.locator(f"#divergenza-{a1}")).to_have_count(0)
    expect(page.locator(f"#divergenza-{a2} [data-lead-level]")).to_contain_text("1 punto")
    expect(page.locator(f"#divergenza-{a2} [data-second-level]")).to_contain_text("3 punti")
    page.locator(f"label[for='finale-{a2}-2']").click()
    page.get_by_label("Il tuo commento sulla voce A.2").fill("Orari rispettati quasi sempre.")
    page.get_by_role("button", name="Salva i livelli finali").click()
    see_message(page, axe, "Livelli finali salvati.")
    expect(page.locator(f"#divergenza-{a2} [data-lead-level]")).to_contain_text("2 punti")
    assert levels_of(application, Audit.Role.LEAD) == {"A.1": 3, "A.2": 2, "B.1": 3}

    # A minor nonconformity on A.2, below full marks.
    visit(page, live_server, axe, "nonconformities_auditor", application.pk)
    page.get_by_label("Voce della lista di controllo").select_option(str(a2))
    page.get_by_label("Gravità").select_option("minore")
    page.get_by_label("Descrizione").fill("Chiamate oltre le 20 in due giornate del campione.")
    page.get_by_role("button", name="Solleva la non conformità").click()
    see_message(page, axe, "Non conformità sollevata.")

    # The applicant answers it.
    sign_in(page, axe, login_as, applicant)
    visit(page, live_server, axe, "nonconformities_applicant", application.pk)
    page.get_by_label("Azione correttiva").fill("Blocco automatico delle chiamate dopo le 20.")
    corrective_date = timezone.localdate() + datetime.timedelta(days=20)
    page.get_by_label("Entro il").fill(corrective_date.isoformat())
    page.get_by_role("button", name="Invia la risposta (A.2)").click()
    see_message(page, axe, "Risposta inviata all'auditor.")

    # The lead accepts the answer, completes the audit and marks the application evaluated.
    sign_in(page, axe, login_as, auditor)
    visit(page, live_server, axe, "nonconformities_auditor", application.pk)
    page.get_by_text("Accetta la risposta", exact=True).click()
    page.get_by_role("button", name="Registra la valutazione (A.2)").click()
    see_message(page, axe, "Risposta accettata.")
    nonconformity = Nonconformity.objects.get(application=application)
    assert (nonconformity.item_id, nonconformity.severity, nonconformity.status) == (
        a2,
        Nonconformity.Severity.MINOR,
        Nonconformity.Status.ACCEPTED,
    )
    assert nonconformity.corrective_due_date == corrective_date
    complete_audit(page, live_server, axe, application)
    move(page, live_server, axe, application, "Segna come valutata", "Valutata")

    # The committee sees the consolidated score and approves.
    sign_in(page, axe, login_as, committee)
    visit(page, live_server, axe, "decision", application.pk)
    expect(page.locator("#punteggio-totale")).to_have_text("94,44%")  # 100·(3·2+2·1+3·3)/18
    expect(page.locator("#esito")).to_have_text("superato")
    expect(page.get_by_text("Nessuna.", exact=True)).to_be_visible()  # no blocking failures
    expect(page.get_by_role("main")).to_contain_text("Blocco automatico delle chiamate dopo le 20.")
    decide(
        page,
        live_server,
        axe,
        application,
        "Approva la domanda",
        "Audit superato; la non conformità minore è stata chiusa.",
    )
    expect(page.get_by_role("main")).to_contain_text(
        "Audit superato; la non conformità minore è stata chiusa."
    )

    application.refresh_from_db()
    assert application.status == S.APPROVED
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Decision.Outcome.APPROVED
    assert decision.passed is True
    assert decision.decided_by == committee
    assert str(decision.total) == "94.44"


def test_a_blocking_item_at_zero_fails_whatever_the_total(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    firm_a,
    applicant,
    committee,
    auditor,
):
    version_with_a_light_blocking_item()
    application = submitted_application(firm_a, applicant)
    ids = item_ids(application)
    a1, a2, b1 = ids["A.1"], ids["A.2"], ids["B.1"]

    sign_in(page, axe, login_as, committee)
    assign(page, live_server, axe, application, lead=auditor)

    sign_in(page, axe, login_as, auditor)
    move(page, live_server, axe, application, "Prendi in istruttoria", "In istruttoria")
    move(page, live_server, axe, application, "Avvia la valutazione", "In valutazione")
    score(page, live_server, axe, application, {a1: "0", a2: "3", b1: "3"})
    expect(page.locator("#punteggio-totale")).to_have_text("90,00%")  # 100·(0·1+3·1+3·8)/30
    complete_audit(page, live_server, axe, application)
    move(page, live_server, axe, application, "Segna come valutata", "Valutata")

    # The total is above the 70% threshold, yet the blocking item fails the audit.
    sign_in(page, axe, login_as, committee)
    visit(page, live_server, axe, "decision", application.pk)
    expect(page.locator("#punteggio-totale")).to_have_text("90,00%")
    expect(page.locator("#esito")).to_have_text("non superato")
    expect(page.locator("#bloccanti")).to_have_text("A.1")
    expect(page.locator("#motivi")).to_contain_text(
        "La voce bloccante A.1 ha punteggio 0: l'audit non è superato."
    )
    decide(
        page,
        live_server,
        axe,
        application,
        "Respingi la domanda",
        "La voce bloccante A.1 è a 0: le chiamate fuori orario non sono registrate.",
    )

    application.refresh_from_db()
    assert application.status == S.REJECTED
    decision = Decision.objects.get(application=application)
    assert decision.outcome == Decision.Outcome.REJECTED
    assert decision.passed is False
    assert str(decision.total) == "90.00"

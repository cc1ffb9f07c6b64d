"""The scoring page in a real browser: each choice is saved as it is made, the summary follows
without a reload, and the values are there after one. axe runs on the page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from certification.models import AuditScore
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.scoring_helpers import in_evaluation, items_of
from tests.factories import make_current_version_with_checklist

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_auditor_scores_items_and_sees_each_saved_without_reloading(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    committee,
    auditor,
    firm_a,
    applicant,
):
    version = make_current_version_with_checklist()
    application = in_evaluation(firm_a, version, committee=committee, lead=auditor)
    items = items_of(version)
    a1, a2, b1 = items["A.1"].pk, items["A.2"].pk, items["B.1"].pk
    login_as(auditor)
    page.wait_for_url("**/area-riservata/")

    page.goto(live_server.url + reverse("certification:audit_scoring", args=[application.pk]))
    assert page.get_by_role("heading", level=1).inner_text() == (
        f"Punteggi della domanda n. {application.pk}"
    )
    axe(page)
    page.evaluate("window.notReloaded = true")
    status = page.locator("#stato-salvataggio")
    summary = page.locator("#riepilogo")
    expect(summary).to_contain_text("Voci valutate: 0 su 3")

    # Bootstrap Italia draws the radio on its label, which is what a person clicks.
    page.locator(f"label[for='livello-{a1}-2']").click()
    expect(status).to_contain_text("Salvato")
    expect(summary).to_contain_text("Voci valutate: 1 su 3")
    expect(page.locator("#punteggio-totale")).to_have_text("66,67%")

    page.locator(f"label[for='livello-{b1}-3']").click()
    expect(summary).to_contain_text("Voci valutate: 2 su 3")
    expect(page.locator("#punteggio-totale")).to_have_text("86,67%")  # 100·(2·2+3·3)/(3·5)

    page.locator(f"label[for='livello-{a2}-na']").click()
    expect(summary).to_contain_text("Voci valutate: 3 su 3")
    expect(page.locator("#punteggio-totale")).to_have_text("86,67%")
    expect(status).to_contain_text("Salvato: voce A.2.")

    page.get_by_label("Commento dell'auditor sulla voce B.1").fill("Verbale RPO completo.")
    page.get_by_label("Commento dell'auditor sulla voce B.1").press("Tab")
    expect(status).to_contain_text("Salvato: voce B.1.")
    assert page.evaluate("window.notReloaded") is True
    axe(page)

    assert sorted(
        AuditScore.objects.filter(audit__application=application).values_list(
            "item__code", "points", "not_applicable", "comment"
        )
    ) == [
        ("A.1", 2, False, ""),
        ("A.2", None, True, ""),
        ("B.1", 3, False, "Verbale RPO completo."),
    ]

    page.reload()
    assert page.evaluate("window.notReloaded") is None
    expect(page.locator(f"#livello-{a1}-2")).to_be_checked()
    expect(page.locator(f"#livello-{b1}-3")).to_be_checked()
    expect(page.locator(f"#livello-{a2}-na")).to_be_checked()
    expect(page.get_by_label("Commento dell'auditor sulla voce B.1")).to_have_value(
        "Verbale RPO completo."
    )
    expect(summary).to_contain_text("Voci valutate: 3 su 3")
    axe(page)


def test_a_refused_change_is_explained_next_to_its_item(
    reference_data,  # noqa: F811
    page,
    live_server,
    axe,
    login_as,
    committee,
    auditor,
    firm_a,
    applicant,
):
    version = make_current_version_with_checklist()
    application = in_evaluation(firm_a, version, committee=committee, lead=auditor)
    a1 = items_of(version)["A.1"].pk
    login_as(auditor)
    page.wait_for_url("**/area-riservata/")
    page.goto(live_server.url + reverse("certification:audit_scoring", args=[application.pk]))

    # A comment alone is not a score: the server says so, beside the item.
    page.get_by_label("Commento dell'auditor sulla voce A.1").fill("Da rivedere.")
    page.get_by_label("Commento dell'auditor sulla voce A.1").press("Tab")
    expect(page.locator(f"#errore-voce-{a1}")).to_contain_text("Scegli un livello per la voce A.1")
    expect(page.locator("#stato-salvataggio")).to_contain_text("Scegli un livello")
    axe(page)
    assert not AuditScore.objects.filter(audit__application=application).exists()

    # Choosing the level saves both and clears the message.
    page.locator(f"label[for='livello-{a1}-1']").click()
    expect(page.locator("#stato-salvataggio")).to_contain_text("Salvato: voce A.1.")
    expect(page.locator(f"#errore-voce-{a1}")).to_have_text("")
    assert AuditScore.objects.get(audit__application=application).comment == "Da rivedere."

"""The auditor's scoring page, its per-item save, completion and the lead's disagreements.

The cast: Andrea (`auditor`) is the lead auditor of firm A's application, Beatrice the second
auditor when there is one, Olga an auditor assigned to nothing.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.formats import number_format

from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistItem,
    ScaleLevel,
    SelfAssessmentAnswer,
)
from certification.scoring import NA, score, spec_for_version
from certification.services.audits import audit_complete, audit_save_scores
from certification.views.scoring_cards import CHECKLIST_CACHE_KEY, checklist_of
from codice.models import CodeVersion
from tests.certification.application_helpers import (
    add_evidence,
    assert_section_links,
    give_answer,
    publish,
)
from tests.certification.scoring_helpers import (
    S,
    audit_of,
    complete_url,
    disagreements_url,
    forget_kept_pages,
    in_evaluation,
    item_url,
    items_of,
    publish_with_items,
    save,
    scoring_url,
    shown,
    stored,
)
from tests.factories import (
    UserFactory,
    make_checklist,
    make_version,
)


@pytest.fixture
def second_auditor(db):
    return UserFactory(email="beatrice.auditor@oic.example", first_name="Beatrice", role="auditor")


@pytest.fixture
def other_auditor(db):
    return UserFactory(email="olga.auditor@oic.example", first_name="Olga", role="auditor")


@pytest.fixture
def application(firm_a, applicant, committee, auditor, version):
    return in_evaluation(firm_a, version, committee=committee, lead=auditor)


@pytest.fixture
def two_auditors(firm_a, applicant, committee, auditor, second_auditor, version):
    return in_evaluation(firm_a, version, committee=committee, lead=auditor, second=second_auditor)


# --- the page ------------------------------------------------------------------------------


def test_the_assigned_auditor_sees_every_item_with_the_applicants_answer_and_evidence(
    client,
    application,
    auditor,
    applicant,
    items,
    private_root,
):
    give_answer(
        application,
        items["A.1"],
        by=applicant,
        answer=SelfAssessmentAnswer.Answer.PARTIAL,
        comment="Fasce rispettate tranne il sabato.",
    )
    evidence = add_evidence(application, by=applicant, item=items["A.1"], name="log-chiamate.pdf")
    client.force_login(auditor)

    response = client.get(scoring_url(application))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"Punteggi della domanda n. {application.pk}" in html
    for code in ("A. Orari e modalità delle chiamate", "B. Consenso e RPO", "A.1", "A.2", "B.1"):
        assert code in html
    assert_section_links(html, items)
    assert "Verificare a campione." in html  # the guidance
    assert "Parzialmente conforme" in html and "Fasce rispettate tranne il sabato." in html
    download = reverse("certification:evidence_download", args=[application.pk, evidence.pk])
    assert f'href="{download}">log-chiamate.pdf</a>' in html
    # Every level of the scale with its points; N/A only where the item allows it.
    for points, label in ((0, "Non conforme"), (1, "Parzialmente conforme"), (3, "Eccellente")):
        assert f'value="{points}"' in html and label in html
    assert "Eccellente (3 punti)" in html and "Parzialmente conforme (1 punto)" in html
    assert f'name="livello_{items["A.2"].pk}" id="livello-{items["A.2"].pk}-na"' in html
    assert f'id="livello-{items["A.1"].pk}-na"' not in html
    assert f'id="livello-{items["B.1"].pk}-na"' not in html
    assert f'name="commento_{items["B.1"].pk}"' in html
    # The summary, and the script that saves as the auditor goes.
    assert "Voci valutate: 0 su 3" in html
    assert "js/scoring.js" in html and "<script>" not in html
    assert 'role="status" aria-live="polite"' in html


def test_the_page_shows_the_scores_already_given(client, application, auditor, items):
    save(application, auditor, A_1=2, A_2=NA)
    client.force_login(auditor)

    html = client.get(scoring_url(application)).content.decode()

    assert f'id="livello-{items["A.1"].pk}-2" value="2" checked' in html
    assert f'id="livello-{items["A.2"].pk}-na" value="na" checked' in html
    assert f'id="livello-{items["B.1"].pk}-2" value="2">' in html
    assert "Voci valutate: 2 su 3" in html


def test_the_checklists_and_the_peoples_text_is_shown_as_text(
    client, committee, auditor, firm_a, applicant, private_root
):
    version = make_version("3.0", status=CodeVersion.Status.DRAFT)
    make_checklist(version, [("A", "Sezione", [("A.1", "1", False, True, "<i>Verbale</i>")])])
    ChecklistItem.objects.filter(version=version).update(
        question="Orari <script>alert(1)</script>?", guidance="Vedi <b>log</b>"
    )
    ScaleLevel.objects.filter(version=version, points=3).update(label="Eccellente <em>")
    publish(version)
    application = in_evaluation(firm_a, version, committee=committee, lead=auditor)
    item = ChecklistItem.objects.get(version=version)
    give_answer(application, item, by=applicant, comment="Sì <u>sempre</u>")
    add_evidence(application, by=applicant, item=item, name="<img src=x>.pdf")
    save(application, auditor, A_1=3)
    AuditScore.objects.update(comment="</textarea><b>commento</b>")
    client.force_login(auditor)

    html = client.get(scoring_url(application)).content.decode()

    for raw in (
        "<script>alert",
        "<b>log</b>",
        "<i>Verbale</i>",
        "Eccellente <em>",
        "<u>sempre</u>",
        "<img src=x>",
        "</textarea><b>",
    ):
        assert raw not in html
    for escaped in (
        "Orari &lt;script&gt;alert(1)&lt;/script&gt;?",
        "Vedi &lt;b&gt;log&lt;/b&gt;",
        "&lt;i&gt;Verbale&lt;/i&gt;",
        "Eccellente &lt;em&gt; (3 punti)",
        "Sì &lt;u&gt;sempre&lt;/u&gt;",
        "&lt;img src=x&gt;.pdf",
        "&lt;/textarea&gt;&lt;b&gt;commento&lt;/b&gt;</textarea>",
    ):
        assert escaped in html

    audit_complete(audit=audit_of(application, auditor), by=auditor)
    read_only = client.get(scoring_url(application)).content.decode()

    assert "<strong>Livello:</strong> Eccellente &lt;em&gt; (3 punti)" in read_only
    assert "<strong>Commento:</strong> &lt;/textarea&gt;&lt;b&gt;commento" in read_only
    assert "<b>commento</b>" not in read_only


def test_the_page_query_count_is_the_same_for_10_and_100_items(
    client,
    django_assert_num_queries,
    committee,
    auditor,
    firm_a,
    firm_b,
    applicant,
    applicant_b,
    private_root,
):
    small = in_evaluation(firm_a, publish_with_items("3.0", 10), committee=committee, lead=auditor)
    large = in_evaluation(firm_b, publish_with_items("4.0", 100), committee=committee, lead=auditor)
    for application, person in ((small, applicant), (large, applicant_b)):
        all_items = list(ChecklistItem.objects.filter(version=application.code_version))
        for n, item in enumerate(all_items):
            give_answer(application, item, by=person, comment="Sì.")
            if n % 3 == 0:
                add_evidence(application, by=person, item=item)
        audit_save_scores(
            audit=audit_of(application, auditor),
            by=auditor,
            scores={item.pk: (n % 4, False, "Visto.") for n, item in enumerate(all_items[::2])},
        )
    client.force_login(auditor)
    # Warm up: the session, and each version's checklist, read once and then cached.
    client.get(scoring_url(small))
    client.get(scoring_url(large))

    forget_kept_pages()

    with CaptureQueriesContext(connection) as for_ten:
        response = client.get(scoring_url(small))
    assert response.status_code == 200
    assert "Voci valutate: 5 su 10" in response.content.decode()

    with django_assert_num_queries(len(for_ten)):
        response = client.get(scoring_url(large))
    assert response.status_code == 200
    assert "Voci valutate: 50 su 100" in response.content.decode()
    assert response.content.decode().count('type="radio"') == 100 * 4 + 50  # 50 allow N/A

    # Kept (scoring_cache): fewer queries, the same for both.
    with CaptureQueriesContext(connection) as kept_ten:
        client.get(scoring_url(small))
    assert len(kept_ten) < len(for_ten)
    with django_assert_num_queries(len(kept_ten)):
        response = client.get(scoring_url(large))
    assert "Voci valutate: 50 su 100" in response.content.decode()


def test_a_versions_checklist_is_read_once_then_taken_from_the_cache(
    client, application, auditor, applicant, items, private_root
):
    give_answer(application, items["A.1"], by=applicant, comment="Sì.")
    add_evidence(application, by=applicant, item=items["A.1"])
    save(application, auditor, A_1=2, A_2=NA)
    client.force_login(auditor)
    checklist_tables = (
        "certification_checklistitem",
        "certification_checklistsection",
        "certification_checklisttemplate",
        "certification_scalelevel",
    )

    with CaptureQueriesContext(connection) as first:
        cold = client.get(scoring_url(application)).content.decode()
    forget_kept_pages()
    with CaptureQueriesContext(connection) as second:
        warm = client.get(scoring_url(application)).content.decode()

    def reads_checklist(queries) -> bool:
        return any(table in q["sql"] for q in queries for table in checklist_tables)

    assert reads_checklist(first.captured_queries)
    assert not reads_checklist(second.captured_queries)
    assert len(second) == len(first) - 5  # items, scale, template, sections, scale points
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", warm) == csrf.sub("", cold)
    assert "Voci valutate: 2 su 3" in warm

    # Saving one item answers with the summary: the engine's spec comes from the cache too.
    with CaptureQueriesContext(connection) as saving:
        response = client.post(
            item_url(application, items["B.1"]), {f"livello_{items['B.1'].pk}": "3"}
        )
    assert response.status_code == 200
    assert "Voci valutate: 3 su 3" in response.json()["summary"]
    assert not any("certification_checklisttemplate" in q["sql"] for q in saving.captured_queries)


def test_a_draft_versions_checklist_is_never_cached(db):
    version = make_version("3.0", status=CodeVersion.Status.DRAFT)
    make_checklist(version, [("A", "Sezione", [("A.1", "1", False, False, "")])])

    assert checklist_of(version).items[0].question_html == "La voce A.1 è rispettata?"
    ChecklistItem.objects.filter(version=version).update(question="Domanda <riscritta>?")
    version = CodeVersion.objects.get(pk=version.pk)

    assert checklist_of(version).items[0].question_html == "Domanda &lt;riscritta&gt;?"
    assert cache.get(CHECKLIST_CACHE_KEY.format(version.pk)) is None


def test_the_totals_shown_are_the_scoring_engines(client, application, auditor, version):
    save(application, auditor, A_1=1, A_2=NA, B_1=2)
    expected = score(spec_for_version(version), {"A.1": 1, "A.2": NA, "B.1": 2})
    client.force_login(auditor)

    html = client.get(scoring_url(application)).content.decode()

    with translation.override("it"):
        assert shown(html, "punteggio-totale") == f"{number_format(expected.total, 2)}%"
        for section in expected.sections:
            assert (
                shown(html, f"sezione-punteggio-{section.code}")
                == f"{number_format(section.score, 2)}%"
            )
    assert shown(html, "punteggio-totale") == "53,33%"  # 100 · (2·1 + 3·2) / (3 · 5)
    assert "Voci valutate: 3 su 3" in html


def test_the_page_shows_a_blocking_failure_and_a_section_below_its_minimum(
    client, application, auditor
):
    save(application, auditor, A_1=0, A_2=1, B_1=3)
    client.force_login(auditor)

    html = client.get(scoring_url(application)).content.decode()

    assert "Voci bloccanti a 0: A.1" in html
    assert "Esito: non superato." in html
    assert "La voce bloccante A.1 ha punteggio 0" in html


def test_a_visitor_is_sent_to_the_login_page(client, application):
    response = client.get(scoring_url(application))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("who", ["other_auditor", "applicant", "association_member", "committee"])
def test_only_the_assigned_auditor_can_open_or_score(request, client, application, items, who):
    client.force_login(request.getfixturevalue(who))
    level = {f"livello_{items['A.1'].pk}": "2"}

    assert client.get(scoring_url(application)).status_code == 404
    assert client.post(scoring_url(application), level).status_code == 404
    assert client.post(item_url(application, items["A.1"]), level).status_code == 404
    assert client.post(complete_url(application)).status_code == 404
    assert client.get(disagreements_url(application)).status_code == 404
    assert stored(application) == []
    assert Audit.objects.get(application=application).status == Audit.Status.IN_PROGRESS


# --- saving the whole page (the form without JavaScript) ------------------------------------


def test_the_save_button_saves_every_item_at_once(client, application, auditor, items):
    client.force_login(auditor)

    response = client.post(
        scoring_url(application),
        {
            f"livello_{items['A.1'].pk}": "2",
            f"livello_{items['A.2'].pk}": "na",
            f"livello_{items['B.1'].pk}": "3",
            f"commento_{items['B.1'].pk}": "  Verbale RPO completo.  ",
        },
        follow=True,
    )

    assert response.redirect_chain == [(scoring_url(application), 302)]
    assert "Punteggi salvati." in response.content.decode()
    assert "Voci valutate: 3 su 3" in response.content.decode()
    assert stored(application) == [
        ("andrea.auditor@oic.example", "A.1", 2, False, ""),
        ("andrea.auditor@oic.example", "A.2", None, True, ""),
        ("andrea.auditor@oic.example", "B.1", 3, False, "Verbale RPO completo."),
    ]


def every_item(application, level, comment="") -> dict[str, str]:
    """The whole form with `level` ("na" where the item allows it, if asked) for every item."""
    data = {}
    for item in ChecklistItem.objects.filter(version=application.code_version):
        data[f"livello_{item.pk}"] = level if level != "na" or item.allows_na else "1"
        data[f"commento_{item.pk}"] = comment
    return data


def test_saving_the_whole_page_costs_the_same_queries_for_10_and_100_items(
    client, django_assert_num_queries, committee, auditor, firm_a, firm_b
):
    small = in_evaluation(firm_a, publish_with_items("3.0", 10), committee=committee, lead=auditor)
    large = in_evaluation(firm_b, publish_with_items("4.0", 100), committee=committee, lead=auditor)
    # Half the large one scored already: one save both inserts and updates.
    audit_save_scores(
        audit=audit_of(large, auditor),
        by=auditor,
        scores={
            item.pk: (0, False, "Prima visita.")
            for item in ChecklistItem.objects.filter(version=large.code_version)[::2]
        },
    )
    ten, hundred = every_item(small, "2", "Visto."), every_item(large, "na", "Rivisto.")
    client.force_login(auditor)
    # Warm up: the session, and each version's checklist, read once and then cached.
    client.get(scoring_url(small))
    client.get(scoring_url(large))

    with CaptureQueriesContext(connection) as for_ten:
        response = client.post(scoring_url(small), ten)
    assert response.status_code == 302
    # Session and user; the audit and its scores (the checklist is cached); in the service,
    # the savepoint, the locked audit, the items and the scale, one upsert, the release.
    assert len(for_ten) <= 10

    with django_assert_num_queries(len(for_ten)):
        response = client.post(scoring_url(large), hundred)
    assert response.status_code == 302
    saved = AuditScore.objects.filter(audit=audit_of(large, auditor))
    assert saved.count() == 100
    assert set(saved.values_list("points", "not_applicable", "comment")) == {
        (None, True, "Rivisto."),  # the 50 items that allow N/A
        (1, False, "Rivisto."),
    }


def test_a_bad_item_among_a_hundred_refuses_the_whole_save(client, committee, auditor, firm_a):
    application = in_evaluation(
        firm_a, publish_with_items("3.0", 100), committee=committee, lead=auditor
    )
    save(application, auditor, A_1=3, J_9=2)
    before = stored(application)
    last_without_na = items_of(application.code_version)["J.9"]
    assert not last_without_na.allows_na
    data = every_item(application, "2")
    data[f"livello_{last_without_na.pk}"] = "na"
    client.force_login(auditor)

    response = client.post(scoring_url(application), data)

    assert response.status_code == 200
    assert "La voce J.9 non ammette «non applicabile»." in response.content.decode()
    assert stored(application) == before


def test_each_item_is_saved_at_its_own_address(client, application, auditor, items):
    client.force_login(auditor)

    html = client.get(scoring_url(application)).content.decode()

    for item in items.values():
        assert (
            f'id="voce-{item.pk}" data-item-url="{item_url(application, item)}" '
            f'data-item-code="{item.code}"'
        ) in html


def test_an_item_left_blank_stays_unscored(client, application, auditor, items):
    client.force_login(auditor)

    client.post(scoring_url(application), {f"livello_{items['B.1'].pk}": "1"})

    assert [row[1] for row in stored(application)] == ["B.1"]


@pytest.mark.parametrize(
    ("code", "level", "message"),
    [
        ("A.1", "7", "Il livello indicato per A.1 non è nella scala."),
        ("A.1", "na", "La voce A.1 non ammette «non applicabile»."),
        ("B.1", "molto", "Il livello indicato per B.1 non è valido."),
        ("B.1", "", "Scegli un livello per la voce B.1: il commento si salva insieme al livello."),
    ],
)
def test_a_bad_level_refuses_the_whole_save(
    client, application, auditor, items, code, level, message
):
    save(application, auditor, A_2=1)
    client.force_login(auditor)
    data = {
        f"livello_{items['A.2'].pk}": "3",  # a good change, refused with the rest
        f"livello_{items[code].pk}": level,
        f"commento_{items[code].pk}": "Un commento",
    }

    response = client.post(scoring_url(application), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Non è stato salvato nulla" in html
    assert message in html
    assert f'href="#voce-{items[code].pk}"' in html
    # What was posted is shown again, so nothing typed is lost.
    assert f'id="livello-{items["A.2"].pk}-3" value="3" checked' in html
    assert "Un commento</textarea>" in html
    assert stored(application) == [("andrea.auditor@oic.example", "A.2", 1, False, "")]


def test_a_completed_audit_refuses_any_save(client, application, auditor, items):
    save(application, auditor, A_1=2, A_2=2, B_1=2)
    audit_complete(audit=audit_of(application, auditor), by=auditor)
    before = stored(application)
    client.force_login(auditor)

    page = client.post(scoring_url(application), {f"livello_{items['A.1'].pk}": "3"})
    one = client.post(item_url(application, items["A.1"]), {f"livello_{items['A.1'].pk}": "3"})

    assert page.status_code == 200
    assert "L&#x27;audit è completato: i punteggi non si modificano più." in page.content.decode()
    assert one.status_code == 400
    assert json.loads(one.content)["error"] == (
        "L'audit è completato: i punteggi non si modificano più."
    )
    assert stored(application) == before


def test_an_application_not_in_evaluation_cannot_be_scored(client, application, auditor, items):
    Application.objects.filter(pk=application.pk).update(status=S.UNDER_REVIEW)
    client.force_login(auditor)

    page = client.get(scoring_url(application))
    post = client.post(scoring_url(application), {f"livello_{items['A.1'].pk}": "3"})

    assert "si danno punteggi solo a una domanda in valutazione" in page.content.decode()
    assert 'name="livello_' not in page.content.decode()
    assert "Si danno punteggi solo a una domanda in valutazione." in post.content.decode()
    assert stored(application) == []


# --- saving one item (what the script does) ------------------------------------------------


def test_saving_one_item_answers_with_the_new_summary(client, application, auditor, items):
    client.force_login(auditor)

    response = client.post(
        item_url(application, items["B.1"]),
        {f"livello_{items['B.1'].pk}": "2", f"commento_{items['B.1'].pk}": "Buono."},
    )

    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["ok"] is True
    assert answer["message"] == "Salvato: voce B.1."
    assert "Voci valutate: 1 su 3" in answer["summary"]
    assert shown(answer["summary"], "punteggio-totale") == "66,67%"
    assert stored(application) == [("andrea.auditor@oic.example", "B.1", 2, False, "Buono.")]


def test_saving_one_item_ignores_the_other_items_inputs(client, application, auditor, items):
    client.force_login(auditor)

    client.post(
        item_url(application, items["B.1"]),
        {f"livello_{items['B.1'].pk}": "2", f"livello_{items['A.1'].pk}": "3"},
    )

    assert [row[1] for row in stored(application)] == ["B.1"]


@pytest.mark.parametrize(
    ("code", "level", "message"),
    [
        ("B.1", "9", "Il livello indicato per B.1 non è nella scala."),
        ("A.1", "na", "La voce A.1 non ammette «non applicabile»."),
        ("A.1", "", "Scegli un livello per la voce A.1"),
    ],
)
def test_saving_one_item_with_bad_input_answers_400(
    client, application, auditor, items, code, level, message
):
    save(application, auditor, B_1=1)
    client.force_login(auditor)

    response = client.post(item_url(application, items[code]), {f"livello_{items[code].pk}": level})

    assert response.status_code == 400
    answer = json.loads(response.content)
    assert answer["ok"] is False
    assert message in answer["error"]
    assert "Voci valutate: 1 su 3" in answer["summary"]
    assert stored(application) == [("andrea.auditor@oic.example", "B.1", 1, False, "")]


def test_an_item_of_another_checklist_is_not_found(client, application, auditor):
    other = ChecklistItem.objects.filter(version=publish_with_items("3.0", 2)).first()
    client.force_login(auditor)

    response = client.post(item_url(application, other), {f"livello_{other.pk}": "1"})

    assert response.status_code == 404
    assert stored(application) == []


def test_the_item_address_takes_only_post(client, application, auditor, items):
    client.force_login(auditor)

    assert client.get(item_url(application, items["A.1"])).status_code == 405


# --- completing ----------------------------------------------------------------------------


def test_completion_is_refused_until_every_item_is_scored(client, application, auditor):
    save(application, auditor, A_1=2, B_1=3)
    client.force_login(auditor)

    response = client.post(complete_url(application), follow=True)

    assert "Mancano 1 voci da valutare prima di completare l" in response.content.decode()
    assert audit_of(application, auditor).status == Audit.Status.IN_PROGRESS


def test_a_completed_audit_is_read_only(client, application, auditor):
    save(application, auditor, A_1=2, A_2=NA, B_1=3)
    client.force_login(auditor)

    response = client.post(complete_url(application), follow=True)

    audit = audit_of(application, auditor)
    assert audit.status == Audit.Status.COMPLETED and audit.completed_at is not None
    html = response.content.decode()
    assert "Audit completato." in html
    assert "L&#x27;audit è completato: i punteggi si possono consultare" in html
    assert 'name="livello_' not in html and "<textarea" not in html
    assert "Completa l&#x27;audit</button>" not in html
    assert "js/scoring.js" not in html
    assert "<strong>Livello:</strong> Eccellente (3 punti)" in html
    assert "<strong>Livello:</strong> Non applicabile" in html


def test_completion_takes_only_post(client, application, auditor):
    client.force_login(auditor)

    assert client.get(complete_url(application)).status_code == 405


# --- the lead's disagreements --------------------------------------------------------------


def test_the_lead_sees_exactly_the_items_the_auditors_scored_differently(
    client, two_auditors, auditor, second_auditor, items
):
    save(two_auditors, second_auditor, A_1=2, A_2=NA, B_1=3)
    save(two_auditors, auditor, A_1=2, A_2=1)
    client.force_login(auditor)

    response = client.get(disagreements_url(two_auditors))

    assert response.status_code == 200
    html = response.content.decode()
    listed = re.findall(r'id="divergenza-(\d+)"', html)
    assert listed == [str(items["A.2"].pk), str(items["B.1"].pk)]
    assert "2 voci divergono." in html
    assert re.findall(r"data-second-level>(.*?)</p>", html) == [
        "Non applicabile",
        "Eccellente (3 punti)",
    ]
    assert re.findall(r"data-lead-level>(.*?)</p>", html) == [
        "Parzialmente conforme (1 punto)",
        "non valutata",
    ]


def test_the_lead_settles_a_disagreement_by_setting_their_own_level(
    client, two_auditors, auditor, second_auditor, items
):
    save(two_auditors, second_auditor, A_1=2, A_2=NA, B_1=3)
    save(two_auditors, auditor, A_1=2, A_2=1)
    client.force_login(auditor)

    response = client.post(
        disagreements_url(two_auditors),
        {
            f"livello_{items['A.2'].pk}": "na",
            f"livello_{items['B.1'].pk}": "3",
            f"commento_{items['B.1'].pk}": "Concordo.",
        },
        follow=True,
    )

    assert "Livelli finali salvati." in response.content.decode()
    assert "Nessuna divergenza" in response.content.decode()
    assert stored(two_auditors) == [
        ("andrea.auditor@oic.example", "A.1", 2, False, ""),
        ("andrea.auditor@oic.example", "A.2", None, True, ""),
        ("andrea.auditor@oic.example", "B.1", 3, False, "Concordo."),
        ("beatrice.auditor@oic.example", "A.1", 2, False, ""),
        ("beatrice.auditor@oic.example", "A.2", None, True, ""),
        ("beatrice.auditor@oic.example", "B.1", 3, False, ""),
    ]


def test_a_bad_final_level_is_refused_and_nothing_is_written(
    client, two_auditors, auditor, second_auditor, items
):
    save(two_auditors, second_auditor, A_1=2, B_1=3)
    save(two_auditors, auditor, A_1=1)
    before = stored(two_auditors)
    client.force_login(auditor)

    response = client.post(
        disagreements_url(two_auditors),
        {f"livello_{items['A.1'].pk}": "na", f"livello_{items['B.1'].pk}": "3"},
    )

    assert response.status_code == 200
    assert "La voce A.1 non ammette «non applicabile»." in response.content.decode()
    assert stored(two_auditors) == before


def test_the_second_auditor_cannot_see_or_settle_disagreements(
    client, two_auditors, auditor, second_auditor, items
):
    save(two_auditors, second_auditor, B_1=3)
    save(two_auditors, auditor, B_1=1)
    before = stored(two_auditors)
    client.force_login(second_auditor)

    assert client.get(disagreements_url(two_auditors)).status_code == 404
    post = client.post(disagreements_url(two_auditors), {f"livello_{items['B.1'].pk}": "2"})
    assert post.status_code == 404
    assert stored(two_auditors) == before


def test_a_lead_without_a_second_auditor_has_no_disagreements_page(client, application, auditor):
    client.force_login(auditor)

    assert client.get(disagreements_url(application)).status_code == 404


def test_the_leads_scoring_page_links_the_disagreements_only_with_two_auditors(
    client, two_auditors, auditor, second_auditor
):
    client.force_login(auditor)
    assert disagreements_url(two_auditors) in client.get(scoring_url(two_auditors)).content.decode()

    client.force_login(second_auditor)
    page = client.get(scoring_url(two_auditors))
    assert page.status_code == 200
    assert disagreements_url(two_auditors) not in page.content.decode()


def test_the_disagreements_page_query_count_is_the_same_for_10_and_100_items(
    client, django_assert_num_queries, committee, auditor, second_auditor, firm_a, firm_b
):
    small = in_evaluation(
        firm_a,
        publish_with_items("3.0", 10),
        committee=committee,
        lead=auditor,
        second=second_auditor,
    )
    large = in_evaluation(
        firm_b,
        publish_with_items("4.0", 100),
        committee=committee,
        lead=auditor,
        second=second_auditor,
    )
    for application in (small, large):
        all_items = list(ChecklistItem.objects.filter(version=application.code_version))
        audit_save_scores(
            audit=audit_of(application, auditor),
            by=auditor,
            scores={item.pk: (3, False, "") for item in all_items},
        )
        # The second auditor differs on every item.
        audit_save_scores(
            audit=audit_of(application, second_auditor),
            by=second_auditor,
            scores={item.pk: (2, False, "") for item in all_items},
        )
    client.force_login(auditor)
    client.get(disagreements_url(small))  # warm up: session and caches

    with CaptureQueriesContext(connection) as for_ten:
        response = client.get(disagreements_url(small))
    assert response.status_code == 200
    assert "10 voci divergono" in response.content.decode()

    with django_assert_num_queries(len(for_ten)):
        response = client.get(disagreements_url(large))
    assert response.status_code == 200
    assert "100 voci divergono" in response.content.decode()

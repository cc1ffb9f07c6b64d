"""The scoring page's item cards, whose unchanging part is kept per checklist version,
language and mode: each page still shows its own audit, in its own language.

The cast: Andrea (`auditor`) is the lead auditor of firm A's and of firm B's application, on
the same code version.
"""

from __future__ import annotations

import re

import pytest

from certification.models import ChecklistItem
from certification.services.audits import audit_complete
from certification.views.scoring_cards import checklist_of, item_cards_of
from codice.models import CodeVersion
from tests.certification.scoring_helpers import (
    NA,
    audit_of,
    in_evaluation,
    item_url,
    save,
    scoring_url,
)
from tests.factories import make_checklist, make_version


@pytest.fixture
def application_a(firm_a, applicant, committee, auditor, version):
    return in_evaluation(firm_a, version, committee=committee, lead=auditor)


@pytest.fixture
def application_b(firm_b, applicant_b, committee, auditor, version):
    return in_evaluation(firm_b, version, committee=committee, lead=auditor)


def checked(html: str) -> set[str]:
    """The ids of the checked radio buttons."""
    return set(re.findall(r'id="(livello-[^"]+)" value="[^"]+" checked>', html))


def test_each_audit_of_a_version_shows_its_own_scores_and_addresses(
    client, application_a, application_b, auditor, items
):
    save(application_a, auditor, A_1=2, A_2=NA)
    save(application_b, auditor, A_1=0, B_1=3)
    client.force_login(auditor)

    page_a = client.get(scoring_url(application_a)).content.decode()
    page_b = client.get(scoring_url(application_b)).content.decode()

    a1, a2, b1 = items["A.1"].pk, items["A.2"].pk, items["B.1"].pk
    assert checked(page_a) == {f"livello-{a1}-2", f"livello-{a2}-na"}
    assert checked(page_b) == {f"livello-{a1}-0", f"livello-{b1}-3"}
    assert f'data-item-url="{item_url(application_a, items["A.1"])}"' in page_a
    assert f'data-item-url="{item_url(application_b, items["A.1"])}"' in page_b
    assert f"/audit/{application_a.pk}/" not in page_b


def test_the_cards_are_in_the_language_of_each_request(client, application_a, auditor, items):
    client.force_login(auditor)

    italian = client.get(scoring_url(application_a)).content.decode()
    english = client.get(scoring_url(application_a), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    italian_again = client.get(scoring_url(application_a)).content.decode()

    code = items["A.1"].code
    assert f"Livello per la voce {code}" in italian
    assert f"Level for item {code}" in english
    assert "Livello per la voce" not in english
    assert "Indicazioni per l&#x27;auditor:" not in english
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
    assert csrf.sub("", italian_again) == csrf.sub("", italian)


def test_a_completed_audit_shows_levels_where_an_open_one_of_the_version_has_inputs(
    client, application_a, application_b, auditor, items
):
    save(application_a, auditor, A_1=2, A_2=2, B_1=1)
    audit_complete(audit=audit_of(application_a, auditor), by=auditor)
    client.force_login(auditor)

    open_page = client.get(scoring_url(application_b)).content.decode()
    completed = client.get(scoring_url(application_a)).content.decode()
    open_again = client.get(scoring_url(application_b)).content.decode()

    assert open_page.count('type="radio"') == 3 * 4 + 1
    assert 'type="radio"' not in completed and "<textarea" not in completed
    assert "<strong>Livello:</strong> Parzialmente conforme (1 punto)" in completed
    assert open_again.count('type="radio"') == 3 * 4 + 1


def test_a_posted_value_off_the_scale_checks_no_level_and_is_not_echoed(
    client, application_a, auditor, items
):
    client.force_login(auditor)
    a1, b1 = items["A.1"].pk, items["B.1"].pk

    response = client.post(
        scoring_url(application_a),
        {
            # What the radio button of level 2 is followed by: it must not be checked.
            f"livello_{a1}": f'2"><label for="livello-{a1}-2',
            f"livello_{b1}": "3",
            f"commento_{b1}": "</textarea><b>sì</b>",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Non è stato salvato nulla" in html
    assert checked(html) == {f"livello-{b1}-3"}
    assert html.count(" checked") == 1
    assert "&lt;/textarea&gt;&lt;b&gt;sì&lt;/b&gt;</textarea>" in html


def test_a_drafts_cards_are_made_again_each_time(db):
    draft = make_version("3.0", status=CodeVersion.Status.DRAFT)
    make_checklist(draft, [("A", "Sezione", [("A.1", "1", False, False, "")])])
    item = ChecklistItem.objects.get(version=draft)
    first = item_cards_of(draft, checklist_of(draft), editable=True).parts[item.pk]

    ChecklistItem.objects.filter(pk=item.pk).update(question="Domanda <riscritta>?")
    draft = CodeVersion.objects.get(pk=draft.pk)
    again = item_cards_of(draft, checklist_of(draft), editable=True).parts[item.pk]

    assert "Domanda &lt;riscritta&gt;?" not in first.head
    assert "Domanda &lt;riscritta&gt;?" in again.head

"""The scoring page's content is kept under a stamp of the rows it shows (scoring_cache): a
second visit reads none of them, and any change to one of them, by whatever means, shows.

The cast: Andrea (`auditor`) is the lead auditor of firm A's application, Beatrice the second
auditor once she is assigned, Olga an auditor assigned to nothing.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from certification.models import (
    Application,
    Audit,
    AuditScore,
    EvidenceFile,
    Organization,
    SelfAssessmentAnswer,
)
from tests.certification.application_helpers import add_evidence, give_answer
from tests.certification.scoring_helpers import (
    NA,
    audit_of,
    in_evaluation,
    item_url,
    items_of,
    save,
    scoring_url,
)
from tests.factories import UserFactory, make_current_version_with_checklist

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]*)"')
ROW_TABLES = (
    "certification_auditscore",
    "certification_selfassessmentanswer",
    "certification_evidencefile",
)


@pytest.fixture
def application(firm_a, applicant, committee, auditor):
    version = make_current_version_with_checklist()
    return in_evaluation(firm_a, version, committee=committee, lead=auditor)


@pytest.fixture
def items(application):
    return items_of(application.code_version)


def page(client, application) -> str:
    response = client.get(scoring_url(application))
    assert response.status_code == 200
    return response.content.decode()


def checked(items, code: str, value: str) -> str:
    return f'id="livello-{items[code].pk}-{value}" value="{value}" checked'


def test_a_second_visit_reads_none_of_the_pages_rows(client, application, auditor, items):
    save(application, auditor, A_1=2, A_2=NA)
    client.force_login(auditor)

    with CaptureQueriesContext(connection) as first:
        cold = page(client, application)
    with CaptureQueriesContext(connection) as second:
        warm = page(client, application)

    def reads_rows(queries) -> bool:
        return any(f'FROM "{table}"' in q["sql"] for q in queries for table in ROW_TABLES)

    assert reads_rows(first.captured_queries)
    assert not reads_rows(second.captured_queries)
    assert len(second) < len(first)
    assert CSRF.sub("", warm) == CSRF.sub("", cold)
    assert checked(items, "A.1", "2") in warm and checked(items, "A.2", "na") in warm
    assert "Voci valutate: 2 su 3" in warm


def _score_updated(application, auditor, items, applicant, committee):
    AuditScore.objects.filter(audit=audit_of(application, auditor), item=items["A.1"]).update(
        points=3
    )
    return [checked(items, "A.1", "3")], [checked(items, "A.1", "2")]


def _score_deleted(application, auditor, items, applicant, committee):
    AuditScore.objects.filter(audit=audit_of(application, auditor), item=items["A.1"]).delete()
    return ["Voci valutate: 0 su 3"], [checked(items, "A.1", "2")]


def _answer_given(application, auditor, items, applicant, committee):
    give_answer(
        application,
        items["B.1"],
        by=applicant,
        answer=SelfAssessmentAnswer.Answer.PARTIAL,
        comment="Solo il lunedì.",
    )
    return ["Solo il lunedì."], []


def _answer_rewritten(application, auditor, items, applicant, committee):
    SelfAssessmentAnswer.objects.filter(application=application).update(comment="Riscritta.")
    return ["Riscritta."], ["Prima risposta."]


def _evidence_added(application, auditor, items, applicant, committee):
    add_evidence(application, by=applicant, item=items["B.1"], name="registro-rpo.pdf")
    return ["registro-rpo.pdf"], []


def _evidence_removed(application, auditor, items, applicant, committee):
    EvidenceFile.objects.filter(application=application).delete()
    return [], ["primo-file.pdf"]


def _firm_renamed(application, auditor, items, applicant, committee):
    Organization.objects.filter(pk=application.organization_id).update(legal_name="Nuovo Nome")
    return ["Nuovo Nome"], []


def _application_out_of_evaluation(application, auditor, items, applicant, committee):
    Application.objects.filter(pk=application.pk).update(status=Application.Status.EVALUATED)
    return ["si danno punteggi solo a una domanda in valutazione"], ['type="radio"']


def _audit_completed(application, auditor, items, applicant, committee):
    Audit.objects.filter(pk=audit_of(application, auditor).pk).update(
        status=Audit.Status.COMPLETED, completed_at=timezone.now()
    )
    return ["L&#x27;audit è completato"], ['type="radio"']


def _second_auditor_assigned(application, auditor, items, applicant, committee):
    second = UserFactory(email="beatrice.auditor@oic.example", role="auditor")
    Audit.objects.create(
        application=application, auditor=second, role=Audit.Role.SECOND, assigned_by=committee
    )
    return ["Vedi le voci in cui i due auditor divergono"], []


# Committed one by one, as requests are: a row written twice in one transaction keeps its
# xmin, and no other transaction ever sees the first version.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "change",
    [
        _score_updated,
        _score_deleted,
        _answer_given,
        _answer_rewritten,
        _evidence_added,
        _evidence_removed,
        _firm_renamed,
        _application_out_of_evaluation,
        _audit_completed,
        _second_auditor_assigned,
    ],
)
def test_any_change_to_a_row_the_page_shows_shows_at_once(
    client, application, auditor, items, applicant, committee, private_root, change
):
    """Each change is made behind the services' back (a queryset update, a delete): the
    stamp is the rows' own, not something the services remember to touch."""
    save(application, auditor, A_1=2)
    give_answer(application, items["A.1"], by=applicant, comment="Prima risposta.")
    add_evidence(application, by=applicant, item=items["A.1"], name="primo-file.pdf")
    client.force_login(auditor)
    before = page(client, application)
    assert CSRF.sub("", page(client, application)) == CSRF.sub("", before)  # now kept

    now_shown, gone = change(application, auditor, items, applicant, committee)

    after = page(client, application)
    for text in now_shown:
        assert text not in before
        assert text in after
    for text in gone:
        assert text in before
        assert text not in after


def test_a_kept_pages_forms_carry_each_sessions_own_token(application, auditor, items):
    """Andrea opens the page in two browsers: the second is served the kept page, with a
    token its own session accepts."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(auditor)
    second.force_login(auditor)
    page(first, application)

    with CaptureQueriesContext(connection) as served:
        html = page(second, application)
    assert not any('FROM "certification_auditscore"' in q["sql"] for q in served.captured_queries)
    scoring_form = html[html.index('<form method="post" id="punteggi"') :]
    token = CSRF.search(scoring_form).group(1)
    assert token not in page(first, application)

    response = second.post(
        scoring_url(application),
        {"csrfmiddlewaretoken": token, f"livello_{items['B.1'].pk}": "3"},
    )
    assert response.status_code == 302
    assert checked(items, "B.1", "3") in page(second, application)


def test_each_language_is_kept_apart(client, application, auditor):
    client.force_login(auditor)
    italian = page(client, application)

    with translation.override("en"):
        client.cookies.load({"django_language": "en"})
        english = page(client, application)

    assert "Voci valutate: 0 su 3" in italian
    assert "Items evaluated: 0 out of 3" in english
    assert "Voci valutate" not in english


def test_an_auditor_of_another_audit_is_refused_a_kept_page(client, application, auditor):
    client.force_login(auditor)
    page(client, application)

    client.force_login(UserFactory(email="olga.auditor@oic.example", role="auditor"))
    assert client.get(scoring_url(application)).status_code == 404


def test_a_refused_save_is_shown_but_never_kept(client, application, auditor, items):
    client.force_login(auditor)
    page(client, application)

    refused = client.post(scoring_url(application), {f"livello_{items['A.1'].pk}": "9"})
    assert refused.status_code == 200
    assert 'id="errori"' in refused.content.decode()

    assert 'id="errori"' not in page(client, application)


def test_saving_one_item_shows_on_the_next_visit(client, application, auditor, items):
    client.force_login(auditor)
    page(client, application)

    response = client.post(
        item_url(application, items["A.2"]), {f"livello_{items['A.2'].pk}": "na"}
    )
    assert response.status_code == 200

    assert checked(items, "A.2", "na") in page(client, application)


def test_the_marks_a_kept_page_is_put_together_with_are_safe_from_peoples_text(
    client, application, auditor, items, applicant
):
    """The marks stand where the token and the content go; text that has them shows as it is,
    and gets neither."""
    marks = "\ue001 \ue002 <!--\ue002-->"
    give_answer(application, items["A.1"], by=applicant, comment=marks)
    client.force_login(auditor)

    for html in (page(client, application), page(client, application)):  # built, then kept
        assert "\ue001 \ue002 &lt;!--\ue002--&gt;" in html
        tokens = CSRF.findall(html)
        assert tokens and all("\ue001" not in token for token in tokens)
        assert html.count("Voci valutate: 0 su 3") == 1

"""The committee's decision: who may decide, when, and what is kept."""

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, ApplicationEvent, Audit, Decision, Nonconformity
from certification.scoring import score, spec_for_version
from certification.services.decisions import decision_record
from certification.services.nonconformities import nonconformity_raise
from tests.certification.nonconformity_helpers import (
    application_in_evaluation,
    evaluated,
    items,
    set_status,
)
from tests.factories import ApplicationFactory, UserFactory, make_current_version_with_checklist

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def application(firm_a, applicant, committee, auditor):
    return application_in_evaluation(
        firm=firm_a, applicant=applicant, committee=committee, lead=auditor
    )


@pytest.fixture
def evaluated_application(application, auditor):
    return evaluated(application, auditor)


@pytest.fixture
def chair(db):
    """A second committee member, who did not audit."""
    return UserFactory(email="presidente@oic.example", role="comitato")


def _major(application, auditor, code="A.1"):
    return nonconformity_raise(
        application=application,
        by=auditor,
        item=items(application)[code],
        severity="maggiore",
        description="Chiamate fuori orario",
    )


def _decide(application, by, outcome="approvata", reason="Requisiti rispettati"):
    return decision_record(application=application, by=by, outcome=outcome, reason=reason)


# --- service -------------------------------------------------------------------------------


def test_the_committee_approves_and_the_result_is_kept(evaluated_application, committee):
    decision = _decide(evaluated_application, committee)
    evaluated_application.refresh_from_db()
    assert evaluated_application.status == S.APPROVED
    expected = score(
        spec_for_version(evaluated_application.code_version), {"A.1": 1, "A.2": 2, "B.1": 3}
    )
    assert (decision.total, decision.passed) == (expected.total, expected.passed)
    assert decision.total is not None and decision.passed is True
    event = ApplicationEvent.objects.filter(application=evaluated_application).latest("at", "id")
    assert (event.from_status, event.to_status, event.note) == (
        S.EVALUATED,
        S.APPROVED,
        "Requisiti rispettati",
    )


def test_a_rejection_keeps_a_failing_result(firm_a, applicant, committee, auditor):
    application = application_in_evaluation(
        firm=firm_a,
        applicant=applicant,
        committee=committee,
        lead=auditor,
        scores={"A.1": 0, "A.2": 3, "B.1": 3},
    )
    evaluated(application, auditor)
    decision = _decide(application, committee, outcome="respinta", reason="Voce bloccante a 0")
    expected = score(spec_for_version(application.code_version), {"A.1": 0, "A.2": 3, "B.1": 3})
    assert (decision.total, decision.passed) == (expected.total, False)
    application.refresh_from_db()
    assert application.status == S.REJECTED


def test_without_a_lead_audit_the_total_is_none(firm_a, applicant, committee):
    make_current_version_with_checklist()
    application = ApplicationFactory(organization=firm_a, created_by=applicant)
    Application.objects.filter(pk=application.pk).update(
        status=S.EVALUATED, submitted_at=timezone.now()
    )
    decision = _decide(application, committee, outcome="respinta", reason="Nessun audit")
    assert (decision.total, decision.passed) == (None, False)


@pytest.mark.parametrize("who", ["auditor", "applicant", "association_member"])
def test_only_the_committee_decides(evaluated_application, request, who):
    with pytest.raises(PermissionDenied):
        _decide(evaluated_application, request.getfixturevalue(who))
    assert not Decision.objects.exists()


@pytest.mark.parametrize("status", [S.IN_EVALUATION, S.SUBMITTED, S.WITHDRAWN])
def test_it_refuses_an_application_not_evaluated(application, committee, status):
    set_status(application, status)
    with pytest.raises(ValidationError, match="valutata"):
        _decide(application, committee)
    assert not Decision.objects.exists()


def test_a_committee_member_who_audited_cannot_decide(evaluated_application, chair):
    Audit.objects.create(
        application=evaluated_application,
        auditor=chair,
        role=Audit.Role.SECOND,
        assigned_by=chair,
    )
    with pytest.raises(PermissionDenied, match="quattro occhi"):
        _decide(evaluated_application, chair)
    evaluated_application.refresh_from_db()
    assert evaluated_application.status == S.EVALUATED
    assert not Decision.objects.exists()


def test_an_open_major_nonconformity_blocks_approval_not_rejection(application, auditor, committee):
    _major(application, auditor)
    evaluated(application, auditor)
    with pytest.raises(ValidationError, match="A.1"):
        _decide(application, committee)
    assert not Decision.objects.exists()
    decision = _decide(application, committee, outcome="respinta", reason="Non conformità aperta")
    assert decision.outcome == "respinta"


def test_an_accepted_major_nonconformity_allows_approval(application, auditor, committee):
    nc = _major(application, auditor)
    Nonconformity.objects.filter(pk=nc.pk).update(
        status="accettata",
        corrective_action="Corretto",
        corrective_due_date=timezone.localdate(),
        answered_by=auditor,
        answered_at=timezone.now(),
        reviewed_by=auditor,
        reviewed_at=timezone.now(),
    )
    evaluated(application, auditor)
    assert _decide(application, committee).outcome == "approvata"


def test_it_refuses_an_empty_reason(evaluated_application, committee):
    with pytest.raises(ValidationError):
        _decide(evaluated_application, committee, reason="   ")
    assert not Decision.objects.exists()


# --- the page ------------------------------------------------------------------------------


def _url(application):
    return reverse("certification:decision", args=[application.pk])


def test_visitors_are_sent_to_the_login(client, evaluated_application):
    response = client.get(_url(evaluated_application))
    assert response.status_code == 302
    assert response["Location"].startswith(resolve_url(settings.LOGIN_URL))


@pytest.mark.parametrize("who", ["auditor", "applicant", "association_member"])
def test_the_page_is_for_the_committee_only(client, evaluated_application, request, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(evaluated_application)).status_code == 403
    response = client.post(_url(evaluated_application), {"outcome": "approvata", "reason": "x"})
    assert response.status_code == 403
    assert not Decision.objects.exists()


def test_the_page_shows_the_basis_of_the_decision(
    client, firm_a, applicant, committee, auditor, django_assert_max_num_queries
):
    application = application_in_evaluation(
        firm=firm_a,
        applicant=applicant,
        committee=committee,
        lead=auditor,
        scores={"A.1": 0, "A.2": 3, "B.1": 3},
    )
    _major(application, auditor)
    evaluated(application, auditor)
    client.force_login(committee)
    with django_assert_max_num_queries(25):
        response = client.get(_url(application))
    assert response.status_code == 200
    result = response.context["result"]
    expected = score(spec_for_version(application.code_version), {"A.1": 0, "A.2": 3, "B.1": 3})
    assert result == expected
    body = response.content.decode()
    assert "Chiamate fuori orario" in body
    assert "non superato" in body
    assert "Ci sono non conformità maggiori non accettate" in body
    assert "Audit completato" in body  # the history
    for reason in expected.reasons:
        assert str(reason) in body or reason.replace("'", "&#x27;") in body


def test_the_committee_decides_through_the_page(client, evaluated_application, committee):
    client.force_login(committee)
    response = client.post(
        _url(evaluated_application), {"outcome": "approvata", "reason": "Tutto in regola"}
    )
    assert response.status_code == 302
    evaluated_application.refresh_from_db()
    assert evaluated_application.status == S.APPROVED
    assert Decision.objects.get().reason == "Tutto in regola"
    response = client.get(_url(evaluated_application))
    assert "Tutto in regola" in response.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"outcome": "approvata", "reason": ""}, "Scrivi la motivazione"),
        ({"outcome": "forse", "reason": "x"}, "Scegli se approvare o respingere"),
    ],
)
def test_bad_input_on_the_page_writes_nothing(
    client, evaluated_application, committee, data, message
):
    client.force_login(committee)
    response = client.post(_url(evaluated_application), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Decision.objects.exists()
    evaluated_application.refresh_from_db()
    assert evaluated_application.status == S.EVALUATED


def test_refusals_are_shown_on_the_page(client, application, auditor, committee, chair):
    _major(application, auditor)
    evaluated(application, auditor)
    client.force_login(committee)
    response = client.post(_url(application), {"outcome": "approvata", "reason": "Va bene"})
    assert response.status_code == 200
    assert "non accettate: A.1" in response.content.decode()
    Audit.objects.create(
        application=application, auditor=chair, role=Audit.Role.SECOND, assigned_by=chair
    )
    client.force_login(chair)
    response = client.post(_url(application), {"outcome": "respinta", "reason": "No"})
    assert response.status_code == 200
    assert "quattro occhi" in response.content.decode()
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.status == S.EVALUATED


def test_an_application_not_evaluated_shows_no_form(client, application, committee):
    client.force_login(committee)
    response = client.get(_url(application))
    assert response.status_code == 200
    assert response.context["form"] is None
    response = client.post(_url(application), {"outcome": "approvata", "reason": "x"})
    assert response.status_code == 200
    assert "Si decide su una domanda valutata" in response.content.decode()
    assert not Decision.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_committee_approves_in_the_browser(
    page, live_server, axe, login_as, firm_a, applicant, committee, auditor
):
    application = application_in_evaluation(
        firm=firm_a, applicant=applicant, committee=committee, lead=auditor
    )
    evaluated(application, auditor)
    login_as(committee)
    page.goto(live_server.url + _url(application))
    axe(page)
    page.get_by_text("Approva la domanda", exact=True).click()
    page.get_by_role("button", name="Registra la decisione").click()
    page.get_by_text("Scrivi la motivazione della decisione.").first.wait_for()
    axe(page)
    page.get_by_text("Approva la domanda", exact=True).click()
    page.get_by_label("Motivazione").fill("Tutti i requisiti sono rispettati")
    page.get_by_role("button", name="Registra la decisione").click()
    page.get_by_text("Decisione registrata").wait_for()
    axe(page)
    application.refresh_from_db()
    assert application.status == S.APPROVED

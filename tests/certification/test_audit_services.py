"""The audit services: assignment, scores, completion, disagreements."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.models import Application, ApplicationEvent, Audit, AuditScore
from certification.scoring import NA, score, spec_for_version
from certification.services.applications import allowed_transitions, application_transition
from certification.services.audits import (
    audit_assign,
    audit_complete,
    audit_get_for_auditor,
    audit_result,
    audit_save_scores,
    disagreements,
)
from tests.factories import ApplicationFactory, UserFactory, make_current_version_with_checklist

pytestmark = pytest.mark.django_db
S = Application.Status


@pytest.fixture
def second_auditor(db):
    return UserFactory(email="bianca.auditor@oic.example", role="auditor")


@pytest.fixture
def application(firm_a, applicant):
    make_current_version_with_checklist()
    app = ApplicationFactory(organization=firm_a, created_by=applicant)
    Application.objects.filter(pk=app.pk).update(status=S.SUBMITTED, submitted_at=timezone.now())
    app.refresh_from_db()
    return app


def _evaluate(application):
    Application.objects.filter(pk=application.pk).update(status=S.IN_EVALUATION)
    application.refresh_from_db()


def _items(application):
    return {i.code: i for i in application.code_version.checklist_items.all()}


def test_the_committee_assigns_a_lead_and_a_second_auditor(
    application, committee, auditor, second_auditor
):
    lead, second = audit_assign(
        application=application, by=committee, lead=auditor, second=second_auditor
    )
    assert (lead.role, second.role) == (Audit.Role.LEAD, Audit.Role.SECOND)
    assert ApplicationEvent.objects.filter(
        application=application, note__contains="Auditor assegnati"
    ).exists()


@pytest.mark.parametrize(
    "who, problem",
    [("applicant", PermissionDenied), ("auditor", PermissionDenied)],
)
def test_only_the_committee_assigns(application, request, who, problem, auditor):
    with pytest.raises(problem):
        audit_assign(application=application, by=request.getfixturevalue(who), lead=auditor)
    assert not Audit.objects.exists()


def test_it_refuses_a_non_auditor_or_the_same_person_twice(
    application, committee, auditor, applicant
):
    with pytest.raises(ValidationError):
        audit_assign(application=application, by=committee, lead=applicant)
    with pytest.raises(ValidationError):
        audit_assign(application=application, by=committee, lead=auditor, second=auditor)
    assert not Audit.objects.exists()


def test_an_unassigned_auditor_cannot_reach_the_audit(application, committee, auditor):
    other = UserFactory(email="altro.auditor@oic.example", role="auditor")
    audit_assign(application=application, by=committee, lead=auditor)
    assert audit_get_for_auditor(auditor, application.pk).auditor == auditor
    with pytest.raises(Http404):
        audit_get_for_auditor(other, application.pk)
    assert allowed_transitions(application, other) == []
    assert S.UNDER_REVIEW in allowed_transitions(application, auditor)


def test_scores_are_saved_and_the_result_is_the_engines(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    items = _items(application)
    audit_save_scores(
        audit=audit,
        by=auditor,
        scores={
            items["A.1"].pk: (3, False, "Orari rispettati"),
            items["A.2"].pk: (None, True, ""),
            items["B.1"].pk: (1, False, "Verifiche RPO incomplete"),
        },
    )
    result = audit_result(audit)
    expected = score(spec_for_version(application.code_version), {"A.1": 3, "A.2": NA, "B.1": 1})
    assert result == expected
    assert result.scored_count == 3


def test_saving_scores_costs_the_same_queries_for_one_item_or_every_item(
    application, committee, auditor, django_assert_num_queries
):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    items = _items(application)
    with CaptureQueriesContext(connection) as for_one:
        audit_save_scores(audit=audit, by=auditor, scores={items["A.1"].pk: (1, False, "")})

    # A.1 is updated, A.2 and B.1 inserted, in one statement.
    with django_assert_num_queries(len(for_one)):
        audit_save_scores(
            audit=audit,
            by=auditor,
            scores={
                items["A.1"].pk: (2, False, "Rivisto"),
                items["A.2"].pk: (None, True, ""),
                items["B.1"].pk: (3, False, ""),
            },
        )
    assert sorted(
        audit.scores.values_list("item__code", "points", "not_applicable", "comment")
    ) == [
        ("A.1", 2, False, "Rivisto"),
        ("A.2", None, True, ""),
        ("B.1", 3, False, ""),
    ]


def test_saving_a_score_again_moves_its_updated_at(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    a1 = _items(application)["A.1"]
    before_first = timezone.now()
    audit_save_scores(audit=audit, by=auditor, scores={a1.pk: (1, False, "")})
    first = AuditScore.objects.get(audit=audit, item=a1).updated_at
    assert first >= before_first

    audit_save_scores(audit=audit, by=auditor, scores={a1.pk: (3, False, "")})

    second = AuditScore.objects.get(audit=audit, item=a1)
    assert second.points == 3
    assert second.updated_at > first


def test_the_result_is_the_same_from_the_scores_already_read(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    items = _items(application)
    audit_save_scores(
        audit=audit,
        by=auditor,
        scores={items["A.1"].pk: (0, False, ""), items["B.1"].pk: (2, False, "")},
    )

    given = audit_result(audit, items=items.values(), scores=audit.scores.all())

    assert given == audit_result(audit)
    assert (given.scored_count, given.blocking_failures) == (2, ("A.1",))


@pytest.mark.parametrize(
    "code, value",
    [("A.1", (7, False, "")), ("B.1", (None, True, "")), ("A.1", (None, False, ""))],
    ids=["off the scale", "N/A not allowed", "no level"],
)
def test_bad_scores_are_refused_and_nothing_is_written(
    application, committee, auditor, code, value
):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    items = _items(application)
    with pytest.raises(ValidationError):
        audit_save_scores(
            audit=audit, by=auditor, scores={items["A.2"].pk: (2, False, ""), items[code].pk: value}
        )
    assert not AuditScore.objects.exists()


def test_an_audit_completes_only_when_every_item_is_scored(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    items = _items(application)
    audit_save_scores(audit=audit, by=auditor, scores={items["A.1"].pk: (2, False, "")})
    with pytest.raises(ValidationError, match="Mancano 2 voci"):
        audit_complete(audit=audit, by=auditor)
    audit_save_scores(
        audit=audit,
        by=auditor,
        scores={items["A.2"].pk: (2, False, ""), items["B.1"].pk: (2, False, "")},
    )
    audit_complete(audit=audit, by=auditor)
    audit.refresh_from_db()
    assert audit.status == Audit.Status.COMPLETED
    with pytest.raises(ValidationError):
        audit_save_scores(audit=audit, by=auditor, scores={items["A.1"].pk: (0, False, "")})
    assert AuditScore.objects.get(item=items["A.1"]).points == 2


def test_the_lead_moves_to_evaluated_only_after_completing(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    _evaluate(application)
    with pytest.raises(ValidationError):
        application_transition(application=application, to=S.EVALUATED, by=auditor)
    items = _items(application)
    audit_save_scores(
        audit=audit, by=auditor, scores={i.pk: (2, False, "") for i in items.values()}
    )
    audit_complete(audit=audit, by=auditor)
    application_transition(application=application, to=S.EVALUATED, by=auditor)
    application.refresh_from_db()
    assert application.status == S.EVALUATED


def test_the_lead_sees_where_the_second_auditor_differs(
    application, committee, auditor, second_auditor
):
    lead, second = audit_assign(
        application=application, by=committee, lead=auditor, second=second_auditor
    )
    _evaluate(application)
    items = _items(application)
    audit_save_scores(audit=lead, by=auditor, scores={i.pk: (2, False, "") for i in items.values()})
    audit_save_scores(
        audit=second,
        by=second_auditor,
        scores={
            items["A.1"].pk: (2, False, ""),
            items["A.2"].pk: (None, True, ""),
            items["B.1"].pk: (1, False, ""),
        },
    )
    assert [row[0].code for row in disagreements(application)] == ["A.2", "B.1"]
    with pytest.raises(ValidationError, match="dopo il secondo"):
        audit_complete(audit=lead, by=auditor)


def test_an_auditor_cannot_score_someone_elses_audit(
    application, committee, auditor, second_auditor
):
    lead, _second = audit_assign(
        application=application, by=committee, lead=auditor, second=second_auditor
    )
    _evaluate(application)
    item = next(iter(_items(application).values()))
    with pytest.raises(PermissionDenied):
        audit_save_scores(audit=lead, by=second_auditor, scores={item.pk: (1, False, "")})


def test_the_database_refuses_a_score_with_both_points_and_na(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    item = next(iter(_items(application).values()))
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditScore.objects.create(audit=audit, item=item, points=2, not_applicable=True)


def test_reassigning_keeps_the_scores_of_an_auditor_who_stays(
    application, committee, auditor, second_auditor
):
    import datetime

    lead, second = audit_assign(
        application=application, by=committee, lead=auditor, second=second_auditor
    )
    item = next(iter(_items(application).values()))
    AuditScore.objects.create(audit=lead, item=item, points=2)
    AuditScore.objects.create(audit=second, item=item, points=1)
    third = UserFactory(email="terzo.auditor@oic.example", role="auditor")
    new_lead, new_second = audit_assign(
        application=application,
        by=committee,
        lead=auditor,
        second=third,
        due_date=datetime.date(2027, 1, 15),
    )
    assert new_lead.pk == lead.pk
    assert new_lead.due_date == datetime.date(2027, 1, 15)
    assert AuditScore.objects.filter(audit=lead).count() == 1
    assert new_second.auditor == third
    assert not Audit.objects.filter(pk=second.pk).exists()


# --- the database holds the cross-table rules too --------------------------------------------


def _raw(sql, params):
    from django.db import connection

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_the_database_refuses_na_on_an_item_that_does_not_allow_it(application, committee, auditor):
    from certification.models import SelfAssessmentAnswer

    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    items = _items(application)
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditScore.objects.create(audit=audit, item=items["A.1"], not_applicable=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        SelfAssessmentAnswer.objects.create(
            application=application, item=items["A.1"], answer="non_applicabile"
        )
    # Where the item allows it, both are accepted: the guard is not a blanket refusal.
    AuditScore.objects.create(audit=audit, item=items["A.2"], not_applicable=True)
    SelfAssessmentAnswer.objects.create(
        application=application, item=items["A.2"], answer="non_applicabile"
    )


def test_the_database_refuses_a_level_off_the_scale(application, committee, auditor):
    (audit,) = audit_assign(application=application, by=committee, lead=auditor)
    item = _items(application)["B.1"]
    with pytest.raises(IntegrityError):
        _raw(
            "INSERT INTO certification_auditscore "
            "(audit_id, item_id, points, not_applicable, comment, updated_at) "
            "VALUES (%s, %s, 7, false, '', now())",
            [audit.pk, item.pk],
        )
    AuditScore.objects.create(audit=audit, item=item, points=3)


def test_a_recorded_decision_cannot_be_changed_or_deleted(application, committee):
    from certification.models import Decision

    decision = Decision.objects.create(
        application=application,
        outcome="respinta",
        reason="Requisiti non soddisfatti.",
        passed=False,
        decided_by=committee,
    )
    with pytest.raises(IntegrityError):
        _raw("UPDATE certification_decision SET outcome = 'approvata' WHERE id = %s", [decision.pk])
    with pytest.raises(IntegrityError):
        _raw("DELETE FROM certification_decision WHERE id = %s", [decision.pk])
    assert Decision.objects.get().outcome == "respinta"

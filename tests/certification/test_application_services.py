"""The application's state machine: who may move it, from where, and what it leaves behind."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from certification.models import (
    Application,
    ApplicationEvent,
    CallingNumber,
    ChecklistItem,
    Declaration,
    SelfAssessmentAnswer,
)
from certification.services import applications as services
from certification.services.applications import APPLICANT, COMMITTEE, TRANSITIONS
from codice.models import CodeVersion
from codice.services import codeversion_create_draft, codeversion_publish
from tests.certification.application_helpers import (
    application_in,
    assign_lead,
    bring_to,
    complete,
    current_version,  # noqa: F401
    new_application,
)
from tests.factories import make_version

S = Application.Status

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("current_version", "private_root")]

CAST = ["applicant", "applicant_b", "committee", "auditor", "association_member", "admin_user"]
ROLE_OF_CAST = {"applicant": APPLICANT, "committee": COMMITTEE}


def _events(application):
    return list(ApplicationEvent.objects.filter(application=application).order_by("id"))


# --- creation --------------------------------------------------------------------------------


def test_creating_an_application_locks_the_current_code_version(applicant, committee):
    version = CodeVersion.objects.current()
    application = new_application(applicant)

    draft = codeversion_create_draft(by=committee, number="3.0", title="Codice 3.0")
    codeversion_publish(version=draft, by=committee, effective_date=datetime.date(2026, 1, 1))

    application.refresh_from_db()
    assert CodeVersion.objects.current() == draft
    assert application.code_version == version
    assert application.status == S.DRAFT
    event = _events(application)[-1]
    assert (event.actor, event.from_status, event.to_status) == (applicant, "", S.DRAFT)


def test_a_new_application_takes_the_version_in_force_now(applicant, committee):
    draft = codeversion_create_draft(by=committee, number="3.0", title="Codice 3.0")
    codeversion_publish(version=draft, by=committee, effective_date=datetime.date(2026, 1, 1))

    assert new_application(applicant).code_version == draft


def test_it_refuses_to_open_an_application_while_another_is_open(applicant):
    new_application(applicant)

    with pytest.raises(ValidationError, match="già una domanda in corso"):
        new_application(applicant)
    assert Application.objects.count() == 1


def test_after_a_withdrawal_a_new_application_can_be_opened(applicant, committee):
    application_in(S.WITHDRAWN, applicant=applicant, committee=committee)

    assert new_application(applicant).status == S.DRAFT
    assert Application.objects.count() == 2


def test_a_renewal_points_to_the_last_approved_application(applicant, committee):
    approved = application_in(S.APPROVED, applicant=applicant, committee=committee)

    renewal = new_application(applicant, kind=Application.Kind.RENEWAL)

    assert renewal.previous == approved


@pytest.mark.parametrize("who", ["applicant_b", "committee", "auditor", "admin_user"])
def test_only_a_member_of_the_organization_opens_its_application(request, who, firm_a):
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        services.application_create(organization=firm_a, by=person)
    assert not Application.objects.exists()


def test_no_application_while_no_code_version_is_in_force(applicant):
    current = CodeVersion.objects.current()
    current.status = CodeVersion.Status.SUPERSEDED
    current.save(update_fields=["status"])

    with pytest.raises(ValidationError, match="lista di controllo"):
        new_application(applicant)
    assert not Application.objects.exists()


def test_no_application_while_the_code_in_force_has_no_checklist(applicant):
    current = CodeVersion.objects.current()
    current.status = CodeVersion.Status.SUPERSEDED
    current.save(update_fields=["status"])
    make_version("3.0", articles=[("orari", "Fasce orarie", "Dalle 9 alle 20.")])

    with pytest.raises(ValidationError, match="lista di controllo"):
        new_application(applicant)
    assert not Application.objects.exists()


# --- transitions: role and state -------------------------------------------------------------


@pytest.mark.parametrize("who", CAST)
@pytest.mark.parametrize(("frm", "to"), sorted(TRANSITIONS))
def test_a_transition_is_made_only_by_its_role(request, frm, to, who, applicant, committee):
    application = application_in(frm, applicant=applicant, committee=committee)
    if frm == S.DRAFT:
        complete(application, applicant)  # so that a refused submit is refused for the role
    if to == S.IN_EVALUATION:
        assign_lead(application, committee)  # no evaluation without a lead auditor
    person = request.getfixturevalue(who)
    before = len(_events(application))
    allowed = ROLE_OF_CAST.get(who) in TRANSITIONS[(frm, to)]

    if allowed:
        result = services.application_transition(
            application=application, to=to, by=person, note="ok"
        )
        assert result.application.status == to
    else:
        with pytest.raises(PermissionDenied):
            services.application_transition(application=application, to=to, by=person)

    application.refresh_from_db()
    assert application.status == (to if allowed else frm)
    assert len(_events(application)) == before + (1 if allowed else 0)


WRONG_STATE = [(frm, to) for frm in S.values for to in S.values if (frm, to) not in TRANSITIONS]


@pytest.mark.parametrize("who", ["applicant", "committee"])
@pytest.mark.parametrize(("frm", "to"), WRONG_STATE)
def test_no_transition_from_the_wrong_state(request, frm, to, who, applicant, committee):
    application = application_in(frm, applicant=applicant, committee=committee)
    before = len(_events(application))

    with pytest.raises(ValidationError) as caught:
        services.application_transition(
            application=application, to=to, by=request.getfixturevalue(who)
        )

    assert caught.value.code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == frm
    assert len(_events(application)) == before


def test_the_lists_of_allowed_transitions_follow_role_and_state(
    applicant, applicant_b, committee, auditor
):
    application = new_application(applicant)

    assert services.allowed_transitions(application, applicant) == [S.SUBMITTED, S.WITHDRAWN]
    assert services.allowed_transitions(application, committee) == []
    assert services.allowed_transitions(application, applicant_b) == []
    assert services.allowed_transitions(application, auditor) == []

    bring_to(application, S.UNDER_REVIEW, applicant=applicant, committee=committee)

    assert services.allowed_transitions(application, applicant) == [S.WITHDRAWN]
    assert set(services.allowed_transitions(application, committee)) == {
        S.INFO_REQUESTED,
        S.IN_EVALUATION,
    }


def test_a_deactivated_member_cannot_move_the_application(applicant):
    application = new_application(applicant)
    applicant.is_active = False
    applicant.save()

    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, by=applicant)


# --- history ---------------------------------------------------------------------------------


def test_each_transition_leaves_one_history_row_with_actor_states_and_note(applicant, committee):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)
    before = len(_events(application))

    result = services.application_transition(
        application=application, to=S.UNDER_REVIEW, by=committee, note="Presa in carico."
    )

    events = _events(application)
    assert len(events) == before + 1
    event = events[-1]
    assert event == result.event
    assert event.actor == committee
    assert (event.from_status, event.to_status) == (S.SUBMITTED, S.UNDER_REVIEW)
    assert event.note == "Presa in carico."
    assert event.at is not None


def test_submitting_records_the_date_and_the_applicant(applicant, committee):
    application = application_in(S.SUBMITTED, applicant=applicant, committee=committee)

    assert application.submitted_at is not None
    event = _events(application)[-1]
    assert (event.actor, event.from_status, event.to_status) == (applicant, S.DRAFT, S.SUBMITTED)


def test_history_cannot_be_changed_or_deleted_through_the_orm(applicant):
    application = new_application(applicant)
    event = _events(application)[0]

    event.note = "riscritta"
    with pytest.raises(ValidationError):
        event.save()
    with pytest.raises(ValidationError):
        event.delete()
    with pytest.raises(ValidationError):
        ApplicationEvent.objects.filter(pk=event.pk).update(note="riscritta")
    with pytest.raises(ValidationError):
        ApplicationEvent.objects.filter(pk=event.pk).delete()

    event.refresh_from_db()
    assert event.note != "riscritta"


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE certification_applicationevent SET note = 'riscritta' WHERE id = %s",
        "UPDATE certification_applicationevent SET to_status = 'approvata' WHERE id = %s",
        "DELETE FROM certification_applicationevent WHERE id = %s",
    ],
)
def test_history_cannot_be_changed_or_deleted_with_raw_sql(applicant, sql):
    application = new_application(applicant)
    event = _events(application)[0]

    with (
        pytest.raises(IntegrityError, match="sola aggiunta"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [event.pk])

    event.refresh_from_db()
    assert (event.note, event.to_status) != ("riscritta", "approvata")


# --- withdrawal ------------------------------------------------------------------------------

WITHDRAWABLE = [frm for (frm, to) in TRANSITIONS if to == S.WITHDRAWN]


def test_withdrawal_is_possible_from_every_state_before_a_decision():
    assert set(WITHDRAWABLE) == {
        S.DRAFT,
        S.SUBMITTED,
        S.UNDER_REVIEW,
        S.INFO_REQUESTED,
        S.IN_EVALUATION,
        S.EVALUATED,
    }


@pytest.mark.parametrize("frm", WITHDRAWABLE)
def test_the_applicant_withdraws_from_each_allowed_state(frm, applicant, committee):
    application = application_in(frm, applicant=applicant, committee=committee)

    services.application_withdraw(application=application, by=applicant, note="Ci ripensiamo.")

    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    event = _events(application)[-1]
    assert (event.actor, event.from_status, event.to_status, event.note) == (
        applicant,
        frm,
        S.WITHDRAWN,
        "Ci ripensiamo.",
    )


@pytest.mark.parametrize("frm", [S.APPROVED, S.REJECTED, S.WITHDRAWN])
def test_no_withdrawal_after_a_decision(frm, applicant, committee):
    application = application_in(frm, applicant=applicant, committee=committee)

    with pytest.raises(ValidationError):
        services.application_withdraw(application=application, by=applicant)
    application.refresh_from_db()
    assert application.status == frm


def test_the_committee_cannot_withdraw_an_application(applicant, committee):
    application = application_in(S.UNDER_REVIEW, applicant=applicant, committee=committee)

    with pytest.raises(PermissionDenied):
        services.application_withdraw(application=application, by=committee)


# --- the applicant's work --------------------------------------------------------------------


def _item(code):
    return ChecklistItem.objects.get(version=CodeVersion.objects.current(), code=code)


def test_self_assessment_refuses_not_applicable_where_the_item_does_not_allow_it(applicant):
    application = new_application(applicant)
    a1 = _item("A.1")  # does not allow N/A
    a2 = _item("A.2")

    with pytest.raises(ValidationError, match="non applicabile"):
        services.self_assessment_save(
            application=application,
            by=applicant,
            answers=[
                services.AnswerInput(a2, SelfAssessmentAnswer.Answer.CONFORM, ""),
                services.AnswerInput(a1, SelfAssessmentAnswer.Answer.NOT_APPLICABLE, ""),
            ],
        )
    assert not SelfAssessmentAnswer.objects.exists()


def test_self_assessment_accepts_not_applicable_where_allowed_and_records_who(applicant):
    application = new_application(applicant)

    services.self_assessment_save(
        application=application,
        by=applicant,
        answers=[
            services.AnswerInput(_item("A.2"), SelfAssessmentAnswer.Answer.NOT_APPLICABLE, "No.")
        ],
    )

    answer = SelfAssessmentAnswer.objects.get()
    assert (answer.answer, answer.comment, answer.updated_by) == (
        SelfAssessmentAnswer.Answer.NOT_APPLICABLE,
        "No.",
        applicant,
    )


def test_self_assessment_updates_an_answer_in_place(applicant):
    application = new_application(applicant)
    a1 = _item("A.1")
    services.self_assessment_save(
        application=application,
        by=applicant,
        answers=[services.AnswerInput(a1, SelfAssessmentAnswer.Answer.PARTIAL, "")],
    )

    services.self_assessment_save(
        application=application,
        by=applicant,
        answers=[services.AnswerInput(a1, SelfAssessmentAnswer.Answer.CONFORM, "Fatto.")],
    )

    answer = SelfAssessmentAnswer.objects.get()
    assert (answer.answer, answer.comment) == (SelfAssessmentAnswer.Answer.CONFORM, "Fatto.")


@pytest.mark.parametrize("frm", [S.SUBMITTED, S.UNDER_REVIEW, S.APPROVED, S.WITHDRAWN])
def test_the_applicant_cannot_change_answers_outside_draft_and_integration(
    frm, applicant, committee
):
    application = application_in(frm, applicant=applicant, committee=committee)
    before = list(SelfAssessmentAnswer.objects.values_list("answer", flat=True))

    with pytest.raises(ValidationError, match="non si può più modificare"):
        services.self_assessment_save(
            application=application,
            by=applicant,
            answers=[services.AnswerInput(_item("A.1"), SelfAssessmentAnswer.Answer.PARTIAL, "")],
        )
    assert list(SelfAssessmentAnswer.objects.values_list("answer", flat=True)) == before


def test_answers_can_be_changed_when_information_is_requested(applicant, committee):
    application = application_in(S.INFO_REQUESTED, applicant=applicant, committee=committee)

    services.self_assessment_save(
        application=application,
        by=applicant,
        answers=[services.AnswerInput(_item("A.1"), SelfAssessmentAnswer.Answer.PARTIAL, "")],
    )

    assert SelfAssessmentAnswer.objects.get(item=_item("A.1")).answer == "parziale"


def test_another_firm_cannot_answer(applicant, applicant_b):
    application = new_application(applicant)

    with pytest.raises(PermissionDenied):
        services.self_assessment_save(
            application=application,
            by=applicant_b,
            answers=[services.AnswerInput(_item("A.1"), SelfAssessmentAnswer.Answer.CONFORM, "")],
        )
    assert not SelfAssessmentAnswer.objects.exists()


def test_declarations_given_once_stay_as_they_were(applicant, firm_a):
    from tests.factories import UserFactory

    colleague = UserFactory(email="carlo@contactuno.example", organization=firm_a)
    application = new_application(applicant)
    services.declarations_give(
        application=application, by=applicant, kinds=[Declaration.Kind.TRUTHFULNESS]
    )
    first = Declaration.objects.get()

    services.declarations_give(
        application=application,
        by=colleague,
        kinds=[Declaration.Kind.TRUTHFULNESS, Declaration.Kind.PRIVACY],
    )

    rows = {d.kind: d for d in Declaration.objects.all()}
    assert set(rows) == {Declaration.Kind.TRUTHFULNESS, Declaration.Kind.PRIVACY}
    kept = rows[Declaration.Kind.TRUTHFULNESS]
    assert (kept.accepted_by, kept.accepted_at) == (applicant, first.accepted_at)
    assert rows[Declaration.Kind.PRIVACY].accepted_by == colleague


def test_a_number_declared_by_another_firm_is_refused(applicant, applicant_b):
    mine = new_application(applicant)
    theirs = new_application(applicant_b)
    services.calling_number_declare(application=theirs, by=applicant_b, number="+390212345678")

    with pytest.raises(ValidationError, match="un'altra organizzazione"):
        services.calling_number_declare(application=mine, by=applicant, number="+390212345678")
    assert CallingNumber.objects.filter(organization=applicant.organization).count() == 0


def test_a_withdrawn_number_can_be_declared_by_another_firm(applicant, applicant_b):
    mine = new_application(applicant)
    theirs = new_application(applicant_b)
    number = services.calling_number_declare(
        application=theirs, by=applicant_b, number="+390212345678"
    )
    services.calling_number_withdraw(application=theirs, by=applicant_b, calling_number=number)

    declared = services.calling_number_declare(
        application=mine, by=applicant, number="+390212345678"
    )

    assert declared.organization == applicant.organization
    assert declared.application == mine
    number.refresh_from_db()
    assert number.withdrawn_at is not None


def test_a_firm_cannot_declare_its_own_number_twice(applicant):
    application = new_application(applicant)
    services.calling_number_declare(application=application, by=applicant, number="+390212345678")

    with pytest.raises(ValidationError, match="già tra quelli dichiarati"):
        services.calling_number_declare(
            application=application, by=applicant, number="+390212345678"
        )
    assert CallingNumber.objects.count() == 1


def test_a_refused_file_undoes_the_whole_save_files_on_disk_included(applicant, private_root):  # noqa: F811
    from django.core.files.uploadedfile import SimpleUploadedFile

    from certification.models import EvidenceFile
    from tests.certification.application_helpers import PDF

    application = new_application(applicant)

    with pytest.raises(ValidationError, match="Tipo di file non ammesso"):
        services.self_assessment_save(
            application=application,
            by=applicant,
            answers=[services.AnswerInput(_item("A.1"), SelfAssessmentAnswer.Answer.CONFORM, "")],
            uploads=[
                (_item("A.1"), SimpleUploadedFile("buono.pdf", PDF)),
                (_item("B.1"), SimpleUploadedFile("cattivo.pdf", b"MZ" + b"\0" * 100)),
            ],
        )

    assert not SelfAssessmentAnswer.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert not [p for p in private_root.rglob("*") if p.is_file()]


@pytest.mark.parametrize("number", ["0212345678", "+33123456789", "+39 02 1234", ""])
def test_the_service_takes_only_italian_numbers_in_e164(applicant, number):
    application = new_application(applicant)

    with pytest.raises(ValidationError) as caught:
        services.calling_number_declare(application=application, by=applicant, number=number)

    assert caught.value.code == "invalid_number"
    assert not CallingNumber.objects.exists()

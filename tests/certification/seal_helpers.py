"""Seals for tests: an application of a firm taken through audit to the committee's approval,
which issues the seal (and, in eager mode, renders its certificate)."""

from __future__ import annotations

from certification.models import Application, Seal, User
from certification.services.decisions import decision_record
from tests.certification.nonconformity_helpers import application_in_evaluation, evaluated
from tests.factories import UserFactory


def decider(committee: User) -> User:
    """A committee member other than whoever assigned the audit (the four-eyes rule only
    bars auditors, but a second member reads better in the history)."""
    return committee


def approve(
    *, firm, applicant: User, committee: User, lead: User, reason: str = "Requisiti rispettati"
) -> Seal:
    application = application_in_evaluation(
        firm=firm, applicant=applicant, committee=committee, lead=lead
    )
    evaluated(application, lead)
    decision_record(application=application, by=committee, outcome="approvata", reason=reason)
    return Seal.objects.get(application=application)


def evaluated_application(*, firm, applicant: User, committee: User, lead: User) -> Application:
    application = application_in_evaluation(
        firm=firm, applicant=applicant, committee=committee, lead=lead
    )
    return evaluated(application, lead)


def another_auditor(n: int) -> User:
    return UserFactory(email=f"auditor{n}@oic.example", role="auditor")

"""Seal numbers under real concurrency: approvals decided at the same moment from separate
connections get distinct, consecutive numbers, and one rolled back gives its number back."""

import threading

import pytest
from django.db import connections, transaction
from django.utils import timezone

from certification.models import Application, Seal, SealCounter
from certification.services.audits import audit_assign
from certification.services.decisions import decision_record
from certification.services.seals import format_number
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.nonconformity_helpers import PASSING, evaluated, lead_score, set_status
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    UserFactory,
    make_current_version_with_checklist,
)

S = Application.Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "private_root"),
]


class Queued:
    """Stands in for the render task: the numbering is what these tests look at."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def delay(self, seal_id: int, version: int) -> None:
        with self._lock:
            self.calls.append((seal_id, version))


class RolledBack(Exception):
    pass


@pytest.fixture
def queued(monkeypatch) -> Queued:
    fake = Queued()
    monkeypatch.setattr("certification.tasks.render_certificate", fake)
    return fake


def evaluated_applications(count: int, *, committee, lead) -> list[Application]:
    """`count` firms, each with an application evaluated by `lead` and ready for a decision."""
    make_current_version_with_checklist()
    applications = []
    for _ in range(count):
        firm = OrganizationFactory()
        applicant = UserFactory(role="richiedente", organization=firm)
        application = ApplicationFactory(organization=firm, created_by=applicant)
        Application.objects.filter(pk=application.pk).update(
            status=S.SUBMITTED, submitted_at=timezone.now()
        )
        application.refresh_from_db()
        audit_assign(application=application, by=committee, lead=lead)
        set_status(application, S.IN_EVALUATION)
        lead_score(application, lead, PASSING)
        applications.append(evaluated(application, lead))
    return applications


def approve(application: Application, committee) -> None:
    decision_record(
        application=Application.objects.get(pk=application.pk),
        by=committee,
        outcome="approvata",
        reason="Requisiti rispettati",
    )


def approve_then_roll_back(application: Application, committee) -> None:
    with transaction.atomic():
        approve(application, committee)
        raise RolledBack


def race(actions: list) -> list:
    """Run the actions in threads released together, each on its own database connection."""
    barrier = threading.Barrier(len(actions))
    outcomes: list = [None] * len(actions)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = actions[index]()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_twelve_approvals_at_once_get_twelve_consecutive_numbers(committee, auditor, queued):
    applications = evaluated_applications(13, committee=committee, lead=auditor)
    approved, rolled_back = applications[:12], applications[12]
    # The thirteenth approval takes a number among the others, then rolls back.
    actions = [lambda a=a: approve(a, committee) for a in approved]
    actions.insert(5, lambda: approve_then_roll_back(rolled_back, committee))

    outcomes = race(actions)

    errors = [o for o in outcomes if o is not None]
    assert len(errors) == 1 and isinstance(errors[0], RolledBack), outcomes
    year = timezone.localdate().year
    numbers = sorted(Seal.objects.values_list("number", flat=True))
    assert numbers == [format_number(year, n) for n in range(1, 13)]
    assert SealCounter.objects.get(year=year).last_sequence == 12
    assert set(Seal.objects.values_list("application", flat=True)) == {a.pk for a in approved}
    rolled_back.refresh_from_db()
    assert rolled_back.status == S.EVALUATED
    # Each committed approval queued its certificate; the rolled-back one queued nothing.
    assert sorted(seal_id for seal_id, _ in queued.calls) == sorted(
        Seal.objects.values_list("pk", flat=True)
    )


def test_a_rolled_back_approval_leaves_no_gap(committee, auditor, queued):
    first, second = evaluated_applications(2, committee=committee, lead=auditor)

    with pytest.raises(RolledBack):
        approve_then_roll_back(first, committee)
    approve(second, committee)
    approve(first, committee)

    year = timezone.localdate().year
    assert Seal.objects.get(application=second).number == format_number(year, 1)
    assert Seal.objects.get(application=first).number == format_number(year, 2)
    assert SealCounter.objects.get(year=year).last_sequence == 2
    assert len(queued.calls) == 2

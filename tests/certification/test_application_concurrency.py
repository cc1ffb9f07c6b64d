"""Two clicks at once: the row lock lets one submit through, the other finds it already sent."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections

from certification.models import Application, ApplicationEvent
from certification.services import applications as services
from tests.certification.application_helpers import (
    complete,
    current_version,  # noqa: F401
    new_application,
    reference_data,  # noqa: F401
)

S = Application.Status

# Real transactions: each thread has its own connection and sees only what was committed.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data", "current_version", "private_root"),
]


def _race(action, count: int = 2) -> list:
    """Run `action` in `count` threads started together; return each one's result or error."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return outcomes


def test_two_concurrent_submits_make_one_transition_and_one_history_row(applicant, settings):
    settings.OIC_NOTIFICATION_EMAIL = ""
    application = complete(new_application(applicant), applicant)

    outcomes = _race(
        lambda: services.application_submit(
            application=Application.objects.get(pk=application.pk), by=applicant
        )
    )

    done = [o for o in outcomes if isinstance(o, services.TransitionResult)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(done) == 1, outcomes
    assert len(refused) == 1, outcomes
    assert refused[0].code == "invalid_transition"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert (
        ApplicationEvent.objects.filter(application=application, to_status=S.SUBMITTED).count() == 1
    )


def test_a_withdrawal_racing_a_submit_leaves_one_consistent_outcome(applicant):
    application = complete(new_application(applicant), applicant)
    actions = iter(
        [
            lambda: services.application_submit(application=application, by=applicant),
            lambda: services.application_withdraw(application=application, by=applicant),
        ]
    )
    lock = threading.Lock()

    def next_action():
        with lock:
            action = next(actions)
        return action()

    outcomes = _race(next_action)

    # Submit first: both succeed (a submitted application can be withdrawn). Withdraw first:
    # the submit finds a withdrawn application and is refused. Either way the application ends
    # withdrawn and the history chains each successful transition, once, state to state.
    done = [o for o in outcomes if isinstance(o, services.TransitionResult)]
    refused = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(done) + len(refused) == 2, outcomes
    application.refresh_from_db()
    assert application.status == S.WITHDRAWN
    events = list(
        ApplicationEvent.objects.filter(application=application)
        .exclude(from_status="")
        .order_by("id")
    )
    assert len(events) == len(done)
    assert events[0].from_status == S.DRAFT
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_status == before.to_status
    assert events[-1].to_status == S.WITHDRAWN

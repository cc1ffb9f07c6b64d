"""The daily task: seals past their validity become expired, and firms are reminded to renew
90 and 30 days before expiry, each reminder once, whatever the number of runs."""

import datetime

import pytest
from django.utils import timezone as django_timezone

from certification.models import Seal, SealEvent, SealReminder
from certification.services import seals as seal_services
from certification.tasks import seals_daily
from tests.certification.seal_helpers import approve
from tests.factories import ApplicationFactory, UserFactory

pytestmark = pytest.mark.django_db

St = Seal.Status


class Clock:
    """The seal services' view of the date: set to any day, the rest of Django keeps the real
    clock."""

    def __init__(self) -> None:
        self.day = django_timezone.localdate()

    def localdate(self, value=None, timezone=None):
        if value is None:
            return self.day
        return django_timezone.localdate(value, timezone)

    def now(self) -> datetime.datetime:
        return django_timezone.make_aware(datetime.datetime.combine(self.day, datetime.time(6, 0)))


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(seal_services, "timezone", clock)
    return clock


@pytest.fixture
def seal(
    private_root,
    firm_a,
    applicant,
    committee,
    auditor,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    mailoutbox.clear()  # the approval's own e-mails
    return seal


@pytest.fixture
def run_daily(django_capture_on_commit_callbacks):
    """One run of the daily task, as beat would start it, e-mails sent after each commit."""

    def run() -> dict:
        with django_capture_on_commit_callbacks(execute=True):
            return seals_daily.delay().get()

    return run


def days_before(seal: Seal, days: int) -> datetime.date:
    return seal.valid_until - datetime.timedelta(days=days)


def reminder_subjects(mailoutbox) -> list[str]:
    return [m.subject for m in mailoutbox]


# --- reminders -----------------------------------------------------------------------------


def test_nothing_is_sent_long_before_expiry(seal, clock, run_daily, mailoutbox):
    clock.day = days_before(seal, 91)

    assert run_daily() == {"expired": 0, "reminders": 0, "requeued": 0}
    assert mailoutbox == []


def test_each_reminder_is_sent_once_90_then_30_days_before(
    seal, clock, run_daily, mailoutbox, applicant
):
    colleague = UserFactory(
        email="luca@contactuno.example", role="richiedente", organization=seal.organization
    )

    clock.day = days_before(seal, 90)
    assert run_daily()["reminders"] == 1
    assert run_daily()["reminders"] == 0
    clock.day = days_before(seal, 89)
    assert run_daily()["reminders"] == 0
    assert sorted(m.to[0] for m in mailoutbox) == sorted([applicant.email, colleague.email])
    first = mailoutbox[0]
    assert seal.number in first.subject
    assert seal.valid_until.strftime("%d/%m/%Y") in first.subject
    assert "tra circa 90 giorni" in first.body
    assert "/azienda/bollini/" in first.body

    clock.day = days_before(seal, 30)
    assert run_daily()["reminders"] == 1
    assert run_daily()["reminders"] == 0
    clock.day = days_before(seal, 1)
    assert run_daily()["reminders"] == 0

    assert len(mailoutbox) == 4  # two reminders, two people each
    assert "tra circa 30 giorni" in mailoutbox[-1].body
    assert sorted(SealReminder.objects.filter(seal=seal).values_list("kind", flat=True)) == [
        30,
        90,
    ]


def test_a_run_missed_on_day_90_sends_the_reminder_the_next_day(seal, clock, run_daily):
    clock.day = days_before(seal, 75)

    assert run_daily()["reminders"] == 1
    assert SealReminder.objects.get(seal=seal).kind == 90


def test_inside_30_days_only_the_30_day_reminder_is_sent(seal, clock, run_daily, mailoutbox):
    clock.day = days_before(seal, 20)

    assert run_daily()["reminders"] == 1
    clock.day = days_before(seal, 19)
    assert run_daily()["reminders"] == 0
    assert list(SealReminder.objects.filter(seal=seal).values_list("kind", flat=True)) == [30]
    assert len(mailoutbox) == 1


def test_a_firm_with_a_renewal_under_way_gets_no_reminder(
    seal, clock, run_daily, mailoutbox, applicant
):
    ApplicationFactory(organization=seal.organization, created_by=applicant, kind="rinnovo")

    for days in (90, 30, 5):
        clock.day = days_before(seal, days)
        assert run_daily()["reminders"] == 0
    assert mailoutbox == []
    assert not SealReminder.objects.exists()


def test_a_suspended_seal_gets_no_reminder(seal, clock, run_daily, mailoutbox, committee):
    seal_services.seal_suspend(
        seal=seal, by=committee, reason="Verifica", public_reason=Seal.PublicReason.REPORTS
    )
    clock.day = days_before(seal, 30)

    assert run_daily()["reminders"] == 0
    assert mailoutbox == []


def test_a_reminder_that_could_not_be_queued_is_sent_by_the_next_run(
    seal, clock, run_daily, mailoutbox, monkeypatch
):
    from certification import tasks

    real_delay = tasks.send_seal_reminder.delay

    def broker_down(*args, **kwargs):
        raise ConnectionError("broker unreachable")

    clock.day = days_before(seal, 90)
    monkeypatch.setattr(tasks.send_seal_reminder, "delay", broker_down)
    run_daily()
    assert mailoutbox == []
    assert not SealReminder.objects.exists()

    monkeypatch.setattr(tasks.send_seal_reminder, "delay", real_delay)
    clock.day = days_before(seal, 89)
    assert run_daily()["reminders"] == 1
    assert len(mailoutbox) == 1


# --- expiry --------------------------------------------------------------------------------


def test_on_its_last_valid_day_the_seal_is_still_active(seal, clock, run_daily):
    clock.day = seal.valid_until

    assert run_daily()["expired"] == 0
    seal.refresh_from_db()
    assert seal.status == St.ACTIVE


def test_the_day_after_its_validity_the_seal_expires_once(seal, clock, run_daily, mailoutbox):
    clock.day = seal.valid_until + datetime.timedelta(days=1)

    assert run_daily()["expired"] == 1
    assert run_daily()["expired"] == 0

    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.EXPIRED, Seal.PublicReason.EXPIRY)
    events = list(SealEvent.objects.filter(seal=seal).order_by("at", "id"))
    assert len(events) == 2
    assert (events[-1].from_status, events[-1].to_status, events[-1].actor) == (
        St.ACTIVE,
        St.EXPIRED,
        None,
    )
    assert events[-1].public_reason == Seal.PublicReason.EXPIRY
    assert mailoutbox == []  # no reminder for a seal that has expired


def test_a_suspended_seal_also_expires(seal, clock, run_daily, committee):
    seal_services.seal_suspend(
        seal=seal, by=committee, reason="Verifica", public_reason=Seal.PublicReason.REPORTS
    )
    clock.day = seal.valid_until + datetime.timedelta(days=3)

    run_daily()

    seal.refresh_from_db()
    assert seal.status == St.EXPIRED
    assert SealEvent.objects.filter(seal=seal, from_status=St.SUSPENDED).count() == 1


def test_a_revoked_seal_stays_revoked(seal, clock, run_daily, committee):
    seal_services.seal_revoke(
        seal=seal, by=committee, reason="Revoca", public_reason=Seal.PublicReason.CEASED
    )
    clock.day = seal.valid_until + datetime.timedelta(days=1)

    assert run_daily()["expired"] == 0
    seal.refresh_from_db()
    assert seal.status == St.REVOKED


def test_the_daily_run_requeues_a_certificate_whose_file_went_missing(
    seal, clock, run_daily, private_root
):
    (private_root / seal.pdf_file).unlink()

    assert run_daily()["requeued"] == 1

    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.READY
    assert seal.pdf_version == 2
    assert (private_root / seal.pdf_file).is_file()

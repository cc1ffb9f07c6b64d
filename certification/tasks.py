"""Thin tasks: load the row, call the service, retry on failure."""

import logging

from celery import shared_task
from celery.signals import worker_init
from django.conf import settings

from certification.models import ApplicationEvent, SealReminder
from certification.notifications import send_application_event_emails, send_seal_reminder_emails

logger = logging.getLogger(__name__)


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def notify_application_event(event_id: int) -> None:
    event = (
        ApplicationEvent.objects.select_related("application__organization")
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    send_application_event_emails(event)


@worker_init.connect
def warm_up_certificates(**kwargs) -> None:
    """In the worker's main process, before the pool forks: each child inherits what the first
    certificate render would otherwise load in every child."""
    from certification.certificates import certificate_warm_up

    certificate_warm_up()


def retry_countdown(retries: int) -> int:
    """Exponential backoff, capped below the broker's visibility timeout (a message waiting
    longer than that would be delivered twice)."""
    return min(settings.CERTIFICATE_RETRY_BACKOFF * 2**retries, settings.CERTIFICATE_RETRY_MAX)


@shared_task(bind=True, max_retries=None)
def render_certificate(self, seal_id: int, version: int) -> str:
    """Render and store a seal's certificate; idempotent, so a redelivery costs nothing."""
    from certification.certificates import (
        certificate_render,
        certificate_render_failed,
        certificate_render_started,
    )

    if not certificate_render_started(seal_id, version):
        logger.error("certificate of seal %s: too many interrupted renders", seal_id)
        return "failed"
    try:
        return certificate_render(seal_id, version)
    except Exception as exc:
        final = self.request.retries >= settings.CERTIFICATE_MAX_RETRIES
        certificate_render_failed(seal_id, version, f"{type(exc).__name__}: {exc}", final=final)
        if final:
            logger.error("certificate of seal %s failed for good: %s", seal_id, exc)
            return "failed"
        raise self.retry(exc=exc, countdown=retry_countdown(self.request.retries)) from exc


@shared_task
def certificates_sweep() -> int:
    from certification.services.seals import certificates_sweep as sweep

    return sweep()


@shared_task
def seals_daily() -> dict[str, int]:
    """Once a day: expire seals past their validity, send renewal reminders, and re-queue any
    certificate whose file went missing."""
    from certification.services.seals import certificates_sweep as sweep
    from certification.services.seals import reminders_send, seals_expire

    return {
        "expired": seals_expire(),
        "reminders": reminders_send(),
        "requeued": sweep(check_files=True),
    }


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=600, max_retries=8)
def send_seal_reminder(reminder_id: int) -> None:
    reminder = (
        SealReminder.objects.select_related("seal__organization").filter(pk=reminder_id).first()
    )
    if reminder is None:
        return
    send_seal_reminder_emails(reminder)


@shared_task
def reports_erase_expired_contacts() -> int:
    """Once a day: erase the callers' contact data of reports closed past the retention."""
    from certification.services.reports import reports_erase_expired_contacts as erase

    return erase()


@shared_task(autoretry_for=(Exception,), retry_backoff=True, retry_backoff_max=300, max_retries=5)
def queue_certificate_batch(batch_id: int) -> int:
    """Fan a bulk re-render out into one render task per certificate."""
    from certification.services.seals import batch_queue_renders

    return batch_queue_renders(batch_id)

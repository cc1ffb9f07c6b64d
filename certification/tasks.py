"""Thin tasks: load the row, call the service, retry on failure."""

from celery import shared_task

from certification.models import ApplicationEvent
from certification.notifications import send_application_event_emails


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

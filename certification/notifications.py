"""Who hears about what, by e-mail."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.template.loader import render_to_string
from django.utils import translation

from certification.models import Application, ApplicationEvent, User

S = Application.Status


def _oic_addresses() -> list[str]:
    committee = list(
        User.objects.filter(role=User.Role.COMMITTEE, is_active=True).values_list(
            "email", flat=True
        )
    )
    extra = [settings.OIC_NOTIFICATION_EMAIL] if settings.OIC_NOTIFICATION_EMAIL else []
    return sorted(set(committee + extra))


def _organization_addresses(application: Application) -> list[str]:
    return sorted(
        application.organization.members.filter(is_active=True).values_list("email", flat=True)
    )


def recipients_for(event: ApplicationEvent) -> dict[str, list[str]]:
    """Audience ('oic' or 'organization') -> addresses, for this event."""
    application = event.application
    audiences: dict[str, list[str]] = {}
    if event.to_status in (S.SUBMITTED, S.WITHDRAWN) or (
        event.from_status == S.INFO_REQUESTED and event.to_status == S.UNDER_REVIEW
    ):
        audiences["oic"] = _oic_addresses()
    if event.to_status != S.DRAFT:
        audiences["organization"] = _organization_addresses(application)
    return {k: v for k, v in audiences.items() if v}


def send_application_event_emails(event: ApplicationEvent) -> int:
    messages = []
    with translation.override("it"):
        for audience, addresses in recipients_for(event).items():
            context = {
                "event": event,
                "application": event.application,
                "audience": audience,
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("certification/email/event_subject.txt", context).strip()
            body = render_to_string("certification/email/event_body.txt", context)
            messages.extend(
                (subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses
            )
    return send_mass_mail(messages, fail_silently=False)


def send_seal_reminder_emails(reminder) -> int:
    """Tell the firm's members that their seal expires soon and how to renew it."""
    seal = reminder.seal
    addresses = sorted(
        seal.organization.members.filter(is_active=True).values_list("email", flat=True)
    )
    if not addresses:
        return 0
    with translation.override("it"):
        context = {"seal": seal, "reminder": reminder, "site_url": settings.SITE_URL}
        subject = render_to_string("certification/email/seal_reminder_subject.txt", context).strip()
        body = render_to_string("certification/email/seal_reminder_body.txt", context)
    return send_mass_mail(
        [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses],
        fail_silently=False,
    )

from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "role": getattr(user, "role", None) if user and user.is_authenticated else None,
        "site_url": settings.SITE_URL,
    }

from django.conf import settings
from django.http import HttpRequest

from certification.models import User
from codice.services import can_manage_codice


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "site_url": settings.SITE_URL,
        "can_manage_codice": can_manage_codice(user),
        "is_auditor": bool(user and user.is_authenticated and user.role == User.Role.AUDITOR),
        "is_applicant": bool(user and user.is_authenticated and user.role == User.Role.APPLICANT),
        "is_association_member": bool(
            user and user.is_authenticated and user.role == User.Role.ASSOCIATION
        ),
    }

from django.conf import settings
from django.http import HttpRequest

from certification.models import User
from certification.roles import ROLE_PERMISSIONS


def portal(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "site_url": settings.SITE_URL,
        # The menu's link, on every page: decided by the role, whose group holds the permission
        # (certification.roles), without the two permission queries of has_perm(). The pages
        # behind it check the permission itself.
        "can_manage_codice": bool(
            user
            and user.is_authenticated
            and (user.is_superuser or "codice.manage_codice" in ROLE_PERMISSIONS.get(user.role, ()))
        ),
        "is_auditor": bool(user and user.is_authenticated and user.role == User.Role.AUDITOR),
        "is_applicant": bool(user and user.is_authenticated and user.role == User.Role.APPLICANT),
        "has_organization": bool(user and user.is_authenticated and user.organization_id),
        "is_association_member": bool(
            user and user.is_authenticated and user.role == User.Role.ASSOCIATION
        ),
    }

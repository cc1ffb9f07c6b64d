from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language

from certification.models import Seal, User
from certification.services.privacy import personal_data
from certification.services.registry import registry_cache_key, registry_generation
from codice.models import CodeVersion
from oic_portal.cache import cached_once

LATEST_SEALS = 6


def home(request: HttpRequest) -> HttpResponse:
    """What the seal means for consumers, the public searches, the latest certified firms."""
    # The same for everyone in one language until the registry changes (its generation covers
    # seals and code versions): kept under it, never stale.
    generation = registry_generation()
    if generation is None:
        content = _home_content(request)
    else:
        content = cached_once(
            registry_cache_key("home", generation, get_language()),
            lambda: _home_content(request),
            settings.REGISTRY_CACHE_SECONDS,
        )
    return render(request, "portal/home.html", {"content": content})


def _home_content(request: HttpRequest) -> str:
    latest = (
        Seal.objects.filter(status=Seal.Status.ACTIVE)
        .select_related("organization")
        .only(
            "number",
            "issued_at",
            "organization",
            "organization__legal_name",
            "organization__partita_iva",
            "organization__comune",
            "organization__provincia",
        )
        .order_by("-year", "-sequence")[:LATEST_SEALS]
    )
    return render_to_string(
        "portal/_home.html",
        {"current": CodeVersion.objects.current(), "latest_seals": latest},
        request=request,
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


def cookies(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/cookies.html")


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The person's own data: a page that explains, and the JSON download (GDPR art. 15/20)."""
    if request.GET.get("formato") == "json":
        response = JsonResponse(
            personal_data(request.user), json_dumps_params={"ensure_ascii": False, "indent": 2}
        )
        response["Content-Disposition"] = 'attachment; filename="i-miei-dati.json"'
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "portal/my_data.html")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The reserved area: what this person's role may do, with a link to each thing."""
    role = request.user.role
    return render(
        request,
        "portal/dashboard.html",
        {
            "is_committee": role == User.Role.COMMITTEE,
            "is_auditor": role == User.Role.AUDITOR,
            "is_applicant": role == User.Role.APPLICANT,
            "is_association_member": role == User.Role.ASSOCIATION,
            "is_admin": role == User.Role.ADMIN or request.user.is_staff,
            "draft": CodeVersion.objects.drafts().first() if role == User.Role.COMMITTEE else None,
        },
    )

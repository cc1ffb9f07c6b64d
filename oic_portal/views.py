from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from certification.models import User
from codice.models import CodeVersion


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"current": CodeVersion.objects.current()})


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


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

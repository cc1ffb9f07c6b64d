"""The firm's declared calling numbers, kept current outside any application (/azienda/numeri/).

Like every page under /azienda/, it works on the organization of the person logged in: a
number is looked up only among that organization's own.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certification.forms.calling_numbers import CallingNumberForm
from certification.models import CallingNumber, Organization
from certification.services.calling_numbers import (
    organization_calling_number_declare,
    organization_calling_number_withdraw,
)
from certification.views.organizations import member_required


def _get_number(organization: Organization, pk: int) -> CallingNumber:
    return get_object_or_404(CallingNumber, pk=pk, organization=organization)


@member_required
@require_http_methods(["GET", "POST"])
def calling_numbers(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = CallingNumberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            declared = organization_calling_number_declare(
                organization=organization, by=request.user, number=form.cleaned_data["number"]
            )
        except ValidationError as exc:
            form.add_error("number", exc)
        else:
            messages.success(
                request, _("Numero %(number)s dichiarato.") % {"number": declared.number}
            )
            return redirect("certification:organization_calling_numbers")
    numbers = list(
        CallingNumber.objects.filter(organization=organization)
        .select_related("declared_by", "application")
        .order_by("withdrawn_at", "number")
    )
    return render(
        request,
        "certification/calling_numbers/list.html",
        {
            "organization": organization,
            "form": form,
            "active": [n for n in numbers if n.withdrawn_at is None],
            "withdrawn": sorted(
                (n for n in numbers if n.withdrawn_at is not None),
                key=lambda n: n.withdrawn_at,
                reverse=True,
            ),
            "crumbs": [
                (_("Area riservata"), reverse("dashboard")),
                (_("La tua azienda"), reverse("certification:organization")),
                (_("Numeri chiamanti"), None),
            ],
        },
    )


@member_required
@require_POST
def calling_number_withdraw(request: HttpRequest, organization: Organization, pk: int):
    number = _get_number(organization, pk)
    try:
        organization_calling_number_withdraw(
            organization=organization, by=request.user, calling_number=number
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Numero %(number)s ritirato.") % {"number": number.number})
    return redirect("certification:organization_calling_numbers")


urlpatterns = [
    path("azienda/numeri/", calling_numbers, name="organization_calling_numbers"),
    path(
        "azienda/numeri/<int:pk>/ritira/",
        calling_number_withdraw,
        name="organization_calling_number_withdraw",
    ),
]

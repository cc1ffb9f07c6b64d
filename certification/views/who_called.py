""" "Who called me?": a consumer types the number that called and learns whether a certified
contact center declared it (PRODUCT §7). A GET form, so a result can be linked and works
without JavaScript."""

from __future__ import annotations

from urllib.parse import urlencode

import phonenumbers
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import NoReverseMatch, path, reverse
from django.views.decorators.http import require_GET

from certification.forms.calling_numbers import WhoCalledForm
from certification.models import Seal
from oic_portal.ratelimit import client_ip, hit, too_many

RATE_WINDOW = 60  # seconds

# Pages built elsewhere; their addresses are fixed by the product (PRODUCT §9).
REPORT_NEW_PATH = "/segnalazioni/nuova/"


def registry_firm_url(partita_iva: str) -> str:
    try:
        return reverse("certification:registry_firm", args=[partita_iva])
    except NoReverseMatch:
        return f"/registro/{partita_iva}/"


def declaring_seal(e164: str) -> Seal | None:
    """The current seal of the firm that declares this number as active, in one query."""
    return (
        Seal.objects.current()
        .filter(
            organization__calling_numbers__number=e164,
            organization__calling_numbers__withdrawn_at__isnull=True,
        )
        .select_related("organization")
        .first()
    )


@require_GET
def who_called(request: HttpRequest) -> HttpResponse:
    asked = "numero" in request.GET
    if asked and not hit(
        "chi_mi_ha_chiamato",
        client_ip(request),
        limit=settings.WHO_CALLED_RATE_LIMIT,
        window=RATE_WINDOW,
    ):
        return too_many(request, window=RATE_WINDOW)
    form = WhoCalledForm(request.GET if asked else None)
    context: dict = {"form": form, "result": False}
    if asked and form.is_valid():
        e164 = form.cleaned_data["numero"]
        seal = declaring_seal(e164)
        report = {"numero": e164}
        if seal is not None:
            report["azienda"] = seal.organization.partita_iva
        context.update(
            result=True,
            e164=e164,
            national=phonenumbers.format_number(
                phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL
            ),
            seal=seal,
            firm_url=registry_firm_url(seal.organization.partita_iva) if seal else None,
            seal_url=reverse("certification:verify_seal", args=[seal.number]) if seal else None,
            report_url=f"{REPORT_NEW_PATH}?{urlencode(report)}",
        )
    return render(request, "certification/who_called/lookup.html", context)


urlpatterns = [
    path("chi-mi-ha-chiamato/", who_called, name="who_called"),
]

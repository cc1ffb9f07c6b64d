"""The second factor for staff: set up an authenticator app (TOTP) once, then type its code
after each login."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from oic_portal.ratelimit import hit
from oic_portal.security import has_device, is_staff_member, log

DEVICE_NAME = "app di autenticazione"


class CodeForm(forms.Form):
    code = forms.RegexField(
        label=gettext_lazy("Codice a 6 cifre"),
        regex=r"^\s*\d{6}\s*$",
        error_messages={
            "required": gettext_lazy("Scrivi il codice mostrato dall'app."),
            "invalid": gettext_lazy("Il codice è formato da 6 cifre."),
        },
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "maxlength": 8}
        ),
    )


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would read a bare word as a view name (500).
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


def _verify(request: HttpRequest, device: TOTPDevice, form: CodeForm) -> bool:
    """Check the code, at most OTP_ATTEMPTS_PER_HOUR times per user (a 6-digit code must
    not be guessable by trying)."""
    if not hit("otp", str(request.user.pk), limit=settings.OTP_ATTEMPTS_PER_HOUR, window=3600):
        form.add_error("code", _("Troppi tentativi: riprova tra un'ora."))
        return False
    if device.verify_token(form.cleaned_data["code"].strip()):
        return True
    log.warning("otp_failed user=%s", request.user.pk)
    form.add_error("code", _("Codice non valido o scaduto."))
    return False


@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Show a new secret as a QR code and as text; confirm it with a first code."""
    if not is_staff_member(request.user):
        return redirect(settings.LOGIN_REDIRECT_URL)
    if has_device(request.user):
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False
    ).first() or TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _verify(request, device, form):
        with transaction.atomic():
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=False).delete()
        otp_login(request, device)
        log.info("otp_enrolled user=%s", request.user.pk)
        return redirect(_next(request))
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(scale=4, border=2),
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    if not is_staff_member(request.user) or request.user.is_verified():
        return redirect(_next(request))
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("two_factor_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _verify(request, device, form):
        otp_login(request, device)
        log.info("otp_verified user=%s", request.user.pk)
        return redirect(_next(request))
    return render(
        request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)}
    )

"""Sign-up of a contact center's staff: an inactive account, confirmed from the e-mail link."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification.forms.signup import ConfirmForm, ConfirmWithPasswordForm, SignupForm
from certification.services.organizations import (
    SIGNUP_MAX_AGE,
    signup_check_token,
    signup_confirm,
    user_signup,
)
from oic_portal.ratelimit import rate_limit
from oic_portal.security import PASSWORD_BACKEND


@require_http_methods(["GET", "POST"])
@rate_limit(
    "signup",
    limit=settings.SIGNUP_RATE_LIMIT[0],
    window=settings.SIGNUP_RATE_LIMIT[1],
    methods=("POST",),
)
def signup(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        user_signup(
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        request.session["signup_email"] = data["email"]
        return redirect("certification:signup_done")
    return render(request, "certification/signup/signup.html", {"form": form})


@require_http_methods(["GET"])
def signup_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "certification/signup/done.html",
        {"email": request.session.get("signup_email", ""), "days": SIGNUP_MAX_AGE.days},
    )


@require_http_methods(["GET", "POST"])
def signup_confirm_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the e-mail. Opening it shows a button; pressing it activates the account
    and logs the person in."""
    try:
        ticket = signup_check_token(token)
    except ValidationError as exc:
        return render(
            request,
            "certification/signup/confirm_invalid.html",
            {"message": exc.messages[0]},
            status=400,
        )
    # The plain confirmation posts no field but the CSRF token: bind it on every POST.
    data = request.POST if request.method == "POST" else None
    if ticket.choose_password:
        form = ConfirmWithPasswordForm(data, user=ticket.user)
    else:
        form = ConfirmForm(data)
    if request.method == "POST" and form.is_valid():
        try:
            user = signup_confirm(token=token, password=form.cleaned_data.get("password1"))
        except ValidationError as exc:
            return render(
                request,
                "certification/signup/confirm_invalid.html",
                {"message": exc.messages[0]},
                status=400,
            )
        login(request, user, backend=PASSWORD_BACKEND)
        request.session.pop("signup_email", None)
        messages.success(
            request,
            _("Indirizzo confermato, benvenuta/o! Ora registra la tua azienda."),
        )
        return redirect("certification:organization_create")
    return render(
        request,
        "certification/signup/confirm.html",
        {"form": form, "person": ticket.user, "choose_password": ticket.choose_password},
    )


urlpatterns = [
    path("registrazione/", signup, name="signup"),
    path("registrazione/inviata/", signup_done, name="signup_done"),
    path(
        "registrazione/conferma/<str:token>/",
        signup_confirm_view,
        name="signup_confirm",
    ),
]

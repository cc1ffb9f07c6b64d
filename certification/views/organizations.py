"""The applicant's organization: registering it, its page, its sites, requests to join it and
invitations to colleagues.

No address carries an organization's id: each page works on the organization of the person
logged in, so nobody can reach another firm's data by changing a number. Sites and join
requests are looked up only within that organization.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certification.forms.organizations import (
    InvitationForm,
    JoinDecisionForm,
    JoinRequestForm,
    OrganizationForm,
    SiteForm,
)
from certification.forms.signup import InvitationSignupForm
from certification.models import (
    Invitation,
    JoinRequest,
    OperationalSite,
    Organization,
    Sector,
    User,
)
from certification.services.organizations import (
    DuplicatePartitaIva,
    invitation_accept,
    invitation_create,
    invitation_signup,
    join_request_create,
    join_request_decide,
    organization_register,
    organization_update,
    site_delete,
    site_save,
)
from oic_portal.security import PASSWORD_BACKEND

# --- access --------------------------------------------------------------------------------


def applicant_required(view: Callable) -> Callable:
    """Login first (redirect to the login page), then the applicant role (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.user.role != User.Role.APPLICANT:
            raise PermissionDenied(_("Queste pagine sono per le aziende richiedenti."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def member_required(view: Callable) -> Callable:
    """An applicant who belongs to an organization; one without is sent to register it. The
    view receives that organization, the only one this person can ever reach here."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        organization = _get_own_organization(request.user)
        if organization is None:
            return redirect("certification:organization_create")
        return view(request, organization, *args, **kwargs)

    return applicant_required(wrapper)


def _get_own_organization(user: User) -> Organization | None:
    if user.organization_id is None:
        return None
    return Organization.objects.select_related("provincia").get(pk=user.organization_id)


def _get_site(organization: Organization, pk: int) -> OperationalSite:
    return get_object_or_404(
        OperationalSite.objects.select_related("organization"), pk=pk, organization=organization
    )


def _get_join_request(organization: Organization, pk: int) -> JoinRequest:
    return get_object_or_404(JoinRequest, pk=pk, organization=organization)


# What secrets.token_urlsafe gives; anything else (a NUL would make the query fail) is no token.
INVITATION_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _get_invitation(token: str) -> Invitation | None:
    if not INVITATION_TOKEN.fullmatch(token):
        return None
    return (
        Invitation.objects.select_related("organization", "invited_by").filter(token=token).first()
    )


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("Area riservata"), reverse("dashboard")), *items]


def _organization_crumb() -> tuple[str, str]:
    return (_("La tua azienda"), reverse("certification:organization"))


# --- registering the organization ----------------------------------------------------------


@applicant_required
@require_http_methods(["GET", "POST"])
def organization_create(request: HttpRequest) -> HttpResponse:
    if request.user.organization_id is not None:
        return redirect("certification:organization")
    form = OrganizationForm(request.POST or None, prefix="azienda")
    site_form = SiteForm(request.POST or None, prefix="sede")
    if request.method == "POST":
        # Both forms are checked, so every mistake on the page is shown at once.
        valid = form.is_valid() & site_form.is_valid()
        if valid:
            try:
                organization_register(
                    by=request.user,
                    fields=form.organization_fields(),
                    sectors=form.cleaned_data["sectors"],
                    site=site_form.site_fields(),
                )
            except DuplicatePartitaIva as exc:
                form.duplicate = exc.organization
                form.add_error("partita_iva", exc)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Azienda registrata. Benvenuta/o nel portale!"))
                return redirect("certification:organization")
    join_form = None
    if form.duplicate is not None:
        join_form = JoinRequestForm(
            initial={"partita_iva": form.duplicate.partita_iva}, prefix="adesione"
        )
    return render(
        request,
        "certification/organizations/create.html",
        {
            "form": form,
            "site_form": site_form,
            "join_form": join_form,
            "duplicate": form.duplicate is not None,
            "pending_requests": JoinRequest.objects.filter(
                user=request.user, status=JoinRequest.Status.PENDING
            ).select_related("organization"),
            "crumbs": _crumbs((_("Registra la tua azienda"), None)),
        },
    )


@applicant_required
@require_http_methods(["GET", "POST"])
def join_request_new(request: HttpRequest) -> HttpResponse:
    """Ask to join an organization already registered, found by its partita IVA."""
    if request.user.organization_id is not None:
        return redirect("certification:organization")
    form = JoinRequestForm(request.POST or None, prefix="adesione")
    if request.method == "POST" and form.is_valid():
        try:
            join_request_create(
                by=request.user,
                organization=form.organization,
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Richiesta inviata: i colleghi già registrati la riceveranno per e-mail e "
                    "potranno accoglierla. Ti scriveremo quando avranno deciso."
                ),
            )
            return redirect("certification:organization_create")
    return render(
        request,
        "certification/organizations/join_request.html",
        {
            "form": form,
            "crumbs": _crumbs(
                (_("Registra la tua azienda"), reverse("certification:organization_create")),
                (_("Chiedi di entrare"), None),
            ),
        },
    )


# --- the organization's page ---------------------------------------------------------------


@member_required
@require_http_methods(["GET"])
def organization_detail(request: HttpRequest, organization: Organization) -> HttpResponse:
    now = timezone.now()
    prefetch_related_objects(
        [organization],
        Prefetch("sectors", queryset=Sector.objects.order_by("order", "name")),
        Prefetch(
            "sites",
            queryset=OperationalSite.objects.select_related("provincia").order_by("comune", "id"),
        ),
        Prefetch(
            "members",
            queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
        ),
    )
    pending = (
        JoinRequest.objects.filter(
            organization=organization,
            status=JoinRequest.Status.PENDING,
            # Someone who has meanwhile joined a firm is no longer waiting for an answer.
            user__organization__isnull=True,
        )
        .select_related("user")
        .order_by("created_at")
    )
    invitations = (
        Invitation.objects.filter(
            organization=organization, accepted_at__isnull=True, expires_at__gt=now
        )
        .select_related("invited_by")
        .order_by("-created_at")
    )
    sites = list(organization.sites.all())
    return render(
        request,
        "certification/organizations/detail.html",
        {
            "organization": organization,
            "sites": sites,
            "can_delete_sites": len(sites) > 1,
            "members": organization.members.all(),
            "sectors": organization.sectors.all(),
            "join_requests": pending,
            "invitations": invitations,
            "invitation_form": InvitationForm(prefix="invito"),
            "approve": JoinDecisionForm.APPROVE,
            "reject": JoinDecisionForm.REJECT,
            "crumbs": _crumbs((_("La tua azienda"), None)),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = OrganizationForm(request.POST or None, instance=organization, with_partita_iva=False)
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(
                by=request.user,
                organization=form.save(commit=False),
                sectors=form.cleaned_data["sectors"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Dati dell'azienda aggiornati."))
            return redirect("certification:organization")
    return render(
        request,
        "certification/organizations/edit.html",
        {
            "form": form,
            "organization": organization,
            "crumbs": _crumbs(_organization_crumb(), (_("Modifica i dati"), None)),
        },
    )


# --- join requests -------------------------------------------------------------------------


@member_required
@require_POST
def join_request_decide_view(
    request: HttpRequest, organization: Organization, pk: int
) -> HttpResponse:
    join_request = _get_join_request(organization, pk)
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Scegli se accogliere o respingere la richiesta."))
        return redirect("certification:organization")
    approve = form.cleaned_data["decision"] == JoinDecisionForm.APPROVE
    try:
        join_request_decide(join_request=join_request, by=request.user, approve=approve)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        name = join_request.user.get_full_name() or join_request.user.email
        if approve:
            messages.success(request, _("%(name)s ora fa parte dell'azienda.") % {"name": name})
        else:
            messages.success(request, _("Richiesta di %(name)s respinta.") % {"name": name})
    return redirect(f"{reverse('certification:organization')}#richieste")


# --- invitations ---------------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def invitation_new(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = InvitationForm(request.POST or None, prefix="invito")
    if request.method == "POST" and form.is_valid():
        try:
            invitation_create(
                by=request.user, organization=organization, email=form.cleaned_data["email"]
            )
        except ValidationError as exc:
            form.add_error("email", exc)
        else:
            messages.success(
                request,
                _("Invito inviato a %(email)s: è valido 7 giorni.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect(f"{reverse('certification:organization')}#inviti")
    return render(
        request,
        "certification/organizations/invitation_form.html",
        {
            "form": form,
            "crumbs": _crumbs(_organization_crumb(), (_("Invita un collega"), None)),
        },
    )


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    """The link of the invitation e-mail. A person logged in with the invited address accepts
    with a button; one without an account opens it here, with the invited address."""
    invitation = _get_invitation(token)
    if invitation is None:
        return render(
            request,
            "certification/organizations/invitation_invalid.html",
            {
                "message": _(
                    "Questo invito non esiste: controlla di aver copiato tutto il collegamento."
                )
            },
            status=404,
        )
    if invitation.accepted_at is not None or not invitation.is_usable:
        message = (
            _("Questo invito è già stato usato.")
            if invitation.accepted_at is not None
            else _("Questo invito è scaduto: chiedi a chi ti ha invitato di mandarne un altro.")
        )
        return render(
            request,
            "certification/organizations/invitation_invalid.html",
            {"message": message},
            status=410,
        )

    user = request.user
    context = {"invitation": invitation, "organization": invitation.organization}
    if user.is_authenticated:
        problem = _invitation_problem(invitation, user)
        if request.method == "POST" and problem is None:
            try:
                invitation_accept(invitation=invitation, by=user)
            except ValidationError as exc:
                problem = exc.messages[0]
            else:
                messages.success(
                    request,
                    _("Ora fai parte di %(name)s.") % {"name": invitation.organization},
                )
                return redirect("certification:organization")
        return render(
            request,
            "certification/organizations/invitation.html",
            {**context, "problem": problem, "mode": "accept"},
        )

    if User.objects.filter(email=invitation.email).exists():
        return render(
            request,
            "certification/organizations/invitation.html",
            {**context, "mode": "login", "login_next": request.path},
        )
    form = InvitationSignupForm(request.POST or None, email=invitation.email)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = invitation_signup(
                invitation=invitation,
                first_name=data["first_name"],
                last_name=data["last_name"],
                password=data["password1"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, person, backend=PASSWORD_BACKEND)
            messages.success(
                request,
                _("Account creato: ora fai parte di %(name)s.") % {"name": invitation.organization},
            )
            return redirect("certification:organization")
    return render(
        request,
        "certification/organizations/invitation.html",
        {**context, "mode": "signup", "form": form},
    )


def _invitation_problem(invitation: Invitation, user: User) -> str | None:
    """Why this logged-in person cannot accept, in words; None if they can."""
    if user.email != invitation.email:
        return _(
            "Questo invito è per %(invited)s, ma hai effettuato l'accesso come %(current)s. "
            "Esci e accedi con l'indirizzo invitato."
        ) % {"invited": invitation.email, "current": user.email}
    if user.role != User.Role.APPLICANT:
        return _("Solo gli account dei richiedenti possono entrare in un'organizzazione.")
    if user.organization_id == invitation.organization_id:
        return _("Fai già parte di questa organizzazione.")
    if user.organization_id is not None:
        return _("Fai già parte di un'altra organizzazione.")
    return None


# --- operational sites ---------------------------------------------------------------------


@member_required
@require_http_methods(["GET", "POST"])
def site_create(request: HttpRequest, organization: Organization) -> HttpResponse:
    form = SiteForm(request.POST or None, organization=organization)
    if request.method == "POST" and form.is_valid():
        site_save(by=request.user, site=form.save(commit=False))
        messages.success(request, _("Sede operativa aggiunta."))
        return redirect(f"{reverse('certification:organization')}#sedi")
    return _site_form_page(request, form, _("Aggiungi una sede operativa"), _("Aggiungi"))


@member_required
@require_http_methods(["GET", "POST"])
def site_edit(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    site = _get_site(organization, pk)
    form = SiteForm(request.POST or None, instance=site, organization=organization)
    if request.method == "POST" and form.is_valid():
        site_save(by=request.user, site=form.save(commit=False))
        messages.success(request, _("Sede operativa aggiornata."))
        return redirect(f"{reverse('certification:organization')}#sedi")
    return _site_form_page(
        request, form, _("Modifica la sede di %(comune)s") % {"comune": site.comune}, _("Salva")
    )


def _site_form_page(
    request: HttpRequest, form: SiteForm, title: str, submit_label: str
) -> HttpResponse:
    return render(
        request,
        "certification/organizations/site_form.html",
        {
            "form": form,
            "page_title": title,
            "submit_label": submit_label,
            "crumbs": _crumbs(_organization_crumb(), (title, None)),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def site_delete_view(request: HttpRequest, organization: Organization, pk: int) -> HttpResponse:
    site = _get_site(organization, pk)
    error = None
    if request.method == "POST":
        try:
            site_delete(by=request.user, site=site)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, _("Sede operativa eliminata."))
            return redirect(f"{reverse('certification:organization')}#sedi")
    title = _("Elimina la sede di %(comune)s") % {"comune": site.comune}
    return render(
        request,
        "certification/organizations/site_confirm_delete.html",
        {
            "site": site,
            "error": error,
            "is_last": not OperationalSite.objects.filter(organization=organization)
            .exclude(pk=site.pk)
            .exists(),
            "page_title": title,
            "crumbs": _crumbs(_organization_crumb(), (title, None)),
        },
    )


urlpatterns = [
    path("azienda/", organization_detail, name="organization"),
    path("azienda/nuova/", organization_create, name="organization_create"),
    path("azienda/modifica/", organization_edit, name="organization_edit"),
    path("azienda/adesione/", join_request_new, name="join_request_create"),
    path(
        "azienda/richieste/<int:pk>/decisione/",
        join_request_decide_view,
        name="join_request_decide",
    ),
    path("azienda/inviti/nuovo/", invitation_new, name="invitation_create"),
    path("azienda/sedi/nuova/", site_create, name="site_create"),
    path("azienda/sedi/<int:pk>/modifica/", site_edit, name="site_edit"),
    path("azienda/sedi/<int:pk>/elimina/", site_delete_view, name="site_delete"),
    path("invito/<str:token>/", invitation_accept_view, name="invitation_accept"),
]

"""The firm's seals and certificates; the committee's register of seals, a seal's page with its
lifecycle actions (suspend, reinstate, revoke, re-render, publish the score) and the bulk
re-rendering of certificates with its progress.

Committee pages go through `committee_required` (login, then 403) and reach a seal through
`_committee_seal`; the firm's pages through `applicant_member` (login, then 403, then the
person's own organization) and `_firm_certificate`. Every change is made by a service of
certification.services.seals, which locks the seal and checks role and state again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, lru_cache, wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.signals import setting_changed
from django.db import IntegrityError
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template import Context, Template
from django.urls import path, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from certification.addresses import address_of
from certification.certificates import certificate_file_missing, certificate_path
from certification.forms.seals import (
    ReinstateForm,
    RerenderAllForm,
    RevokeForm,
    ScorePublishedForm,
    SealFilterForm,
    SuspendForm,
)
from certification.forms.verification import is_seal_number
from certification.models import (
    Application,
    CertificateBatch,
    CertificateFile,
    Seal,
    SealEvent,
    User,
)
from certification.pagination import LargeCountPaginator
from certification.services import seals as services
from certification.services.applications import application_create_renewal
from certification.views.filter_menus import filter_menu

REGISTER_PAGE_SIZE = 25


# --- access --------------------------------------------------------------------------------


def committee_required(view: Callable) -> Callable:
    """Login first (redirect to the login page), then the committee's role (403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_committee:
            raise PermissionDenied(_("Solo il comitato di certificazione gestisce i bollini."))
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def applicant_member(view: Callable) -> Callable:
    """An applicant (else 403) who belongs to an organization (else sent to register it)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_applicant:
            raise PermissionDenied(_("Queste pagine sono per le aziende richiedenti."))
        if request.user.organization_id is None:
            return redirect("certification:organization_create")
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def _committee_seal(number: str) -> Seal:
    if not is_seal_number(number.upper()):
        raise Http404
    return get_object_or_404(
        Seal.objects.select_related(
            "organization__provincia", "code_version", "application", "replaces", "pdf_batch"
        ),
        number=number.upper(),
    )


def _firm_certificate(user: User, number: str) -> Seal:
    """The seal whose certificate this person may download, else 404 (another firm's seal
    and a missing one look the same). The firm gets it on the public rule: an active seal
    with its file ready; the committee gets any ready file."""
    seal = (
        Seal.objects.filter(number=number.upper()).first()
        if is_seal_number(number.upper())
        else None
    )
    if seal is None:
        raise Http404
    try:
        services.certificate_for_download(seal, user)
    except PermissionDenied as exc:
        raise Http404 from exc
    ready = seal.pdf_status == Seal.PdfStatus.READY and not certificate_file_missing(seal)
    if not ready or (not user.is_committee and not seal.certificate_available):
        raise Http404(_("Il certificato di questo bollino non è disponibile."))
    return seal


def _crumbs(*more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    crumbs = [
        (_("Area riservata"), reverse("dashboard")),
        (_("Registro dei bollini"), reverse("certification:seal_register")),
        *more,
    ]
    crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


def _error_text(exc: ValidationError | PermissionDenied) -> str:
    return exc.messages[0] if isinstance(exc, ValidationError) else str(exc)


# --- committee: the register ---------------------------------------------------------------


# The columns the register shows, read as plain values: the seals table and its join are wide,
# and building 50 model instances for a page cost more than its query.
REGISTER_FIELDS = (
    "number",
    "status",
    "valid_from",
    "valid_until",
    "pdf_status",
    "pdf_error",
    "organization__legal_name",
)


@cache
def _register_badges(status: str, pdf_status: str, has_error: bool) -> tuple[str, str, bool]:
    """The status badge, the certificate's badge and whether it carries the error as a title,
    by the model's own rules: asked of a bare seal once per combination and process."""
    seal = Seal(status=status, pdf_status=pdf_status, pdf_error="-" if has_error else "")
    return seal.status_badge, seal.pdf_badge, seal.pdf_error_shown


def _register_rows_html(seals: list[dict]) -> SafeString:
    """The register's table rows, written here rather than in the template, where two
    includes, urls, get_*_display and date filters a row were most of the page. Every text
    that comes from a seal or a firm is escaped."""
    if not seals:
        return SafeString("")
    detail = address_of("certification:seal_detail", seals[0]["number"])
    statuses = {status.value: escape(status.label) for status in Seal.Status}
    certificates = {pdf_status.value: escape(pdf_status.label) for pdf_status in Seal.PdfStatus}
    see_error = _("vedi l'errore")  # the portal's own words, as the template left them
    html = []
    for seal in seals:
        url, number = detail(seal["number"]), seal["number"]
        status_badge, pdf_badge, pdf_error_shown = _register_badges(
            seal["status"], seal["pdf_status"], bool(seal["pdf_error"])
        )
        title = f' title="{escape(seal["pdf_error"])}"' if pdf_error_shown else ""
        error_link = (
            f' <a href="{url}#certificato">{see_error}<span class="visually-hidden">'
            f" ({number})</span></a>"
            if seal["pdf_status"] == Seal.PdfStatus.FAILED
            else ""
        )
        html.append(
            "<tr>"
            f'<th scope="row"><a href="{url}">{number}</a></th>'
            f"<td>{escape(seal['organization__legal_name'])}</td>"
            f'<td><span class="badge {status_badge}">{statuses[seal["status"]]}</span></td>'
            f"<td>{seal['valid_from']:%d/%m/%Y}</td>"
            f"<td>{seal['valid_until']:%d/%m/%Y}</td>"
            f'<td><span class="badge {pdf_badge}"{title}>{certificates[seal["pdf_status"]]}</span>'
            f"{error_link}</td>"
            "</tr>"
        )
    return SafeString("\n".join(html))


RERENDER_FORM = Template("{% load crispy_forms_tags %}{{ form|crispy }}")


def _rerender_form_html(form: RerenderAllForm | None) -> SafeString:
    """The form that asks for every certificate again: a refused one with its errors, else
    the blank form, the same for everyone in one language (`_blank_rerender_form`)."""
    if form is not None:
        return RERENDER_FORM.render(Context({"form": form}))
    return _blank_rerender_form(get_language())


@lru_cache(maxsize=8)
def _blank_rerender_form(language: str) -> SafeString:
    # The language is the active one: an argument only to be part of the key.
    return RERENDER_FORM.render(Context({"form": RerenderAllForm()}))


@receiver(setting_changed)
def _forget_blank_rerender_form(**kwargs: object) -> None:
    _blank_rerender_form.cache_clear()


def _register_page(
    request: HttpRequest, rerender_form: RerenderAllForm | None = None
) -> HttpResponse:
    filters = SealFilterForm(request.GET or None)
    if request.GET and not filters.is_valid():
        messages.warning(request, _("Un filtro indicato non esiste: è stato ignorato."))
    seals = (
        filters.filter(Seal.objects.all()).values(*REGISTER_FIELDS).order_by("-year", "-sequence")
    )
    page = LargeCountPaginator(seals, REGISTER_PAGE_SIZE).get_page(request.GET.get("pagina"))
    rows_html = _register_rows_html(list(page.object_list))
    kept = {
        key: value
        for key, value in (filters.cleaned_data.items() if filters.is_valid() else ())
        if value
    }
    return render(
        request,
        "certification/seals/register.html",
        {
            "filters": filters,
            "menus": {
                name: filter_menu(SealFilterForm, name, request.GET.get(name))
                for name in ("stato", "certificato")
            },
            "page": page,
            "rows_html": rows_html,
            "query": urlencode(kept),
            "filtered": bool(kept),
            "rerender_form_html": _rerender_form_html(rerender_form),
            "batches": list(CertificateBatch.objects.order_by("-requested_at", "-id")[:5]),
            "crumbs": _crumbs(),
        },
    )


@committee_required
@require_http_methods(["GET", "POST"])
def seal_register(request: HttpRequest) -> HttpResponse:
    """The list of every seal; a POST asks for a new rendering of every current certificate."""
    if request.method == "GET":
        return _register_page(request)
    form = RerenderAllForm(request.POST)
    if not form.is_valid():
        return _register_page(request, form)
    batch = services.certificates_rerender_all(by=request.user, note=form.cleaned_data["note"])
    messages.success(
        request,
        _("Rigenerazione avviata per %(total)d certificati.") % {"total": batch.total},
    )
    return redirect("certification:certificate_batch", batch.pk)


# --- committee: one seal -------------------------------------------------------------------


def _detail_page(
    request: HttpRequest,
    seal: Seal,
    *,
    suspend_form: SuspendForm | None = None,
    reinstate_form: ReinstateForm | None = None,
    revoke_form: RevokeForm | None = None,
) -> HttpResponse:
    is_current = seal.is_current
    return render(
        request,
        "certification/seals/detail.html",
        {
            "seal": seal,
            "organization": seal.organization,
            "events": list(
                SealEvent.objects.filter(seal=seal).select_related("actor").order_by("at", "id")
            ),
            "files": list(CertificateFile.objects.filter(seal=seal).order_by("-version", "-id")),
            "replaced_by": Seal.objects.filter(replaces=seal).only("number").first(),
            "suspend_form": (suspend_form or SuspendForm()) if seal.is_active else None,
            "reinstate_form": (reinstate_form or ReinstateForm())
            if seal.status == Seal.Status.SUSPENDED
            else None,
            "revoke_form": (revoke_form or RevokeForm()) if is_current else None,
            "can_rerender": is_current,
            "can_download": seal.pdf_status == Seal.PdfStatus.READY
            and not certificate_file_missing(seal),
            "crumbs": _crumbs((_("Bollino %(number)s") % {"number": seal.number}, None)),
        },
    )


@committee_required
@require_GET
def seal_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail_page(request, _committee_seal(number))


def _refused(request: HttpRequest, seal: Seal, exc, **forms) -> HttpResponse:
    """A change the service refused (a state that does not allow it): the page again with the
    reason, nothing written."""
    messages.error(request, _error_text(exc))
    seal.refresh_from_db()
    return _detail_page(request, seal, **forms)


def _status_change(request, number: str, form_class, form_key: str, change, done: str):
    """The committee's suspend / reinstate / revoke: the form validates, the service changes
    the status under the seal's lock; any refusal shows the page again, nothing written."""
    seal = _committee_seal(number)
    form = form_class(request.POST)
    if not form.is_valid():
        return _detail_page(request, seal, **{form_key: form})
    try:
        change(seal=seal, by=request.user, **form.cleaned_data)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, seal, exc, **{form_key: form})
    messages.success(request, done % {"number": seal.number})
    return redirect("certification:seal_detail", seal.number)


@committee_required
@require_POST
def seal_suspend(request: HttpRequest, number: str) -> HttpResponse:
    return _status_change(
        request, number, SuspendForm, "suspend_form", services.seal_suspend,
        _("Il bollino %(number)s è sospeso."),
    )  # fmt: skip


@committee_required
@require_POST
def seal_reinstate(request: HttpRequest, number: str) -> HttpResponse:
    return _status_change(
        request, number, ReinstateForm, "reinstate_form", services.seal_reinstate,
        _("Il bollino %(number)s è di nuovo attivo."),
    )  # fmt: skip


@committee_required
@require_POST
def seal_revoke(request: HttpRequest, number: str) -> HttpResponse:
    return _status_change(
        request, number, RevokeForm, "revoke_form", services.seal_revoke,
        _("Il bollino %(number)s è revocato."),
    )  # fmt: skip


@committee_required
@require_POST
def seal_rerender(request: HttpRequest, number: str) -> HttpResponse:
    seal = _committee_seal(number)
    if not seal.is_current:
        return _refused(
            request,
            seal,
            ValidationError(
                _("Il bollino è %(status)s: il suo certificato non si rigenera.")
                % {"status": seal.get_status_display().lower()}
            ),
        )
    seal = services.certificate_rerender(seal=seal, by=request.user)
    messages.success(
        request,
        _("Nuova versione del certificato richiesta (versione %(version)d).")
        % {"version": seal.pdf_version},
    )
    return redirect("certification:seal_detail", seal.number)


@committee_required
@require_POST
def seal_score(request: HttpRequest, number: str) -> HttpResponse:
    seal = _committee_seal(number)
    form = ScorePublishedForm(request.POST)
    if not form.is_valid():
        return _refused(request, seal, ValidationError(_("Richiesta non valida.")))
    published = form.cleaned_data["published"]
    try:
        services.seal_set_score_published(seal=seal, by=request.user, published=published)
    except (ValidationError, PermissionDenied) as exc:
        return _refused(request, seal, exc)
    messages.success(
        request,
        _("Punteggio pubblicato nella scheda pubblica dell'azienda.")
        if published
        else _("Punteggio tolto dalla scheda pubblica dell'azienda."),
    )
    return redirect("certification:seal_detail", seal.number)


# --- committee: a bulk re-rendering --------------------------------------------------------


@committee_required
@require_GET
def certificate_batch(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(CertificateBatch.objects.select_related("requested_by"), pk=pk)
    progress = services.batch_progress(batch)
    return render(
        request,
        "certification/seals/batch.html",
        {
            "batch": batch,
            "progress": progress,
            "finished": progress["pending"] == 0,
            "crumbs": _crumbs(
                (_("Rigenerazione dei certificati n. %(number)s") % {"number": batch.pk}, None)
            ),
        },
    )


@committee_required
@require_GET
def certificate_batch_status(request: HttpRequest, pk: int) -> JsonResponse:
    batch = get_object_or_404(CertificateBatch, pk=pk)
    progress = services.batch_progress(batch)
    return JsonResponse({**progress, "finished": progress["pending"] == 0})


# --- the firm ------------------------------------------------------------------------------


@applicant_member
@require_GET
def my_seals(request: HttpRequest) -> HttpResponse:
    organization_id = request.user.organization_id
    seals = list(
        Seal.objects.filter(organization_id=organization_id)
        .select_related("code_version")
        .order_by("-issued_at", "-pk")
    )
    open_application = (
        Application.objects.open().filter(organization_id=organization_id).only("pk").first()
    )
    latest = seals[0] if seals else None
    renewable = latest is not None and latest.status != Seal.Status.REVOKED
    return render(
        request,
        "certification/seals/mine.html",
        {
            "seals": seals,
            "open_application": open_application,
            "renewable": renewable,
            "can_renew": renewable and open_application is None,
            "crumbs": [
                (_("Area riservata"), reverse("dashboard")),
                (_("I nostri bollini"), None),
            ],
        },
    )


@applicant_member
@require_POST
def seal_renewal_start(request: HttpRequest) -> HttpResponse:
    try:
        application = application_create_renewal(
            organization=request.user.organization, by=request.user
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("certification:my_seals")
    except IntegrityError:
        messages.error(request, _("L'organizzazione ha già una domanda in corso."))
        return redirect("certification:my_seals")
    messages.success(
        request,
        _(
            "Domanda di rinnovo creata e compilata a partire dalla domanda precedente. "
            "Controllate l'autovalutazione, caricate le evidenze e rendete di nuovo le "
            "dichiarazioni."
        ),
    )
    return redirect("certification:application", application.pk)


@login_required
@require_GET
def seal_certificate(request: HttpRequest, number: str) -> FileResponse:
    seal = _firm_certificate(request.user, number)
    return FileResponse(
        certificate_path(seal).open("rb"),
        content_type="application/pdf",
        filename=f"bollino-blu-{seal.number}.pdf",
    )


urlpatterns = [
    path("azienda/bollini/", my_seals, name="my_seals"),
    path("azienda/bollini/rinnovo/", seal_renewal_start, name="seal_renewal_start"),
    path("azienda/bollini/<str:number>/certificato.pdf", seal_certificate, name="seal_certificate"),
    path("gestione/bollini/", seal_register, name="seal_register"),
    path("gestione/bollini/rigenerazioni/<int:pk>/", certificate_batch, name="certificate_batch"),
    path(
        "gestione/bollini/rigenerazioni/<int:pk>/stato.json",
        certificate_batch_status,
        name="certificate_batch_status",
    ),
    path("gestione/bollini/<str:number>/", seal_detail, name="seal_detail"),
    path("gestione/bollini/<str:number>/sospendi/", seal_suspend, name="seal_suspend"),
    path("gestione/bollini/<str:number>/riattiva/", seal_reinstate, name="seal_reinstate"),
    path("gestione/bollini/<str:number>/revoca/", seal_revoke, name="seal_revoke"),
    path("gestione/bollini/<str:number>/rigenera/", seal_rerender, name="seal_rerender"),
    path("gestione/bollini/<str:number>/punteggio/", seal_score, name="seal_score"),
]

"""Reports (segnalazioni): filing (association members directly, visitors after confirming
their e-mail), the follow page, the association's list, the committee's triage and the firm's
answer.

Each page reaches reports through one access helper of certification.services.reports
(`reports_for_committee`, `reports_for_firm`, `reports_for_association`, `report_by_token`),
which refuses the wrong role (403) and hides other people's reports (404). Changes go through
the services, which lock the row and check role and state again.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from certification.forms.reports import (
    AnswerForm,
    CloseForm,
    ForwardForm,
    ReportForm,
    StatusFilterForm,
    SuspensionForm,
    TriageFilterForm,
    VisitorEmailForm,
    prefill_text,
    resolve_firm,
)
from certification.models import Organization, Report, ReportEvent
from certification.services import reports as services
from oic_portal.ratelimit import client_ip, hit, too_many

PAGE_SIZE = 50


def _errors(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Non puoi eseguire questa operazione.")


def _within_limits(request: HttpRequest, *checks: tuple[str, str]) -> int | None:
    """Count one event for each (scope, key) of REPORT_RATE_LIMITS; the window to tell the
    client to wait for if any of them is past its limit, else None."""
    refused = None
    for scope, key in checks:
        limit, window = settings.REPORT_RATE_LIMITS[scope]
        if not hit(f"reports-{scope}", key, limit=limit, window=window):
            refused = max(refused or 0, window)
    return refused


def _prefill(source) -> dict[str, str]:
    """?azienda=<partita IVA>&numero=<calling number>, from the "who called me?" page and the
    firm's page."""
    return {
        "azienda": prefill_text(source.get("azienda"), 200),
        "numero": prefill_text(source.get("numero"), 40),
    }


def _prefilled_firm(prefill: dict[str, str]) -> Organization | None:
    try:
        return resolve_firm(prefill["azienda"]) if prefill["azienda"] else None
    except ValidationError:
        return None


def _is_member(request: HttpRequest) -> bool:
    return request.user.is_authenticated and request.user.is_association_member


def _events(report: Report) -> list[ReportEvent]:
    events = list(ReportEvent.objects.filter(report=report).select_related("actor"))
    labels = dict(Report.Status.choices)
    for event in events:
        event.from_label = labels.get(event.from_status, "")
        event.to_label = labels.get(event.to_status, event.to_status)
    return events


# --- filing ----------------------------------------------------------------------------------


def _report_form_page(request: HttpRequest, *, visitor_email: str = "") -> HttpResponse:
    member = not visitor_email
    prefill = _prefill(request.GET)
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        member=member,
        initial={"azienda": prefill["azienda"], "calling_number": prefill["numero"]},
    )
    if request.method == "POST" and form.is_valid():
        refused = None
        if not member:
            refused = _within_limits(
                request, ("file_ip", client_ip(request)), ("file_email", visitor_email)
            )
        if refused:
            return too_many(request, window=refused)
        try:
            report = services.report_file(
                data=form.report_data(),
                by=request.user if member else None,
                visitor_email=visitor_email,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(
                request,
                _(
                    "Segnalazione ricevuta. Conserva l'indirizzo di questa pagina per seguirla: "
                    "te lo abbiamo mandato anche per e-mail."
                ),
            )
            return redirect("certification:report_follow", report.follow_token)
    return render(
        request,
        "certification/reports/new.html",
        {
            "form": form,
            "member": member,
            "visitor_email": visitor_email,
            "prefilled_firm": _prefilled_firm(prefill) if request.method == "GET" else None,
            "retention_days": settings.REPORT_CONTACT_RETENTION_DAYS,
        },
    )


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest) -> HttpResponse:
    """Association members see the form; visitors first give their e-mail address."""
    if _is_member(request):
        return _report_form_page(request)
    prefill = _prefill(request.GET)
    form = VisitorEmailForm(request.POST if request.method == "POST" else None, initial=prefill)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        refused = _within_limits(
            request, ("confirm_ip", client_ip(request)), ("confirm_email", email)
        )
        if refused:
            return too_many(request, window=refused)
        services.visitor_confirmation_send(
            email=email,
            prefill={
                "azienda": form.cleaned_data["azienda"],
                "numero": form.cleaned_data["numero"],
            },
        )
        return render(
            request,
            "certification/reports/confirm_sent.html",
            {"email": email, "hours": settings.REPORT_CONFIRMATION_HOURS},
        )
    return render(
        request,
        "certification/reports/confirm_email.html",
        {"form": form, "prefilled_firm": _prefilled_firm(prefill)},
    )


@require_http_methods(["GET", "POST"])
def report_new_confirmed(request: HttpRequest, token: str) -> HttpResponse:
    """The visitor's form, opened from the confirmation e-mail."""
    try:
        email = services.visitor_email(token)
    except ValidationError as exc:
        return render(
            request,
            "certification/reports/confirm_invalid.html",
            {"message": exc.messages[0]},
            status=400,
        )
    return _report_form_page(request, visitor_email=email)


@require_http_methods(["GET"])
def report_follow(request: HttpRequest, token: str) -> HttpResponse:
    report = services.report_by_token(token)
    if report is None:
        raise Http404
    return render(
        request,
        "certification/reports/follow.html",
        {
            "report": report,
            "events": _events(report),
            "follow_url": services.follow_url(report),
        },
    )


@login_required
@require_http_methods(["GET"])
def association_reports(request: HttpRequest) -> HttpResponse:
    reports = services.reports_for_association(request.user)
    form = StatusFilterForm(request.GET or None)
    page = Paginator(form.apply(reports), PAGE_SIZE).get_page(request.GET.get("pagina"))
    status = form.cleaned_data["stato"] if form.is_valid() else ""
    return render(
        request,
        "certification/reports/association_list.html",
        {
            "page": page,
            "form": form,
            "status": status,
            "query": urlencode({"stato": status}) if status else "",
            "crumbs": [(_("Area riservata"), reverse("dashboard")), (_("Segnalazioni"), None)],
        },
    )


# --- the committee -----------------------------------------------------------------------------


def _manage_crumbs(report: Report | None = None, last: str = "") -> list:
    crumbs = [
        (_("Area riservata"), reverse("dashboard")),
        (
            _("Gestione delle segnalazioni"),
            reverse("certification:manage_reports") if report else None,
        ),
    ]
    if report is not None:
        label = _("Segnalazione n. %(number)s") % {"number": report.pk}
        crumbs.append(
            (label, reverse("certification:manage_report", args=[report.pk]) if last else None)
        )
    if last:
        crumbs.append((last, None))
    return crumbs


def _committee_report(request: HttpRequest, pk: int) -> Report:
    return get_object_or_404(services.reports_for_committee(request.user), pk=pk)


@login_required
@require_http_methods(["GET"])
def manage_reports(request: HttpRequest) -> HttpResponse:
    reports = services.reports_for_committee(request.user)
    form = TriageFilterForm(request.GET or None)
    page = Paginator(form.apply(reports), PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "certification/reports/manage_list.html",
        {"page": page, "form": form, "query": form.query(), "crumbs": _manage_crumbs()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = _committee_report(request, pk)
    outcomes = services.close_choices(report)
    action = request.POST.get("azione") if request.method == "POST" else None
    forward_form = ForwardForm(request.POST if action == "inoltra" else None, prefix="inoltra")
    close_form = CloseForm(
        request.POST if action == "chiudi" else None, outcomes=outcomes, prefix="chiudi"
    )
    error = ""
    if action == "inoltra" and forward_form.is_valid():
        try:
            services.report_forward(
                report=report, by=request.user, note=forward_form.cleaned_data["note"]
            )
        except (ValidationError, PermissionDenied) as exc:
            error = _errors(exc)
        else:
            messages.success(
                request,
                _("Segnalazione inoltrata all'azienda: risposta attesa entro il %(date)s.")
                % {"date": report.answer_due.strftime("%d/%m/%Y")},
            )
            return redirect("certification:manage_report", report.pk)
    elif action == "chiudi" and close_form.is_valid():
        try:
            services.report_close(
                report=report,
                by=request.user,
                outcome=close_form.cleaned_data["outcome"],
                note=close_form.cleaned_data["note"],
            )
        except (ValidationError, PermissionDenied) as exc:
            error = _errors(exc)
        else:
            messages.success(
                request,
                _("Segnalazione chiusa come «%(outcome)s».")
                % {"outcome": report.get_outcome_display()},
            )
            return redirect("certification:manage_report", report.pk)
    elif action == "chiudi" and not outcomes:
        error = services.close_refusal(report, request.POST.get("outcome", ""))
    elif action not in (None, "inoltra", "chiudi"):
        error = _("Operazione sconosciuta.")
    seal = services.suspension_seal(report)
    return render(
        request,
        "certification/reports/manage_detail.html",
        {
            "report": report,
            "events": _events(report),
            "forward_form": forward_form if report.status == Report.Status.RECEIVED else None,
            "close_form": close_form if outcomes else None,
            "error": error,
            "seal": seal,
            "can_suspend": report.status == Report.Status.CLOSED
            and report.outcome == Report.Outcome.FOUNDED
            and seal is not None
            and seal.is_active,
            "answer_days": settings.REPORT_ANSWER_DAYS,
            "crumbs": _manage_crumbs(report),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def report_suspension(request: HttpRequest, pk: int) -> HttpResponse:
    """A confirmation page: the reason comes pre-filled; the committee may edit it."""
    report = _committee_report(request, pk)
    form = SuspensionForm(
        request.POST if request.method == "POST" else None,
        initial={"reason": services.suspension_reason(report)},
    )
    seal = services.suspension_seal(report)
    if request.method == "POST" and form.is_valid():
        try:
            seal = services.report_open_suspension(
                report=report, by=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors(exc))
        else:
            messages.success(
                request,
                _("Il bollino %(number)s è sospeso per segnalazioni fondate.")
                % {"number": seal.number},
            )
            return redirect("certification:manage_report", report.pk)
    founded = report.status == Report.Status.CLOSED and report.outcome == Report.Outcome.FOUNDED
    return render(
        request,
        "certification/reports/suspension.html",
        {
            "report": report,
            "seal": seal,
            "form": form,
            "possible": founded and seal is not None and seal.is_active,
            "crumbs": _manage_crumbs(report, _("Apri una sospensione")),
        },
    )


# --- the firm ------------------------------------------------------------------------------------


def _firm_crumbs(report: Report | None = None) -> list:
    crumbs = [
        (_("Area riservata"), reverse("dashboard")),
        (
            _("Segnalazioni sulla nostra azienda"),
            reverse("certification:firm_reports") if report else None,
        ),
    ]
    if report is not None:
        crumbs.append((_("Segnalazione n. %(number)s") % {"number": report.pk}, None))
    return crumbs


@login_required
@require_http_methods(["GET"])
def firm_reports(request: HttpRequest) -> HttpResponse:
    reports = services.reports_for_firm(request.user)
    page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("pagina"))
    return render(
        request,
        "certification/reports/firm_list.html",
        {"page": page, "crumbs": _firm_crumbs()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def firm_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_object_or_404(services.reports_for_firm(request.user), pk=pk)
    waiting = report.status == Report.Status.FORWARDED
    form = AnswerForm(request.POST if request.method == "POST" and waiting else None)
    if request.method == "POST":
        if not waiting:
            messages.error(
                request,
                _("La segnalazione è «%(status)s»: non attende più una risposta.")
                % {"status": report.get_status_display()},
            )
            return redirect("certification:firm_report", report.pk)
        if form.is_valid():
            try:
                services.report_answer(
                    report=report, by=request.user, answer=form.cleaned_data["answer"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _errors(exc))
            else:
                messages.success(request, _("Risposta inviata al comitato."))
                return redirect("certification:firm_report", report.pk)
    return render(
        request,
        "certification/reports/firm_detail.html",
        {
            "report": report,
            "form": form if waiting else None,
            "crumbs": _firm_crumbs(report),
        },
    )


urlpatterns = [
    path("segnalazioni/", association_reports, name="association_reports"),
    path("segnalazioni/nuova/", report_new, name="report_new"),
    path("segnalazioni/nuova/<str:token>/", report_new_confirmed, name="report_new_confirmed"),
    path("segnalazioni/segui/<str:token>/", report_follow, name="report_follow"),
    path("gestione/segnalazioni/", manage_reports, name="manage_reports"),
    path("gestione/segnalazioni/<int:pk>/", manage_report, name="manage_report"),
    path(
        "gestione/segnalazioni/<int:pk>/sospensione/", report_suspension, name="report_suspension"
    ),
    path("azienda/segnalazioni/", firm_reports, name="firm_reports"),
    path("azienda/segnalazioni/<int:pk>/", firm_report, name="firm_report"),
]

"""Requests for information: the committee or an assigned auditor asks, the applicant answers.

Each page reaches the application through the access helper of its area: the committee's
(`committee_view`), the auditor's own audit (`auditor_view`, else 404), the applicant's own
organization (`applicant_view`, else 404). Changes go through
certification.services.information_requests, which locks the row and checks role and state again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from certification.forms.information_requests import InformationAnswerForm, InformationRequestForm
from certification.models import Application, Audit, EvidenceFile, InformationRequest
from certification.services.information_requests import (
    information_request_answer,
    information_request_create,
)
from certification.views.applications import applicant_view, committee_view
from certification.views.audit_assignments import auditor_view

S = Application.Status


def _rounds(application: Application) -> list[InformationRequest]:
    """Every round of this application, oldest first, in a fixed number of queries."""
    rounds = list(
        InformationRequest.objects.filter(application=application)
        .select_related("requested_by", "answered_by")
        .prefetch_related("items")
        .order_by("requested_at", "id")
    )
    labels = dict(EvidenceFile.DocumentKind.choices)
    for number, request in enumerate(rounds, start=1):
        request.number = number
        request.document_labels = [labels.get(k, k) for k in request.document_kinds]
        request.item_list = sorted(request.items.all(), key=lambda i: (i.code, i.pk))
    return rounds


def _errors_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Non puoi eseguire questa operazione.")


def _create_page(
    request: HttpRequest,
    application: Application,
    *,
    back_url: str,
    crumbs: list[tuple[str, str | None]],
) -> HttpResponse:
    form = InformationRequestForm(
        request.POST if request.method == "POST" else None, application=application
    )
    if request.method == "POST" and form.is_valid():
        try:
            information_request_create(
                application=application,
                by=request.user,
                message=form.cleaned_data["message"],
                due_date=form.cleaned_data["due_date"],
                items=form.cleaned_data["items"],
                document_kinds=form.cleaned_data["document_kinds"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _errors_of(exc))
        else:
            messages.success(
                request,
                _(
                    "Integrazioni richieste: la domanda n. %(number)s è ora «%(status)s» e il "
                    "richiedente riceve un'e-mail."
                )
                % {"number": application.pk, "status": S.INFO_REQUESTED.label},
            )
            return redirect(back_url)
    return render(
        request,
        "certification/information_requests/create.html",
        {
            "application": application,
            "form": form,
            "open": application.status == S.UNDER_REVIEW,
            "rounds": _rounds(application),
            "back_url": back_url,
            "crumbs": crumbs,
        },
    )


@committee_view("GET", "POST")
def information_request_create_view(request: HttpRequest, application: Application) -> HttpResponse:
    back_url = reverse("certification:manage_application", args=[application.pk])
    return _create_page(
        request,
        application,
        back_url=back_url,
        crumbs=[
            (_("Area riservata"), reverse("dashboard")),
            (_("Gestione delle domande"), reverse("certification:manage_applications")),
            (_("Domanda n. %(number)s") % {"number": application.pk}, back_url),
            (_("Richiedi integrazioni"), None),
        ],
    )


@auditor_view("GET", "POST")
def information_request_create_auditor(request: HttpRequest, audit: Audit) -> HttpResponse:
    application = audit.application
    back_url = reverse("certification:auditor_application", args=[application.pk])
    return _create_page(
        request,
        application,
        back_url=back_url,
        crumbs=[
            (_("Area riservata"), reverse("dashboard")),
            (_("Le mie domande da verificare"), reverse("certification:auditor_queue")),
            (_("Domanda n. %(number)s") % {"number": application.pk}, back_url),
            (_("Richiedi integrazioni"), None),
        ],
    )


@applicant_view("GET", "POST")
def information_requests(request: HttpRequest, application: Application) -> HttpResponse:
    waiting = application.status == S.INFO_REQUESTED
    form = None
    if waiting:
        form = InformationAnswerForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form is None:
            messages.error(
                request,
                _("Nessuna integrazione da inviare: la domanda è «%(status)s».")
                % {"status": application.get_status_display()},
            )
            return redirect("certification:information_requests", application.pk)
        if form.is_valid():
            try:
                information_request_answer(
                    application=application, by=request.user, answer=form.cleaned_data["answer"]
                )
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, _errors_of(exc))
            else:
                messages.success(
                    request, _("Integrazioni inviate: la domanda torna in istruttoria.")
                )
                return redirect("certification:application", application.pk)
    application_url = reverse("certification:application", args=[application.pk])
    return render(
        request,
        "certification/information_requests/list.html",
        {
            "application": application,
            "form": form,
            "waiting": waiting,
            "rounds": _rounds(application),
            "crumbs": [
                (_("Area riservata"), reverse("dashboard")),
                (_("Domande di certificazione"), reverse("certification:applications")),
                (_("Domanda n. %(number)s") % {"number": application.pk}, application_url),
                (_("Integrazioni"), None),
            ],
        },
    )


urlpatterns = [
    path(
        "gestione/domande/<int:pk>/integrazioni/nuova/",
        information_request_create_view,
        name="information_request_create",
    ),
    path(
        "audit/<int:application_pk>/integrazioni/nuova/",
        information_request_create_auditor,
        name="information_request_create_auditor",
    ),
    path("domande/<int:pk>/integrazioni/", information_requests, name="information_requests"),
]

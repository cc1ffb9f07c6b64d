"""Nonconformity pages: the auditor raises them and reviews the answers; the applicant answers.

The auditor reaches the application through `audit_get_for_auditor` (their audit of it, else
404); the applicant through `applicant_view` (their organization's application, else 404).
Every write goes through certification.services.nonconformities, which checks the rules
again under the application's lock.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from certification.forms.nonconformities import (
    NonconformityAnswerForm,
    NonconformityRaiseForm,
    NonconformityReviewForm,
)
from certification.models import Application, Audit, Nonconformity
from certification.services.audits import audit_get_for_auditor
from certification.services.nonconformities import (
    items_below_full_marks,
    nonconformity_answer,
    nonconformity_raise,
    nonconformity_review,
)
from certification.views.applications import applicant_view

S = Application.Status
N = Nonconformity.Status


@dataclass
class Row:
    nonconformity: Nonconformity
    form: NonconformityReviewForm | NonconformityAnswerForm | None = None


def _nonconformities(application: Application) -> list[Nonconformity]:
    return list(
        Nonconformity.objects.filter(application=application)
        .select_related("item", "raised_by", "answered_by", "reviewed_by")
        .order_by("raised_at", "id")
    )


def _nonconformity_of(application: Application, nonconformity_pk: int) -> Nonconformity:
    nonconformity = Nonconformity.objects.filter(
        pk=nonconformity_pk, application=application
    ).first()
    if nonconformity is None:
        raise Http404
    return nonconformity


# --- the auditor's page --------------------------------------------------------------------


def _auditor_crumbs(audit: Audit) -> list[tuple[str, str | None]]:
    return [
        (_("Area riservata"), reverse("dashboard")),
        (
            _("Domanda n. %(number)s") % {"number": audit.application_id},
            reverse("certification:auditor_application", args=[audit.application_id]),
        ),
        (_("Non conformità"), None),
    ]


def _auditor_page(
    request: HttpRequest,
    audit: Audit,
    raise_form: NonconformityRaiseForm | None = None,
    review: tuple[int, NonconformityReviewForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    application = audit.application
    can_raise = application.status == S.IN_EVALUATION
    items = items_below_full_marks(application) if can_raise else []
    if raise_form is None and items:
        raise_form = NonconformityRaiseForm(items=items)
    rows = []
    for nonconformity in _nonconformities(application):
        form = None
        if nonconformity.status == N.ANSWERED:
            if review is not None and review[0] == nonconformity.pk:
                form = review[1]
            else:
                form = NonconformityReviewForm(prefix=f"nc{nonconformity.pk}")
        rows.append(Row(nonconformity, form))
    return render(
        request,
        "certification/nonconformities/auditor.html",
        {
            "audit": audit,
            "application": application,
            "organization": application.organization,
            "rows": rows,
            "can_raise": can_raise,
            "raise_form": raise_form if items else None,
            "crumbs": _auditor_crumbs(audit),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def auditor_nonconformities(request: HttpRequest, application_pk: int) -> HttpResponse:
    audit = audit_get_for_auditor(request.user, application_pk)
    if request.method == "GET":
        return _auditor_page(request, audit)
    application = audit.application
    items = items_below_full_marks(application) if application.status == S.IN_EVALUATION else []
    form = NonconformityRaiseForm(request.POST, items=items)
    if not items:
        messages.error(request, _("In questo momento non si possono sollevare non conformità."))
        return _auditor_page(request, audit)
    if not form.is_valid():
        return _auditor_page(request, audit, raise_form=form)
    try:
        nonconformity_raise(
            application=application,
            by=request.user,
            item=form.cleaned_data["item"],
            severity=form.cleaned_data["severity"],
            description=form.cleaned_data["description"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _auditor_page(request, audit, raise_form=form)
    messages.success(request, _("Non conformità sollevata."))
    return redirect("certification:nonconformities_auditor", application.pk)


@login_required
@require_POST
def auditor_review(request: HttpRequest, application_pk: int, pk: int) -> HttpResponse:
    audit = audit_get_for_auditor(request.user, application_pk)
    nonconformity = _nonconformity_of(audit.application, pk)
    form = NonconformityReviewForm(request.POST, prefix=f"nc{nonconformity.pk}")
    if nonconformity.status != N.ANSWERED:
        messages.error(request, _("Questa non conformità non ha una risposta da valutare."))
        return _auditor_page(request, audit)
    if not form.is_valid():
        return _auditor_page(request, audit, review=(nonconformity.pk, form))
    try:
        nonconformity_review(
            nonconformity=nonconformity,
            by=request.user,
            accept=form.accept,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _auditor_page(request, audit, review=(nonconformity.pk, form))
    messages.success(request, _("Risposta accettata.") if form.accept else _("Risposta respinta."))
    return redirect("certification:nonconformities_auditor", audit.application_id)


# --- the applicant's page ------------------------------------------------------------------


def _applicant_crumbs(application: Application) -> list[tuple[str, str | None]]:
    return [
        (_("Area riservata"), reverse("dashboard")),
        (_("Domande di certificazione"), reverse("certification:applications")),
        (
            _("Domanda n. %(number)s") % {"number": application.pk},
            reverse("certification:application", args=[application.pk]),
        ),
        (_("Non conformità"), None),
    ]


def _applicant_page(
    request: HttpRequest,
    application: Application,
    answer: tuple[int, NonconformityAnswerForm] | None = None,
) -> HttpResponse:
    rows = []
    for nonconformity in _nonconformities(application):
        form = None
        if nonconformity.status in (N.OPEN, N.REJECTED):
            if answer is not None and answer[0] == nonconformity.pk:
                form = answer[1]
            else:
                form = NonconformityAnswerForm(prefix=f"nc{nonconformity.pk}")
        rows.append(Row(nonconformity, form))
    return render(
        request,
        "certification/nonconformities/applicant.html",
        {
            "application": application,
            "rows": rows,
            "crumbs": _applicant_crumbs(application),
        },
    )


@applicant_view("GET")
def applicant_nonconformities(request: HttpRequest, application: Application) -> HttpResponse:
    return _applicant_page(request, application)


@applicant_view("POST")
def applicant_answer(
    request: HttpRequest, application: Application, nonconformity_pk: int
) -> HttpResponse:
    nonconformity = _nonconformity_of(application, nonconformity_pk)
    if nonconformity.status not in (N.OPEN, N.REJECTED):
        messages.error(request, _("Questa non conformità non attende una risposta."))
        return _applicant_page(request, application)
    form = NonconformityAnswerForm(request.POST, prefix=f"nc{nonconformity.pk}")
    if not form.is_valid():
        return _applicant_page(request, application, answer=(nonconformity.pk, form))
    try:
        nonconformity_answer(
            nonconformity=nonconformity,
            by=request.user,
            corrective_action=form.cleaned_data["corrective_action"],
            corrective_due_date=form.cleaned_data["corrective_due_date"],
        )
    except ValidationError as exc:
        form.add_error(None, exc.messages[0])
        return _applicant_page(request, application, answer=(nonconformity.pk, form))
    messages.success(request, _("Risposta inviata all'auditor."))
    return redirect("certification:nonconformities_applicant", application.pk)


urlpatterns = [
    path(
        "audit/<int:application_pk>/non-conformita/",
        auditor_nonconformities,
        name="nonconformities_auditor",
    ),
    path(
        "audit/<int:application_pk>/non-conformita/<int:pk>/valuta/",
        auditor_review,
        name="nonconformity_review",
    ),
    path(
        "domande/<int:pk>/non-conformita/",
        applicant_nonconformities,
        name="nonconformities_applicant",
    ),
    path(
        "domande/<int:pk>/non-conformita/<int:nonconformity_pk>/rispondi/",
        applicant_answer,
        name="nonconformity_answer",
    ),
]

"""The committee's decision page: the consolidated result, the open nonconformities, the
history, and the form to approve or reject with a written reason.

Committee only (`committee_view`: login, then 403 for other roles, then 404). The decision is
recorded by certification.services.decisions.decision_record, which checks the state, the
four-eyes rule and the open major nonconformities again under the application's lock; any
refusal is shown on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _

from certification.forms.decisions import DecisionForm
from certification.models import Application, Audit, Decision, Nonconformity
from certification.services.decisions import decision_record, lead_result
from certification.views.applications import committee_view

S = Application.Status


def _page(
    request: HttpRequest, application: Application, form: DecisionForm | None = None
) -> HttpResponse:
    decision = Decision.objects.select_related("decided_by").filter(application=application).first()
    audits = list(
        Audit.objects.select_related("auditor").filter(application=application).order_by("role")
    )
    audited = any(a.auditor_id == request.user.pk for a in audits)
    can_decide = application.status == S.EVALUATED and decision is None and not audited
    nonconformities = list(
        Nonconformity.objects.filter(application=application)
        .select_related("item")
        .order_by("raised_at", "id")
    )
    open_ones = [n for n in nonconformities if n.status != Nonconformity.Status.ACCEPTED]
    return render(
        request,
        "certification/decisions/decision.html",
        {
            "application": application,
            "organization": application.organization,
            "result": lead_result(application),
            "audits": audits,
            "audited": audited,
            "decision": decision,
            "can_decide": can_decide,
            "form": (form or DecisionForm()) if can_decide else None,
            "nonconformities": nonconformities,
            "open_nonconformities": open_ones,
            "open_major": [n for n in open_ones if n.severity == Nonconformity.Severity.MAJOR],
            "events": list(application.events.select_related("actor").order_by("at", "id")),
            "crumbs": [
                (_("Area riservata"), reverse("dashboard")),
                (_("Gestione delle domande"), reverse("certification:manage_applications")),
                (
                    _("Domanda n. %(number)s") % {"number": application.pk},
                    reverse("certification:manage_application", args=[application.pk]),
                ),
                (_("Decisione"), None),
            ],
        },
    )


@committee_view("GET", "POST")
def decision(request: HttpRequest, application: Application) -> HttpResponse:
    if request.method == "GET":
        return _page(request, application)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _page(request, application, form)
    try:
        decision_record(
            application=application,
            by=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except (ValidationError, PermissionDenied) as exc:
        message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, message)
        return _page(request, application, form)
    application.refresh_from_db()
    messages.success(
        request,
        _("Decisione registrata: la domanda è ora «%(status)s».")
        % {"status": application.get_status_display()},
    )
    return redirect("certification:decision", application.pk)


urlpatterns = [
    path("gestione/domande/<int:pk>/decisione/", decision, name="decision"),
]

"""Audit assignments: the committee assigns auditors; each auditor sees their queue and, read
only, the applications assigned to them, with the state changes an auditor may make.

Auditors reach an application only through `audit_get_for_auditor` (their own audit on it,
else 404); the committee's page goes through the committee's access helper of the application
pages. Every change goes through a service, which locks the row and checks state and role again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.db.models import Count, F, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from certification.forms.applications import TransitionForm, transition_actions
from certification.forms.audits import AuditAssignForm
from certification.models import Application, Audit, ChecklistItem, EvidenceFile
from certification.services import applications as services
from certification.services.audits import audit_assign as assign_service
from certification.services.audits import audit_get_for_auditor
from certification.views.applications import Checklist, committee_view

S = Application.Status

# The states in which the service accepts an assignment (shown before trying).
ASSIGNABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.INFO_REQUESTED)

AUDITOR_ACTIONS = {
    S.UNDER_REVIEW: gettext_lazy("Prendi in istruttoria"),
    S.INFO_REQUESTED: gettext_lazy("Richiedi integrazioni"),
    S.IN_EVALUATION: gettext_lazy("Avvia la valutazione"),
    S.EVALUATED: gettext_lazy("Segna come valutata"),
}


# --- access --------------------------------------------------------------------------------


def auditor_view(*methods: str) -> Callable:
    """An auditor's page about one application: login (redirect), the auditor's role (403),
    their own audit on that application (404), then the HTTP method (405). The view receives
    the audit instead of the application's id."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, application_pk: int, **kwargs) -> HttpResponse:
            _require_auditor(request)
            audit = audit_get_for_auditor(request.user, application_pk)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, audit, **kwargs)

        return login_required(wrapper)

    return decorate


def _require_auditor(request: HttpRequest) -> None:
    if not request.user.is_auditor:
        raise PermissionDenied(_("Queste pagine sono per gli auditor OIC."))


def _scoring_url(application: Application) -> str | None:
    """The scoring page is built separately: link it only once it exists."""
    try:
        return reverse("certification:audit_scoring", args=[application.pk])
    except NoReverseMatch:
        return None


def _auditor_crumbs(application: Application | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Area riservata"), reverse("dashboard")),
        (_("Le mie domande da verificare"), reverse("certification:auditor_queue")),
    ]
    if application is not None:
        crumbs.append((_("Domanda n. %(number)s") % {"number": application.pk}, None))
    else:
        crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


def _history(application: Application) -> list:
    return list(application.events.select_related("actor").order_by("at", "id"))


# --- committee: assigning auditors -------------------------------------------------------------


def _assignment(application: Application) -> list[Audit]:
    return list(
        Audit.objects.filter(application=application)
        .select_related("auditor", "assigned_by")
        .order_by("role")
    )


@committee_view("GET", "POST")
def audit_assign(request: HttpRequest, application: Application) -> HttpResponse:
    current = _assignment(application)
    initial = {}
    for audit in current:
        initial["lead" if audit.role == Audit.Role.LEAD else "second"] = audit.auditor_id
        initial["due_date"] = audit.due_date
    form = AuditAssignForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            assign_service(
                application=application,
                by=request.user,
                lead=form.cleaned_data["lead"],
                second=form.cleaned_data["second"],
                due_date=form.cleaned_data["due_date"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, _messages_of(exc))
        except IntegrityError:
            # Two committee members assigning at the same instant: the database kept one.
            form.add_error(
                None, _("L'assegnazione è cambiata nel frattempo: ricarica la pagina e riprova.")
            )
        else:
            messages.success(
                request,
                _("Auditor assegnati alla domanda n. %(number)s: riceveranno un'e-mail.")
                % {"number": application.pk},
            )
            return redirect("certification:manage_application", application.pk)
    completed = any(a.status == Audit.Status.COMPLETED for a in current)
    return render(
        request,
        "certification/audits/assign.html",
        {
            "application": application,
            "form": form,
            "current": current,
            "assignable": application.status in ASSIGNABLE and not completed,
            "completed": completed,
            "crumbs": [
                (_("Area riservata"), reverse("dashboard")),
                (_("Gestione delle domande"), reverse("certification:manage_applications")),
                (
                    _("Domanda n. %(number)s") % {"number": application.pk},
                    reverse("certification:manage_application", args=[application.pk]),
                ),
                (_("Assegna gli auditor"), None),
            ],
        },
    )


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("Non puoi eseguire questa operazione.")


# --- auditor: the queue --------------------------------------------------------------------


@login_required
def auditor_queue(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    items_of_version = (
        ChecklistItem.objects.filter(version_id=OuterRef("application__code_version_id"))
        .order_by()
        .values("version_id")
        .annotate(total=Count("pk"))
        .values("total")
    )
    audits = list(
        Audit.objects.filter(auditor=request.user)
        .select_related("application__organization")
        .annotate(
            scored=Count("scores"),
            total=Coalesce(Subquery(items_of_version, output_field=IntegerField()), Value(0)),
        )
        # Open audits first ("in_corso" sorts after "completato"), the most urgent on top.
        .order_by("-status", F("due_date").asc(nulls_last=True), "application_id")
    )
    today = timezone.localdate()
    for audit in audits:
        audit.overdue = (
            audit.status == Audit.Status.IN_PROGRESS
            and audit.due_date is not None
            and audit.due_date < today
            and not audit.application.is_final
        )
    return render(
        request,
        "certification/audits/queue.html",
        {"audits": audits, "crumbs": _auditor_crumbs()},
    )


# --- auditor: one application, read only ---------------------------------------------------


def _auditor_page(
    request: HttpRequest,
    audit: Audit,
    transition_form: TransitionForm | None = None,
    error: str = "",
) -> HttpResponse:
    application = audit.application
    organization = application.organization
    checklist = Checklist.load(application)
    actions = transition_actions(application, request.user, transition_form, AUDITOR_ACTIONS)
    return render(
        request,
        "certification/audits/application.html",
        {
            "audit": audit,
            "application": application,
            "organization": organization,
            "team": _assignment(application),
            "sites": list(organization.sites.select_related("provincia")),
            "sectors": list(organization.sectors.all()),
            "members": list(organization.members.order_by("email")),
            "sections": checklist.sections(),
            "total": len(checklist.items),
            "answered": checklist.answered,
            "documents": list(
                EvidenceFile.objects.filter(application=application, item__isnull=True).order_by(
                    "document_kind", "uploaded_at", "id"
                )
            ),
            "numbers": list(organization.calling_numbers.active().order_by("number")),
            "declarations": list(
                application.declarations.select_related("accepted_by").order_by("accepted_at")
            ),
            "events": _history(application),
            "actions": actions,
            "error": error,
            "scoring_url": _scoring_url(application),
            "crumbs": _auditor_crumbs(application),
        },
    )


@auditor_view("GET")
def auditor_application(request: HttpRequest, audit: Audit) -> HttpResponse:
    return _auditor_page(request, audit)


@auditor_view("POST")
def auditor_transition(request: HttpRequest, audit: Audit) -> HttpResponse:
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "to" in form.errors:
            return _auditor_page(request, audit, error=_("Passaggio di stato non valido."))
        return _auditor_page(request, audit, transition_form=form)
    to = form.cleaned_data["to"]
    try:
        services.application_transition(
            application=audit.application,
            to=to,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except (ValidationError, PermissionDenied) as exc:
        return _auditor_page(request, audit, error=_messages_of(exc))
    messages.success(request, _("La domanda è ora «%(status)s».") % {"status": S(to).label})
    return redirect("certification:auditor_application", audit.application_id)


urlpatterns = [
    path("gestione/domande/<int:pk>/auditor/", audit_assign, name="audit_assign"),
    path("audit/", auditor_queue, name="auditor_queue"),
    path("audit/<int:application_pk>/", auditor_application, name="auditor_application"),
    path(
        "audit/<int:application_pk>/passaggio/",
        auditor_transition,
        name="auditor_transition",
    ),
]

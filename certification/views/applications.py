"""Application pages: the applicant prepares and submits, the committee follows and decides.

Applicants reach an application only through `_applicant_application` (their organization's,
else 404); the committee through `_committee_application`. Every change goes through a service
of certification.services.applications, which locks the row and checks state and role again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from certification.forms.applications import (
    ApplicationCreateForm,
    CallingNumberForm,
    DeclarationsForm,
    DocumentForm,
    NoteForm,
    SelfAssessmentForm,
    TransitionForm,
    transition_actions,
)
from certification.models import (
    Application,
    CallingNumber,
    ChecklistItem,
    ChecklistSection,
    EvidenceFile,
    SelfAssessmentAnswer,
)
from certification.services import applications as services
from codice.models import Article

S = Application.Status


# --- access --------------------------------------------------------------------------------


def applicant_view(*methods: str) -> Callable:
    """An applicant's page about one application: login (redirect), the applicant's role (403),
    the application of their own organization (404), then the HTTP method (405). The view
    receives the application instead of its id."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, pk: int, **kwargs) -> HttpResponse:
            _require_applicant(request)
            application = _applicant_application(request, pk)
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, application, **kwargs)

        return login_required(wrapper)

    return decorate


def committee_view(*methods: str) -> Callable:
    """A committee page: login (redirect), the committee's role (403), then the application
    (404) if the page is about one, then the HTTP method (405)."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_committee:
                raise PermissionDenied(_("Solo il comitato di certificazione gestisce le domande."))
            if "pk" in kwargs:
                kwargs["application"] = _committee_application(kwargs.pop("pk"))
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, *args, **kwargs)

        return login_required(wrapper)

    return decorate


def _require_applicant(request: HttpRequest) -> None:
    if not request.user.is_applicant:
        raise PermissionDenied(_("Queste pagine sono per i contact center richiedenti."))


def _applicant_application(request: HttpRequest, pk: int) -> Application:
    """The application, if it belongs to this applicant's organization; else 404, so that
    nobody learns whether another firm's application exists."""
    if request.user.organization_id is None:
        raise Http404
    return get_object_or_404(
        Application.objects.select_related("organization", "code_version"),
        pk=pk,
        organization_id=request.user.organization_id,
    )


def _committee_application(pk: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("organization__provincia", "code_version"), pk=pk
    )


def _posted(request: HttpRequest):
    """The form's data on a POST, even an empty one (a form of unticked boxes sends nothing)."""
    return request.POST if request.method == "POST" else None


def _files(request: HttpRequest):
    return request.FILES if request.method == "POST" else None


def _reverse_or(name: str, fallback: str = "dashboard") -> str:
    """Pages built elsewhere (the organization's) may not exist yet in every checkout."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse(fallback)


# --- what the pages show -------------------------------------------------------------------


STEP_LABELS = {
    "self_assessment": gettext_lazy("Autovalutazione"),
    "documents": gettext_lazy("Documenti"),
    "calling_numbers": gettext_lazy("Numeri chiamanti"),
    "declarations": gettext_lazy("Dichiarazioni"),
    "organization": gettext_lazy("Dati dell'organizzazione"),
}

COMMITTEE_ACTIONS = {
    S.UNDER_REVIEW: gettext_lazy("Prendi in istruttoria"),
    S.INFO_REQUESTED: gettext_lazy("Richiedi integrazioni"),
    S.IN_EVALUATION: gettext_lazy("Avvia la valutazione"),
    S.EVALUATED: gettext_lazy("Segna come valutata"),
    S.APPROVED: gettext_lazy("Approva la domanda"),
    S.REJECTED: gettext_lazy("Respingi la domanda"),
}


def _step_url(application: Application, step: str) -> str:
    if step == "organization":
        return _reverse_or("certification:organization")
    return reverse(f"certification:{step}", args=[application.pk])


@dataclass
class ItemRow:
    item: ChecklistItem
    answer: SelfAssessmentAnswer | None
    evidence: list[EvidenceFile]
    articles: list[Article]
    answer_field: object = None
    comment_field: object = None
    file_field: object = None

    @property
    def errors(self) -> list[str]:
        found = []
        for bound in (self.answer_field, self.comment_field, self.file_field):
            if bound is not None:
                found.extend(bound.errors)
        return found


@dataclass
class SectionBlock:
    section: ChecklistSection
    rows: list[ItemRow] = field(default_factory=list)


@dataclass
class Checklist:
    """The checklist of an application with its answers and files, loaded in a fixed number
    of queries whatever the number of items."""

    items: list[ChecklistItem]
    answers: dict[int, SelfAssessmentAnswer]
    evidence: dict[int, list[EvidenceFile]]
    articles: dict[str, Article]

    @classmethod
    def load(cls, application: Application) -> Checklist:
        items = list(
            ChecklistItem.objects.filter(version_id=application.code_version_id)
            .select_related("section")
            .order_by("section__order", "section__id", "order", "id")
        )
        answers = {
            a.item_id: a for a in SelfAssessmentAnswer.objects.filter(application=application)
        }
        evidence: dict[int, list[EvidenceFile]] = {}
        for file in EvidenceFile.objects.filter(application=application, item__isnull=False):
            evidence.setdefault(file.item_id, []).append(file)
        keys = sorted({key for item in items for key in item.article_keys})
        articles = {
            article.key: article
            for article in Article.objects.filter(
                version_id=application.code_version_id, key__in=keys
            )
        }
        return cls(items=items, answers=answers, evidence=evidence, articles=articles)

    def sections(self, form: SelfAssessmentForm | None = None) -> list[SectionBlock]:
        blocks: list[SectionBlock] = []
        for item in self.items:
            if not blocks or blocks[-1].section.pk != item.section_id:
                blocks.append(SectionBlock(section=item.section))
            row = ItemRow(
                item=item,
                answer=self.answers.get(item.pk),
                evidence=self.evidence.get(item.pk, []),
                articles=[self.articles[k] for k in item.article_keys if k in self.articles],
            )
            if form is not None:
                row.answer_field = form[f"answer_{item.pk}"]
                row.comment_field = form[f"comment_{item.pk}"]
                row.file_field = form[f"file_{item.pk}"]
            blocks[-1].rows.append(row)
        return blocks

    @property
    def answered(self) -> int:
        return len(self.answers)


def _history(application: Application) -> list:
    return list(application.events.select_related("actor").order_by("at", "id"))


def _crumbs(application: Application | None = None, *more) -> list[tuple[str, str | None]]:
    """Breadcrumbs of the applicant's pages; the last one is the page itself (no link)."""
    crumbs: list[tuple[str, str | None]] = [
        (_("Area riservata"), reverse("dashboard")),
        (_("Domande di certificazione"), reverse("certification:applications")),
    ]
    if application is not None:
        crumbs.append(
            (
                _("Domanda n. %(number)s") % {"number": application.pk},
                reverse("certification:application", args=[application.pk]),
            )
        )
    crumbs.extend(more)
    crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


def manage_crumbs(application: Application | None = None) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Area riservata"), reverse("dashboard")),
        (_("Gestione delle domande"), reverse("certification:manage_applications")),
    ]
    if application is not None:
        crumbs.append((_("Domanda n. %(number)s") % {"number": application.pk}, None))
    else:
        crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


def _refuse_not_editable(request: HttpRequest, application: Application) -> HttpResponse:
    messages.error(
        request,
        _("La domanda è «%(status)s»: non si può più modificare.")
        % {"status": application.get_status_display()},
    )
    return redirect("certification:application", application.pk)


# --- applicant: list and creation ------------------------------------------------------------


@login_required
@require_http_methods(["GET"])
def applications(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    if request.user.organization_id is None:
        messages.info(
            request, _("Per presentare una domanda registra prima la tua organizzazione.")
        )
        return redirect(_reverse_or("certification:organization_create"))
    rows = list(
        Application.objects.for_organization(request.user.organization)
        .select_related("code_version")
        .order_by("-created_at", "-id")
    )
    has_open = any(not a.is_final for a in rows)
    return render(
        request,
        "certification/applications/list.html",
        {
            "applications": rows,
            "has_open": has_open,
            "form": ApplicationCreateForm(),
            "crumbs": _crumbs(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    _require_applicant(request)
    if request.user.organization_id is None:
        return redirect(_reverse_or("certification:organization_create"))
    form = ApplicationCreateForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_create(
                organization=request.user.organization,
                by=request.user,
                kind=form.cleaned_data["kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except IntegrityError:
            form.add_error(None, _("L'organizzazione ha già una domanda in corso."))
        else:
            messages.success(
                request,
                _(
                    "Domanda creata sul codice versione %(number)s. Ora compila "
                    "l'autovalutazione e gli altri passaggi."
                )
                % {"number": application.code_version.number},
            )
            return redirect("certification:application", application.pk)
    return render(
        request,
        "certification/applications/create.html",
        {
            "form": form,
            "crumbs": _crumbs(None, (_("Nuova domanda"), None)),
        },
    )


# --- applicant: the application ------------------------------------------------------------


def _overview(
    request: HttpRequest, application: Application, submit_missing: list[str] | None = None
) -> HttpResponse:
    missing = services.missing_steps(application) if not application.is_final else []
    allowed = services.allowed_transitions(application, request.user)
    steps = []
    for step in ("self_assessment", "documents", "calling_numbers", "declarations"):
        step_missing = [m.message for m in missing if m.step == step]
        steps.append(
            {
                "label": STEP_LABELS[step],
                "url": _step_url(application, step),
                "missing": step_missing,
            }
        )
    events = _history(application)
    request_note = ""
    if application.status == S.INFO_REQUESTED:
        asked = [e for e in events if e.to_status == S.INFO_REQUESTED]
        request_note = asked[-1].note if asked else ""
    return render(
        request,
        "certification/applications/detail.html",
        {
            "application": application,
            "missing": [
                {"message": m.message, "url": _step_url(application, m.step)} for m in missing
            ],
            "steps": steps,
            "submit_missing": submit_missing,
            "can_submit": S.SUBMITTED in allowed,
            "can_send_integration": application.status == S.INFO_REQUESTED
            and S.UNDER_REVIEW in allowed,
            "can_withdraw": S.WITHDRAWN in allowed,
            "editable": application.applicant_can_edit,
            "events": events,
            "request_note": request_note,
            "crumbs": _crumbs(application),
        },
    )


@applicant_view("GET")
def application(request: HttpRequest, application: Application) -> HttpResponse:
    return _overview(request, application)


@applicant_view("POST")
def application_submit(request: HttpRequest, application: Application) -> HttpResponse:
    try:
        services.application_submit(application=application, by=request.user)
    except services.IncompleteApplication as exc:
        return _overview(request, application, submit_missing=exc.missing)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(
            request,
            _("Domanda inviata. OIC la prenderà in esame e vi scriverà per ogni passaggio."),
        )
    return redirect("certification:application", application.pk)


@applicant_view("POST")
def application_send_integration(request: HttpRequest, application: Application) -> HttpResponse:
    """After OIC asked for more information: the applicant says it is done."""
    form = NoteForm(request.POST)
    if not form.is_valid():
        # Never send without the note the applicant wrote: say what is wrong instead.
        messages.error(request, " ".join(form.errors["note"]))
        return redirect("certification:application", application.pk)
    try:
        services.application_transition(
            application=application,
            to=S.UNDER_REVIEW,
            by=request.user,
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Integrazioni inviate: la domanda torna in istruttoria."))
    return redirect("certification:application", application.pk)


@applicant_view("GET", "POST")
def application_withdraw(request: HttpRequest, application: Application) -> HttpResponse:
    if S.WITHDRAWN not in services.allowed_transitions(application, request.user):
        messages.error(
            request,
            _("Una domanda «%(status)s» non si può ritirare.")
            % {"status": application.get_status_display()},
        )
        return redirect("certification:application", application.pk)
    form = NoteForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.application_withdraw(
                application=application, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("La domanda è stata ritirata."))
        return redirect("certification:application", application.pk)
    return render(
        request,
        "certification/applications/withdraw.html",
        {
            "application": application,
            "form": form,
            "crumbs": _crumbs(application, (_("Ritira la domanda"), None)),
        },
    )


@applicant_view("GET", "POST")
def self_assessment(request: HttpRequest, application: Application) -> HttpResponse:
    editable = application.applicant_can_edit
    if request.method == "POST" and not editable:
        return _refuse_not_editable(request, application)
    checklist = Checklist.load(application)
    form = None
    if editable:
        form = SelfAssessmentForm(
            _posted(request),
            _files(request),
            items=checklist.items,
            answers=checklist.answers,
        )
    if request.method == "POST" and form.is_valid():
        try:
            services.self_assessment_save(
                application=application,
                by=request.user,
                answers=form.changed_answers(),
                uploads=form.uploads(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Autovalutazione salvata."))
            return redirect("certification:self_assessment", application.pk)
    return render(
        request,
        "certification/applications/self_assessment.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "sections": checklist.sections(form),
            "total": len(checklist.items),
            "answered": checklist.answered,
            "here": request.path,
            "crumbs": _crumbs(application, (_("Autovalutazione"), None)),
        },
    )


@applicant_view("GET", "POST")
def documents(request: HttpRequest, application: Application) -> HttpResponse:
    editable = application.applicant_can_edit
    if request.method == "POST" and not editable:
        return _refuse_not_editable(request, application)
    form = DocumentForm(_posted(request), _files(request)) if editable else None
    if request.method == "POST" and form.is_valid():
        try:
            stored = services.application_document_add(
                application=application,
                by=request.user,
                uploaded=form.cleaned_data["file"],
                document_kind=form.cleaned_data["document_kind"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("«%(name)s» caricato come %(kind)s.")
                % {"name": stored.original_name, "kind": stored.get_document_kind_display()},
            )
            return redirect("certification:documents", application.pk)
    files = list(
        EvidenceFile.objects.filter(application=application, item__isnull=True)
        .select_related("uploaded_by")
        .order_by("document_kind", "uploaded_at", "id")
    )
    present = {f.document_kind for f in files}
    return render(
        request,
        "certification/applications/documents.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "files": files,
            "missing_kinds": [k.label for k in EvidenceFile.REQUIRED_DOCUMENTS if k not in present],
            "here": request.path,
            "crumbs": _crumbs(application, (_("Documenti"), None)),
        },
    )


@applicant_view("GET", "POST")
def calling_numbers(request: HttpRequest, application: Application) -> HttpResponse:
    editable = application.applicant_can_edit
    if request.method == "POST" and not editable:
        return _refuse_not_editable(request, application)
    form = CallingNumberForm(_posted(request)) if editable else None
    if request.method == "POST" and form.is_valid():
        try:
            declared = services.calling_number_declare(
                application=application, by=request.user, number=form.cleaned_data["number"]
            )
        except ValidationError as exc:
            form.add_error("number", exc)
        else:
            messages.success(
                request, _("Numero %(number)s dichiarato.") % {"number": declared.number}
            )
            return redirect("certification:calling_numbers", application.pk)
    numbers = list(
        CallingNumber.objects.filter(organization_id=application.organization_id)
        .select_related("declared_by")
        .order_by("withdrawn_at", "number")
    )
    return render(
        request,
        "certification/applications/calling_numbers.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "active": [n for n in numbers if n.withdrawn_at is None],
            "withdrawn": [n for n in numbers if n.withdrawn_at is not None],
            "outbound": application.organization.outbound,
            "crumbs": _crumbs(application, (_("Numeri chiamanti"), None)),
        },
    )


@applicant_view("POST")
def calling_number_withdraw(
    request: HttpRequest, application: Application, number_pk: int
) -> HttpResponse:
    number = get_object_or_404(
        CallingNumber, pk=number_pk, organization_id=application.organization_id
    )
    try:
        services.calling_number_withdraw(
            application=application, by=request.user, calling_number=number
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("Numero %(number)s ritirato.") % {"number": number.number})
    return redirect("certification:calling_numbers", application.pk)


@applicant_view("GET", "POST")
def declarations(request: HttpRequest, application: Application) -> HttpResponse:
    editable = application.applicant_can_edit
    if request.method == "POST" and not editable:
        return _refuse_not_editable(request, application)
    given = list(application.declarations.select_related("accepted_by").order_by("accepted_at"))
    form = DeclarationsForm(_posted(request), given={d.kind for d in given}) if editable else None
    if request.method == "POST" and form.is_valid():
        if not form.kinds():
            form.add_error(None, _("Seleziona almeno una dichiarazione da rendere."))
        else:
            try:
                services.declarations_give(
                    application=application, by=request.user, kinds=form.kinds()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Dichiarazioni registrate."))
                return redirect("certification:declarations", application.pk)
    return render(
        request,
        "certification/applications/declarations.html",
        {
            "application": application,
            "form": form,
            "editable": editable,
            "given": given,
            "crumbs": _crumbs(application, (_("Dichiarazioni"), None)),
        },
    )


# --- committee -----------------------------------------------------------------------------


def _manage_page(
    request: HttpRequest,
    application: Application,
    transition_form: TransitionForm | None = None,
    error: str = "",
) -> HttpResponse:
    checklist = Checklist.load(application)
    organization = application.organization
    actions = transition_actions(
        application, request.user, transition_form, COMMITTEE_ACTIONS,
        skip=DECIDED_ON_THE_DECISION_PAGE,
    )  # fmt: skip
    return render(
        request,
        "certification/applications/manage_detail.html",
        {
            "application": application,
            "organization": organization,
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
            "missing": services.missing_for_submission(application)
            if application.status in (S.DRAFT, S.INFO_REQUESTED)
            else [],
            "events": _history(application),
            "actions": actions,
            "error": error,
            "crumbs": manage_crumbs(application),
        },
    )


@committee_view("GET")
def manage_application(request: HttpRequest, application: Application) -> HttpResponse:
    return _manage_page(request, application)


DECIDED_ON_THE_DECISION_PAGE = (S.APPROVED, S.REJECTED)


@committee_view("POST")
def manage_transition(request: HttpRequest, application: Application) -> HttpResponse:
    form = TransitionForm(request.POST)
    if not form.is_valid():
        if "to" in form.errors:
            return _manage_page(request, application, error=_("Passaggio di stato non valido."))
        return _manage_page(request, application, transition_form=form)
    to = form.cleaned_data["to"]
    if to in DECIDED_ON_THE_DECISION_PAGE:
        # Approval and rejection go through the decision service (four-eyes, open major
        # nonconformities, the written reason and the decision record).
        return _manage_page(
            request,
            application,
            error=_("Approvazione e rigetto si registrano nella pagina della decisione."),
        )
    try:
        services.application_transition(
            application=application, to=to, by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as exc:
        return _manage_page(request, application, error=exc.messages[0])
    messages.success(
        request,
        _("La domanda è ora «%(status)s».") % {"status": S(to).label},
    )
    return redirect("certification:manage_application", application.pk)


urlpatterns = [
    path("domande/", applications, name="applications"),
    path("domande/nuova/", application_create, name="application_create"),
    path("domande/<int:pk>/", application, name="application"),
    path("domande/<int:pk>/invia/", application_submit, name="application_submit"),
    path(
        "domande/<int:pk>/invia-integrazioni/",
        application_send_integration,
        name="application_send_integration",
    ),
    path("domande/<int:pk>/ritira/", application_withdraw, name="application_withdraw"),
    path("domande/<int:pk>/autovalutazione/", self_assessment, name="self_assessment"),
    path("domande/<int:pk>/documenti/", documents, name="documents"),
    path("domande/<int:pk>/numeri/", calling_numbers, name="calling_numbers"),
    path(
        "domande/<int:pk>/numeri/<int:number_pk>/ritira/",
        calling_number_withdraw,
        name="calling_number_withdraw",
    ),
    path("domande/<int:pk>/dichiarazioni/", declarations, name="declarations"),
    path("gestione/domande/<int:pk>/", manage_application, name="manage_application"),
    path("gestione/domande/<int:pk>/passaggio/", manage_transition, name="manage_transition"),
]

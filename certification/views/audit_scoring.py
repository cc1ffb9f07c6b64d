"""The auditor's scoring page, its per-item save, completion, and the lead's disagreements.

Every page reaches the audit through `audit_get_for_auditor` (this auditor's audit of this
application, else 404), and every write goes through certification.services.audits, which
locks the audit and checks its state, the scale and the N/A rule again (all or nothing).

The page loads in a fixed number of queries whatever the number of items: items, scale,
scores, answers and evidence are each read once and joined here; the running score is the
engine's (`audit_result`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from certification.forms.audit_scoring import (
    NA_VALUE,
    ScoresForm,
    ScoreTuple,
    comment_name,
    level_name,
)
from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistItem,
    ChecklistSection,
    EvidenceFile,
    ScaleLevel,
    SelfAssessmentAnswer,
)
from certification.services.audits import (
    audit_complete,
    audit_get_for_auditor,
    audit_result,
    audit_save_scores,
    disagreements,
)

# --- what the pages show -------------------------------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    points: int | None
    checked: bool
    input_id: str


@dataclass
class Row:
    item: ChecklistItem
    score: AuditScore | None
    choices: list[Choice]
    comment: str
    error: str = ""
    answer: SelfAssessmentAnswer | None = None
    evidence: list[EvidenceFile] = field(default_factory=list)
    other: AuditScore | None = None  # the second auditor's, on the disagreements page

    @property
    def level_name(self) -> str:
        return level_name(self.item.pk)

    @property
    def comment_name(self) -> str:
        return comment_name(self.item.pk)

    @property
    def level_label(self) -> str:
        return level_label(self.score, self.choices)

    @property
    def other_label(self) -> str:
        return level_label(self.other, self.choices)


@dataclass
class Block:
    section: ChecklistSection
    rows: list[Row] = field(default_factory=list)


def level_label(score: AuditScore | None, choices: list[Choice]) -> str:
    if score is None:
        return _("non valutata")
    if score.not_applicable:
        return _("Non applicabile")
    for choice in choices:
        if choice.points == score.points:
            return choice.label
    return str(score.points)


def _value_of(score: AuditScore | None) -> str:
    if score is None:
        return ""
    return NA_VALUE if score.not_applicable else str(score.points)


def _choices(
    item: ChecklistItem, levels: list[ScaleLevel], selected: str, prefix: str
) -> list[Choice]:
    choices = [
        Choice(
            value=str(level.points),
            label=ngettext(
                "%(label)s (%(points)d punto)", "%(label)s (%(points)d punti)", level.points
            )
            % {"label": level.label, "points": level.points},
            points=level.points,
            checked=selected == str(level.points),
            input_id=f"{prefix}-{item.pk}-{level.points}",
        )
        for level in levels
    ]
    if item.allows_na:
        choices.append(
            Choice(
                value=NA_VALUE,
                label=_("Non applicabile"),
                points=None,
                checked=selected == NA_VALUE,
                input_id=f"{prefix}-{item.pk}-na",
            )
        )
    return choices


def _rows(
    items: list[ChecklistItem],
    levels: list[ScaleLevel],
    scores: dict[int, AuditScore],
    form: ScoresForm | None,
    prefix: str,
) -> list[Row]:
    """One row per item, showing what was posted when the form comes back with errors."""
    rows = []
    for item in items:
        score = scores.get(item.pk)
        if form is not None and item.pk in form.raw:
            selected, comment = form.raw[item.pk]
        else:
            selected, comment = _value_of(score), (score.comment if score else "")
        rows.append(
            Row(
                item=item,
                score=score,
                choices=_choices(item, levels, selected, prefix),
                comment=comment,
                error=(form.errors.get(item.pk, "") if form is not None else ""),
            )
        )
    return rows


def _blocks(rows: list[Row]) -> list[Block]:
    blocks: list[Block] = []
    for row in rows:
        if not blocks or blocks[-1].section.pk != row.item.section_id:
            blocks.append(Block(section=row.item.section))
        blocks[-1].rows.append(row)
    return blocks


@dataclass
class Sheet:
    """An audit's checklist with the auditor's scores, the applicant's answers and evidence."""

    audit: Audit
    items: list[ChecklistItem]
    levels: list[ScaleLevel]
    scores: dict[int, AuditScore]
    answers: dict[int, SelfAssessmentAnswer]
    evidence: dict[int, list[EvidenceFile]]

    @classmethod
    def load(cls, audit: Audit) -> Sheet:
        application = audit.application
        items = list(
            ChecklistItem.objects.filter(version_id=application.code_version_id)
            .select_related("section")
            .order_by("section__order", "section__id", "order", "id")
        )
        levels = list(ScaleLevel.objects.filter(version_id=application.code_version_id))
        scores = {s.item_id: s for s in AuditScore.objects.filter(audit=audit)}
        answers = {
            a.item_id: a for a in SelfAssessmentAnswer.objects.filter(application=application)
        }
        evidence: dict[int, list[EvidenceFile]] = {}
        for file in EvidenceFile.objects.filter(application=application, item__isnull=False):
            evidence.setdefault(file.item_id, []).append(file)
        return cls(audit, items, levels, scores, answers, evidence)

    def blocks(self, form: ScoresForm | None = None) -> list[Block]:
        rows = _rows(self.items, self.levels, self.scores, form, "livello")
        for row in rows:
            row.answer = self.answers.get(row.item.pk)
            row.evidence = self.evidence.get(row.item.pk, [])
        return _blocks(rows)


def _changed(
    stored: dict[int, AuditScore], cleaned: dict[int, ScoreTuple]
) -> dict[int, ScoreTuple]:
    """Only what differs from the stored scores: an unchanged item is not written again."""
    changed = {}
    for item_id, (points, not_applicable, comment) in cleaned.items():
        score = stored.get(item_id)
        new = (None if not_applicable else points, not_applicable, comment)
        if score is None or (score.points, score.not_applicable, score.comment) != new:
            changed[item_id] = (points, not_applicable, comment)
    return changed


def _editable(audit: Audit) -> tuple[bool, str]:
    """Whether the auditor may still score, and if not, why (shown on the page)."""
    if audit.status == Audit.Status.COMPLETED:
        return False, _("L'audit è completato: i punteggi si possono consultare ma non modificare.")
    if audit.application.status != Application.Status.IN_EVALUATION:
        return False, _(
            "La domanda è «%(status)s»: si danno punteggi solo a una domanda in valutazione."
        ) % {"status": audit.application.get_status_display()}
    return True, ""


def _summary_context(audit: Audit) -> dict:
    return {"audit": audit, "result": audit_result(audit)}


def _errors_of(exc: ValidationError) -> tuple[dict[int, str], list[str]]:
    """The service's refusal as (per-item messages, general messages)."""
    if hasattr(exc, "error_dict"):
        return {int(key): " ".join(texts) for key, texts in exc.message_dict.items()}, []
    return {}, exc.messages


def _crumbs(audit: Audit, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Area riservata"), reverse("dashboard")),
        (
            _("Punteggi della domanda n. %(number)s") % {"number": audit.application_id},
            reverse("certification:audit_scoring", args=[audit.application_id]),
        ),
        *more,
    ]
    crumbs[-1] = (crumbs[-1][0], None)
    return crumbs


# --- the scoring page ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def scoring(request: HttpRequest, application_pk: int) -> HttpResponse:
    """The whole checklist in one form: the fallback without JavaScript saves every item at
    once; with JavaScript each change is saved by `score_item`."""
    audit = audit_get_for_auditor(request.user, application_pk)
    sheet = Sheet.load(audit)
    form = None
    general_errors: list[str] = []
    if request.method == "POST":
        form = ScoresForm(request.POST, sheet.items)
        if form.is_valid():
            try:
                audit_save_scores(
                    audit=audit, by=request.user, scores=_changed(sheet.scores, form.cleaned)
                )
            except ValidationError as exc:
                form.errors, general_errors = _errors_of(exc)
            else:
                messages.success(request, _("Punteggi salvati."))
                return redirect("certification:audit_scoring", application_pk)
    editable, readonly_reason = _editable(audit)
    has_second = (
        audit.role == Audit.Role.LEAD
        and Audit.objects.filter(
            application_id=audit.application_id, role=Audit.Role.SECOND
        ).exists()
    )
    blocks = sheet.blocks(form)
    item_errors = [row for block in blocks for row in block.rows if row.error]
    return render(
        request,
        "certification/audits/scoring.html",
        {
            "audit": audit,
            "application": audit.application,
            "blocks": blocks,
            "item_errors": item_errors,
            "general_errors": general_errors,
            "editable": editable,
            "readonly_reason": readonly_reason,
            "has_second": has_second,
            "crumbs": _crumbs(audit),
            **_summary_context(audit),
        },
    )


@login_required
@require_POST
def score_item(request: HttpRequest, application_pk: int, item_id: int) -> JsonResponse:
    """Save one item (the page's script posts each change here). Answers JSON: the message,
    and the summary re-rendered by the engine; 400 with the message when refused."""
    audit = audit_get_for_auditor(request.user, application_pk)
    item = (
        ChecklistItem.objects.filter(pk=item_id, version_id=audit.application.code_version_id)
        .only("pk", "code", "allows_na")
        .first()
    )
    if item is None:
        raise Http404
    form = ScoresForm(request.POST, [item], require_level=True)
    error = ""
    if form.is_valid():
        try:
            audit_save_scores(audit=audit, by=request.user, scores=form.cleaned)
        except ValidationError as exc:
            item_errors, general = _errors_of(exc)
            error = " ".join([*item_errors.values(), *general])
    else:
        error = form.errors[item.pk]
    summary = render_to_string(
        "certification/audits/_score_summary.html", _summary_context(audit), request=request
    )
    if error:
        return JsonResponse({"ok": False, "error": error, "summary": summary}, status=400)
    return JsonResponse(
        {
            "ok": True,
            "message": _("Salvato: voce %(code)s.") % {"code": item.code},
            "summary": summary,
        }
    )


@login_required
@require_POST
def complete(request: HttpRequest, application_pk: int) -> HttpResponse:
    audit = audit_get_for_auditor(request.user, application_pk)
    try:
        audit_complete(audit=audit, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Audit completato. I punteggi ora si possono solo consultare."))
    return redirect("certification:audit_scoring", application_pk)


# --- the lead's disagreements --------------------------------------------------------------


def _lead_audits(request: HttpRequest, application_pk: int) -> tuple[Audit, Audit]:
    """The lead's audit and the second auditor's, when this person is the lead of an
    application with a second auditor; else 404."""
    audit = audit_get_for_auditor(request.user, application_pk)
    if audit.role != Audit.Role.LEAD:
        raise Http404
    second = Audit.objects.filter(application_id=application_pk, role=Audit.Role.SECOND).first()
    if second is None:
        raise Http404
    return audit, second


@login_required
@require_http_methods(["GET", "POST"])
def disagreements_page(request: HttpRequest, application_pk: int) -> HttpResponse:
    """Every item the two auditors scored differently; the lead's level is the final one."""
    audit, second_audit = _lead_audits(request, application_pk)
    found = disagreements(audit.application)
    items = [item for item, _lead, _second in found]
    lead_scores = {item.pk: lead for item, lead, _second in found if lead is not None}
    form = None
    general_errors: list[str] = []
    if request.method == "POST":
        form = ScoresForm(request.POST, items)
        if form.is_valid():
            try:
                audit_save_scores(
                    audit=audit, by=request.user, scores=_changed(lead_scores, form.cleaned)
                )
            except ValidationError as exc:
                form.errors, general_errors = _errors_of(exc)
            else:
                messages.success(request, _("Livelli finali salvati."))
                return redirect("certification:audit_disagreements", application_pk)
    levels = list(ScaleLevel.objects.filter(version_id=audit.application.code_version_id))
    rows = _rows(items, levels, lead_scores, form, "finale")
    for row, (_item, _lead, second) in zip(rows, found, strict=True):
        row.other = second
    editable, readonly_reason = _editable(audit)
    return render(
        request,
        "certification/audits/disagreements.html",
        {
            "audit": audit,
            "application": audit.application,
            "rows": rows,
            "item_errors": [row for row in rows if row.error],
            "general_errors": general_errors,
            "editable": editable,
            "readonly_reason": readonly_reason,
            "second_completed": second_audit.status == Audit.Status.COMPLETED,
            "crumbs": _crumbs(audit, (_("Divergenze tra gli auditor"), None)),
        },
    )


urlpatterns = [
    path("audit/<int:application_pk>/punteggi/", scoring, name="audit_scoring"),
    path(
        "audit/<int:application_pk>/punteggi/voce/<int:item_id>/",
        score_item,
        name="audit_score_item",
    ),
    path("audit/<int:application_pk>/punteggi/completa/", complete, name="audit_complete"),
    path(
        "audit/<int:application_pk>/divergenze/",
        disagreements_page,
        name="audit_disagreements",
    ),
]

"""The auditor's scoring page, its per-item save, completion, and the lead's disagreements.

Every page reaches the audit through `audit_get_for_auditor` (this auditor's audit of this
application, else 404), a kept scoring page through its stamp's query, which finds the audit
on the same terms; every write goes through certification.services.audits, which
locks the audit and checks its state, the scale and the N/A rule again (all or nothing).

The page loads in a fixed number of queries whatever the number of items: the checklist
(sections, items, scale and the engine's spec) is read once per code version and then
cached (`checklist_of`: a published version never changes); scores, answers and evidence
are each read once and joined here; the running score is the engine's (`audit_result`),
fed with what was already read. Saving the whole page is one upsert in the service,
whatever the number of items. The checklist and the items' cards are in scoring_cards; the
page's content is kept under a stamp of its rows, and shown again until one changes
(scoring_cache).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
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
    EvidenceFile,
    ScaleLevel,
    SelfAssessmentAnswer,
)
from certification.scoring import ScoreResult
from certification.services.audits import (
    audit_complete,
    audit_get_for_auditor,
    audit_result,
    audit_save_scores,
    disagreements,
)
from certification.views.scoring_cache import (
    CONTENT_MARK,
    CSRF_MARK,
    CSRF_VALUE,
    kept_page,
    page_key,
)
from certification.views.scoring_cards import (
    Checklist,
    ChecklistRow,
    ItemCards,
    SectionHead,
    StoredScore,
    checklist_of,
    item_cards_of,
    item_urls,
    levels,
)

# --- what the pages show -------------------------------------------------------------------


@dataclass(slots=True)  # some 450 on a page: no __dict__ each
class Choice:
    value: str
    label: str
    points: int | None
    checked: bool
    input_id: str


@dataclass(slots=True)
class Row:
    """An item on the disagreements page, with what its inputs show."""

    item: ChecklistItem
    score: AuditScore | None
    choices: list[Choice]
    comment: str
    error: str = ""
    other: AuditScore | None = None  # the second auditor's

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


@dataclass(slots=True)
class Block:
    section: SectionHead
    cards: SafeString  # its items as the scoring page shows them


class ItemError(NamedTuple):
    item: ChecklistRow
    error: str


def level_label(score: AuditScore | None, choices: list[Choice]) -> str:
    if score is None:
        return _("non valutata")
    if score.not_applicable:
        return _("Non applicabile")
    for choice in choices:
        if choice.points == score.points:
            return choice.label
    return str(score.points)


def _value_of(score: AuditScore | StoredScore | None) -> str:
    if score is None:
        return ""
    return NA_VALUE if score.not_applicable else str(score.points)


def _rows(
    items: list[ChecklistItem],
    scale: Iterable[tuple[int, str]],
    scores: dict[int, AuditScore],
    form: ScoresForm | None,
    prefix: str,
) -> list[Row]:
    """One row per item, showing what was posted when the form comes back with errors."""
    without_na, with_na = levels(scale)
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
                choices=[
                    Choice(
                        value=level.value,
                        label=level.label,
                        points=level.points,
                        checked=selected == level.value,
                        input_id=f"{prefix}-{item.pk}-{level.value}",
                    )
                    for level in (with_na if item.allows_na else without_na)
                ],
                comment=comment,
                error=(form.errors.get(item.pk, "") if form is not None else ""),
            )
        )
    return rows


@dataclass
class Sheet:
    """An audit's checklist with the auditor's scores; what only the page shows (the
    applicant's answers and evidence, the running result) is read when it is shown."""

    audit: Audit
    checklist: Checklist
    scores: dict[int, StoredScore]

    @classmethod
    def load(cls, audit: Audit, checklist: Checklist | None = None) -> Sheet:
        if checklist is None:
            checklist = checklist_of(audit.application.code_version)
        scores = AuditScore.objects.filter(audit=audit).order_by()
        return cls(
            audit,
            checklist,
            {
                row[0]: StoredScore(*row)
                for row in scores.values_list("item_id", "points", "not_applicable", "comment")
            },
        )

    @property
    def items(self) -> tuple[ChecklistRow, ...]:
        return self.checklist.items

    @cached_property
    def result(self) -> ScoreResult:
        return audit_result(
            self.audit,
            items=self.checklist.items,
            scores=self.scores.values(),
            spec=self.checklist.spec,
        )

    def blocks(
        self, cards: ItemCards, form: ScoresForm | None = None
    ) -> tuple[list[Block], list[ItemError]]:
        """The page's sections with their items' cards, and the items' errors (what was
        posted is shown again next to them)."""
        application = self.audit.application
        answers = SelfAssessmentAnswer.objects.filter(application=application).order_by()
        answered = {
            item_id: (answer, comment)
            for item_id, answer, comment in answers.values_list("item_id", "answer", "comment")
        }
        files = EvidenceFile.objects.filter(application=application, item__isnull=False)
        evidence: dict[int, list[tuple[int, str, int]]] = {}
        for pk, item_id, name, size in files.values_list("pk", "item_id", "original_name", "size"):
            evidence.setdefault(item_id, []).append((pk, name, size))
        errors = form.errors if form is not None else {}
        posted = form.raw if form is not None else {}
        urls = item_urls(application.pk)
        by_section: dict[int, list[str]] = {}
        item_errors = []
        for item in self.checklist.items:
            score = self.scores.get(item.pk)
            if item.pk in posted:
                selected, comment = posted[item.pk]
            else:
                selected, comment = _value_of(score), (score.comment if score else "")
            error = errors.get(item.pk, "")
            if error:
                item_errors.append(ItemError(item, error))
            by_section.setdefault(item.section_id, []).append(
                cards.card(
                    item.pk,
                    urls=urls,
                    score=score,
                    selected=selected,
                    comment=comment,
                    error=error,
                    answer=answered.get(item.pk),
                    evidence=evidence.get(item.pk, []),
                )
            )
        blocks = [
            Block(section=section, cards=SafeString("".join(by_section[section.pk])))
            for section in self.checklist.sections
        ]
        return blocks, item_errors


def _changed(
    stored: Mapping[int, AuditScore | StoredScore], cleaned: dict[int, ScoreTuple]
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


def _errors_of(exc: ValidationError) -> tuple[dict[int, str], list[str]]:
    """The service's refusal as (per-item messages, general messages)."""
    if hasattr(exc, "error_dict"):
        return {int(key): " ".join(texts) for key, texts in exc.message_dict.items()}, []
    return {}, exc.messages


def _crumbs(application_pk: int, *more: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    crumbs: list[tuple[str, str | None]] = [
        (_("Area riservata"), reverse("dashboard")),
        (
            _("Punteggi della domanda n. %(number)s") % {"number": application_pk},
            reverse("certification:audit_scoring", args=[application_pk]),
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
    once; with JavaScript each change is saved by `score_item`. Its content is kept while its
    rows do not change (scoring_cache)."""
    if request.method == "GET":
        key = page_key(request.user, application_pk)
        if key is not None:
            editable, content = kept_page(
                key, lambda: _content(audit_get_for_auditor(request.user, application_pk))
            )
            return _page(request, application_pk, editable=editable, content=content)
    audit = audit_get_for_auditor(request.user, application_pk)
    if request.method == "GET":
        editable, content = _content(audit)
        return _page(request, application_pk, editable=editable, content=content)
    sheet = Sheet.load(audit)
    form = ScoresForm(request.POST, sheet.items)
    general_errors: list[str] = []
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
    editable, content = _content(audit, sheet, form, general_errors)
    return _page(request, application_pk, editable=editable, content=content)


def _content(
    audit: Audit,
    sheet: Sheet | None = None,
    form: ScoresForm | None = None,
    general_errors: list[str] | None = None,
) -> tuple[bool, bytes]:
    """Whether the audit can still be scored, and the page's own part in UTF-8 (what
    scoring_cache keeps), with CSRF_MARK in the place of the forms' token; with the posted
    form, what was posted and why it was refused."""
    sheet = sheet or Sheet.load(audit)
    editable, readonly_reason = _editable(audit)
    has_second = (
        audit.role == Audit.Role.LEAD
        and Audit.objects.filter(
            application_id=audit.application_id, role=Audit.Role.SECOND
        ).exists()
    )
    cards = item_cards_of(audit.application.code_version, sheet.checklist, editable=editable)
    blocks, item_errors = sheet.blocks(cards, form)
    content = render_to_string(
        "certification/audits/_scoring_content.html",
        {
            "audit": audit,
            "application": audit.application,
            "blocks": blocks,
            "item_errors": item_errors,
            "general_errors": general_errors or [],
            "editable": editable,
            "readonly_reason": readonly_reason,
            "has_second": has_second,
            "result": sheet.result,
            "csrf_token": CSRF_MARK,
        },
    )
    return editable, content.encode()


def _page(
    request: HttpRequest, application_pk: int, *, editable: bool, content: bytes
) -> HttpResponse:
    """The scoring page around its content (UTF-8), with this request's CSRF token in its
    forms. The content is put in as bytes: some 200 KB, it is not decoded, copied into the
    rendered page and encoded again on every visit."""
    response = render(
        request,
        "certification/audits/scoring.html",
        {
            "application_pk": application_pk,
            "editable": editable,
            "crumbs": _crumbs(application_pk),
            "content": CONTENT_MARK,
        },
    )
    before, after = response.content.split(CONTENT_MARK.encode(), 1)
    token = b'value="' + get_token(request).encode() + b'"'
    response.content = b"".join((before, content.replace(CSRF_VALUE, token), after))
    return response


@login_required
@require_POST
def score_item(request: HttpRequest, application_pk: int, item_id: int) -> JsonResponse:
    """Save one item (the page's script posts each change here). Answers JSON: the message,
    and the summary re-rendered by the engine; 400 with the message when refused."""
    audit = audit_get_for_auditor(request.user, application_pk)
    checklist = checklist_of(audit.application.code_version)
    item = next((item for item in checklist.items if item.pk == item_id), None)
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
        "certification/audits/_score_summary.html",
        {"audit": audit, "result": Sheet.load(audit, checklist).result},
        request=request,
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
    levels = ScaleLevel.objects.filter(version_id=audit.application.code_version_id).order_by(
        "points"
    )
    rows = _rows(items, levels.values_list("points", "label"), lead_scores, form, "finale")
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
            "crumbs": _crumbs(application_pk, (_("Divergenze tra gli auditor"), None)),
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

"""The auditor's scoring page, its per-item save, completion, and the lead's disagreements.

Every page reaches the audit through `audit_get_for_auditor` (this auditor's audit of this
application, else 404), and every write goes through certification.services.audits, which
locks the audit and checks its state, the scale and the N/A rule again (all or nothing).

The page loads in a fixed number of queries whatever the number of items: items, scale,
scores, answers and evidence are each read once and joined here; the running score is the
engine's (`audit_result`), fed with the items and scores already read. Saving the whole
page is one upsert in the service, whatever the number of items. The items' cards are put
together in Python (`ItemCards`): a hundred items in the template were most of the page's
time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import SafeString
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
from certification.scoring import ScoreResult
from certification.services.audits import (
    audit_complete,
    audit_get_for_auditor,
    audit_result,
    audit_save_scores,
    disagreements,
)

# --- what the pages show -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Level:
    """One level an item can be given: a level of the scale, or N/A."""

    value: str
    label: str
    points: int | None


@dataclass(slots=True)  # some 450 on a page: no __dict__ each
class Choice:
    value: str
    label: str
    points: int | None
    checked: bool
    input_id: str


@dataclass(slots=True)
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


@dataclass(slots=True)
class Block:
    section: ChecklistSection
    rows: list[Row] = field(default_factory=list)
    cards: SafeString = SafeString("")  # the rows as the scoring page shows them


ERROR_BORDER = SafeString(" border border-danger")


class ItemCards:
    """The scoring page's card for each item, as HTML.

    Built here rather than in the template: the card repeats for every item (a hundred on a
    full checklist, with four or five radio buttons each), and at some thirty template nodes
    per item it was most of the page's time. `format_html` escapes the item's and the
    people's text as the template would; the page's own words are translated and escaped
    once per page, not once per item.
    """

    def __init__(self, *, application_pk: int, editable: bool) -> None:
        self.application_pk = application_pk
        self.editable = editable
        self.blocking = conditional_escape(_("bloccante: un livello 0 fa fallire l'audit"))
        self.guidance = conditional_escape(_("Indicazioni per l'auditor:"))
        self.evidence_hint = conditional_escape(_("Evidenze attese:"))
        self.answer_heading = conditional_escape(_("Autovalutazione del richiedente"))
        self.no_answer = conditional_escape(_("nessuna risposta"))
        self.no_evidence = format_html(
            '<p class="mb-1 text-muted">{}</p>\n', _("Nessun file di evidenza.")
        )
        self.level = conditional_escape(_("Livello:"))
        self.comment = conditional_escape(_("Commento:"))
        self.weight = _("Peso %(weight)s")
        self.legend = _("Livello per la voce %(code)s")
        self.comment_label = _("Commento dell'auditor sulla voce %(code)s")
        # Reversed once, not once per item.
        self.save_url = reverse(
            "certification:audit_score_item", args=[application_pk, 0]
        ).removesuffix("0/")
        self.weights: dict[Decimal, SafeString] = {}
        self.level_labels: dict[str, SafeString] = {}

    def __call__(self, rows: list[Row]) -> SafeString:
        return SafeString("".join(self.card(row) for row in rows))

    def card(self, row: Row) -> SafeString:
        item = row.item
        key = SafeString(item.pk)  # a number
        return format_html(
            '<div class="card card-bg mb-4{}" id="voce-{}"{}>\n<div class="card-body">\n'
            '<h3 class="h5">{} — {}</h3>\n<p class="small mb-2">{}{}</p>\n{}{}'
            '<h4 class="h6 mt-3">{}</h4>\n<p class="mb-1">{}</p>\n{}{}{}</div>\n</div>\n',
            ERROR_BORDER if row.error else "",
            key,
            format_html(' data-item-url="{}{}/" data-item-code="{}"', self.save_url, key, item.code)
            if self.editable
            else "",
            item.code,
            item.question,
            self._weight(item.weight),
            format_html(" · <strong>{}</strong>", self.blocking) if item.blocking else "",
            self._labelled(self.guidance, item.guidance),
            self._labelled(self.evidence_hint, item.evidence_hint),
            self.answer_heading,
            row.answer.get_answer_display() if row.answer else self.no_answer,
            format_html('<p class="mb-1 fst-italic">{}</p>\n', linebreaksbr(row.answer.comment))
            if row.answer and row.answer.comment
            else "",
            self._evidence(row.evidence) if row.evidence else self.no_evidence,
            self._inputs(row, key) if self.editable else self._level(row),
        )

    @staticmethod
    def _labelled(label: SafeString, text: str) -> SafeString | str:
        if not text:
            return ""
        return format_html('<p class="mb-1"><strong>{}</strong> {}</p>\n', label, text)

    def _evidence(self, files: list[EvidenceFile]) -> SafeString:
        links = format_html_join(
            "\n",
            '<li><a href="{}">{}</a> <span class="text-muted">({})</span></li>',
            (
                (
                    reverse("certification:evidence_download", args=[self.application_pk, file.pk]),
                    file.original_name,
                    filesizeformat(file.size),
                )
                for file in files
            ),
        )
        return format_html('<ul class="mb-1">\n{}\n</ul>\n', links)

    def _inputs(self, row: Row, key: SafeString) -> SafeString:
        """The level's radio buttons, the comment and the place of the item's error."""
        # The radio buttons are most of the markup (450 on a full checklist): their names,
        # ids and values are made of the item's id and the scale's points (numbers) or "na",
        # and their labels are escaped once per page, so they are joined as they are.
        radios = SafeString(
            "\n".join(
                f'<div class="form-check form-check-inline"><input type="radio"'
                f' name="{row.level_name}" id="{choice.input_id}" value="{choice.value}"'
                f"{' checked' if choice.checked else ''}>"
                f'<label for="{choice.input_id}">{self._level_label(choice.label)}</label></div>'
                for choice in row.choices
            )
        )
        code = row.item.code
        return format_html(
            '<fieldset class="mt-3" aria-describedby="errore-voce-{0}">\n'
            '<legend class="h6">{1}</legend>\n{2}\n</fieldset>\n'
            '<div class="mb-2"><label class="form-label" for="commento-{0}">{3}</label>\n'
            '<textarea class="form-control" name="{4}" id="commento-{0}" rows="2"'
            ' maxlength="4000">{5}</textarea></div>\n'
            '<p class="text-danger fw-bold mb-0" id="errore-voce-{0}" data-item-error>{6}</p>\n',
            key,
            self.legend % {"code": code},
            radios,
            self.comment_label % {"code": code},
            SafeString(row.comment_name),  # "commento_" and a number
            row.comment,
            row.error,
        )

    # A checklist has a few weights and a few levels, repeated over its items.

    def _weight(self, weight: Decimal) -> SafeString:
        if weight not in self.weights:
            self.weights[weight] = conditional_escape(
                self.weight % {"weight": floatformat(weight, "-2")}
            )
        return self.weights[weight]

    def _level_label(self, label: str) -> SafeString:
        if label not in self.level_labels:
            self.level_labels[label] = conditional_escape(label)
        return self.level_labels[label]

    def _level(self, row: Row) -> SafeString:
        """What a completed audit shows instead of the inputs."""
        comment = row.score.comment if row.score else ""
        return format_html(
            '<p class="mt-3 mb-1"><strong>{}</strong> {}</p>\n{}',
            self.level,
            row.level_label,
            format_html(
                '<p class="mb-1"><strong>{}</strong> {}</p>\n', self.comment, linebreaksbr(comment)
            )
            if comment
            else "",
        )


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


def _levels(scale: list[ScaleLevel]) -> tuple[list[Level], list[Level]]:
    """The levels offered to an item without N/A and to one with it, worded once per page
    (not once per item: a page has a hundred items)."""
    levels = [
        Level(
            value=str(level.points),
            label=ngettext(
                "%(label)s (%(points)d punto)", "%(label)s (%(points)d punti)", level.points
            )
            % {"label": level.label, "points": level.points},
            points=level.points,
        )
        for level in scale
    ]
    return levels, [*levels, Level(value=NA_VALUE, label=_("Non applicabile"), points=None)]


def _rows(
    items: list[ChecklistItem],
    scale: list[ScaleLevel],
    scores: dict[int, AuditScore],
    form: ScoresForm | None,
    prefix: str,
) -> list[Row]:
    """One row per item, showing what was posted when the form comes back with errors."""
    without_na, with_na = _levels(scale)
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


def _blocks(rows: list[Row]) -> list[Block]:
    blocks: list[Block] = []
    for row in rows:
        if not blocks or blocks[-1].section.pk != row.item.section_id:
            blocks.append(Block(section=row.item.section))
        blocks[-1].rows.append(row)
    return blocks


@dataclass
class Sheet:
    """An audit's checklist with the auditor's scores; what only the page shows (the scale,
    the applicant's answers and evidence, the running result) is read when it is shown."""

    audit: Audit
    items: list[ChecklistItem]
    scores: dict[int, AuditScore]

    @classmethod
    def load(cls, audit: Audit) -> Sheet:
        version = audit.application.code_version
        # The items are read once, with their sections, into the version: the engine's
        # `spec_for_version` takes them from there instead of reading them again.
        prefetch_related_objects(
            [version],
            Prefetch(
                "checklist_items",
                queryset=ChecklistItem.objects.select_related("section").order_by(
                    "section__order", "section__id", "order", "id"
                ),
            ),
        )
        items = list(version.checklist_items.all())
        scores = {s.item_id: s for s in AuditScore.objects.filter(audit=audit)}
        return cls(audit, items, scores)

    @cached_property
    def result(self) -> ScoreResult:
        return audit_result(self.audit, items=self.items, scores=self.scores.values())

    def blocks(self, form: ScoresForm | None = None) -> list[Block]:
        application = self.audit.application
        levels = list(
            ScaleLevel.objects.filter(version_id=application.code_version_id).order_by("points")
        )
        answers = {
            a.item_id: a for a in SelfAssessmentAnswer.objects.filter(application=application)
        }
        evidence: dict[int, list[EvidenceFile]] = {}
        for file in EvidenceFile.objects.filter(application=application, item__isnull=False):
            evidence.setdefault(file.item_id, []).append(file)
        rows = _rows(self.items, levels, self.scores, form, "livello")
        for row in rows:
            row.answer = answers.get(row.item.pk)
            row.evidence = evidence.get(row.item.pk, [])
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
    return {"audit": audit, "result": Sheet.load(audit).result}


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
    cards = ItemCards(application_pk=application_pk, editable=editable)
    for block in blocks:
        block.cards = cards(block.rows)
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
            "result": sheet.result,
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
    levels = list(
        ScaleLevel.objects.filter(version_id=audit.application.code_version_id).order_by("points")
    )
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

"""The auditor's scoring page, its per-item save, completion, and the lead's disagreements.

Every page reaches the audit through `audit_get_for_auditor` (this auditor's audit of this
application, else 404), and every write goes through certification.services.audits, which
locks the audit and checks its state, the scale and the N/A rule again (all or nothing).

The page loads in a fixed number of queries whatever the number of items: the checklist
(sections, items, scale and the engine's spec) is read once per code version and then
cached (`checklist_of`: a published version never changes); scores, answers and evidence
are each read once and joined here; the running score is the engine's (`audit_result`),
fed with what was already read. Saving the whole page is one upsert in the service,
whatever the number of items. The items' cards are put together in Python (`ItemCards`):
a hundred items in the template were most of the page's time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import escape
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
    EvidenceFile,
    ScaleLevel,
    SelfAssessmentAnswer,
)
from certification.scoring import ChecklistSpec, ScoreResult, spec_for_version
from certification.services.audits import (
    audit_complete,
    audit_get_for_auditor,
    audit_result,
    audit_save_scores,
    disagreements,
)
from codice.models import CodeVersion

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


class SectionHead(NamedTuple):
    pk: int
    code: str
    title: str


class ChecklistRow(NamedTuple):
    """What the scoring page shows of an item, whatever the audit; its texts are escaped
    once here, not on every page."""

    pk: int
    code: str
    section_id: int
    weight: Decimal
    blocking: bool
    allows_na: bool
    code_html: str
    question_html: str
    guidance_html: str
    evidence_hint_html: str


@dataclass(frozen=True)
class Checklist:
    """A code version's checklist as the scoring page reads it: sections and items in display
    order, the scale (points, label) and the engine's spec."""

    sections: tuple[SectionHead, ...]
    items: tuple[ChecklistRow, ...]
    scale: tuple[tuple[int, str], ...]
    spec: ChecklistSpec


# A published or superseded version's checklist never changes (codice's guards, down to the
# database triggers), so it is kept. The key's "v1" is the shape of what is kept: change it
# with Checklist or ChecklistRow.
CHECKLIST_CACHE_KEY = "audit-scoring:checklist:v1:{}"
CHECKLIST_CACHE_SECONDS = 24 * 60 * 60


def checklist_of(version: CodeVersion) -> Checklist:
    """The version's checklist, from the cache unless the version is a draft."""
    if version.is_draft:
        return _read_checklist(version)
    key = CHECKLIST_CACHE_KEY.format(version.pk)
    checklist = cache.get(key)
    if checklist is None:
        checklist = _read_checklist(version)
        cache.set(key, checklist, CHECKLIST_CACHE_SECONDS)
    return checklist


def _read_checklist(version: CodeVersion) -> Checklist:
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
    sections = {item.section_id: item.section for item in items}
    return Checklist(
        sections=tuple(SectionHead(s.pk, s.code, s.title) for s in sections.values()),
        items=tuple(
            ChecklistRow(
                pk=item.pk,
                code=item.code,
                section_id=item.section_id,
                weight=item.weight,
                blocking=item.blocking,
                allows_na=item.allows_na,
                code_html=escape(item.code),
                question_html=escape(item.question),
                guidance_html=escape(item.guidance),
                evidence_hint_html=escape(item.evidence_hint),
            )
            for item in items
        ),
        scale=tuple(
            ScaleLevel.objects.filter(version=version)
            .order_by("points")
            .values_list("points", "label")
        ),
        spec=spec_for_version(version),
    )


class StoredScore(NamedTuple):
    item_id: int
    points: int | None
    not_applicable: bool
    comment: str


@dataclass(slots=True)
class Block:
    section: SectionHead
    cards: SafeString  # its items as the scoring page shows them


class ItemError(NamedTuple):
    item: ChecklistRow
    error: str


ERROR_BORDER = " border border-danger"


class ItemCards:
    """The scoring page's card for each item, as HTML.

    Built here rather than in the template: the card repeats for every item (a hundred on a
    full checklist, with four or five radio buttons each), and at some thirty template nodes
    per item it was most of the page's time. The people's text is escaped as the template
    would; the item's text comes escaped with the checklist, the page's own words and the
    levels are escaped once per page and the ids are numbers, so the cards are plain
    f-strings.
    """

    def __init__(
        self, *, application_pk: int, editable: bool, scale: tuple[tuple[int, str], ...]
    ) -> None:
        self.editable = editable
        self.blocking = escape(_("bloccante: un livello 0 fa fallire l'audit"))
        self.guidance = escape(_("Indicazioni per l'auditor:"))
        self.evidence_hint = escape(_("Evidenze attese:"))
        self.answer_heading = escape(_("Autovalutazione del richiedente"))
        self.no_answer = escape(_("nessuna risposta"))
        no_evidence = escape(_("Nessun file di evidenza."))  # not in the f-string: xgettext
        self.no_evidence = f'<p class="mb-1 text-muted">{no_evidence}</p>\n'
        self.level = escape(_("Livello:"))
        self.comment = escape(_("Commento:"))
        self.weight = _("Peso %(weight)s")
        # Escaped before the (escaped) code goes in: escaping leaves "%(code)s" as it is.
        self.legend = escape(_("Livello per la voce %(code)s"))
        self.comment_label = escape(_("Commento dell'auditor sulla voce %(code)s"))
        self.answers = {
            value: escape(label) for value, label in SelfAssessmentAnswer.Answer.choices
        }
        without_na, with_na = _levels(scale)
        self.without_na = [(level.value, escape(level.label)) for level in without_na]
        self.with_na = [(level.value, escape(level.label)) for level in with_na]
        self.labels = {level.points: escape(level.label) for level in without_na}
        self.not_scored = escape(_("non valutata"))
        self.not_applicable = escape(_("Non applicabile"))
        # Reversed once, not once per item.
        self.save_url = escape(
            reverse("certification:audit_score_item", args=[application_pk, 0]).removesuffix("0/")
        )
        self.download_url = escape(
            reverse("certification:evidence_download", args=[application_pk, 0]).removesuffix("0/")
        )
        self.weights: dict[Decimal, str] = {}

    def card(
        self,
        item: ChecklistRow,
        *,
        score: StoredScore | None,
        selected: str,
        comment: str,
        error: str,
        answer: tuple[str, str] | None,
        evidence: list[tuple[int, str, int]],
    ) -> str:
        """One item's card: `selected` and `comment` are what the inputs show (the stored
        score, or what was posted), `answer` the applicant's (answer, comment), `evidence`
        their files (id, name, size)."""
        pk = item.pk  # a number, as are every id and name made of it
        if self.editable:
            data = f' data-item-url="{self.save_url}{pk}/" data-item-code="{item.code_html}"'
            inputs = self._inputs(item, selected, comment, error)
        else:
            data, inputs = "", self._level(score)
        return (
            f'<div class="card card-bg mb-4{ERROR_BORDER if error else ""}" id="voce-{pk}"'
            f'{data}>\n<div class="card-body">\n'
            f'<h3 class="h5">{item.code_html} — {item.question_html}</h3>\n'
            f'<p class="small mb-2">{self._weight(item.weight)}'
            f"{f' · <strong>{self.blocking}</strong>' if item.blocking else ''}</p>\n"
            f"{self._labelled(self.guidance, item.guidance_html)}"
            f"{self._labelled(self.evidence_hint, item.evidence_hint_html)}"
            f'<h4 class="h6 mt-3">{self.answer_heading}</h4>\n{self._answer(answer)}'
            f"{self._evidence(evidence) if evidence else self.no_evidence}"
            f"{inputs}</div>\n</div>\n"
        )

    @staticmethod
    def _labelled(label: str, html: str) -> str:
        if not html:
            return ""
        return f'<p class="mb-1"><strong>{label}</strong> {html}</p>\n'

    def _answer(self, answer: tuple[str, str] | None) -> str:
        if answer is None:
            return f'<p class="mb-1">{self.no_answer}</p>\n'
        value, comment = answer
        shown = f'<p class="mb-1">{self.answers.get(value) or escape(value)}</p>\n'
        if comment:
            shown += f'<p class="mb-1 fst-italic">{linebreaksbr(comment)}</p>\n'
        return shown

    def _evidence(self, files: list[tuple[int, str, int]]) -> str:
        links = "\n".join(
            f'<li><a href="{self.download_url}{pk}/">{escape(name)}</a>'
            f' <span class="text-muted">({escape(filesizeformat(size))})</span></li>'
            for pk, name, size in files
        )
        return f'<ul class="mb-1">\n{links}\n</ul>\n'

    def _inputs(self, item: ChecklistRow, selected: str, comment: str, error: str) -> str:
        """The level's radio buttons, the comment and the place of the item's error."""
        pk, name, code = item.pk, level_name(item.pk), item.code_html
        radios = "\n".join(
            f'<div class="form-check form-check-inline"><input type="radio"'
            f' name="{name}" id="livello-{pk}-{value}" value="{value}"'
            f"{' checked' if selected == value else ''}>"
            f'<label for="livello-{pk}-{value}">{label}</label></div>'
            for value, label in (self.with_na if item.allows_na else self.without_na)
        )
        return (
            f'<fieldset class="mt-3" aria-describedby="errore-voce-{pk}">\n'
            f'<legend class="h6">{self.legend % {"code": code}}</legend>\n'
            f"{radios}\n</fieldset>\n"
            f'<div class="mb-2"><label class="form-label" for="commento-{pk}">'
            f"{self.comment_label % {'code': code}}</label>\n"
            f'<textarea class="form-control" name="{comment_name(pk)}" id="commento-{pk}" rows="2"'
            f' maxlength="4000">{escape(comment) if comment else ""}</textarea></div>\n'
            f'<p class="text-danger fw-bold mb-0" id="errore-voce-{pk}" data-item-error>'
            f"{escape(error) if error else ''}</p>\n"
        )

    # A checklist has a few weights, repeated over its items.

    def _weight(self, weight: Decimal) -> str:
        if weight not in self.weights:
            self.weights[weight] = escape(self.weight % {"weight": floatformat(weight, "-2")})
        return self.weights[weight]

    def _level(self, score: StoredScore | None) -> str:
        """What a completed audit shows instead of the inputs."""
        if score is None:
            label = self.not_scored
        elif score.not_applicable:
            label = self.not_applicable
        else:
            label = self.labels.get(score.points) or escape(score.points)
        shown = f'<p class="mt-3 mb-1"><strong>{self.level}</strong> {label}</p>\n'
        if score is not None and score.comment:
            shown += (
                f'<p class="mb-1"><strong>{self.comment}</strong>'
                f" {linebreaksbr(score.comment)}</p>\n"
            )
        return shown


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


def _levels(scale: Iterable[tuple[int, str]]) -> tuple[list[Level], list[Level]]:
    """The levels offered to an item without N/A and to one with it, worded once per page
    (not once per item: a page has a hundred items). `scale` is (points, label) pairs."""
    levels = [
        Level(
            value=str(points),
            label=ngettext("%(label)s (%(points)d punto)", "%(label)s (%(points)d punti)", points)
            % {"label": label, "points": points},
            points=points,
        )
        for points, label in scale
    ]
    return levels, [*levels, Level(value=NA_VALUE, label=_("Non applicabile"), points=None)]


def _rows(
    items: list[ChecklistItem],
    scale: Iterable[tuple[int, str]],
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
                    item,
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
    cards = ItemCards(application_pk=application_pk, editable=editable, scale=sheet.checklist.scale)
    blocks, item_errors = sheet.blocks(cards, form)
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

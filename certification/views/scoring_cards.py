"""The checklist as the scoring page shows it, and its items' cards.

A published or superseded version's checklist (sections, items, scale and the engine's spec)
is read once and then kept (`checklist_of`: a published version never changes). The items'
cards are put together in Python (`ItemCards`): a hundred items in the template were most of
the page's time. What of them does not depend on the audit is put together once per code
version, language and mode (`item_cards_of`); a page puts in only the audit's own parts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.core.cache import cache
from django.db.models import Prefetch, prefetch_related_objects
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from certification.forms.audit_scoring import NA_VALUE, comment_name, level_name
from certification.models import ChecklistItem, ScaleLevel, SelfAssessmentAnswer
from certification.scoring import ChecklistSpec, spec_for_version
from codice.models import CodeVersion


@dataclass(frozen=True, slots=True)
class Level:
    """One level an item can be given: a level of the scale, or N/A."""

    value: str
    label: str
    points: int | None


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
# database triggers), so it is kept: in the shared cache, and in each process in front of it,
# since taking a hundred items out of the shared cache costs about a millisecond a page. The
# key's "v1" is the shape of what is kept: change it with Checklist or ChecklistRow.
CHECKLIST_CACHE_KEY = "audit-scoring:checklist:v1:{}"
CHECKLIST_CACHE_SECONDS = 24 * 60 * 60
_checklists: dict[int, Checklist] = {}  # version pk → checklist, published versions only


def checklist_of(version: CodeVersion) -> Checklist:
    """The version's checklist, kept unless the version is a draft."""
    if version.is_draft:
        return _read_checklist(version)
    checklist = _checklists.get(version.pk)
    if checklist is None:
        key = CHECKLIST_CACHE_KEY.format(version.pk)
        checklist = cache.get(key)
        if checklist is None:
            checklist = _read_checklist(version)
            cache.set(key, checklist, CHECKLIST_CACHE_SECONDS)
        _checklists[version.pk] = checklist
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


ERROR_BORDER = " border border-danger"


class CardParts(NamedTuple):
    """An item's card less what depends on the audit: the pieces around those parts."""

    opening: str  # after the card's classes, up to the address of the item's save
    head: str  # from the item's own part of that address to the heading of the answer
    radios: str  # the level's radio buttons, none checked
    values: frozenset[str]  # the radio buttons' values
    comment_opening: str  # after the radio buttons, up to the comment's text
    error_opening: str  # after the comment, up to the item's error


class ItemCards:
    """The scoring page's card for each item of a checklist, as HTML.

    Built here rather than in the template: the card repeats for every item (a hundred on a
    full checklist, with four or five radio buttons each), and at some thirty template nodes
    per item it was most of the page's time. What does not depend on the audit (the item's
    text, the page's words, the levels) is put together once per checklist, language and
    mode (`item_cards_of`); a page puts in only the applicant's answer and evidence, the
    auditor's level and comment, and the error. The people's text is escaped as the template
    would; the item's text comes escaped with the checklist and the ids are numbers, so the
    cards are plain f-strings.
    """

    def __init__(self, checklist: Checklist, *, editable: bool) -> None:
        self.editable = editable
        self.answer_words = {
            value: escape(label) for value, label in SelfAssessmentAnswer.Answer.choices
        }
        self.no_answer = escape(_("nessuna risposta"))
        no_evidence = escape(_("Nessun file di evidenza."))  # not in the f-string: xgettext
        self.no_evidence = f'<p class="mb-1 text-muted">{no_evidence}</p>\n'
        self.level = escape(_("Livello:"))
        self.comment = escape(_("Commento:"))
        self.not_scored = escape(_("non valutata"))
        self.not_applicable = escape(_("Non applicabile"))
        without_na, with_na = levels(checklist.scale)
        self.labels = {level.points: escape(level.label) for level in without_na}
        self.parts = self._parts(checklist.items, without_na, with_na)

    def _parts(
        self, items: Iterable[ChecklistRow], without_na: list[Level], with_na: list[Level]
    ) -> dict[int, CardParts]:
        blocking = escape(_("bloccante: un livello 0 fa fallire l'audit"))
        guidance = escape(_("Indicazioni per l'auditor:"))
        evidence_hint = escape(_("Evidenze attese:"))
        answer_heading = escape(_("Autovalutazione del richiedente"))
        weight_words = _("Peso %(weight)s")
        # Escaped before the (escaped) code goes in: escaping leaves "%(code)s" as it is.
        legend = escape(_("Livello per la voce %(code)s"))
        comment_label = escape(_("Commento dell'auditor sulla voce %(code)s"))
        levels = {
            allows_na: [(level.value, escape(level.label)) for level in offered]
            for allows_na, offered in ((False, without_na), (True, with_na))
        }
        values = {allows_na: frozenset(dict(offered)) for allows_na, offered in levels.items()}
        weights: dict[Decimal, str] = {}  # a checklist has a few weights, over many items
        parts = {}
        for item in items:
            pk, code = item.pk, item.code_html  # a number, as are every id and name made of it
            if item.weight not in weights:
                weights[item.weight] = escape(
                    weight_words % {"weight": floatformat(item.weight, "-2")}
                )
            head = (
                f'<div class="card-body">\n'
                f'<h3 class="h5">{code} — {item.question_html}</h3>\n'
                f'<p class="small mb-2">{weights[item.weight]}'
                f"{f' · <strong>{blocking}</strong>' if item.blocking else ''}</p>\n"
                f"{_labelled(guidance, item.guidance_html)}"
                f"{_labelled(evidence_hint, item.evidence_hint_html)}"
                f'<h4 class="h6 mt-3">{answer_heading}</h4>\n'
            )
            if not self.editable:
                parts[pk] = CardParts(f'" id="voce-{pk}">\n{head}', "", "", frozenset(), "", "")
                continue
            name = level_name(pk)
            radios = "\n".join(
                f'<div class="form-check form-check-inline"><input type="radio"'
                f' name="{name}" id="livello-{pk}-{value}" value="{value}">'
                f'<label for="livello-{pk}-{value}">{label}</label></div>'
                for value, label in levels[item.allows_na]
            )
            parts[pk] = CardParts(
                opening=f'" id="voce-{pk}" data-item-url="',
                head=f'{pk}/" data-item-code="{code}">\n{head}',
                radios=(
                    f'<fieldset class="mt-3" aria-describedby="errore-voce-{pk}">\n'
                    f'<legend class="h6">{legend % {"code": code}}</legend>\n{radios}'
                ),
                values=values[item.allows_na],
                comment_opening=(
                    f"\n</fieldset>\n"
                    f'<div class="mb-2"><label class="form-label" for="commento-{pk}">'
                    f"{comment_label % {'code': code}}</label>\n"
                    f'<textarea class="form-control" name="{comment_name(pk)}" id="commento-{pk}"'
                    f' rows="2" maxlength="4000">'
                ),
                error_opening=(
                    f'</textarea></div>\n<p class="text-danger fw-bold mb-0"'
                    f' id="errore-voce-{pk}" data-item-error>'
                ),
            )
        return parts

    def card(
        self,
        item_pk: int,
        *,
        urls: tuple[str, str],
        score: StoredScore | None,
        selected: str,
        comment: str,
        error: str,
        answer: tuple[str, str] | None,
        evidence: list[tuple[int, str, int]],
    ) -> str:
        """One item's card: `urls` are the page's (escaped) addresses of an item's save and
        of a file's download less their last id, `selected` and `comment` what the inputs
        show (the stored score, or what was posted), `answer` the applicant's (answer,
        comment), `evidence` their files (id, name, size)."""
        parts = self.parts[item_pk]
        save_url, download_url = urls
        if self.editable:
            radios = parts.radios
            if selected in parts.values:  # else no radio button is checked
                radios = radios.replace(f' value="{selected}">', f' value="{selected}" checked>')
            inputs = (
                f"{radios}{parts.comment_opening}{escape(comment) if comment else ''}"
                f"{parts.error_opening}{escape(error) if error else ''}</p>\n"
            )
        else:
            save_url, inputs = "", self._level(score)
        return (
            f'<div class="card card-bg mb-4{ERROR_BORDER if error else ""}{parts.opening}'
            f"{save_url}{parts.head}{self._answer(answer)}"
            f"{_evidence(evidence, download_url) if evidence else self.no_evidence}"
            f"{inputs}</div>\n</div>\n"
        )

    def _answer(self, answer: tuple[str, str] | None) -> str:
        if answer is None:
            return f'<p class="mb-1">{self.no_answer}</p>\n'
        value, comment = answer
        shown = f'<p class="mb-1">{self.answer_words.get(value) or escape(value)}</p>\n'
        if comment:
            shown += f'<p class="mb-1 fst-italic">{linebreaksbr(comment)}</p>\n'
        return shown

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


def _labelled(label: str, html: str) -> str:
    if not html:
        return ""
    return f'<p class="mb-1"><strong>{label}</strong> {html}</p>\n'


def _evidence(files: list[tuple[int, str, int]], download_url: str) -> str:
    links = "\n".join(
        f'<li><a href="{download_url}{pk}/">{escape(name)}</a>'
        f' <span class="text-muted">({escape(filesizeformat(size))})</span></li>'
        for pk, name, size in files
    )
    return f'<ul class="mb-1">\n{links}\n</ul>\n'


# A published version's cards are kept like its checklist, per language and mode: some 700 KB
# for a hundred items in both languages and modes.
_item_cards: dict[tuple[int, str, bool], ItemCards] = {}


def item_cards_of(version: CodeVersion, checklist: Checklist, *, editable: bool) -> ItemCards:
    if version.is_draft:
        return ItemCards(checklist, editable=editable)
    key = (version.pk, get_language(), editable)
    cards = _item_cards.get(key)
    if cards is None:
        cards = _item_cards[key] = ItemCards(checklist, editable=editable)
    return cards


def item_urls(application_pk: int) -> tuple[str, str]:
    """The (escaped) addresses of an item's save and of a file's download, less their id."""
    return (
        escape(
            reverse("certification:audit_score_item", args=[application_pk, 0]).removesuffix("0/")
        ),
        escape(
            reverse("certification:evidence_download", args=[application_pk, 0]).removesuffix("0/")
        ),
    )


def levels(scale: Iterable[tuple[int, str]]) -> tuple[list[Level], list[Level]]:
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

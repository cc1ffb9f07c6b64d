"""Word-level comparison of two code versions: pure functions, no database, no HTML.

Texts are compared as tokens (words, runs of whitespace, single punctuation marks) so that a
changed word is marked whole and unchanged words are never marked. The result is a list of
segments `(op, text)`; the template escapes the text and wraps inserts and deletes in <ins> and
<del>.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Literal

Op = Literal["equal", "insert", "delete"]
Segment = tuple[Op, str]

EQUAL: Op = "equal"
INSERT: Op = "insert"
DELETE: Op = "delete"

_TOKEN = re.compile(r"\w+|\s+|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Split text into words, runs of whitespace and single punctuation marks.

    Joining the tokens gives the text back unchanged.
    """
    return _TOKEN.findall(text or "")


def _common_ws_prefix(a: str, b: str) -> str:
    n = 0
    while n < len(a) and n < len(b) and a[n] == b[n] and a[n].isspace():
        n += 1
    return a[:n]


def _common_ws_suffix(a: str, b: str) -> str:
    n = 0
    while n < len(a) and n < len(b) and a[-1 - n] == b[-1 - n] and a[-1 - n].isspace():
        n += 1
    return a[len(a) - n :]


def diff_words(old: str, new: str) -> list[Segment]:
    """Segments that turn `old` into `new`.

    Invariants: joining the equal and delete segments gives `old`, joining the equal and insert
    segments gives `new`; no segment is empty; within one change a delete comes before its
    insert; two changed words separated only by whitespace form one span.
    """
    a, b = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)

    # Blocks: ["equal", text] or ["change", deleted, inserted].
    blocks: list[list[str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            blocks.append([EQUAL, "".join(a[i1:i2])])
        else:
            blocks.append(["change", "".join(a[i1:i2]), "".join(b[j1:j2])])

    # A run of whitespace between two changes belongs to both sides of one larger change, so
    # "il gatto nero" -> "il cane bianco" reads as one deletion and one insertion.
    merged: list[list[str]] = []
    for block in blocks:
        if (
            block[0] == "change"
            and len(merged) >= 2
            and merged[-1][0] == EQUAL
            and merged[-1][1].isspace()
            and merged[-2][0] == "change"
        ):
            ws = merged.pop()[1]
            prev = merged[-1]
            prev[1] = prev[1] + ws + block[1]
            prev[2] = prev[2] + ws + block[2]
        elif block[0] == "change" and merged and merged[-1][0] == "change":
            merged[-1][1] += block[1]
            merged[-1][2] += block[2]
        else:
            merged.append(block)

    segments: list[Segment] = []

    def emit(op: Op, text: str) -> None:
        if not text:
            return
        if segments and segments[-1][0] == op:
            segments[-1] = (op, segments[-1][1] + text)
        else:
            segments.append((op, text))

    for block in merged:
        if block[0] == EQUAL:
            emit(EQUAL, block[1])
            continue
        deleted, inserted = block[1], block[2]
        # Whitespace shared at both edges of a change is not part of it.
        head = _common_ws_prefix(deleted, inserted)
        deleted, inserted = deleted[len(head) :], inserted[len(head) :]
        tail = _common_ws_suffix(deleted, inserted)
        if tail:
            deleted, inserted = deleted[: -len(tail)], inserted[: -len(tail)]
        emit(EQUAL, head)
        emit(DELETE, deleted)
        emit(INSERT, inserted)
        emit(EQUAL, tail)
    return segments


def has_changes(segments: Iterable[Segment]) -> bool:
    return any(op != EQUAL for op, _ in segments)


# --- versions -----------------------------------------------------------------------------


@dataclass
class ChangedArticle:
    old: Any
    new: Any
    title_segments: list[Segment]
    body_segments: list[Segment]

    @property
    def title_changed(self) -> bool:
        return has_changes(self.title_segments)

    @property
    def body_changed(self) -> bool:
        return has_changes(self.body_segments)

    @property
    def renumbered(self) -> bool:
        return self.old.number != self.new.number


@dataclass
class UnchangedArticle:
    old: Any
    new: Any

    @property
    def renumbered(self) -> bool:
        return self.old.number != self.new.number


@dataclass
class ChangedEntry:
    old: Any
    new: Any
    body_segments: list[Segment]


@dataclass
class DecalogoComparison:
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    changed: list[ChangedEntry] = field(default_factory=list)
    unchanged: list[Any] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed)


@dataclass
class VersionComparison:
    added: list[Any] = field(default_factory=list)
    removed: list[Any] = field(default_factory=list)
    changed: list[ChangedArticle] = field(default_factory=list)
    unchanged: list[UnchangedArticle] = field(default_factory=list)
    decalogo: DecalogoComparison = field(default_factory=DecalogoComparison)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.decalogo.has_changes)


def compare_articles(old_articles: Sequence[Any], new_articles: Sequence[Any]) -> VersionComparison:
    """Articles matched by their stable `key`; lists keep the order of the version they are in.

    An article whose title and body are identical is unchanged even if it was renumbered.
    """
    old_by_key = {a.key: a for a in old_articles}
    new_keys = {a.key for a in new_articles}
    result = VersionComparison()
    for new in new_articles:
        old = old_by_key.get(new.key)
        if old is None:
            result.added.append(new)
            continue
        if old.title == new.title and old.body == new.body:
            result.unchanged.append(UnchangedArticle(old=old, new=new))
            continue
        result.changed.append(
            ChangedArticle(
                old=old,
                new=new,
                title_segments=diff_words(old.title, new.title),
                body_segments=diff_words(old.body, new.body),
            )
        )
    result.removed = [a for a in old_articles if a.key not in new_keys]
    return result


def compare_decalogo(old_entries: Sequence[Any], new_entries: Sequence[Any]) -> DecalogoComparison:
    """Decalogo entries have no stable key: they are matched by audience and title."""
    old_by_id = {(e.audience, e.title): e for e in old_entries}
    new_ids = {(e.audience, e.title) for e in new_entries}
    result = DecalogoComparison()
    for new in new_entries:
        old = old_by_id.get((new.audience, new.title))
        if old is None:
            result.added.append(new)
        elif old.body == new.body:
            result.unchanged.append(new)
        else:
            result.changed.append(
                ChangedEntry(old=old, new=new, body_segments=diff_words(old.body, new.body))
            )
    result.removed = [e for e in old_entries if (e.audience, e.title) not in new_ids]
    return result


def compare_versions(old: Any, new: Any) -> VersionComparison:
    """Compare two versions through their `articles` and `decalogo` relations.

    Pass versions whose relations are prefetched to keep the query count constant.
    """
    result = compare_articles(list(old.articles.all()), list(new.articles.all()))
    result.decalogo = compare_decalogo(list(old.decalogo.all()), list(new.decalogo.all()))
    return result

"""Reading the scoring page's plain inputs.

The page has one radio group and one comment per item (about 100 items): a Django formset
renders and validates them several times slower, so the page uses plain inputs named after
the item and this reader turns them into what `audit_save_scores` takes. It checks only the
shape of the input; the scale and N/A rules are the service's, which refuses the whole save.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from django.utils.translation import gettext as _

NA_VALUE = "na"
COMMENT_MAX_LENGTH = 4000

ScoreTuple = tuple[int | None, bool, str]


class Item(Protocol):
    """What the reader needs of an item: a ChecklistItem, or the scoring page's row of one."""

    @property
    def pk(self) -> int: ...

    @property
    def code(self) -> str: ...


def level_name(item_id: int) -> str:
    return f"livello_{item_id}"


def comment_name(item_id: int) -> str:
    return f"commento_{item_id}"


@dataclass
class ScoresForm:
    """The levels and comments posted for `items`.

    After `is_valid()`: `cleaned` maps item id → (points, not applicable, comment) for every
    item with a level chosen (an item with neither level nor comment is left out: not scored
    yet); `errors` maps item id → an Italian message; `raw` keeps what was posted, to show it
    again next to the errors.
    """

    data: Mapping[str, str]
    items: Iterable[Item]
    require_level: bool = False
    cleaned: dict[int, ScoreTuple] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)
    raw: dict[int, tuple[str, str]] = field(default_factory=dict)

    def is_valid(self) -> bool:
        self.cleaned, self.errors, self.raw = {}, {}, {}
        for item in self.items:
            level = (self.data.get(level_name(item.pk)) or "").strip()
            comment = (self.data.get(comment_name(item.pk)) or "").strip()
            self.raw[item.pk] = (level, comment)
            error = self._clean_item(item, level, comment)
            if error:
                self.errors[item.pk] = error
        return not self.errors

    def _clean_item(self, item: Item, level: str, comment: str) -> str | None:
        if len(comment) > COMMENT_MAX_LENGTH:
            return _("Il commento alla voce %(code)s supera %(max)d caratteri.") % {
                "code": item.code,
                "max": COMMENT_MAX_LENGTH,
            }
        if not level:
            if comment or self.require_level:
                return _(
                    "Scegli un livello per la voce %(code)s: il commento si salva insieme al "
                    "livello."
                ) % {"code": item.code}
            return None
        if level == NA_VALUE:
            self.cleaned[item.pk] = (None, True, comment)
        elif level.isascii() and level.isdigit() and len(level) <= 4:
            self.cleaned[item.pk] = (int(level), False, comment)
        else:
            return _("Il livello indicato per %(code)s non è valido.") % {"code": item.code}
        return None

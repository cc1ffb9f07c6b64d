"""Pagination of the long staff lists (the committee's applications and seal register)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.utils.functional import cached_property

# A count at least this large is kept in the cache (LIST_COUNT_SECONDS).
CACHED_FROM = 1000


class LargeCountPaginator(Paginator):
    """A Paginator whose count, when large, is kept in the cache for LIST_COUNT_SECONDS:
    counting 100,000 rows costs tens of milliseconds on every page, while the rows shown are
    always read afresh and a total a minute late is invisible at that size. A small count is
    always exact. The cache key is the SQL that selects the rows' keys (shorter to build than
    the rows' own), so each filter has its own."""

    @cached_property
    def count(self) -> int:
        # values() drops select_related's joins, and works on a values() queryset too.
        query = self.object_list.order_by().values("pk").query
        key = "list-count:" + hashlib.sha256(str(query).encode()).hexdigest()
        count = cache.get(key)
        if count is None:
            count = self.object_list.count()
            if count >= CACHED_FROM:
                cache.set(key, count, settings.LIST_COUNT_SECONDS)
        return count

    def page(self, number):
        """A page past the middle is read from the end, in the reverse order: no page skips
        more than half the rows, so the last page costs what the first does (OFFSET reads and
        throws away every row it skips)."""
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom <= self.count // 2 or not self.object_list.ordered:
            return self._get_page(self.object_list[bottom:top], number, self)
        rows = list(self.object_list.reverse()[self.count - top : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)

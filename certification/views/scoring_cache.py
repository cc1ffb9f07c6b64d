"""The scoring page's content, kept in the cache under a stamp of every row it shows.

Reading an audit's scores, the applicant's answers and evidence, and putting a hundred items'
cards and the running result together was most of the page's time. The page is opened again
and again on the same audit (after each save, by both auditors, on every visit back to it),
and between two visits its rows seldom change: its content is kept, compressed (a hundred
items are some 200 KB of HTML, 20 KB compressed), and shown again while the stamp is the same.

The stamp is PostgreSQL's, read in one query from the rows themselves (a function of
migration 0020, whose plan PostgreSQL keeps): each row's `xmin` (the transaction that wrote
this version of the row) for the audit, the application, the firm and the code version, a
digest of (id, xmin) over the audit's scores, the application's answers and its items'
evidence, and whether a second auditor is assigned. Any insert, update
or delete of one of those rows, whoever makes it (the services, the admin, a script), gives
another stamp, so a kept page is never shown after its rows changed. Not on SQLite (no
`xmin`), and never for a draft version (its checklist may still change).

The stamp query also checks who asks: it finds the audit only for its own auditor, as
`audit_get_for_auditor` does; anyone else goes the long way, to that function's 404.
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from certification.models import Audit, User
from codice.models import CodeVersion
from oic_portal.cache import cached_once

# The CSRF token of a kept page's forms is the request's own: the content is kept with this
# mark as the token's value, and the token is put in on every request; the content goes into
# the page where CONTENT_MARK is. Both are looked for with markup around them that a person's
# text, escaped, cannot contain.
CSRF_MARK = "\ue001"
CSRF_VALUE = f'value="{CSRF_MARK}"'.encode()
CONTENT_MARK = SafeString("<!--\ue002-->")
# "v1" is the shape of what is kept: change it with the content's template or its value.
PAGE_CACHE_KEY = "audit-scoring:page:v1:{audit}:{language}:{stamp}"

# certification_scoring_page_stamp(application, auditor, second role): migration 0020.
STAMP_SQL = "SELECT * FROM certification_scoring_page_stamp(%s, %s, %s)"


def page_key(user: User, application_pk: int) -> str | None:
    """Where this auditor's scoring page is kept, under the stamp of its rows as they are now;
    None when the page cannot be kept (SQLite, a draft version, or no audit of this auditor:
    the long way answers)."""
    if connection.vendor != "postgresql" or user.role != User.Role.AUDITOR:
        return None
    with connection.cursor() as cursor:
        cursor.execute(STAMP_SQL, [application_pk, user.pk, Audit.Role.SECOND])
        row = cursor.fetchone()
    if row is None:
        return None
    audit_pk, version_status, stamp = row
    if version_status == CodeVersion.Status.DRAFT:
        return None
    return PAGE_CACHE_KEY.format(
        audit=audit_pk,
        language=get_language(),
        stamp=hashlib.sha256(stamp.encode()).hexdigest()[:32],
    )


def kept_page(key: str, build: Callable[[], tuple[bool, bytes]]) -> tuple[bool, bytes]:
    """The page kept at `key` as (editable, content in UTF-8), else `build()`'s, kept: built
    by one request at a time (cached_once)."""
    built = None

    def compressed() -> tuple[bool, bytes]:
        nonlocal built
        built = build()
        editable, content = built
        # Level 1: some 200 KB of repeated markup become 20 KB in half a millisecond; higher
        # levels save a few KB for twice the time.
        return editable, zlib.compress(content, 1)

    editable, page = cached_once(key, compressed, settings.SCORING_PAGE_CACHE_SECONDS)
    if built is not None:
        return built
    return editable, zlib.decompress(page)

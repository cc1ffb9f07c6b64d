"""The scoring page's content, kept in the cache under a stamp of every row it shows.

Reading an audit's scores, the applicant's answers and evidence, and putting a hundred items'
cards and the running result together was most of the page's time. The page is opened again
and again on the same audit (after each save, by both auditors, on every visit back to it),
and between two visits its rows seldom change: its content is kept, compressed (a hundred
items are some 200 KB of HTML, 20 KB compressed), and shown again while the stamp is the same.

The stamp is PostgreSQL's, read in one query from the rows themselves: each row's `xmin` (the
transaction that wrote this version of the row) for the audit, the application, the firm and
the code version, and a digest of (id, xmin) over the audit's scores, the application's
answers and its items' evidence, and whether a second auditor is assigned. Any insert, update
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
from django.utils.translation import get_language

from certification.models import Audit, User
from codice.models import CodeVersion
from oic_portal.cache import cached_once

# The CSRF token of a kept page's forms is the request's own: the content is kept with this
# mark in the token's place, and the token is put in on every request.
CSRF_MARK = "\ue001"
# "v1" is the shape of what is kept: change it with the content's template or its value.
PAGE_CACHE_KEY = "audit-scoring:page:v1:{audit}:{language}:{stamp}"

STAMP_SQL = """
SELECT a.id, v.status, concat_ws(
    ':', a.xmin, app.xmin, org.xmin, v.xmin,
    EXISTS (
        SELECT 1 FROM certification_audit second
        WHERE second.application_id = a.application_id AND second.role = %(second)s
    ),
    (SELECT md5(string_agg(s.id || '.' || s.xmin, ',' ORDER BY s.id))
     FROM certification_auditscore s WHERE s.audit_id = a.id),
    (SELECT md5(string_agg(sa.id || '.' || sa.xmin, ',' ORDER BY sa.id))
     FROM certification_selfassessmentanswer sa WHERE sa.application_id = a.application_id),
    (SELECT md5(string_agg(e.id || '.' || e.xmin, ',' ORDER BY e.id))
     FROM certification_evidencefile e
     WHERE e.application_id = a.application_id AND e.item_id IS NOT NULL)
)
FROM certification_audit a
JOIN certification_application app ON app.id = a.application_id
JOIN certification_organization org ON org.id = app.organization_id
JOIN codice_codeversion v ON v.id = app.code_version_id
WHERE a.application_id = %(application)s AND a.auditor_id = %(auditor)s
"""


def page_key(user: User, application_pk: int) -> str | None:
    """Where this auditor's scoring page is kept, under the stamp of its rows as they are now;
    None when the page cannot be kept (SQLite, a draft version, or no audit of this auditor:
    the long way answers)."""
    if connection.vendor != "postgresql" or user.role != User.Role.AUDITOR:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            STAMP_SQL,
            {"second": Audit.Role.SECOND, "application": application_pk, "auditor": user.pk},
        )
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


def kept_page(key: str, build: Callable[[], tuple[bool, str]]) -> tuple[bool, str]:
    """The page kept at `key` as (editable, content), else `build()`'s, kept: built by one
    request at a time (cached_once)."""
    built = None

    def compressed() -> tuple[bool, bytes]:
        nonlocal built
        built = build()
        editable, content = built
        # Level 1: some 200 KB of repeated markup become 20 KB in half a millisecond; higher
        # levels save a few KB for twice the time.
        return editable, zlib.compress(content.encode(), 1)

    editable, page = cached_once(key, compressed, settings.SCORING_PAGE_CACHE_SECONDS)
    if built is not None:
        return built
    return editable, zlib.decompress(page).decode()

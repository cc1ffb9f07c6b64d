"""Data for the statistics and home page tests: any number of firms taken through audit to the
committee's decision on the code version in force (created once), reports, and a reader of the
page's tables."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser
from unittest import mock

from django.utils import timezone

from certification.models import Application, Audit, ChecklistItem, Provincia, Report, Seal
from certification.scoring import NA
from certification.services.audits import audit_assign, audit_complete, audit_save_scores
from certification.services.decisions import decision_record
from codice.models import CodeVersion
from tests.factories import (
    ApplicationFactory,
    OrganizationFactory,
    make_current_version_with_checklist,
)

S = Application.Status
# Checklist of tests.factories.make_checklist: A.1 (weight 2, blocking), A.2 (weight 1, N/A
# allowed), B.1 (weight 3); scale 0-3. Section A 44.44%, section B 100%.
PASSING = {"A.1": 1, "A.2": 2, "B.1": 3}


def firm_in(sigla: str, comune: str, **kwargs):
    return OrganizationFactory(
        provincia=Provincia.objects.get(sigla=sigla), comune=comune, **kwargs
    )


def _save(audit: Audit, by, scores: dict) -> None:
    items = {
        i.code: i.pk for i in ChecklistItem.objects.filter(version=audit.application.code_version)
    }
    audit_save_scores(
        audit=audit,
        by=by,
        scores={
            items[code]: (None, True, "") if points is NA else (points, False, "")
            for code, points in scores.items()
        },
    )


def decided(
    *,
    firm,
    committee,
    lead,
    scores: dict = PASSING,
    outcome: str = "approvata",
    second=None,
    second_scores: dict | None = None,
    at: datetime.datetime | None = None,
) -> Application:
    """An application of `firm` scored by `lead` (and `second`), evaluated and decided; an
    approval issues the seal, at `at` when given."""
    version = CodeVersion.objects.current() or make_current_version_with_checklist()
    application = ApplicationFactory(organization=firm, code_version=version)
    Application.objects.filter(pk=application.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now()
    )
    audit_assign(application=application, by=committee, lead=lead, second=second)
    Application.objects.filter(pk=application.pk).update(status=S.IN_EVALUATION)
    audits = {a.role: a for a in Audit.objects.filter(application=application)}
    if second is not None:
        _save(audits[Audit.Role.SECOND], second, second_scores or scores)
        audit_complete(audit=audits[Audit.Role.SECOND], by=second)
    _save(audits[Audit.Role.LEAD], lead, scores)
    audit_complete(audit=audits[Audit.Role.LEAD], by=lead)
    Application.objects.filter(pk=application.pk).update(status=S.EVALUATED)
    application.refresh_from_db()
    if at is None:
        decision_record(application=application, by=committee, outcome=outcome, reason="Esito")
    else:
        with mock.patch("django.utils.timezone.now", return_value=at):
            decision_record(application=application, by=committee, outcome=outcome, reason="Esito")
    return application


def seal_of(application: Application) -> Seal:
    return Seal.objects.get(application=application)


def report(
    firm,
    *,
    by,
    category: str = Report.Category.OUTSIDE_HOURS,
    status: str = Report.Status.RECEIVED,
    outcome: str = "",
    created_at: datetime.datetime | None = None,
    closed_at: datetime.datetime | None = None,
) -> Report:
    now = timezone.now()
    forwarded = status != Report.Status.RECEIVED
    made = Report.objects.create(
        organization=firm,
        category=category,
        call_at=now - datetime.timedelta(days=1),
        description="Mi hanno chiamato alle 22.",
        filed_by=by,
        status=status,
        outcome=outcome,
        forwarded_at=now if forwarded else None,
        answer_due=timezone.localdate(now) if forwarded else None,
        closed_at=(closed_at or now) if status == Report.Status.CLOSED else None,
    )
    if created_at is not None:
        Report.objects.filter(pk=made.pk).update(created_at=created_at)
    return made


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        if tag == "thead":
            self._in_head = True
        elif tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None and not self._in_head:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[" ".join(self._caption.split())] = self._rows
            self._rows = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data
        elif self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, dict[str, list[str]]]:
    """{caption: {first cell of a body or footer row: the other cells}} for every table."""
    parser = _Tables()
    parser.feed(html)
    return {
        caption: {row[0]: row[1:] for row in rows if row} for caption, rows in parser.tables.items()
    }

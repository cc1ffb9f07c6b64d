"""The scoring tests' scene: a version in force with its checklist, an application in
evaluation with its auditors, scores given through the service, the pages' addresses."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from certification.models import (
    Application,
    Audit,
    AuditScore,
    ChecklistItem,
    ChecklistSection,
)
from certification.scoring import NA
from certification.services.audits import audit_assign, audit_save_scores
from codice.models import CodeVersion
from tests.certification.application_helpers import checklist_sections, publish
from tests.factories import ApplicationFactory, make_checklist, make_version

S = Application.Status


def publish_with_items(number: str, count: int, per_section: int = 10) -> CodeVersion:
    """A new version in force whose checklist has `count` items, `per_section` per section:
    weights 1-3, the first item of each section blocking, every other item allowing N/A,
    section A with a minimum of 60%. Built as a draft, then published."""
    version = make_version(number, status=CodeVersion.Status.DRAFT)
    make_checklist(
        version,
        checklist_sections(
            count,
            per_section,
            lambda code, i: (code, str(i % 3 + 1), i == 0, i % 2 == 1, "Un documento"),
        ),
    )
    ChecklistSection.objects.filter(version=version, code="A").update(minimum_percent=Decimal("60"))
    publish(version)
    return version


def in_evaluation(firm, version, *, committee, lead, second=None) -> Application:
    """An application of `firm` with its auditors assigned, in evaluation."""
    application = ApplicationFactory(organization=firm, code_version=version)
    put_in_evaluation(application, committee=committee, lead=lead, second=second)
    return application


def put_in_evaluation(application: Application, *, committee, lead, second=None) -> None:
    """Assign the auditors (while submitted, as the service wants), then move the application
    to evaluation."""
    Application.objects.filter(pk=application.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now()
    )
    application.refresh_from_db()
    audit_assign(application=application, by=committee, lead=lead, second=second)
    Application.objects.filter(pk=application.pk).update(status=S.IN_EVALUATION)
    application.refresh_from_db()


def items_of(version) -> dict[str, ChecklistItem]:
    return {item.code: item for item in ChecklistItem.objects.filter(version=version)}


def audit_of(application, user) -> Audit:
    return Audit.objects.get(application=application, auditor=user)


def save(application, user, **levels) -> None:
    """save(app, user, A_1=2, A_2=NA): scores through the service, codes with _ for ."""
    items = items_of(application.code_version)
    audit_save_scores(
        audit=audit_of(application, user),
        by=user,
        scores={
            items[code.replace("_", ".")].pk: (
                (None, True, "") if value is NA else (value, False, "")
            )
            for code, value in levels.items()
        },
    )


def forget_kept_pages() -> None:
    """Drop the scoring pages kept in the cache (scoring_cache), so the next visit reads its
    rows; a version's checklist stays kept in the process."""
    cache.clear()


def scoring_url(application) -> str:
    return reverse("certification:audit_scoring", args=[application.pk])


def item_url(application, item) -> str:
    return reverse("certification:audit_score_item", args=[application.pk, item.pk])


def complete_url(application) -> str:
    return reverse("certification:audit_complete", args=[application.pk])


def disagreements_url(application) -> str:
    return reverse("certification:audit_disagreements", args=[application.pk])


def stored(application) -> list[tuple]:
    return sorted(
        AuditScore.objects.filter(audit__application=application).values_list(
            "audit__auditor__email", "item__code", "points", "not_applicable", "comment"
        )
    )


def shown(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}">(.*?)</', html, re.S)
    assert match, f"#{element_id} not on the page"
    return match.group(1).strip()

"""Building applications in every state, for the tests of the application pages and services.

Evidence rows are written directly (with a small PDF in the private storage) so that the state
machine's tests do not depend on the upload checks, which have their own tests.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from certification.models import (
    Application,
    CallingNumber,
    ChecklistItem,
    Declaration,
    EvidenceFile,
    SelfAssessmentAnswer,
    User,
)
from certification.services import applications as services
from codice.models import CodeVersion
from tests.certification.file_samples import pdf_bytes
from tests.factories import UserFactory, make_checklist, make_version

PDF = pdf_bytes()  # a complete PDF: uploads are read by pypdf to be checked

S = Application.Status

# How each state is reached from a draft: (target, who) steps.
_PATHS: dict[str, list[tuple[str, str]]] = {
    S.DRAFT: [],
    S.SUBMITTED: [(S.SUBMITTED, "applicant")],
    S.UNDER_REVIEW: [(S.SUBMITTED, "applicant"), (S.UNDER_REVIEW, "committee")],
    S.INFO_REQUESTED: [
        (S.SUBMITTED, "applicant"),
        (S.UNDER_REVIEW, "committee"),
        (S.INFO_REQUESTED, "committee"),
    ],
    S.IN_EVALUATION: [
        (S.SUBMITTED, "applicant"),
        (S.UNDER_REVIEW, "committee"),
        (S.IN_EVALUATION, "committee"),
    ],
    S.EVALUATED: [
        (S.SUBMITTED, "applicant"),
        (S.UNDER_REVIEW, "committee"),
        (S.IN_EVALUATION, "committee"),
        (S.EVALUATED, "committee"),
    ],
    S.APPROVED: [
        (S.SUBMITTED, "applicant"),
        (S.UNDER_REVIEW, "committee"),
        (S.IN_EVALUATION, "committee"),
        (S.EVALUATED, "committee"),
        (S.APPROVED, "committee"),
    ],
    S.REJECTED: [
        (S.SUBMITTED, "applicant"),
        (S.UNDER_REVIEW, "committee"),
        (S.IN_EVALUATION, "committee"),
        (S.EVALUATED, "committee"),
        (S.REJECTED, "committee"),
    ],
    S.WITHDRAWN: [(S.WITHDRAWN, "applicant")],
}


@pytest.fixture
def reference_data(transactional_db):
    """The provinces and sectors of migration 0004, for tests with real transactions: the flush
    after each such test empties them, and `serialized_rollback` cannot be relied on to restore
    them (it restores nothing once Playwright's event loop runs in the main thread, and clashes
    with the role groups that post_migrate re-creates after a plain flush)."""
    import importlib

    from django.apps import apps

    from certification.models import Provincia

    if not Provincia.objects.exists():
        migration = importlib.import_module("certification.migrations.0004_provinces_and_sectors")
        migration.load(apps, None)


@pytest.fixture
def current_version(db):
    """The code version in force: articles «orari» and «rpo», items A.1 (evidence hint,
    blocking), A.2 (allows N/A, no hint), B.1 (evidence hint)."""
    from tests.factories import make_current_version_with_checklist

    return make_current_version_with_checklist()


def publish(version: CodeVersion, *, by: User | None = None) -> None:
    """Put a draft version in force in place of the current one."""
    previous = CodeVersion.objects.current()
    if previous is not None:
        previous.status = CodeVersion.Status.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = datetime.date(2025, 6, 1)
    version.published_at = timezone.now()
    version.published_by = by or UserFactory(
        email="pubblicatore@oic.example", role=User.Role.COMMITTEE
    )
    version.save()


def checklist_sections(count: int, per_section: int, item) -> list[tuple]:
    """`count` items in sections A, B, … of `per_section` items, for make_checklist:
    `item(code, i)` gives the item's tuple, for the i-th item (from 0) of its section, whose
    code ("A.1") it is given."""
    sections = []
    for start in range(0, count, per_section):
        section = chr(ord("A") + start // per_section)
        items = [item(f"{section}.{i + 1}", i) for i in range(min(per_section, count - start))]
        sections.append((section, f"Sezione {section}", items))
    return sections


def publish_version_with_items(
    number: str, item_count: int, *, by: User | None = None, article_keys=("orari",)
) -> CodeVersion:
    """A new version in force with `item_count` items spread over sections, each linked to the
    given articles; the version in force until now is superseded."""
    version = make_version(
        number,
        status=CodeVersion.Status.DRAFT,
        articles=[
            ("orari", "Fasce orarie", "Dalle 9 alle 20 nei giorni feriali."),
            ("rpo", "Registro delle opposizioni", "Verifica prima di ogni campagna."),
        ],
    )
    make_checklist(
        version,
        checklist_sections(
            item_count,
            5,
            lambda code, i: (code, "1", False, i % 2 == 1, "Un documento" if i % 2 == 0 else ""),
        ),
    )
    ChecklistItem.objects.filter(version=version).update(article_keys=list(article_keys))
    publish(version, by=by)
    return version


def new_application(applicant: User, kind: str = Application.Kind.FIRST) -> Application:
    return services.application_create(organization=applicant.organization, by=applicant, kind=kind)


def give_answer(
    application: Application,
    item: ChecklistItem,
    *,
    by: User,
    answer: str = SelfAssessmentAnswer.Answer.CONFORM,
    comment: str = "",
) -> SelfAssessmentAnswer:
    """The applicant's self-assessment answer to one item, written straight to the table."""
    return SelfAssessmentAnswer.objects.create(
        application=application, item=item, answer=answer, comment=comment, updated_by=by
    )


# The two sections of publish_version_with_items' checklist, by their first item.
SECTION_TITLES = (("A.1", "A. Orari e modalità delle chiamate"), ("B.1", "B. Consenso e RPO"))


def assert_section_links(html: str, items: dict[str, ChecklistItem]) -> None:
    """The list of sections at the top of a checklist page links to each section's place."""
    for code, title in SECTION_TITLES:
        section = items[code].section_id
        assert f'<a href="#sezione-{section}">{title}</a>' in html
        assert f'id="sezione-{section}"' in html


def add_evidence(
    application: Application,
    *,
    by: User,
    item: ChecklistItem | None = None,
    document_kind: str = "",
    name: str = "verbale.pdf",
) -> EvidenceFile:
    evidence = EvidenceFile(
        application=application,
        item=item,
        document_kind=document_kind,
        original_name=name,
        content_type="application/pdf",
        size=len(PDF),
        sha256="0" * 64,
        uploaded_by=by,
    )
    evidence.file.save("evidenza.pdf", ContentFile(PDF), save=False)
    evidence.save()
    return evidence


def italian_number_for(organization) -> str:
    return f"+3902{organization.pk % 10**8:08d}"


def complete(application: Application, by: User) -> Application:
    """Fill in everything submission asks for: answers, evidence, documents, declarations,
    a calling number (the organization is outbound)."""
    items = ChecklistItem.objects.filter(version_id=application.code_version_id)
    for item in items:
        give_answer(application, item, by=by)
        if item.evidence_hint:
            add_evidence(application, by=by, item=item)
    for kind in EvidenceFile.REQUIRED_DOCUMENTS:
        add_evidence(application, by=by, document_kind=kind, name=f"{kind}.pdf")
    for kind in Declaration.Kind:
        Declaration.objects.create(application=application, kind=kind, accepted_by=by)
    organization = application.organization
    if organization.outbound and not organization.calling_numbers.active().exists():
        CallingNumber.objects.create(
            organization=organization,
            application=application,
            number=italian_number_for(organization),
            declared_by=by,
        )
    return application


LEAD_AUDITOR_EMAIL = "lead.auditor@oic.example"


def assign_lead(application: Application, committee: User) -> None:
    from certification.services.audits import audit_assign
    from tests.factories import UserFactory

    if application.audits.filter(role="capofila").exists():
        return
    lead = UserFactory(email=LEAD_AUDITOR_EMAIL, role=User.Role.AUDITOR)
    audit_assign(application=application, by=committee, lead=lead)


def complete_lead_audit(application: Application) -> User:
    """Score every item at the top of the scale and complete the lead's audit."""
    from certification.services.audits import audit_complete, audit_save_scores

    audit = application.audits.select_related("auditor").get(role="capofila")
    top = max(application.code_version.scale_levels.values_list("points", flat=True))
    items = application.code_version.checklist_items.all()
    audit_save_scores(
        audit=audit, by=audit.auditor, scores={item.pk: (top, False, "") for item in items}
    )
    audit_complete(audit=audit, by=audit.auditor)
    return audit.auditor


def bring_to(
    application: Application, status: str, *, applicant: User, committee: User
) -> Application:
    """Move a draft to `status` through the services, completing it first if needed."""
    people = {"applicant": applicant, "committee": committee}
    steps = _PATHS[status]
    if any(to == S.SUBMITTED for to, _who in steps):
        complete(application, applicant)
    for to, who in steps:
        actor = people[who]
        if to == S.IN_EVALUATION:
            assign_lead(application, committee)
        if to == S.EVALUATED:
            # Only the lead auditor, with a completed audit, declares the evaluation over.
            actor = complete_lead_audit(application)
        services.application_transition(application=application, to=to, by=actor)
    application.refresh_from_db()
    assert application.status == status
    return application


def application_in(status: str, *, applicant: User, committee: User) -> Application:
    """A new application of the applicant's organization, in `status`."""
    return bring_to(new_application(applicant), status, applicant=applicant, committee=committee)

"""The world the access matrix (tests/test_access_matrix.py) asks its questions about: the cast
of eight roles and one object of each kind, owned by firm A, built once for the module through
the services (the seal's certificate is really rendered).

Also the walk over the URL configuration and the database's count of writes, to tell that a
refused POST changed nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.test import TestCase
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from certification.models import (
    Application,
    Audit,
    CallingNumber,
    CertificateBatch,
    ChecklistItem,
    ChecklistSection,
    EvidenceFile,
    InformationRequest,
    Invitation,
    JoinRequest,
    Nonconformity,
    OperationalSite,
    Organization,
    Report,
    Seal,
    User,
)
from codice.models import Amendment, Article, Chapter, CodeVersion, DecalogoEntry, Meeting
from tests.certification.scoring_helpers import put_in_evaluation
from tests.factories import (
    AmendmentFactory,
    ApplicationFactory,
    AssociationFactory,
    DecalogoEntryFactory,
    MeetingFactory,
    OperationalSiteFactory,
    OrganizationFactory,
    UserFactory,
    make_current_version_with_checklist,
)

ROLES = (
    "visitor",
    "applicant_a",
    "applicant_b",
    "lead_auditor",
    "other_auditor",
    "committee",
    "association",
    "admin",
)

S = Application.Status


# --- the URL configuration -------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name ("namespace:name", or "namespace:<route>" when the
    pattern has no name) and its route, for the messages."""

    name: str
    route: str


def walk_urls() -> list[Route]:
    """Every pattern of the project, in order, with its namespaces."""
    found: list[Route] = []

    def visit(patterns, prefix: str, namespace: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                visit(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name or f"<{route}>"
                found.append(Route(f"{namespace}:{name}" if namespace else name, route))

    visit(get_resolver().url_patterns, "", "")
    return found


# --- what the database wrote -------------------------------------------------------------------


def database_writes() -> dict[str, int]:
    """{table: rows inserted, updated or deleted so far in this transaction}, from PostgreSQL's
    own counters: a request that writes anything, even in a savepoint it rolls back, shows."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_all_tables "
            "WHERE schemaname = current_schema()"
        )
        return {table: count for table, count in cursor.fetchall() if count}


# --- the world -----------------------------------------------------------------------------------


@dataclass
class World:
    users: dict[str, User | None]
    firm_a: Organization
    firm_b: Organization
    current: CodeVersion
    application: Application  # firm A's, in evaluation, the lead auditor assigned
    application_item: ChecklistItem  # an item of its checklist
    application_b: Application  # firm B's, in evaluation, the other auditor its lead
    approved: Application  # firm A's, approved: it issued the seal
    evidence: EvidenceFile
    nonconformity: Nonconformity
    information_request: InformationRequest
    seal: Seal
    report: Report  # filed by the association, forwarded to firm A
    report_received: Report  # on firm A, not forwarded: the firm never sees it
    calling_number: CallingNumber
    site: OperationalSite
    join_request: JoinRequest
    invitation: Invitation
    draft: CodeVersion
    chapter: Chapter
    article: Article
    entry: DecalogoEntry
    amendment: Amendment
    meeting: Meeting
    section: ChecklistSection
    item: ChecklistItem
    batch: CertificateBatch
    signup_token: str
    visitor_token: str
    # Filled by the test's fixture: each person's session cookie and test client.
    sessions: dict = field(default_factory=dict)
    clients: dict = field(default_factory=dict)

    def resolve(self, path: str):
        """The value at a dotted path of the world ("seal.number"); a model instance gives
        its pk."""
        value = self
        for part in path.split("."):
            value = value[part] if isinstance(value, dict) else getattr(value, part)
        return value.pk if hasattr(value, "_meta") else value


def _score(application: Application, lead: User, by_code: dict[str, int]) -> None:
    from certification.services.audits import audit_save_scores

    items = {i.code: i for i in ChecklistItem.objects.filter(version=application.code_version)}
    audit_save_scores(
        audit=Audit.objects.get(application=application, role=Audit.Role.LEAD),
        by=lead,
        scores={items[code].pk: (points, False, "") for code, points in by_code.items()},
    )


def build_world() -> World:
    """Firm A with a seal and an open application holding one object of each kind; firm B;
    a draft of the next code version with one of each of its contents."""
    from certification.services.audits import audit_complete
    from certification.services.decisions import decision_record
    from certification.services.information_requests import (
        information_request_answer,
        information_request_create,
    )
    from certification.services.nonconformities import nonconformity_raise
    from certification.services.organizations import (
        invitation_create,
        join_request_create,
        signup_token,
    )
    from certification.services.reports import report_forward, visitor_token
    from certification.services.seals import certificates_rerender_all
    from codice.services import codeversion_create_draft
    from tests.certification.application_helpers import add_evidence
    from tests.certification.report_helpers import file as file_report

    firm_a = OrganizationFactory(legal_name="Contact Uno S.r.l.", partita_iva="01234560157")
    site = OperationalSiteFactory(organization=firm_a)
    firm_b = OrganizationFactory(legal_name="Chiamate Due S.p.A.", partita_iva="12345670157")
    OperationalSiteFactory(organization=firm_b, comune="Napoli")
    committee = UserFactory(email="carla.comitato@oic.example", role=User.Role.COMMITTEE)
    lead = UserFactory(email="andrea.auditor@oic.example", role=User.Role.AUDITOR)
    users: dict[str, User | None] = {
        "visitor": None,
        "applicant_a": UserFactory(
            email="anna@contactuno.example", role=User.Role.APPLICANT, organization=firm_a
        ),
        "applicant_b": UserFactory(
            email="bruno@chiamatedue.example", role=User.Role.APPLICANT, organization=firm_b
        ),
        "lead_auditor": lead,
        "other_auditor": UserFactory(email="ugo.auditor@oic.example", role=User.Role.AUDITOR),
        "committee": committee,
        "association": UserFactory(
            email="marco@consumatori.example",
            role=User.Role.ASSOCIATION,
            association=AssociationFactory(name="Consumatori Attivi"),
        ),
        "admin": UserFactory(
            email="it@oic.example", role=User.Role.ADMIN, is_staff=True, is_superuser=True
        ),
    }
    anna = users["applicant_a"]
    current = make_current_version_with_checklist()

    # The seal: an application approved by the committee, its certificate rendered after the
    # commit (eager Celery), as `django_capture_on_commit_callbacks(execute=True)` would.
    approved = ApplicationFactory(organization=firm_a, created_by=anna)
    put_in_evaluation(approved, committee=committee, lead=lead)
    _score(approved, lead, {"A.1": 3, "A.2": 3, "B.1": 3})
    audit_complete(audit=Audit.objects.get(application=approved, role=Audit.Role.LEAD), by=lead)
    Application.objects.filter(pk=approved.pk).update(status=S.EVALUATED)
    approved.refresh_from_db()
    with TestCase.captureOnCommitCallbacks(execute=True):
        decision_record(application=approved, by=committee, outcome="approvata", reason="Ok")
    seal = Seal.objects.get(application=approved)
    assert seal.pdf_status == Seal.PdfStatus.READY, seal.pdf_status

    # The open application: an information request asked and answered, then in evaluation
    # with a nonconformity on an item below full marks.
    application = ApplicationFactory(
        organization=firm_a, created_by=anna, kind=Application.Kind.RENEWAL
    )
    evidence = add_evidence(application, by=anna, document_kind="visura", name="visura.pdf")
    calling_number = CallingNumber.objects.create(
        organization=firm_a, application=application, number="+390212345678", declared_by=anna
    )
    # A second auditor, so that the lead has a page of disagreements.
    second = UserFactory(email="sara.auditor@oic.example", role=User.Role.AUDITOR)
    put_in_evaluation(application, committee=committee, lead=lead, second=second)
    Application.objects.filter(pk=application.pk).update(status=S.UNDER_REVIEW)
    application.refresh_from_db()
    information_request = information_request_create(
        application=application,
        by=committee,
        message="Inviate la visura aggiornata.",
        due_date=timezone.localdate() + datetime.timedelta(days=15),
    )
    information_request_answer(application=application, by=anna, answer="Visura caricata.")
    Application.objects.filter(pk=application.pk).update(status=S.IN_EVALUATION)
    application.refresh_from_db()
    _score(application, lead, {"A.1": 1, "A.2": 2, "B.1": 3})
    nonconformity = nonconformity_raise(
        application=application,
        by=lead,
        item=ChecklistItem.objects.get(version=current, code="A.1"),
        severity=Nonconformity.Severity.MAJOR,
        description="Chiamate registrate alle 21.",
    )

    # Firm B's application: the "other" auditor is its lead, not firm A's.
    application_b = ApplicationFactory(organization=firm_b, created_by=users["applicant_b"])
    put_in_evaluation(application_b, committee=committee, lead=users["other_auditor"])

    report = report_forward(report=file_report(firm_a, member=users["association"]), by=committee)
    report_received = file_report(firm_a, member=users["association"])
    newcomer = UserFactory(email="giulia@nuova.example", role=User.Role.APPLICANT)
    join_request = join_request_create(by=newcomer, organization=firm_a, message="Sono Giulia.")
    invitation = invitation_create(by=anna, organization=firm_a, email="collega@contactuno.example")
    unconfirmed = UserFactory(email="piero@nonconfermato.example", is_active=False)
    # The administrator's authenticator app: the two-factor pages ask for its code, and the
    # admin has pages about each device.
    TOTPDevice.objects.create(user=users["admin"], name="app di autenticazione", confirmed=True)

    draft = codeversion_create_draft(by=committee, number="3.0", title="Codice 3.0")
    entry = DecalogoEntryFactory(version=draft)
    article = Article.objects.filter(version=draft).order_by("order").first()
    amendment = AmendmentFactory(version=draft, article_key=article.key)
    with TestCase.captureOnCommitCallbacks(execute=True):
        batch = certificates_rerender_all(by=committee, note="Nuovo modello")

    return World(
        users=users,
        firm_a=firm_a,
        firm_b=firm_b,
        current=current,
        application=application,
        approved=approved,
        application_item=ChecklistItem.objects.get(version=current, code="A.1"),
        application_b=application_b,
        evidence=evidence,
        nonconformity=nonconformity,
        information_request=information_request,
        seal=Seal.objects.get(pk=seal.pk),
        report=report,
        report_received=report_received,
        calling_number=calling_number,
        site=site,
        join_request=join_request,
        invitation=invitation,
        draft=draft,
        chapter=Chapter.objects.filter(version=draft).first(),
        article=article,
        entry=entry,
        amendment=amendment,
        meeting=MeetingFactory(),
        section=ChecklistSection.objects.filter(version=draft).order_by("order").first(),
        item=ChecklistItem.objects.filter(version=draft).order_by("code").first(),
        batch=batch,
        signup_token=signup_token(unconfirmed),
        visitor_token=visitor_token("lucia.bianchi@example.it"),
    )

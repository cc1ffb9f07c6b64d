"""Who gets what at every address of the portal.

Every URL pattern of the project has a row: for each of eight people (a visitor, Anna of firm A
who owns every object, Bruno of firm B, the lead auditor of firm A's application, an auditor not
assigned to it, the committee, an association member, the administrator) the answer to a GET.
Whoever is refused on a page (login, 403, 404) is refused an empty POST there too, and that
POST changes nothing in the database and sends no e-mail; pages that take only POST say
explicitly who is refused.

A new address without a row fails `test_every_address_has_a_row`; the Django admin's addresses
follow one rule (`admin_row`), the others are written out in MATRIX.

The world (tests/access_matrix_data.py) is built once for the module and rolled back after it;
OTP_REQUIRED and RATELIMIT_ENABLED are off (both have their own tests).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from oic_portal.security import PASSWORD_BACKEND
from tests.access_matrix_data import ROLES, World, build_world, database_writes, walk_urls

# --- the answers ---------------------------------------------------------------------------------

OK, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 403, 404, 405


@dataclass(frozen=True)
class To:
    """A redirect (302 or 301) to the address `name` with `params` taken from the world; the
    login pages check the `next` parameter too."""

    name: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"→{self.name}"


@dataclass(frozen=True)
class OrNotAllowed:
    """An empty POST to a page that refuses this person on a GET: the same refusal, or 405
    when the page checks the method first. Either way nothing is done."""

    refusal: object

    def __repr__(self) -> str:
        return f"{self.refusal!r} or 405"


LOGIN = To("login")
ADMIN_LOGIN = To("admin:login")
REFUSALS = (LOGIN, ADMIN_LOGIN, FORBIDDEN, NOT_FOUND)

Answer = int | To | OrNotAllowed
# An answer may depend on the world (the admin's pages of a model with no object).
Answers = Mapping[str, "Answer | Callable[[World], Answer] | None"]


def to(name: str, **params: object) -> To:
    return To(name, params)


def answers(default: Answer, **by_role: Answer) -> dict[str, Answer]:
    unknown = set(by_role) - set(ROLES)
    assert not unknown, unknown
    return {role: by_role.get(role, default) for role in ROLES}


def post_only(shape: Answers) -> dict[str, Answer]:
    """The same people pass, but the page takes only POST: they get 405 on a GET."""
    return {role: NOT_ALLOWED if answer == OK else answer for role, answer in shape.items()}


PUBLIC = answers(OK)
LOGGED_IN = answers(OK, visitor=LOGIN)
COMMITTEE_ONLY = answers(FORBIDDEN, visitor=LOGIN, committee=OK)
# codice.manage_codice: the committee's permission, which the administrator (a superuser) has too.
CODE_MANAGERS = answers(FORBIDDEN, visitor=LOGIN, committee=OK, admin=OK)
# Pages about "my organization": each applicant reaches only their own firm's.
APPLICANTS = answers(FORBIDDEN, visitor=LOGIN, applicant_a=OK, applicant_b=OK)
# One of firm A's objects: firm B is told it does not exist.
OWNER_ONLY = answers(FORBIDDEN, visitor=LOGIN, applicant_a=OK, applicant_b=NOT_FOUND)
# An application through the auditor's pages: other auditors are told it does not exist.
LEAD_ONLY = answers(FORBIDDEN, visitor=LOGIN, lead_auditor=OK, other_auditor=NOT_FOUND)
# Pages reached only through the person's own audit: 404 for everyone else logged in.
OWN_AUDIT_ONLY = answers(NOT_FOUND, visitor=LOGIN, lead_auditor=OK)
# Firm B's application on the applicant's pages.
OWNER_B = answers(FORBIDDEN, visitor=LOGIN, applicant_a=NOT_FOUND, applicant_b=OK)
# A committee page whose address mixes two versions of the code.
NOT_FOUND_TO_MANAGERS = answers(FORBIDDEN, visitor=LOGIN, committee=NOT_FOUND, admin=NOT_FOUND)


@dataclass(frozen=True)
class Row:
    get: Answers
    # Explicit answers to an empty POST; a role answered None is not asked (it may do it).
    # Without them: everyone refused on the GET is refused the POST (OrNotAllowed).
    post: Answers | None = None
    # URL parameter -> attribute of the world ("seal.number"; a model instance gives its pk),
    # or a function of the world.
    params: Mapping[str, str | Callable[[World], object]] = field(default_factory=dict)
    path: Callable[[World], str] | None = None  # for patterns that cannot be reversed

    def post_answers(self) -> dict[str, Answer]:
        if self.post is not None:
            return dict(self.post)
        return {
            role: OrNotAllowed(answer) for role, answer in self.get.items() if answer in REFUSALS
        }


def row(get: Answers, post: Answers | None = None, **params) -> Row:
    return Row(get=get, post=post, params=params)


UNKNOWN_SEAL = "BB-2020-99999"
APP = {"pk": "application"}
AUDIT = {"application_pk": "application"}
DRAFT = {"pk": "draft"}
SEAL = {"number": "seal.number"}

# Redirects of logged-in people away from pages that are not for them (already done).
TO_DASHBOARD = to("dashboard")
APPLICANTS_WITH_A_FIRM = answers(
    FORBIDDEN,
    visitor=LOGIN,
    applicant_a=to("certification:organization"),
    applicant_b=to("certification:organization"),
)

# Pattern name -> row. "name#variant" asks the same pattern again with other objects (another
# firm's, another version's, a token nobody was given).
MATRIX: dict[str, Row] = {
    # --- portal ---
    "home": row(PUBLIC),
    "healthz": row(PUBLIC),
    "dashboard": row(LOGGED_IN),
    "privacy": row(PUBLIC),
    "cookies": row(PUBLIC),
    "my_data": row(LOGGED_IN),
    "login": row(answers(TO_DASHBOARD, visitor=OK)),
    # Staff without a second factor are sent to set it up, the administrator (who has an
    # authenticator app) is asked for its code (OTP_REQUIRED is off here: the two-factor flow
    # has its own tests); everyone else has nothing to do there.
    "two_factor_verify": row(
        answers(
            to("two_factor_setup"),
            visitor=LOGIN,
            applicant_a=TO_DASHBOARD,
            applicant_b=TO_DASHBOARD,
            association=TO_DASHBOARD,
            admin=OK,
        )
    ),
    "two_factor_setup": row(
        answers(
            OK,
            visitor=LOGIN,
            applicant_a=TO_DASHBOARD,
            applicant_b=TO_DASHBOARD,
            association=TO_DASHBOARD,
            admin=to("two_factor_verify"),
        )
    ),
    "logout": row(answers(NOT_ALLOWED)),
    "password_change": row(LOGGED_IN),
    "password_change_done": row(LOGGED_IN),
    "password_reset": row(PUBLIC),
    "password_reset_done": row(PUBLIC),
    "password_reset_confirm": row(PUBLIC, uidb64=lambda w: "MTIz", token=lambda w: "sbagliato"),
    "password_reset_complete": row(PUBLIC),
    "set_language": row(answers(to("home"))),
    # --- the code, public ---
    "codice:current": row(PUBLIC),
    "codice:versions": row(PUBLIC),
    "codice:compare": row(PUBLIC),
    "codice:pdf_current": row(PUBLIC),
    "codice:version": row(PUBLIC, number="current.number"),
    "codice:version#draft": row(answers(NOT_FOUND, committee=OK, admin=OK), number="draft.number"),
    "codice:pdf": row(PUBLIC, number="current.number"),
    "codice:pdf#draft": row(answers(NOT_FOUND, committee=OK, admin=OK), number="draft.number"),
    "codice:decalogo": row(PUBLIC),
    "codice:decalogo_version": row(PUBLIC, number="current.number"),
    "codice:decalogo_version#draft": row(
        answers(NOT_FOUND, committee=OK, admin=OK), number="draft.number"
    ),
    # --- the code, committee ---
    "codice_manage:versions": row(CODE_MANAGERS),
    "codice_manage:draft_create": row(CODE_MANAGERS),
    "codice_manage:version": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:version_edit": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:version_publish": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:chapter_create": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:chapter_edit": row(CODE_MANAGERS, **DRAFT, chapter_pk="chapter"),
    "codice_manage:chapter_delete": row(CODE_MANAGERS, **DRAFT, chapter_pk="chapter"),
    "codice_manage:article_create": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:article_edit": row(CODE_MANAGERS, **DRAFT, article_pk="article"),
    "codice_manage:article_delete": row(CODE_MANAGERS, **DRAFT, article_pk="article"),
    "codice_manage:decalogo_create": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:decalogo_edit": row(CODE_MANAGERS, **DRAFT, entry_pk="entry"),
    "codice_manage:decalogo_delete": row(CODE_MANAGERS, **DRAFT, entry_pk="entry"),
    "codice_manage:amendments": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:amendment_create": row(CODE_MANAGERS, **DRAFT),
    "codice_manage:amendment": row(CODE_MANAGERS, **DRAFT, amendment_pk="amendment"),
    # Content of the draft asked through the published version's address: not found.
    "codice_manage:chapter_edit#across": row(
        NOT_FOUND_TO_MANAGERS, pk="current", chapter_pk="chapter"
    ),
    "codice_manage:article_delete#across": row(
        NOT_FOUND_TO_MANAGERS, pk="current", article_pk="article"
    ),
    "codice_manage:decalogo_edit#across": row(
        NOT_FOUND_TO_MANAGERS, pk="current", entry_pk="entry"
    ),
    "codice_manage:amendment#across": row(
        NOT_FOUND_TO_MANAGERS, pk="current", amendment_pk="amendment"
    ),
    "codice_manage:meetings": row(CODE_MANAGERS),
    "codice_manage:meeting_create": row(CODE_MANAGERS),
    "codice_manage:meeting": row(CODE_MANAGERS, pk="meeting"),
    "codice_manage:meeting_edit": row(CODE_MANAGERS, pk="meeting"),
    # --- checklists of a code version (committee) ---
    "certification:checklist": row(CODE_MANAGERS, **DRAFT),
    "certification:checklist_create": row(
        answers(
            FORBIDDEN,
            visitor=LOGIN,
            committee=to("certification:checklist", **DRAFT),
            admin=to("certification:checklist", **DRAFT),
        ),
        **DRAFT,
    ),
    "certification:checklist_threshold": row(CODE_MANAGERS, **DRAFT),
    "certification:checklist_scale": row(CODE_MANAGERS, **DRAFT),
    "certification:checklist_section_create": row(CODE_MANAGERS, **DRAFT),
    "certification:checklist_section_edit": row(CODE_MANAGERS, **DRAFT, section_pk="section"),
    "certification:checklist_section_delete": row(CODE_MANAGERS, **DRAFT, section_pk="section"),
    "certification:checklist_item_create": row(CODE_MANAGERS, **DRAFT),
    "certification:checklist_item_edit": row(CODE_MANAGERS, **DRAFT, item_pk="item"),
    "certification:checklist_item_delete": row(CODE_MANAGERS, **DRAFT, item_pk="item"),
    "certification:checklist_section_edit#across": row(
        NOT_FOUND_TO_MANAGERS, pk="current", section_pk="section"
    ),
    "certification:checklist_item_edit#across": row(
        NOT_FOUND_TO_MANAGERS, pk="current", item_pk="item"
    ),
    # --- sign-up and the applicant's organization ---
    "certification:signup": row(answers(TO_DASHBOARD, visitor=OK)),
    "certification:signup_done": row(PUBLIC),
    "certification:signup_confirm": row(PUBLIC, token="signup_token"),
    "certification:signup_confirm#forged": row(answers(400), token=lambda w: "contraffatto"),
    "certification:organization": row(APPLICANTS),
    "certification:organization_create": row(APPLICANTS_WITH_A_FIRM),
    "certification:organization_edit": row(APPLICANTS),
    "certification:join_request_create": row(APPLICANTS_WITH_A_FIRM),
    "certification:join_request_decide": row(
        post_only(APPLICANTS),
        post=answers(FORBIDDEN, visitor=LOGIN, applicant_b=NOT_FOUND, applicant_a=None),
        pk="join_request",
    ),
    "certification:invitation_create": row(APPLICANTS),
    "certification:site_create": row(APPLICANTS),
    "certification:site_edit": row(OWNER_ONLY, pk="site"),
    "certification:site_delete": row(OWNER_ONLY, pk="site"),
    "certification:invitation_accept": row(PUBLIC, token="invitation.token"),
    "certification:invitation_accept#unknown": row(answers(NOT_FOUND), token=lambda w: "nessuno"),
    "certification:organization_calling_numbers": row(APPLICANTS),
    "certification:organization_calling_number_withdraw": row(
        post_only(APPLICANTS),
        post=answers(FORBIDDEN, visitor=LOGIN, applicant_b=NOT_FOUND, applicant_a=None),
        pk="calling_number",
    ),
    # --- applications: the applicant ---
    "certification:applications": row(APPLICANTS),
    "certification:application_create": row(APPLICANTS),
    "certification:application": row(OWNER_ONLY, **APP),
    "certification:application_submit": row(post_only(OWNER_ONLY), **APP),
    "certification:application_send_integration": row(post_only(OWNER_ONLY), **APP),
    "certification:application_withdraw": row(OWNER_ONLY, **APP),
    "certification:self_assessment": row(OWNER_ONLY, **APP),
    "certification:documents": row(OWNER_ONLY, **APP),
    "certification:calling_numbers": row(OWNER_ONLY, **APP),
    "certification:calling_number_withdraw": row(
        post_only(OWNER_ONLY), **APP, number_pk="calling_number"
    ),
    "certification:declarations": row(OWNER_ONLY, **APP),
    "certification:information_requests": row(OWNER_ONLY, **APP),
    "certification:nonconformities_applicant": row(OWNER_ONLY, **APP),
    "certification:nonconformity_answer": row(
        post_only(OWNER_ONLY), **APP, nonconformity_pk="nonconformity"
    ),
    # Evidence: whoever may see the application (its firm, the committee, its auditors).
    "certification:evidence_download": row(
        answers(
            NOT_FOUND,
            visitor=LOGIN,
            applicant_a=OK,
            lead_auditor=OK,
            committee=OK,
        ),
        application_pk="application",
        file_pk="evidence",
    ),
    # Firm A's file asked under firm B's application: nobody finds it there.
    "certification:evidence_download#across": row(
        answers(NOT_FOUND, visitor=LOGIN), application_pk="application_b", file_pk="evidence"
    ),
    # POST only, checked before the login: a GET is 405 for everyone. Only the firm deletes.
    "certification:evidence_delete": row(
        answers(NOT_ALLOWED),
        post=answers(
            NOT_FOUND, visitor=LOGIN, applicant_a=None, lead_auditor=FORBIDDEN, committee=FORBIDDEN
        ),
        application_pk="application",
        file_pk="evidence",
    ),
    "certification:evidence_delete#across": row(
        answers(NOT_ALLOWED),
        post=answers(NOT_FOUND, visitor=LOGIN),
        application_pk="application_b",
        file_pk="evidence",
    ),
    # Firm B on its own application, with firm A's objects in the address: not found.
    "certification:calling_number_withdraw#across": row(
        post_only(OWNER_B),
        post=answers(FORBIDDEN, visitor=LOGIN, applicant_a=NOT_FOUND, applicant_b=NOT_FOUND),
        pk="application_b",
        number_pk="calling_number",
    ),
    "certification:nonconformity_answer#across": row(
        post_only(OWNER_B),
        post=answers(FORBIDDEN, visitor=LOGIN, applicant_a=NOT_FOUND, applicant_b=NOT_FOUND),
        pk="application_b",
        nonconformity_pk="nonconformity",
    ),
    # --- applications: the committee ---
    "certification:manage_applications": row(COMMITTEE_ONLY),
    "certification:manage_application": row(COMMITTEE_ONLY, **APP),
    "certification:manage_transition": row(post_only(COMMITTEE_ONLY), **APP),
    "certification:audit_assign": row(COMMITTEE_ONLY, **APP),
    "certification:information_request_create": row(COMMITTEE_ONLY, **APP),
    "certification:decision": row(COMMITTEE_ONLY, **APP),
    # --- applications: the auditors ---
    "certification:auditor_queue": row(
        answers(FORBIDDEN, visitor=LOGIN, lead_auditor=OK, other_auditor=OK)
    ),
    "certification:auditor_application": row(LEAD_ONLY, **AUDIT),
    "certification:auditor_transition": row(post_only(LEAD_ONLY), **AUDIT),
    "certification:information_request_create_auditor": row(LEAD_ONLY, **AUDIT),
    "certification:audit_scoring": row(OWN_AUDIT_ONLY, **AUDIT),
    "certification:audit_disagreements": row(OWN_AUDIT_ONLY, **AUDIT),
    "certification:nonconformities_auditor": row(OWN_AUDIT_ONLY, **AUDIT),
    # POST only, checked right after the login: a GET is 405 for everyone logged in.
    "certification:audit_score_item": row(
        answers(NOT_ALLOWED, visitor=LOGIN),
        post=answers(NOT_FOUND, visitor=LOGIN, lead_auditor=None),
        **AUDIT,
        item_id="application_item",
    ),
    "certification:audit_complete": row(
        answers(NOT_ALLOWED, visitor=LOGIN),
        post=answers(NOT_FOUND, visitor=LOGIN, lead_auditor=None),
        **AUDIT,
    ),
    # The other auditor on firm B's application, with firm A's nonconformity or an item of
    # another checklist in the address: not found.
    "certification:nonconformity_review#across": row(
        answers(NOT_ALLOWED, visitor=LOGIN),
        post=answers(NOT_FOUND, visitor=LOGIN),
        application_pk="application_b",
        pk="nonconformity",
    ),
    "certification:audit_score_item#across": row(
        answers(NOT_ALLOWED, visitor=LOGIN),
        post=answers(NOT_FOUND, visitor=LOGIN),
        application_pk="application_b",
        item_id="item",
    ),
    "certification:nonconformity_review": row(
        answers(NOT_ALLOWED, visitor=LOGIN),
        post=answers(NOT_FOUND, visitor=LOGIN, lead_auditor=None),
        **AUDIT,
        pk="nonconformity",
    ),
    # --- seals ---
    "certification:my_seals": row(APPLICANTS),
    "certification:seal_renewal_start": row(post_only(APPLICANTS)),
    "certification:seal_certificate": row(
        answers(NOT_FOUND, visitor=LOGIN, applicant_a=OK, committee=OK), **SEAL
    ),
    "certification:seal_register": row(COMMITTEE_ONLY),
    "certification:certificate_batch": row(COMMITTEE_ONLY, pk="batch"),
    "certification:certificate_batch_status": row(COMMITTEE_ONLY, pk="batch"),
    "certification:seal_detail": row(COMMITTEE_ONLY, **SEAL),
    "certification:seal_suspend": row(post_only(COMMITTEE_ONLY), **SEAL),
    "certification:seal_reinstate": row(post_only(COMMITTEE_ONLY), **SEAL),
    "certification:seal_revoke": row(post_only(COMMITTEE_ONLY), **SEAL),
    "certification:seal_rerender": row(post_only(COMMITTEE_ONLY), **SEAL),
    "certification:seal_score": row(post_only(COMMITTEE_ONLY), **SEAL),
    # --- public: verification, registry, statistics ---
    "certification:verify": row(PUBLIC),
    "certification:verify_seal": row(PUBLIC, **SEAL),
    "certification:verify_seal_json": row(PUBLIC, **SEAL),
    "certification:verify_certificate": row(PUBLIC, **SEAL),
    "certification:verify_seal#unknown": row(answers(NOT_FOUND), number=lambda w: UNKNOWN_SEAL),
    "certification:verify_certificate#unknown": row(
        answers(NOT_FOUND), number=lambda w: UNKNOWN_SEAL
    ),
    "certification:registry": row(PUBLIC),
    "certification:registry_export_csv": row(PUBLIC),
    "certification:registry_export_json": row(PUBLIC),
    "certification:registry_firm": row(PUBLIC, partita_iva="firm_a.partita_iva"),
    # Firm B never held a seal: the registry does not know it, whoever asks.
    "certification:registry_firm#uncertified": row(
        answers(NOT_FOUND), partita_iva="firm_b.partita_iva"
    ),
    "certification:who_called": row(PUBLIC),
    "certification:statistics": row(PUBLIC),
    # --- reports ---
    "certification:report_new": row(PUBLIC),
    "certification:report_new_confirmed": row(PUBLIC, token="visitor_token"),
    "certification:report_follow": row(PUBLIC, token="report.follow_token"),
    "certification:report_follow#unknown": row(answers(NOT_FOUND), token=lambda w: "nessuno"),
    "certification:association_reports": row(answers(FORBIDDEN, visitor=LOGIN, association=OK)),
    "certification:manage_reports": row(COMMITTEE_ONLY),
    "certification:manage_report": row(COMMITTEE_ONLY, pk="report"),
    "certification:report_suspension": row(COMMITTEE_ONLY, pk="report"),
    "certification:firm_reports": row(APPLICANTS),
    "certification:firm_report": row(OWNER_ONLY, pk="report"),
    # A report the committee has not forwarded: not even the firm it is about sees it.
    "certification:firm_report#not_forwarded": row(
        answers(FORBIDDEN, visitor=LOGIN, applicant_a=NOT_FOUND, applicant_b=NOT_FOUND),
        pk="report_received",
    ),
    # --- the read-only JSON API ---
    "api:index": row(PUBLIC),
    "api:api-root": row(PUBLIC),
    "api:openapi-json": row(PUBLIC),
    "api:registry_list": row(PUBLIC),
    "api:registro_azienda": row(PUBLIC, partita_iva="firm_a.partita_iva"),
    "api:registro_azienda#uncertified": row(answers(NOT_FOUND), partita_iva="firm_b.partita_iva"),
    "api:seal_verify": row(PUBLIC, numero="seal.number"),
    "api:seal_verify#unknown": row(answers(NOT_FOUND), numero=lambda w: UNKNOWN_SEAL),
    "api:code_versions": row(PUBLIC),
}


# --- the Django admin: one rule ------------------------------------------------------------------

STAFF_ONLY = answers(ADMIN_LOGIN, admin=OK)
# What the admin refuses even to a superuser: histories and issued records are append-only.
ADMIN_NO_ADD = {
    "certification.application",
    "certification.callingnumber",
    "certification.audit",
    "certification.provincia",
    "certification.joinrequest",
    "certification.invitation",
    "certification.report",
    "certification.seal",
    "certification.sealevent",
    "certification.certificatefile",
    "codice.codeevent",
    "codice.amendment",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
}
ADMIN_NO_DELETE = {
    "certification.application",
    "certification.callingnumber",
    "certification.audit",
    "certification.provincia",
    "certification.report",
    "certification.seal",
    "certification.sealevent",
    "certification.certificatefile",
    "codice.codeevent",
    "codice.amendment",
}


def _admin_models() -> dict[str, type]:
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def _admin_object(model: type) -> Callable[[World], object]:
    """The newest object of the model when the world has one (for the code's content, the
    draft's, which may still change); else an id nobody has."""

    def pick(world: World) -> object:
        newest = model._default_manager.order_by("-pk").first()
        return newest.pk if newest is not None else 999999

    return pick


def _ok_if_exists(model: type) -> Callable[[World], Answer]:
    """200 for a real object; a missing one sends the administrator back to the index."""

    def expected(world: World) -> Answer:
        return OK if model._default_manager.exists() else to("admin:index")

    return expected


# The admin turns away everyone without staff access in one place (AdminSite.admin_view): all
# eight people are asked each GET, the refused POSTs only these (a sample, to stay fast).
ADMIN_POSTERS = ("visitor", "committee", "admin")


def admin_row(name: str, route: str) -> Row | None:
    """The rule for the admin's pages: the administrator gets them (except what the model's
    admin refuses: ADMIN_NO_ADD, ADMIN_NO_DELETE), everyone else is sent to the admin's login."""
    found = _admin_rule(name, route)
    if found is None:
        return None
    refused = found.post_answers()
    return replace(found, post={role: refused.get(role) for role in ADMIN_POSTERS})


def _admin_rule(name: str, route: str) -> Row | None:
    suffix = name.removeprefix("admin:")
    fixed = {
        "index": row(STAFF_ONLY),
        "login": row(answers(OK, admin=to("admin:index"))),
        # The admin's logout sends anyone without access to its index (then to its login).
        "logout": row(answers(to("admin:index"), admin=NOT_ALLOWED)),
        "password_change": row(STAFF_ONLY),
        "password_change_done": row(STAFF_ONLY),
        "jsi18n": row(STAFF_ONLY),
        # Without its parameters the autocomplete refuses even the administrator.
        "autocomplete": row(answers(ADMIN_LOGIN, admin=FORBIDDEN)),
        "app_list": row(STAFF_ONLY, app_label=lambda w: "certification"),
        "view_on_site": row(
            answers(ADMIN_LOGIN, admin=NOT_FOUND),
            content_type_id=lambda w: ContentType.objects.get_for_model(type(w.firm_a)).pk,
            object_id="firm_a",
        ),
        "auth_user_password_change": row(STAFF_ONLY, id=lambda w: w.users["applicant_a"].pk),
    }
    if suffix in fixed:
        return fixed[suffix]
    if suffix == f"<{route}>" and route == "admin/(?P<url>.*)$":
        return Row(get=answers(ADMIN_LOGIN, admin=NOT_FOUND), path=lambda w: "/admin/nowhere/")
    models = _admin_models()
    if suffix.startswith("<") and route.endswith("/<path:object_id>/"):
        # The short address of an object, redirected to its change page.
        app_label, model_name = route.split("/")[1:3]
        model = models.get(f"{app_label}_{model_name}")
        if model is None:
            return None
        pick = _admin_object(model)
        change = f"admin:{app_label}_{model_name}_change"
        return Row(
            get=answers(ADMIN_LOGIN, admin=to(change, object_id=pick)),
            path=lambda w: reverse(change, args=[pick(w)]).removesuffix("change/"),
        )
    for prefix, model in models.items():
        if not suffix.startswith(f"{prefix}_"):
            continue
        action = suffix.removeprefix(f"{prefix}_")
        label = model._meta.label_lower
        if action == "changelist":
            return row(STAFF_ONLY)
        if action == "add":
            return row(answers(ADMIN_LOGIN, admin=FORBIDDEN if label in ADMIN_NO_ADD else OK))
        if action in ("change", "history", "delete"):
            refused = action == "delete" and label in ADMIN_NO_DELETE
            expected = FORBIDDEN if refused else _ok_if_exists(model)
            return row(answers(ADMIN_LOGIN, admin=expected), object_id=_admin_object(model))
        if action in ("config", "qrcode"):
            # django-otp's pages of a device's secret: hidden from everyone
            # (OTP_ADMIN_HIDE_SENSITIVE_DATA).
            return row(answers(ADMIN_LOGIN, admin=FORBIDDEN), pk=_admin_object(model))
    return None


# --- running the matrix --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world and each person's session, built once and rolled back after the module.

    Sessions live in signed cookies here: the same login, without two queries per request
    (the matrix makes some 5,000 requests)."""
    overrides = override_settings(
        OTP_REQUIRED=False,
        RATELIMIT_ENABLED=False,
        PRIVATE_STORAGE_ROOT=tmp_path_factory.mktemp("matrix") / "private",
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        SESSION_ENGINE="django.contrib.sessions.backends.signed_cookies",
    )
    with overrides, django_db_blocker.unblock(), transaction.atomic():
        built = build_world()
        for role, user in built.users.items():
            # A 500 is reported in the table like any other wrong answer.
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user, backend=PASSWORD_BACKEND)
                built.sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
            built.clients[role] = client
        yield built
        transaction.set_rollback(True)


def _resolve(world: World, params: Mapping) -> dict[str, object]:
    resolved = {}
    for key, source in params.items():
        value = source(world) if callable(source) else world.resolve(source)
        resolved[key] = value.pk if hasattr(value, "_meta") else value
    return resolved


def _address(name: str, row_: Row, world: World) -> str:
    if row_.path is not None:
        return row_.path(world)
    return reverse(name.split("#")[0], kwargs=_resolve(world, row_.params))


def _client(world: World, role: str) -> Client:
    """The person's client with only their session cookie. The clients live as long as the
    world: a new one would load the middleware again (WhiteNoise scans the static files)."""
    client = world.clients[role]
    client.cookies = SimpleCookie()
    if role in world.sessions:
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def _matches(expected: Answer, response, address: str, world: World) -> bool:
    if isinstance(expected, OrNotAllowed):
        return response.status_code == NOT_ALLOWED or _matches(
            expected.refusal, response, address, world
        )
    if isinstance(expected, int):
        return response.status_code == expected
    if response.status_code not in (301, 302):
        return False
    location = urlsplit(response["Location"])
    if expected in (LOGIN, ADMIN_LOGIN):
        nexts = parse_qs(location.query).get("next", [])
        return location.path == reverse(expected.name) and nexts == [address]
    return location.path == reverse(expected.name, kwargs=_resolve(world, expected.params))


def _describe(response) -> str:
    if response.status_code in (301, 302):
        return f"{response.status_code} → {response['Location']}"
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        return f"{response.status_code} ({response.exc_info[1]!r})"
    return str(response.status_code)


def _ask(world: World, role: str, method: str, address: str):
    client = _client(world, role)
    response = client.get(address) if method == "GET" else client.post(address)
    if response.streaming:
        # Read to the end: the client closes the response (and its file) only then.
        b"".join(response.streaming_content)
    return response


def _rows() -> dict[str, tuple[Row | None, str]]:
    """Every row to check: MATRIX, and the admin's rows by the rule (None if it has none)."""
    rows: dict[str, tuple[Row | None, str]] = {name: (r, "") for name, r in MATRIX.items()}
    for route in walk_urls():
        if route.name.startswith("admin:"):
            rows[route.name] = (None, route.route)
    return rows


ROWS = _rows()


@pytest.mark.parametrize("name", list(ROWS))
def test_each_person_gets_the_expected_answer(name, world, db):
    matrix_row, route = ROWS[name]
    if matrix_row is None:
        matrix_row = admin_row(name, route)
        assert matrix_row is not None, f"{name} ({route}): the admin rule has no row for it"
    address = _address(name, matrix_row, world)

    wrong = []
    for role in ROLES:
        response = _ask(world, role, "GET", address)
        expected = matrix_row.get[role]
        if callable(expected):
            expected = expected(world)
        if not _matches(expected, response, address, world):
            wrong.append(f"GET  {role:14} expected {expected!r:24} got {_describe(response)}")

    refusals = {role: a for role, a in matrix_row.post_answers().items() if a is not None}
    if refusals:
        before, mails = database_writes(), len(mail.outbox)
        for role, expected in refusals.items():
            response = _ask(world, role, "POST", address)
            if not _matches(expected, response, address, world):
                wrong.append(f"POST {role:14} expected {expected!r:24} got {_describe(response)}")
        after = database_writes()
        changed = sorted(table for table, count in after.items() if before.get(table) != count)
        if changed:
            wrong.append(f"a refused POST wrote to the tables {', '.join(changed)}")
        if len(mail.outbox) != mails:
            wrong.append(f"a refused POST sent {len(mail.outbox) - mails} e-mail(s)")

    assert not wrong, f"{name} {address}\n" + "\n".join(wrong)


def test_every_address_has_a_row():
    """A URL pattern added without a row fails here; so does a row left for an address that
    is gone. The admin's patterns are covered by `admin_row`."""
    walked = walk_urls()
    names = {route.name for route in walked}
    in_matrix = {key.split("#")[0] for key in MATRIX}
    missing = sorted(
        route.name
        for route in walked
        if route.name not in in_matrix
        and not (route.name.startswith("admin:") and admin_row(route.name, route.route))
    )
    stale = sorted(in_matrix - names)
    assert not missing, f"addresses without a row in the access matrix: {missing}"
    assert not stale, f"rows of the access matrix for addresses that no longer exist: {stale}"

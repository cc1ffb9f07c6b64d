"""The renewal: a new application pre-filled from the one that earned the seal, and on its
approval the new seal takes the old one's place."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from certification.files import evidence_delete
from certification.models import (
    Application,
    ApplicationEvent,
    ChecklistItem,
    Declaration,
    EvidenceFile,
    Seal,
    SealEvent,
    SelfAssessmentAnswer,
)
from certification.services.applications import application_create_renewal
from certification.services.audits import audit_assign
from certification.services.decisions import decision_record
from certification.services.seals import seal_revoke, seals_expire
from codice.models import CodeVersion
from tests.certification.application_helpers import add_evidence
from tests.certification.nonconformity_helpers import PASSING, evaluated, lead_score, set_status
from tests.certification.seal_helpers import approve
from tests.factories import UserFactory, make_checklist, make_version

pytestmark = pytest.mark.django_db

S = Application.Status
A = SelfAssessmentAnswer.Answer
St = Seal.Status
R = Seal.PublicReason


@pytest.fixture
def seal(private_root, firm_a, applicant, committee, auditor) -> Seal:
    """Firm A's active seal; its application holds answers, comments, documents and
    declarations, as a real one would."""
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    application = seal.application
    answers = {"A.1": (A.CONFORM, "Log estratti ogni mese."), "A.2": (A.NOT_APPLICABLE, "")}
    answers["B.1"] = (A.PARTIAL, "Verifica RPO a campione.")
    for item in ChecklistItem.objects.filter(version=application.code_version):
        answer, comment = answers[item.code]
        SelfAssessmentAnswer.objects.create(
            application=application, item=item, answer=answer, comment=comment, updated_by=applicant
        )
        add_evidence(application, by=applicant, item=item, name=f"evidenza-{item.code}.pdf")
    for kind in EvidenceFile.REQUIRED_DOCUMENTS:
        add_evidence(application, by=applicant, document_kind=kind, name=f"{kind}.pdf")
    for kind in Declaration.Kind:
        Declaration.objects.create(application=application, kind=kind, accepted_by=applicant)
    return seal


def renew(applicant) -> Application:
    return application_create_renewal(organization=applicant.organization, by=applicant)


def answers_of(application: Application) -> dict[str, tuple[str, str]]:
    return {
        a.item.code: (a.answer, a.comment)
        for a in SelfAssessmentAnswer.objects.filter(application=application).select_related("item")
    }


def publish_new_version(committee) -> CodeVersion:
    """Version 3.0 in force: A.1 stays, A.2 no longer admits N/A, B.1 is gone, C.1 is new."""
    version = make_version("3.0", status=CodeVersion.Status.DRAFT)
    make_checklist(
        version,
        [
            ("A", "Orari", [("A.1", "2", True, False, "Log"), ("A.2", "1", False, False, "")]),
            ("C", "Subappalto", [("C.1", "1", False, False, "")]),
        ],
    )
    old = CodeVersion.objects.current()
    old.status = CodeVersion.Status.SUPERSEDED
    old.save(update_fields=["status"])
    version.status = CodeVersion.Status.PUBLISHED
    version.effective_date = datetime.date(2026, 1, 1)
    version.published_at = timezone.now()
    version.published_by = committee
    version.save()
    return version


# --- the pre-filled renewal ----------------------------------------------------------------


def test_a_renewal_copies_answers_and_comments_on_the_same_code(seal, applicant):
    renewal = renew(applicant)

    assert renewal.kind == Application.Kind.RENEWAL
    assert renewal.status == S.DRAFT
    assert renewal.previous == seal.application
    assert answers_of(renewal) == {
        "A.1": (A.CONFORM, "Log estratti ogni mese."),
        "A.2": (A.NOT_APPLICABLE, ""),
        "B.1": (A.PARTIAL, "Verifica RPO a campione."),
    }
    # the answers point to the items of the renewal's own version
    assert set(
        SelfAssessmentAnswer.objects.filter(application=renewal).values_list(
            "item__version_id", flat=True
        )
    ) == {renewal.code_version_id}


def test_on_a_new_code_version_only_items_with_the_same_code_are_copied(seal, applicant, committee):
    version = publish_new_version(committee)

    renewal = renew(applicant)

    assert renewal.code_version == version
    # B.1 is gone; A.2 no longer admits N/A, so its old answer is not kept; C.1 is new
    assert answers_of(renewal) == {"A.1": (A.CONFORM, "Log estratti ogni mese.")}


def test_the_general_documents_are_copied_to_new_files(seal, applicant, private_root):
    renewal = renew(applicant)

    old = EvidenceFile.objects.filter(application=seal.application, item__isnull=True)
    new = EvidenceFile.objects.filter(application=renewal, item__isnull=True)
    assert sorted(new.values_list("document_kind", "original_name")) == sorted(
        old.values_list("document_kind", "original_name")
    )
    old_names = set(old.values_list("file", flat=True))
    for copy in new:
        assert copy.file.name not in old_names
        assert (private_root / copy.file.name).read_bytes().startswith(b"%PDF")
        assert copy.uploaded_by == applicant
    # item evidence is not carried over: it must be recent
    assert not EvidenceFile.objects.filter(application=renewal, item__isnull=False).exists()


def test_deleting_a_copied_document_leaves_the_old_application_intact(
    seal, applicant, private_root, django_capture_on_commit_callbacks
):
    renewal = renew(applicant)
    copy = EvidenceFile.objects.filter(application=renewal, item__isnull=True).first()
    original = EvidenceFile.objects.get(
        application=seal.application, document_kind=copy.document_kind
    )

    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=copy, by=applicant)

    assert not (private_root / copy.file.name).exists()
    assert (private_root / original.file.name).is_file()


def test_declarations_are_not_copied(seal, applicant):
    renewal = renew(applicant)

    assert not renewal.declarations.exists()
    assert seal.application.declarations.count() == len(Declaration.Kind)


def test_the_history_says_which_seal_the_renewal_comes_from(seal, applicant):
    renewal = renew(applicant)

    notes = list(
        ApplicationEvent.objects.filter(application=renewal)
        .order_by("at", "id")
        .values_list("note", flat=True)
    )
    assert notes[-1].startswith(f"Rinnovo avviato dal bollino {seal.number}")
    assert "3 risposte" in notes[-1] and "4 documenti" in notes[-1]


def test_a_document_missing_on_disk_is_named_in_the_history(seal, applicant, private_root):
    lost = EvidenceFile.objects.get(application=seal.application, document_kind="visura")
    (private_root / lost.file.name).unlink()

    renewal = renew(applicant)

    assert not renewal.files.filter(document_kind="visura").exists()
    note = ApplicationEvent.objects.filter(application=renewal).latest("id").note
    assert "3 documenti" in note and "da caricare di nuovo: visura.pdf" in note


def test_a_failed_renewal_leaves_no_copied_file(seal, applicant, private_root, monkeypatch):
    import certification.services.applications as services

    def fail(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(services, "record_event", fail)
    before = {p for p in private_root.rglob("*") if p.is_file()}

    with pytest.raises(RuntimeError):
        renew(applicant)

    assert {p for p in private_root.rglob("*") if p.is_file()} == before
    assert not Application.objects.filter(kind=Application.Kind.RENEWAL).exists()


def test_a_renewal_of_an_expired_seal_is_allowed(seal, applicant):
    seals_expire(today=seal.valid_until + datetime.timedelta(days=1))

    assert renew(applicant).previous == seal.application


def test_a_revoked_seal_is_not_renewed(seal, applicant, committee):
    seal_revoke(seal=seal, by=committee, reason="Revoca", public_reason=R.NONCONFORMITY)

    with pytest.raises(ValidationError, match="Non c'è un bollino da rinnovare"):
        renew(applicant)
    assert not Application.objects.filter(kind=Application.Kind.RENEWAL).exists()


def test_a_firm_without_seal_has_nothing_to_renew(private_root, applicant):
    from tests.factories import make_current_version_with_checklist

    make_current_version_with_checklist()
    with pytest.raises(ValidationError, match="Non c'è un bollino da rinnovare"):
        renew(applicant)


def test_a_second_renewal_while_one_is_open_is_refused(seal, applicant):
    renew(applicant)

    with pytest.raises(ValidationError, match="già una domanda in corso"):
        renew(applicant)
    assert Application.objects.filter(kind=Application.Kind.RENEWAL).count() == 1


def test_only_a_member_of_the_firm_renews(seal, applicant_b, committee):
    for person in (applicant_b, committee):
        with pytest.raises(PermissionDenied):
            application_create_renewal(organization=seal.organization, by=person)


# --- the renewal approved ------------------------------------------------------------------


def approve_renewal(renewal: Application, *, committee, lead) -> Seal:
    """The renewal through audit to the committee's approval (same code version)."""
    Application.objects.filter(pk=renewal.pk).update(
        status=S.SUBMITTED, submitted_at=timezone.now()
    )
    renewal.refresh_from_db()
    audit_assign(application=renewal, by=committee, lead=lead)
    set_status(renewal, S.IN_EVALUATION)
    lead_score(renewal, lead, PASSING)
    evaluated(renewal, lead)
    decision_record(application=renewal, by=committee, outcome="approvata", reason="Rinnovato")
    return Seal.objects.get(application=renewal)


def test_approving_the_renewal_ends_the_old_seal(seal, applicant, committee):
    lead = UserFactory(email="nuovo.auditor@oic.example", role="auditor")
    renewal = renew(applicant)

    new = approve_renewal(renewal, committee=committee, lead=lead)

    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.EXPIRED, R.RENEWED)
    last = SealEvent.objects.filter(seal=seal).latest("id")
    assert (last.from_status, last.to_status, last.public_reason, last.actor) == (
        St.ACTIVE,
        St.EXPIRED,
        R.RENEWED,
        committee,
    )
    assert new.status == St.ACTIVE
    assert new.replaces == seal
    assert new.sequence == seal.sequence + 1
    assert list(Seal.objects.filter(organization=seal.organization).current()) == [new]


def test_a_renewal_approved_after_the_old_seal_expired_still_names_it(seal, applicant, committee):
    lead = UserFactory(email="nuovo.auditor@oic.example", role="auditor")
    seals_expire(today=seal.valid_until + datetime.timedelta(days=1))
    renewal = renew(applicant)

    new = approve_renewal(renewal, committee=committee, lead=lead)

    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.EXPIRED, R.EXPIRY)  # untouched
    assert new.replaces == seal
    assert new.status == St.ACTIVE

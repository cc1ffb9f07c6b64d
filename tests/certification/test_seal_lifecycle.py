"""The seal's life after issue: suspension, reinstatement and revocation by the committee, the
published score, a new rendering of the certificate."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from certification.models import ApplicationEvent, CertificateFile, Seal, SealEvent
from certification.services.seals import (
    REVOCATION_REASONS,
    SUSPENSION_REASONS,
    certificate_rerender,
    seal_reinstate,
    seal_revoke,
    seal_set_score_published,
    seal_suspend,
    seals_expire,
)
from tests.certification.seal_helpers import approve

pytestmark = pytest.mark.django_db

St = Seal.Status
R = Seal.PublicReason


@pytest.fixture
def seal(private_root, firm_a, applicant, committee, auditor) -> Seal:
    return approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)


def history(seal: Seal) -> list[tuple]:
    return list(
        SealEvent.objects.filter(seal=seal)
        .order_by("at", "id")
        .values_list("from_status", "to_status", "public_reason", "reason", "actor__email")
    )


def suspend(seal, committee, reason="Chiamate fuori orario accertate", public_reason=R.REPORTS):
    return seal_suspend(seal=seal, by=committee, reason=reason, public_reason=public_reason)


def unchanged(seal: Seal, status: str, events: int) -> None:
    seal.refresh_from_db()
    assert seal.status == status
    assert SealEvent.objects.filter(seal=seal).count() == events


# --- suspension ----------------------------------------------------------------------------


def test_the_committee_suspends_an_active_seal_with_a_reason_and_a_public_category(seal, committee):
    suspend(seal, committee)

    seal.refresh_from_db()
    assert seal.status == St.SUSPENDED
    assert seal.public_reason == R.REPORTS
    assert history(seal)[-1] == (
        St.ACTIVE,
        St.SUSPENDED,
        R.REPORTS,
        "Chiamate fuori orario accertate",
        committee.email,
    )


@pytest.mark.parametrize("reason", ["", "   \n "])
def test_a_suspension_without_a_reason_is_refused(seal, committee, reason):
    with pytest.raises(ValidationError, match="motivazione"):
        suspend(seal, committee, reason=reason)
    unchanged(seal, St.ACTIVE, 1)


@pytest.mark.parametrize("category", ["", R.EXPIRY, R.RENEWED, R.RESOLVED, "inventato"])
def test_a_suspension_needs_one_of_the_suspension_categories(seal, committee, category):
    with pytest.raises(ValidationError, match="motivo pubblico"):
        suspend(seal, committee, public_reason=category)
    unchanged(seal, St.ACTIVE, 1)


def test_every_suspension_category_is_accepted(private_root, firm_a, applicant, committee, auditor):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    for category in SUSPENSION_REASONS:
        suspend(seal, committee, public_reason=category)
        seal_reinstate(seal=seal, by=committee, reason="Rientrato")
    assert SealEvent.objects.filter(seal=seal).count() == 1 + 2 * len(SUSPENSION_REASONS)


@pytest.mark.parametrize("who", ["applicant", "applicant_b", "auditor", "association_member"])
def test_only_the_committee_suspends(request, seal, who):
    person = request.getfixturevalue(who)

    with pytest.raises(PermissionDenied):
        suspend(seal, person)
    unchanged(seal, St.ACTIVE, 1)


def test_even_an_admin_does_not_suspend_through_the_service(seal, admin_user):
    with pytest.raises(PermissionDenied):
        suspend(seal, admin_user)
    unchanged(seal, St.ACTIVE, 1)


def test_a_suspended_seal_is_not_suspended_again(seal, committee):
    suspend(seal, committee)

    with pytest.raises(ValidationError, match="sospeso: questa operazione non è possibile"):
        suspend(seal, committee)
    unchanged(seal, St.SUSPENDED, 2)


# --- reinstatement -------------------------------------------------------------------------


def test_the_committee_reinstates_a_suspended_seal(seal, committee):
    suspend(seal, committee)

    seal_reinstate(seal=seal, by=committee, reason="Azioni correttive verificate in sede")

    seal.refresh_from_db()
    assert seal.status == St.ACTIVE
    assert seal.public_reason == ""
    assert history(seal)[-1] == (
        St.SUSPENDED,
        St.ACTIVE,
        "",
        "Azioni correttive verificate in sede",
        committee.email,
    )


def test_reinstating_an_active_seal_is_refused(seal, committee):
    with pytest.raises(ValidationError, match="attivo: questa operazione non è possibile"):
        seal_reinstate(seal=seal, by=committee, reason="Per errore")
    unchanged(seal, St.ACTIVE, 1)


def test_reinstating_needs_a_reason(seal, committee):
    suspend(seal, committee)

    with pytest.raises(ValidationError, match="motivazione"):
        seal_reinstate(seal=seal, by=committee, reason=" ")
    unchanged(seal, St.SUSPENDED, 2)


def test_only_the_committee_reinstates(seal, committee, applicant):
    suspend(seal, committee)

    with pytest.raises(PermissionDenied):
        seal_reinstate(seal=seal, by=applicant, reason="Abbiamo rimediato")
    unchanged(seal, St.SUSPENDED, 2)


def test_an_expired_seal_is_not_reinstated(seal, committee):
    seals_expire(today=seal.valid_until + datetime.timedelta(days=1))
    seal.refresh_from_db()
    assert seal.status == St.EXPIRED

    with pytest.raises(ValidationError, match="scaduto: questa operazione non è possibile"):
        seal_reinstate(seal=seal, by=committee, reason="Riattivare")
    unchanged(seal, St.EXPIRED, 2)


def test_a_suspension_that_outlives_the_validity_cannot_be_lifted(seal, committee, monkeypatch):
    suspend(seal, committee)
    # The validity ended while the seal was suspended, before the daily task marked it expired.
    after = seal.valid_until + datetime.timedelta(days=1)
    real = timezone.localdate
    monkeypatch.setattr(
        timezone, "localdate", lambda value=None, tz=None: after if value is None else real(value)
    )

    with pytest.raises(ValidationError, match="scaduto: non si può riattivare"):
        seal_reinstate(seal=seal, by=committee, reason="Rientrato")
    unchanged(seal, St.SUSPENDED, 2)


# --- revocation ----------------------------------------------------------------------------


def test_the_committee_revokes_an_active_seal(seal, committee):
    seal_revoke(seal=seal, by=committee, reason="Cessata attività", public_reason=R.CEASED)

    seal.refresh_from_db()
    assert (seal.status, seal.public_reason) == (St.REVOKED, R.CEASED)
    assert history(seal)[-1] == (
        St.ACTIVE,
        St.REVOKED,
        R.CEASED,
        "Cessata attività",
        committee.email,
    )


def test_the_committee_revokes_a_suspended_seal(seal, committee):
    suspend(seal, committee)

    seal_revoke(seal=seal, by=committee, reason="Nessuna risposta", public_reason=R.AUDIT_REFUSED)

    seal.refresh_from_db()
    assert seal.status == St.REVOKED
    assert [row[:2] for row in history(seal)] == [
        ("", St.ACTIVE),
        (St.ACTIVE, St.SUSPENDED),
        (St.SUSPENDED, St.REVOKED),
    ]


@pytest.mark.parametrize("category", [R.EXPIRY, R.RENEWED, R.RESOLVED, ""])
def test_a_revocation_needs_one_of_the_revocation_categories(seal, committee, category):
    assert category not in REVOCATION_REASONS
    with pytest.raises(ValidationError, match="motivo pubblico"):
        seal_revoke(seal=seal, by=committee, reason="Revoca", public_reason=category)
    unchanged(seal, St.ACTIVE, 1)


def test_a_revoked_seal_cannot_be_revoked_suspended_or_reinstated(seal, committee):
    seal_revoke(seal=seal, by=committee, reason="Revoca", public_reason=R.NONCONFORMITY)

    for change in (
        lambda: seal_revoke(seal=seal, by=committee, reason="Ancora", public_reason=R.OTHER),
        lambda: suspend(seal, committee),
        lambda: seal_reinstate(seal=seal, by=committee, reason="Ripensamento"),
    ):
        with pytest.raises(ValidationError, match="revocato: questa operazione non è possibile"):
            change()
    unchanged(seal, St.REVOKED, 2)


def test_an_expired_seal_cannot_be_revoked(seal, committee):
    seals_expire(today=seal.valid_until + datetime.timedelta(days=1))

    with pytest.raises(ValidationError, match="scaduto"):
        seal_revoke(seal=seal, by=committee, reason="Revoca", public_reason=R.OTHER)
    unchanged(seal, St.EXPIRED, 2)


def test_only_the_committee_revokes(seal, auditor):
    with pytest.raises(PermissionDenied):
        seal_revoke(seal=seal, by=auditor, reason="Revoca", public_reason=R.OTHER)
    unchanged(seal, St.ACTIVE, 1)


# --- the published score -------------------------------------------------------------------


def test_publishing_the_score_is_written_in_the_application_history(seal, committee):
    seal_set_score_published(seal=seal, by=committee, published=True)

    seal.refresh_from_db()
    assert seal.score_published is True
    event = ApplicationEvent.objects.filter(application=seal.application).latest("id")
    assert event.actor == committee
    assert event.from_status == event.to_status == "approvata"
    assert f"Punteggio del bollino {seal.number} pubblicato" in event.note
    assert SealEvent.objects.filter(seal=seal).count() == 1  # not a status change

    seal_set_score_published(seal=seal, by=committee, published=False)

    seal.refresh_from_db()
    assert seal.score_published is False
    assert "tolto dalla scheda pubblica" in (
        ApplicationEvent.objects.filter(application=seal.application).latest("id").note
    )


def test_publishing_twice_is_refused(seal, committee):
    seal_set_score_published(seal=seal, by=committee, published=True)
    events = ApplicationEvent.objects.count()

    with pytest.raises(ValidationError, match="già pubblicato"):
        seal_set_score_published(seal=seal, by=committee, published=True)
    assert ApplicationEvent.objects.count() == events


def test_a_seal_without_score_has_nothing_to_publish(seal, committee):
    Seal.objects.filter(pk=seal.pk).update(score=None)

    with pytest.raises(ValidationError, match="non ha un punteggio"):
        seal_set_score_published(seal=seal, by=committee, published=True)
    seal.refresh_from_db()
    assert seal.score_published is False


def test_only_the_committee_publishes_the_score(seal, applicant):
    with pytest.raises(PermissionDenied):
        seal_set_score_published(seal=seal, by=applicant, published=True)
    seal.refresh_from_db()
    assert seal.score_published is False


# --- a new rendering -----------------------------------------------------------------------


def test_a_new_rendering_stores_a_second_version_and_keeps_the_first(
    private_root,
    firm_a,
    applicant,
    committee,
    auditor,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_rerender(seal=seal, by=committee)

    seal.refresh_from_db()
    assert (seal.pdf_status, seal.pdf_version, seal.pdf_rendered_version) == (
        Seal.PdfStatus.READY,
        2,
        2,
    )
    files = list(CertificateFile.objects.filter(seal=seal).order_by("version"))
    assert [f.version for f in files] == [1, 2]
    assert all((private_root / f.path).is_file() for f in files)
    assert seal.pdf_file == files[1].path


def test_only_the_committee_asks_for_a_new_rendering(seal, applicant):
    with pytest.raises(PermissionDenied):
        certificate_rerender(seal=seal, by=applicant)
    seal.refresh_from_db()
    assert seal.pdf_version == 1

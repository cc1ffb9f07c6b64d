"""Issuing the seal on approval: number, validity, history, certificate queued after commit."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from pypdf import PdfReader

from certification.models import CertificateFile, Seal, SealCounter, SealEvent
from certification.services.seals import add_months, format_number, validity_for
from tests.certification.seal_helpers import approve

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private(private_root):
    return private_root


def test_approval_issues_an_active_seal_with_the_first_number_of_the_year(
    firm_a, applicant, committee, auditor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    year = seal.issued_at.year
    assert seal.number == f"BB-{year}-00001"
    assert seal.status == Seal.Status.ACTIVE
    assert seal.organization == firm_a
    assert seal.valid_until == add_months(seal.valid_from, 24) - datetime.timedelta(days=1)
    assert SealCounter.objects.get(year=year).last_sequence == 1
    event = SealEvent.objects.get(seal=seal)
    assert (event.from_status, event.to_status, event.actor) == ("", "attivo", committee)
    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.READY
    assert CertificateFile.objects.filter(seal=seal).count() == 1


def test_the_certificate_holds_number_firm_vat_and_validity(
    firm_a, applicant, committee, auditor, private_root, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    text = " ".join(page.extract_text() for page in PdfReader(private_root / seal.pdf_file).pages)
    assert seal.number in text
    assert "Contact Uno S.r.l." in text
    assert "01234560157" in text
    assert seal.valid_from.strftime("%d/%m/%Y") in text
    assert seal.valid_until.strftime("%d/%m/%Y") in text


def test_no_certificate_is_queued_before_the_approval_commits(
    firm_a, applicant, committee, auditor, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.PENDING
    assert not CertificateFile.objects.exists()
    assert callbacks  # the render waits for the commit


def test_validity_is_24_months_by_default_and_configurable(settings):
    assert validity_for(datetime.date(2026, 1, 31)) == (
        datetime.date(2026, 1, 31),
        datetime.date(2028, 1, 30),
    )
    settings.SEAL_VALIDITY_MONTHS = 12
    assert validity_for(datetime.date(2024, 2, 29))[1] == datetime.date(2025, 2, 27)


def test_the_number_format():
    assert format_number(2026, 7) == "BB-2026-00007"


def test_the_database_refuses_a_malformed_number_or_a_second_current_seal(
    firm_a, applicant, committee, auditor
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Seal.objects.filter(pk=seal.pk).update(status="sospeso")  # no public reason
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE certification_seal SET number = 'BB-2026-00099' WHERE id = %s", [seal.pk]
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM certification_seal WHERE id = %s", [seal.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE certification_sealevent SET reason = 'x' WHERE seal_id = %s", [seal.pk]
        )
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE certification_sealcounter SET last_sequence = 0")


def test_the_daily_sweep_renders_again_a_certificate_whose_file_went_missing(
    firm_a, applicant, committee, auditor, private_root, django_capture_on_commit_callbacks
):
    from certification.services.seals import certificates_sweep

    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    (private_root / seal.pdf_file).unlink()
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_sweep() == 0  # the frequent sweep does not read the disk
        assert certificates_sweep(check_files=True) == 1
    seal.refresh_from_db()
    assert (seal.pdf_status, seal.pdf_version) == (Seal.PdfStatus.READY, 2)
    assert (private_root / seal.pdf_file).read_bytes().startswith(b"%PDF")
    assert CertificateFile.objects.filter(seal=seal).count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert certificates_sweep(check_files=True) == 0


def test_the_database_refuses_a_seal_that_renews_itself(firm_a, applicant, committee, auditor):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    with pytest.raises(IntegrityError), transaction.atomic():
        Seal.objects.filter(pk=seal.pk).update(replaces=seal)

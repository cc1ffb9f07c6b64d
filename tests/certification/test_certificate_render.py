"""The certificate PDF rendered in-process: one A4 page with the firm, its sites and the seal,
stored once per version, and a render that fails is retried and then marked failed."""

import hashlib
import io

import pytest
from pypdf import PdfReader

from certification.certificates import (
    ALREADY_DONE,
    GONE,
    RENDERED,
    SITES_LISTED,
    TEMPORARY_FOLDER,
    certificate_render,
)
from certification.models import CertificateFile, Seal
from certification.services.seals import certificate_rerender
from certification.tasks import render_certificate, retry_countdown
from tests.certification.seal_helpers import approve
from tests.factories import OperationalSiteFactory

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points, rounded


@pytest.fixture
def seal(firm_a, applicant, committee, auditor, private_root, django_capture_on_commit_callbacks):
    """Firm A's seal, its certificate rendered on approval (eager Celery)."""
    with django_capture_on_commit_callbacks(execute=True):
        issued = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    issued.refresh_from_db()
    return issued


def pdf(private_root, seal: Seal) -> PdfReader:
    return PdfReader(io.BytesIO((private_root / seal.pdf_file).read_bytes()))


def text_of(reader: PdfReader) -> str:
    return " ".join(page.extract_text() for page in reader.pages)


def test_the_certificate_is_one_a4_page_in_titillium_web(seal, private_root):
    reader = pdf(private_root, seal)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4
    fonts = {
        str(font["/BaseFont"])
        for font in reader.pages[0]["/Resources"]["/Font"].values()
        if "/BaseFont" in font.get_object()
    }
    assert any("Titillium-Web-Bold" in name for name in fonts), fonts
    assert any(name.endswith("+Titillium-Web") for name in fonts), fonts


def test_it_says_who_is_certified_under_which_code_until_when(seal, private_root):
    text = text_of(pdf(private_root, seal))
    assert "Si certifica che" in text
    assert "Contact Uno S.r.l." in text
    assert "Partita IVA 01234560157" in text
    assert seal.number in text
    assert "versione 2.0" in text
    assert f"dal {seal.valid_from:%d/%m/%Y} al {seal.valid_until:%d/%m/%Y}" in text
    assert "Sede principale: Via Roma 1, Milano (MI)" in text
    assert f"/verifica/{seal.number}/" in text


def test_its_metadata_name_the_seal(seal, private_root):
    info = pdf(private_root, seal).metadata
    assert info.title == f"Certificato Bollino Blu Qualità n. {seal.number}"
    assert "Contact Uno S.r.l." in info.subject or "Contact Uno S.r.l." in str(info)


def test_the_stored_file_matches_its_row_and_its_digest(seal, private_root):
    data = (private_root / seal.pdf_file).read_bytes()
    row = CertificateFile.objects.get(seal=seal)
    assert seal.pdf_file == f"certificati/{seal.year}/{seal.number}-v1.pdf"
    assert (row.version, row.path, row.size) == (1, seal.pdf_file, len(data))
    assert row.sha256 == seal.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert seal.pdf_status == Seal.PdfStatus.READY
    assert list((private_root / "certificati" / str(seal.year)).iterdir()) == [
        private_root / seal.pdf_file
    ]


def test_a_firm_with_many_sites_still_gets_one_page_listing_the_first_ones(
    firm_a, applicant, committee, auditor, private_root, django_capture_on_commit_callbacks
):
    for n in range(1, 40):
        OperationalSiteFactory(
            organization=firm_a, name=f"Sede {n}", street=f"Via Mazzini {n}", comune=f"Pavia{n}"
        )
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()

    reader = pdf(private_root, seal)
    text = text_of(reader)
    assert len(reader.pages) == 1
    assert "Sedi operative (40)" in text
    listed = SITES_LISTED - 1
    assert f"Pavia{listed - 1} (MI)" in text  # the first site is the firm's own, then Pavia1…
    assert f"Pavia{listed} (MI)" not in text
    assert f"e altre {40 - listed} sedi" in text


def test_up_to_the_limit_every_site_is_listed(
    firm_a, applicant, committee, auditor, private_root, django_capture_on_commit_callbacks
):
    for n in range(1, SITES_LISTED):
        OperationalSiteFactory(organization=firm_a, comune=f"Lodi{n}")
    with django_capture_on_commit_callbacks(execute=True):
        seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()

    text = text_of(pdf(private_root, seal))
    assert f"Sedi operative ({SITES_LISTED})" in text
    assert f"Lodi{SITES_LISTED - 1} (MI)" in text
    assert "e altre" not in text


def test_a_second_run_of_the_same_version_does_nothing(seal, private_root):
    before = (private_root / seal.pdf_file).stat().st_mtime_ns

    assert certificate_render(seal.pk, seal.pdf_version) == ALREADY_DONE

    assert CertificateFile.objects.filter(seal=seal).count() == 1
    assert (private_root / seal.pdf_file).stat().st_mtime_ns == before


def test_a_new_version_gets_its_own_file_and_keeps_the_old_one(
    seal, committee, private_root, django_capture_on_commit_callbacks
):
    first = seal.pdf_file
    with django_capture_on_commit_callbacks(execute=True):
        certificate_rerender(seal=seal, by=committee)
    seal.refresh_from_db()

    assert seal.pdf_file == f"certificati/{seal.year}/{seal.number}-v2.pdf"
    assert seal.pdf_status == Seal.PdfStatus.READY
    assert list(CertificateFile.objects.filter(seal=seal).values_list("version", flat=True)) == [
        1,
        2,
    ]
    assert (private_root / first).exists()


def test_a_temporary_file_left_by_a_killed_render_is_cleared(
    firm_a, applicant, committee, auditor, private_root
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    temporary = private_root / TEMPORARY_FOLDER
    temporary.mkdir(parents=True)
    (temporary / f"{seal.number}-v1.pdf.k1ll3d.tmp").write_bytes(b"%PDF-1.7 half a file")
    another_seal = f"BB-{seal.year}-09999-v1.pdf.r3nd3r.tmp"
    (temporary / another_seal).write_bytes(b"%PDF-1.7 being written")

    assert certificate_render(seal.pk, seal.pdf_version) == RENDERED

    assert [p.name for p in temporary.iterdir()] == [another_seal]
    folder = private_root / "certificati" / str(seal.year)
    assert [p.name for p in folder.iterdir()] == [f"{seal.number}-v1.pdf"]


def test_the_temporary_files_are_written_beside_the_certificates_not_among_them(
    seal, committee, private_root, django_capture_on_commit_callbacks
):
    """Clearing a killed render's leftovers lists the temporary folder: it must not grow with
    the certificates, and it must be on their file system for the rename to be atomic."""
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            certificate_rerender(seal=seal, by=committee)

    temporary = private_root / TEMPORARY_FOLDER
    assert temporary.is_dir()
    assert list(temporary.iterdir()) == []
    assert temporary.stat().st_dev == (private_root / seal.pdf_file).stat().st_dev
    folder = private_root / "certificati" / str(seal.year)
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{seal.number}-v{version}.pdf" for version in range(1, 5)
    ]


def test_a_task_for_a_seal_that_is_gone_does_nothing():
    assert certificate_render(987654, 1) == GONE


@pytest.fixture
def eager_retries():
    """Eager mode replays a retry at once (no countdown) only if it does not propagate it."""
    from oic_portal.celery import app

    previous = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = previous


def test_a_render_that_keeps_failing_is_retried_then_marked_failed(
    firm_a, applicant, committee, auditor, private_root, settings, caplog, eager_retries
):
    settings.CERTIFICATE_TEMPLATE = "certification/certificate/missing.html"
    settings.CERTIFICATE_MAX_RETRIES = 2
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)

    assert render_certificate.apply(args=(seal.pk, seal.pdf_version)).get() == "failed"

    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.FAILED
    assert seal.pdf_attempts == 3
    assert "TemplateDoesNotExist" in seal.pdf_error
    assert "missing.html" in seal.pdf_error
    assert not CertificateFile.objects.exists()
    assert not (private_root / "certificati").exists()
    assert "failed for good" in caplog.text


def test_a_success_after_a_failure_clears_the_error(
    firm_a, applicant, committee, auditor, private_root, settings, eager_retries
):
    settings.CERTIFICATE_TEMPLATE = "certification/certificate/missing.html"
    settings.CERTIFICATE_MAX_RETRIES = 0
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    render_certificate.apply(args=(seal.pk, seal.pdf_version))
    seal.refresh_from_db()
    assert (seal.pdf_status, seal.pdf_attempts) == (Seal.PdfStatus.FAILED, 1)

    settings.CERTIFICATE_TEMPLATE = "certification/certificate/certificate.html"
    assert certificate_render(seal.pk, seal.pdf_version) == RENDERED

    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.READY
    assert seal.pdf_error == ""


def test_the_retry_wait_doubles_up_to_its_ceiling(settings):
    settings.CERTIFICATE_RETRY_BACKOFF = 10
    settings.CERTIFICATE_RETRY_MAX = 300
    assert [retry_countdown(n) for n in range(7)] == [10, 20, 40, 80, 160, 300, 300]


def test_a_render_that_keeps_killing_its_worker_is_given_up(
    firm_a, applicant, committee, auditor, private_root, settings
):
    """Each delivery counts an attempt before rendering; a task whose worker dies every time
    would come back forever, so past the limit the certificate is marked failed."""
    from certification.certificates import INTERRUPTIONS_TOLERATED, certificate_render_started

    settings.CERTIFICATE_MAX_RETRIES = 1
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    for _ in range(1 + INTERRUPTIONS_TOLERATED):  # each delivery dies before finishing
        assert certificate_render_started(seal.pk, seal.pdf_version)
    assert render_certificate.apply(args=(seal.pk, seal.pdf_version)).get() == "failed"
    seal.refresh_from_db()
    assert seal.pdf_status == Seal.PdfStatus.FAILED
    assert "interrupted" in seal.pdf_error
    assert not CertificateFile.objects.exists()

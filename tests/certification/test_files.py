"""Evidence files: judged by content, size-limited, stored privately under a random name."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError
from django.utils import timezone

from certification.files import (
    CheckedUpload,
    check_upload,
    clean_original_name,
    evidence_delete,
    evidence_store,
)
from certification.models import Application, ChecklistItem, EvidenceFile
from codice.models import CodeVersion
from tests.certification.file_samples import (
    DOCX_TYPE,
    SAMPLES,
    docx_bytes,
    exe_bytes,
    html_bytes,
    jpeg_bytes,
    many_entries_zip_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    sample_upload,
    upload,
    zip_bomb_bytes,
)
from tests.factories import ApplicationFactory, make_checklist, make_version

TYPE_REFUSED = (
    "Tipo di file non ammesso: sono accettati solo PDF, PNG, JPEG, DOCX, XLSX e ODT. "
    "Il tipo è riconosciuto dal contenuto del file, non dal nome."
)
EMPTY = "Il file è vuoto."
ZIP_BOMB = (
    "Il documento contiene troppi elementi o diventa troppo grande una volta decompresso: "
    "non può essere accettato."
)


def too_big(mb: int) -> str:
    return f"Il file supera la dimensione massima consentita di {mb} MB."


@pytest.fixture
def storage_roots(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


def files_on_disk(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def application(applicant):
    return ApplicationFactory(organization=applicant.organization, created_by=applicant)


@pytest.fixture
def item(application):
    return ChecklistItem.objects.filter(version=application.code_version).order_by("code").first()


def set_status(application: Application, status: str) -> None:
    Application.objects.filter(pk=application.pk).update(status=status, submitted_at=timezone.now())
    application.refresh_from_db()


def assert_nothing_stored(root: Path) -> None:
    assert EvidenceFile.objects.count() == 0
    assert files_on_disk(root) == []


# --- check_upload -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_it_recognises_each_accepted_type_by_its_content(kind):
    name, build, content_type = SAMPLES[kind]
    data = build()

    checked = check_upload(upload(name, data))

    assert checked == CheckedUpload(
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        extension=checked.extension,
    )


@pytest.mark.parametrize(
    "build, content_type",
    [
        (png_bytes, "image/png"),
        (jpeg_bytes, "image/jpeg"),
        (docx_bytes, DOCX_TYPE),
        (pdf_bytes, "application/pdf"),
    ],
)
def test_it_ignores_the_name_and_the_browsers_content_type(build, content_type):
    checked = check_upload(upload("sembra.pdf", build(), "application/pdf"))

    assert checked.content_type == content_type


@pytest.mark.parametrize(
    "name, build",
    [
        ("contratto.pdf", exe_bytes),
        ("pagina.pdf", html_bytes),
        ("archivio.docx", plain_zip_bytes),
        ("testo.pdf", lambda: b"Solo testo, nessun documento."),
        ("troncato.docx", lambda: docx_bytes()[:200]),
    ],
)
def test_it_refuses_any_other_content_whatever_the_name(name, build):
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, build(), "application/pdf"))

    assert refused.value.messages == [TYPE_REFUSED]


def test_it_refuses_an_office_file_whose_content_types_do_not_name_the_main_part():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" '
            'ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(ValidationError) as refused:
        check_upload(upload("macro.docx", out.getvalue()))

    assert refused.value.messages == [TYPE_REFUSED]


@pytest.mark.parametrize(
    "dtd",
    ['<!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]>', "<!DOCTYPE Types>"],
)
def test_it_refuses_content_types_with_a_dtd(dtd):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml",
            dtd + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr("word/document.xml", "<w:document/>")

    with pytest.raises(ValidationError) as refused:
        check_upload(upload("entita.docx", out.getvalue()))

    assert refused.value.messages == [TYPE_REFUSED]


def test_it_refuses_an_odt_whose_mimetype_is_compressed():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")

    with pytest.raises(ValidationError) as refused:
        check_upload(upload("testo.odt", out.getvalue()))

    assert refused.value.messages == [TYPE_REFUSED]


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("vuoto.pdf", b""))

    assert refused.value.messages == [EMPTY]


def test_it_reads_the_size_limit_from_settings_at_call_time(settings):
    settings.EVIDENCE_MAX_MB = 1
    exactly = pdf_bytes() + b"\n" * (1024 * 1024 - len(pdf_bytes()))

    assert check_upload(upload("limite.pdf", exactly)).size == 1024 * 1024
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("oltre.pdf", exactly + b"\n"))

    assert refused.value.messages == [too_big(1)]


def test_it_counts_the_bytes_it_reads_not_the_declared_size(settings):
    settings.EVIDENCE_MAX_MB = 1
    lying = upload("piccolo.pdf", b"%PDF-1.4\n" + b"\n" * (1024 * 1024))
    lying.size = 10

    with pytest.raises(ValidationError) as refused:
        check_upload(lying)

    assert refused.value.messages == [too_big(1)]


def test_it_refuses_a_zip_bomb_before_expanding_it(settings):
    settings.EVIDENCE_MAX_MB = 1
    bomb = zip_bomb_bytes(11)  # 11 MB of zeros in ~12 kB: over 10 times the 1 MB limit
    assert len(bomb) < 100_000

    with pytest.raises(ValidationError) as refused:
        check_upload(upload("bomba.docx", bomb))

    assert refused.value.messages == [ZIP_BOMB]


def test_it_accepts_an_archive_just_under_the_expansion_limit(settings):
    settings.EVIDENCE_MAX_MB = 1

    assert check_upload(upload("grande.docx", zip_bomb_bytes(9))).content_type == DOCX_TYPE


def test_it_refuses_an_archive_with_too_many_entries():
    with pytest.raises(ValidationError) as refused:
        check_upload(upload("tanti.docx", many_entries_zip_bytes(2001)))

    assert refused.value.messages == [ZIP_BOMB]


@pytest.mark.parametrize(
    "given, kept",
    [
        ("C:\\Documenti\\visura.pdf", "visura.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("rapporto\x00\x1f.pdf", "rapporto.pdf"),
        ("", "documento"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
    ],
)
def test_it_keeps_a_clean_original_name(given, kept):
    assert clean_original_name(given) == kept


# --- evidence_store -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(SAMPLES))
@pytest.mark.django_db
def test_it_stores_each_accepted_type_privately_under_a_random_name(
    kind, storage_roots, application, applicant, item
):
    name, build, content_type = SAMPLES[kind]
    data = build()

    evidence = evidence_store(
        application=application, by=applicant, uploaded=upload(name, data), item=item
    )

    evidence.refresh_from_db()
    assert evidence.original_name == name
    assert evidence.content_type == content_type
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.uploaded_by == applicant
    assert evidence.item == item
    stored = Path(evidence.file.path)
    assert stored.is_file()
    assert stored.read_bytes() == data
    assert stored.is_relative_to(storage_roots / "private")
    assert files_on_disk(storage_roots / "private") == [stored]
    assert not (storage_roots / "media").exists()
    assert stored.name != name
    assert name.rsplit(".", 1)[0] not in evidence.file.name
    assert evidence.file.name.startswith(f"evidenze/{application.pk}/")


@pytest.mark.django_db
def test_it_stores_a_large_upload_that_django_spooled_to_a_temporary_file(
    storage_roots, application, applicant, item
):
    data = docx_bytes()
    spooled = TemporaryUploadedFile("grande.docx", "application/octet-stream", len(data), None)
    spooled.write(data)
    spooled.seek(0)

    try:
        evidence = evidence_store(
            application=application, by=applicant, uploaded=spooled, item=item
        )
    finally:
        spooled.close()  # as Django's request handling does; the file may have been moved

    assert evidence.content_type == DOCX_TYPE
    assert Path(evidence.file.path).read_bytes() == data


@pytest.mark.django_db
def test_it_stores_a_general_document(storage_roots, application, applicant):
    evidence = evidence_store(
        application=application,
        by=applicant,
        uploaded=sample_upload("pdf"),
        document_kind=EvidenceFile.DocumentKind.VISURA,
    )

    assert evidence.item is None
    assert evidence.document_kind == "visura"
    assert EvidenceFile.objects.get() == evidence


@pytest.mark.django_db
def test_a_pdf_name_with_png_content_is_stored_as_png(storage_roots, application, applicant, item):
    evidence = evidence_store(
        application=application,
        by=applicant,
        uploaded=upload("scansione.pdf", png_bytes(), "application/pdf"),
        item=item,
    )

    assert evidence.content_type == "image/png"
    assert evidence.original_name == "scansione.pdf"
    assert evidence.file.name.endswith(".png")


@pytest.mark.django_db
def test_it_stores_while_more_information_is_requested(storage_roots, application, applicant, item):
    set_status(application, Application.Status.INFO_REQUESTED)

    evidence_store(application=application, by=applicant, uploaded=sample_upload("odt"), item=item)

    assert EvidenceFile.objects.count() == 1


@pytest.mark.parametrize(
    "name, build, message",
    [
        ("contratto.pdf", exe_bytes, TYPE_REFUSED),
        ("vuoto.pdf", lambda: b"", EMPTY),
        ("archivio.zip", plain_zip_bytes, TYPE_REFUSED),
        ("pagina.html", html_bytes, TYPE_REFUSED),
        ("tanti.docx", lambda: many_entries_zip_bytes(2001), ZIP_BOMB),
    ],
)
@pytest.mark.django_db
def test_it_refuses_a_bad_file_and_stores_nothing(
    name, build, message, storage_roots, application, applicant, item
):
    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application, by=applicant, uploaded=upload(name, build()), item=item
        )

    assert refused.value.messages == [message]
    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_it_refuses_an_oversized_file_and_stores_nothing(
    settings, storage_roots, application, applicant, item
):
    settings.EVIDENCE_MAX_MB = 1
    data = b"%PDF-1.4\n" + b"\n" * (1024 * 1024 + 1 - 9)
    assert len(data) == 1024 * 1024 + 1

    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application, by=applicant, uploaded=upload("grande.pdf", data), item=item
        )

    assert refused.value.messages == [too_big(1)]
    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_it_refuses_a_zip_bomb_and_stores_nothing(
    settings, storage_roots, application, applicant, item
):
    settings.EVIDENCE_MAX_MB = 1

    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application,
            by=applicant,
            uploaded=upload("bomba.docx", zip_bomb_bytes(11)),
            item=item,
        )

    assert refused.value.messages == [ZIP_BOMB]
    assert_nothing_stored(storage_roots)


@pytest.mark.parametrize(
    "status", [Application.Status.SUBMITTED, Application.Status.UNDER_REVIEW, "ritirata"]
)
@pytest.mark.django_db
def test_it_refuses_to_store_once_the_application_left_the_applicants_hands(
    status, storage_roots, application, applicant, item
):
    set_status(application, status)

    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application, by=applicant, uploaded=sample_upload("pdf"), item=item
        )

    label = Application.Status(status).label
    assert refused.value.messages == [
        f"La domanda è «{label}»: i file si possono caricare o eliminare solo quando è in bozza "
        "o quando è richiesta un'integrazione."
    ]
    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_the_state_is_checked_again_under_the_row_lock(storage_roots, application, applicant, item):
    stale = Application.objects.get(pk=application.pk)
    set_status(application, Application.Status.SUBMITTED)

    with pytest.raises(ValidationError):
        evidence_store(application=stale, by=applicant, uploaded=sample_upload("pdf"), item=item)

    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_an_applicant_of_another_firm_cannot_store_into_the_application(
    storage_roots, application, applicant_b, item
):
    with pytest.raises(PermissionDenied):
        evidence_store(
            application=application, by=applicant_b, uploaded=sample_upload("pdf"), item=item
        )

    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_oic_people_cannot_store_files_for_the_applicant(
    storage_roots, application, committee, auditor, association_member, admin_user, item
):
    for person in (committee, auditor, association_member, admin_user):
        with pytest.raises(PermissionDenied):
            evidence_store(
                application=application, by=person, uploaded=sample_upload("pdf"), item=item
            )

    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_it_refuses_an_item_of_another_code_version(storage_roots, application, applicant):
    other_version = make_version("9.0", status=CodeVersion.Status.DRAFT)
    make_checklist(other_version)
    foreign = ChecklistItem.objects.filter(version=other_version).first()

    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application, by=applicant, uploaded=sample_upload("pdf"), item=foreign
        )

    assert refused.value.messages == [
        "La voce non appartiene alla lista di controllo di questa domanda."
    ]
    assert_nothing_stored(storage_roots)


@pytest.mark.parametrize("with_item, document_kind", [(False, ""), (True, "visura")])
@pytest.mark.django_db
def test_it_wants_exactly_one_of_item_and_document_kind(
    with_item, document_kind, storage_roots, application, applicant, item
):
    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application,
            by=applicant,
            uploaded=sample_upload("pdf"),
            item=item if with_item else None,
            document_kind=document_kind,
        )

    assert refused.value.messages == [
        "Indica una sola cosa: la voce della lista di controllo oppure il tipo di documento."
    ]
    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_it_refuses_an_unknown_document_kind(storage_roots, application, applicant):
    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application,
            by=applicant,
            uploaded=sample_upload("pdf"),
            document_kind="bilancio",
        )

    assert refused.value.messages == ["Tipo di documento non valido."]
    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_a_failed_database_write_removes_the_stored_file(
    monkeypatch, storage_roots, application, applicant, item
):
    def broken_save(self, *args, **kwargs):
        raise IntegrityError("simulated")

    monkeypatch.setattr(EvidenceFile, "save", broken_save)

    with pytest.raises(IntegrityError):
        evidence_store(
            application=application, by=applicant, uploaded=sample_upload("pdf"), item=item
        )

    assert_nothing_stored(storage_roots)


# --- evidence_delete ----------------------------------------------------------------------


@pytest.fixture
def stored(storage_roots, application, applicant, item):
    return evidence_store(
        application=application, by=applicant, uploaded=sample_upload("docx"), item=item
    )


@pytest.mark.django_db
def test_the_applicant_deletes_a_file_and_it_leaves_the_disk_after_commit(
    django_capture_on_commit_callbacks, storage_roots, stored, applicant
):
    path = Path(stored.file.path)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_delete(evidence=stored, by=applicant)
        assert not EvidenceFile.objects.exists()
        assert path.exists()  # not before the commit
    for callback in callbacks:
        callback()

    assert not path.exists()


@pytest.mark.django_db
def test_a_colleague_of_the_same_firm_may_delete(
    django_capture_on_commit_callbacks, storage_roots, stored, firm_a
):
    from tests.factories import UserFactory

    colleague = UserFactory(email="carlo@contactuno.example", organization=firm_a)

    with django_capture_on_commit_callbacks(execute=True):
        evidence_delete(evidence=stored, by=colleague)

    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_it_refuses_to_delete_after_submission(storage_roots, stored, application, applicant):
    set_status(application, Application.Status.SUBMITTED)

    with pytest.raises(ValidationError):
        evidence_delete(evidence=stored, by=applicant)

    assert EvidenceFile.objects.get() == stored
    assert Path(stored.file.path).exists()


@pytest.mark.django_db
def test_others_cannot_delete(storage_roots, stored, applicant_b, committee):
    for person in (applicant_b, committee):
        with pytest.raises(PermissionDenied):
            evidence_delete(evidence=stored, by=person)

    assert EvidenceFile.objects.get() == stored
    assert Path(stored.file.path).exists()

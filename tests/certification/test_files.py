"""Evidence files: judged by content, size-limited, stored privately under a random name."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pypdf import PdfReader

from certification import files
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
    ODT_TYPE,
    OFFICE_ACTIVE,
    PDF_ACTIVE,
    SAMPLES,
    VBA_TYPE,
    active_pdf_bytes,
    docx_bytes,
    encrypted_pdf_bytes,
    exe_bytes,
    html_bytes,
    jpeg_bytes,
    linked_pdf_bytes,
    many_entries_zip_bytes,
    odt_bytes,
    orphan_object_stream_pdf_bytes,
    pdf_bytes,
    plain_zip_bytes,
    png_bytes,
    sample_upload,
    spread_out_docx_bytes,
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
PDF_ACTIVE_CONTENT = (
    "Il PDF contiene contenuti attivi (JavaScript, azioni che avviano programmi o inviano dati, "
    "file allegati, contenuti multimediali o moduli XFA) e non può essere accettato. "
    "Esportalo o stampalo di nuovo come PDF semplice e caricalo ancora."
)
PDF_ENCRYPTED = "PDF protetto da password: non può essere controllato."
PDF_UNREADABLE = (
    "Il PDF è danneggiato o troppo complesso: non può essere controllato. "
    "Esportalo o stampalo di nuovo come PDF e caricalo ancora."
)
OFFICE_ACTIVE_CONTENT = (
    "Il documento contiene macro, script o oggetti attivi (ActiveX, OLE) e non può essere "
    "accettato. Salvalo come documento senza macro (DOCX, XLSX oppure ODT) e caricalo ancora."
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
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/></Types>',
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


# --- active content: PDF --------------------------------------------------------------------


def refusal(data: bytes, name: str = "documento.pdf") -> list[str]:
    with pytest.raises(ValidationError) as refused:
        check_upload(upload(name, data, "application/pdf"))
    return refused.value.messages


@pytest.mark.parametrize("object_stream", [False, True], ids=["plain", "object-stream"])
@pytest.mark.parametrize("kind", list(PDF_ACTIVE))
def test_it_refuses_a_pdf_with_active_content(kind, object_stream):
    data = active_pdf_bytes(kind, object_stream=object_stream)
    if object_stream:  # nothing to see in the bytes: only reading the objects finds it
        assert files._pdf_flagged_name([data], skip_streams=True) is None

    assert refusal(data) == [PDF_ACTIVE_CONTENT]


@pytest.mark.parametrize("object_stream", [False, True], ids=["plain", "object-stream"])
@pytest.mark.parametrize("kind", list(PDF_ACTIVE))
def test_reading_the_objects_alone_finds_the_active_content(monkeypatch, kind, object_stream):
    monkeypatch.setattr(files, "_pdf_flagged_name", lambda chunks, skip_streams: None)

    assert refusal(active_pdf_bytes(kind, object_stream=object_stream)) == [PDF_ACTIVE_CONTENT]


def test_it_reads_an_object_stream_that_the_cross_reference_does_not_use():
    data = orphan_object_stream_pdf_bytes()
    assert files._pdf_flagged_name([data], skip_streams=True) is None

    assert refusal(data) == [PDF_ACTIVE_CONTENT]


def test_the_same_upload_is_read_once_and_changed_bytes_again(monkeypatch):
    reads = []
    read = files._check_pdf
    monkeypatch.setattr(files, "_check_pdf", lambda uploaded: reads.append(1) or read(uploaded))
    uploaded = upload("verbale.pdf", pdf_bytes())

    first = check_upload(uploaded)
    assert check_upload(uploaded) == first
    assert len(reads) == 1

    uploaded.file = io.BytesIO(active_pdf_bytes("javascript"))
    uploaded.size = len(uploaded.file.getvalue())
    with pytest.raises(ValidationError) as refused:
        check_upload(uploaded)
    assert refused.value.messages == [PDF_ACTIVE_CONTENT]
    assert len(reads) == 2


def test_the_quick_look_decodes_hex_escaped_names():
    data = active_pdf_bytes("hex-escaped")
    assert b"JavaScript" not in data and b"/JS" not in data

    assert files._pdf_flagged_name([data], skip_streams=True) == "JavaScript"


def test_the_quick_look_finds_a_name_split_across_chunks():
    data = active_pdf_bytes("launch")

    for cut in range(len(data)):
        assert files._pdf_flagged_name([data[:cut], data[cut:]], skip_streams=True) == "Launch"
    one_byte_chunks = [data[i : i + 1] for i in range(len(data))]
    assert files._pdf_flagged_name(one_byte_chunks, skip_streams=True) == "Launch"


def test_names_inside_stream_data_are_not_active_content():
    # Compressed data is random bytes, where "/JS" followed by a delimiter turns up by chance
    # (about once in 250 MB): a scanned document must not be refused for that.
    data = pdf_bytes(text="/JS /JavaScript /Launch")
    assert b"(/JS /JavaScript /Launch) Tj" in data

    assert files._pdf_flagged_name([data], skip_streams=True) is None
    assert check_upload(upload("testo.pdf", data)).content_type == "application/pdf"


@pytest.mark.parametrize(
    "build",
    [pdf_bytes, lambda: pdf_bytes(object_stream=True), linked_pdf_bytes],
    ids=["plain", "object-stream", "links-and-named-actions"],
)
def test_it_accepts_a_clean_pdf(build):
    data = build()

    checked = check_upload(upload("verbale.pdf", data))

    assert (checked.content_type, checked.size) == ("application/pdf", len(data))


def test_it_accepts_a_pdf_made_by_a_real_writer_with_links_and_compressed_streams():
    from weasyprint import HTML

    data = HTML(
        string='<h1>Verbale</h1><p><a href="https://bollinoblu.example/">Registro</a></p>'
    ).write_pdf()

    links = [
        annotation.get_object()["/A"]["/S"]
        for annotation in PdfReader(io.BytesIO(data)).pages[0]["/Annots"]
    ]
    assert links == ["/URI"]
    assert b"/ObjStm" in data  # its objects sit in compressed object streams
    assert check_upload(upload("verbale.pdf", data)).content_type == "application/pdf"


@pytest.mark.parametrize("user_password", ["segreta", ""], ids=["password", "owner-only"])
def test_it_refuses_an_encrypted_pdf(user_password):
    assert refusal(encrypted_pdf_bytes(user_password)) == [PDF_ENCRYPTED]


def test_reading_the_objects_alone_refuses_an_encrypted_pdf(monkeypatch):
    monkeypatch.setattr(files, "_pdf_flagged_name", lambda chunks, skip_streams: None)

    assert refusal(encrypted_pdf_bytes()) == [PDF_ENCRYPTED]


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n",
        b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",  # no cross-reference at all
        pdf_bytes()[:300],
        pdf_bytes(extra=(b"[" * 5000 + b"]" * 5000,)),  # deeper than pypdf can recurse
    ],
    ids=["header-only", "no-xref", "truncated", "deep-nesting"],
)
def test_it_refuses_a_pdf_it_cannot_read(data):
    assert refusal(data) == [PDF_UNREADABLE]


def test_it_refuses_objects_nested_deeper_than_the_limit():
    deep = b"[" * (files.PDF_MAX_DEPTH + 1) + b"]" * (files.PDF_MAX_DEPTH + 1)
    shallow = b"[" * files.PDF_MAX_DEPTH + b"]" * files.PDF_MAX_DEPTH

    assert refusal(pdf_bytes(extra=(deep,))) == [PDF_UNREADABLE]
    assert check_upload(upload("a.pdf", pdf_bytes(extra=(shallow,)))).content_type == (
        "application/pdf"
    )


@pytest.mark.parametrize(
    "limit, value",
    [
        ("PDF_MAX_OBJECTS", 4),
        ("PDF_MAX_NODES", 10),
        ("PDF_MAX_SECONDS", -1.0),
        ("PDF_OBJECT_STREAMS_MAX_BYTES", 100),
    ],
)
def test_it_refuses_a_pdf_past_a_bound_of_the_walk(monkeypatch, limit, value):
    data = pdf_bytes(object_stream=True)  # 7 objects, 4 of them in a 300-byte object stream
    assert check_upload(upload("a.pdf", data)).content_type == "application/pdf"
    monkeypatch.setattr(files, limit, value)

    assert refusal(data) == [PDF_UNREADABLE]


def test_a_reference_cycle_ends_the_walk():
    data = pdf_bytes(
        catalog=b"/Outlines 6 0 R",
        extra=(b"<< /First 7 0 R /Self 6 0 R >>", b"<< /Parent 6 0 R /Next 7 0 R >>"),
        object_stream=True,
    )

    assert check_upload(upload("a.pdf", data)).content_type == "application/pdf"


def test_it_refuses_an_object_stream_that_decompresses_past_the_limit():
    padding = b"(" + b" " * (files.PDF_STREAM_MAX_BYTES + 1) + b")"
    data = pdf_bytes(extra=(padding,), object_stream=True)
    assert len(data) < 100_000

    assert refusal(data) == [PDF_UNREADABLE]


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tail=st.binary(max_size=4000))
def test_random_bytes_after_a_pdf_header_are_refused_cleanly(tail):
    try:
        checked = check_upload(upload("caso.pdf", b"%PDF-" + tail))
    except ValidationError as refused:
        assert refused.messages[0] in (PDF_UNREADABLE, PDF_ACTIVE_CONTENT, PDF_ENCRYPTED)
    else:
        assert checked.content_type == "application/pdf"


SEEDS = [
    pdf_bytes(),
    pdf_bytes(object_stream=True),
    active_pdf_bytes("embedded-file", object_stream=True),
    linked_pdf_bytes(),
]


@hypothesis_settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(SEEDS),
    edits=st.lists(
        st.tuples(
            st.floats(0, 1),
            st.sampled_from(["set", "cut", "insert"]),
            st.binary(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_a_damaged_pdf_is_accepted_or_refused_never_an_error(seed, edits):
    data = bytearray(seed)
    for where, how, chunk in edits:
        at = int(where * (len(data) - 1))
        if how == "set":
            data[at : at + len(chunk)] = chunk
        elif how == "cut":
            del data[at : at + len(chunk)]
        else:
            data[at:at] = chunk
    if not data.startswith(b"%PDF-"):
        data[:0] = b"%PDF-"

    try:
        check_upload(upload("danneggiato.pdf", bytes(data)))
    except ValidationError as refused:
        assert refused.messages[0] in (PDF_UNREADABLE, PDF_ACTIVE_CONTENT, PDF_ENCRYPTED)


# --- active content: office files -----------------------------------------------------------


@pytest.mark.parametrize("kind", list(OFFICE_ACTIVE))
def test_it_refuses_an_office_file_with_macros_scripts_or_active_objects(kind):
    name, build = OFFICE_ACTIVE[kind]

    assert refusal(build(), name) == [OFFICE_ACTIVE_CONTENT]


def test_a_macro_content_type_that_no_part_has_is_harmless():
    data = docx_bytes(types=VBA_TYPE)  # a default for .bin files, and no .bin file

    assert check_upload(upload("procedura.docx", data)).content_type == DOCX_TYPE


def test_an_odt_manifest_may_have_the_old_doctype_but_no_entity():
    old = '<!DOCTYPE manifest:manifest PUBLIC "-//OpenOffice.org//DTD Manifest 1.0//EN" "x.dtd">'
    entity = '<!DOCTYPE manifest:manifest [<!ENTITY a "aaaaaaaaaa">]>'

    assert check_upload(upload("vecchio.odt", odt_bytes(doctype=old))).content_type == ODT_TYPE
    assert refusal(odt_bytes(doctype=entity), "entita.odt") == [TYPE_REFUSED]


def test_a_sound_docx_that_expands_past_the_limit_is_refused(settings):
    settings.EVIDENCE_MAX_MB = 1

    # Eleven 1 MB parts, none of them alone past anything: the sum is what counts.
    assert refusal(spread_out_docx_bytes(11), "immagini.docx") == [ZIP_BOMB]
    assert check_upload(upload("immagini.docx", spread_out_docx_bytes(9))).content_type == (
        DOCX_TYPE
    )


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


@pytest.mark.parametrize(
    "name, build, message",
    [
        ("avvio.pdf", lambda: active_pdf_bytes("javascript"), PDF_ACTIVE_CONTENT),
        ("nascosto.pdf", lambda: active_pdf_bytes("hex-escaped"), PDF_ACTIVE_CONTENT),
        (
            "compresso.pdf",
            lambda: active_pdf_bytes("javascript", object_stream=True),
            PDF_ACTIVE_CONTENT,
        ),
        ("lancia.pdf", lambda: active_pdf_bytes("launch"), PDF_ACTIVE_CONTENT),
        ("allegato.pdf", lambda: active_pdf_bytes("embedded-file"), PDF_ACTIVE_CONTENT),
        ("protetto.pdf", encrypted_pdf_bytes, PDF_ENCRYPTED),
        ("rotto.pdf", lambda: pdf_bytes()[:300], PDF_UNREADABLE),
        (*OFFICE_ACTIVE["docx-vba"], OFFICE_ACTIVE_CONTENT),
        (*OFFICE_ACTIVE["xlsx-macro-enabled"], OFFICE_ACTIVE_CONTENT),
        (*OFFICE_ACTIVE["odt-basic"], OFFICE_ACTIVE_CONTENT),
    ],
)
@pytest.mark.django_db
def test_it_refuses_active_content_and_stores_nothing(
    name, build, message, storage_roots, application, applicant, item
):
    with pytest.raises(ValidationError) as refused:
        evidence_store(
            application=application, by=applicant, uploaded=upload(name, build()), item=item
        )

    assert refused.value.messages == [message]
    assert_nothing_stored(storage_roots)


@pytest.mark.django_db
def test_it_checks_a_pdf_that_django_spooled_to_a_temporary_file(
    storage_roots, application, applicant, item
):
    for data, refused in ((pdf_bytes(object_stream=True), False), (active_pdf_bytes("xfa"), True)):
        spooled = TemporaryUploadedFile("grande.pdf", "application/pdf", len(data), None)
        spooled.write(data)
        spooled.seek(0)
        try:
            if refused:
                with pytest.raises(ValidationError):
                    evidence_store(
                        application=application, by=applicant, uploaded=spooled, item=item
                    )
            else:
                evidence = evidence_store(
                    application=application, by=applicant, uploaded=spooled, item=item
                )
                assert Path(evidence.file.path).read_bytes() == data
        finally:
            spooled.close()

    assert EvidenceFile.objects.count() == 1


@pytest.mark.django_db
def test_the_documents_page_shows_the_refusal_and_stores_nothing(
    client, storage_roots, application, applicant
):
    client.force_login(applicant)

    response = client.post(
        reverse("certification:documents", args=[application.pk]),
        {
            "document_kind": "visura",
            "file": upload("visura.pdf", active_pdf_bytes("launch"), "application/pdf"),
        },
    )

    assert response.status_code == 200
    assert "Il PDF contiene contenuti attivi" in response.content.decode()
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

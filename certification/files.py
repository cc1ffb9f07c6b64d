"""Evidence files: checked by content, size-limited, stored privately under a random name.

The type is judged only from the bytes (never the name or the browser's content type); the
content type kept is the detected one. Files with active content are refused: PDFs with
scripts, launch or form-submission actions, embedded files, rich media or XFA forms (and any
PDF that is encrypted or cannot be read to tell), office files with macros, scripts, ActiveX or
OLE objects. Files live in private storage (PRIVATE_STORAGE_ROOT, outside MEDIA_ROOT) and are
served only by the permission-checking views in certification/views/files.py, through
`evidence_get_for_user`.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import time
import unicodedata
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.parsers import expat

import pypdf
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
)

from certification.models import Application, ChecklistItem, EvidenceFile, User
from certification.services.applications import APPLICANT, AUDITOR, COMMITTEE, roles_of

MB = 1024 * 1024
# Office files are ZIP archives: refuse archives that would expand to more than this many times
# the upload limit, or that hold more entries than any real document does (zip bombs).
ZIP_MAX_EXPANSION = 10
ZIP_MAX_ENTRIES = 2000
# [Content_Types].xml and the ODT mimetype are small; never read more than this of them.
ZIP_MANIFEST_MAX_BYTES = 1 * MB
HEAD_BYTES = 64

PDF = ("application/pdf", ".pdf")
PNG = ("image/png", ".png")
JPEG = ("image/jpeg", ".jpg")
DOCX = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx")
XLSX = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx")
ODT = ("application/vnd.oasis.opendocument.text", ".odt")

# The main part's content type inside [Content_Types].xml, and the folder it lives in.
OOXML_MAIN_PARTS = {
    DOCX: (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
        "word/",
    ),
    XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", "xl/"),
}
ODT_MIMETYPE = ODT[0].encode("ascii")

ORIGINAL_NAME_MAX = 255
CHECKED_ATTRIBUTE = "evidence_checked"  # set on an upload that passed check_upload

# Active content in a PDF: a name, as a key or a value, that makes the document act on its own.
# Scripts (JavaScript, JS, 3D), actions that start a program or send or load data (Launch,
# SubmitForm, ImportData), embedded files and what opens them (EmbeddedFile(s), EF,
# FileAttachment, GoToE), Flash and other rich media, XFA forms (they carry scripts). Plain links
# (URI, GoTo, GoToR) and named actions stay allowed: ordinary documents are full of them.
PDF_ACTIVE_NAMES = frozenset(
    {
        "JavaScript",
        "JS",
        "3D",
        "Launch",
        "SubmitForm",
        "ImportData",
        "EmbeddedFile",
        "EmbeddedFiles",
        "EF",
        "FileAttachment",
        "GoToE",
        "RichMedia",
        "RichMediaExecute",
        "XFA",
    }
)
PDF_ENCRYPT = "Encrypt"
# Bounds of the walk through a PDF, so that a hostile file can neither loop nor run long.
PDF_MAX_OBJECTS = 100_000  # indirect objects
PDF_MAX_NODES = 1_000_000  # dictionaries, arrays, names and references met on the way
PDF_MAX_DEPTH = 64  # nesting of dictionaries and arrays inside one object
PDF_MAX_SECONDS = 10.0
# Compressed object and cross-reference streams must be decoded to be read: at most this much
# each (pypdf's own limit, lowered), and this much for all the object streams of one file.
PDF_STREAM_MAX_BYTES = 8 * MB
PDF_OBJECT_STREAMS_MAX_BYTES = 64 * MB
PDF_DECODE_LIMITS = {
    "zlib_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "lzw_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "run_length_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "brotli_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "jbig2_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "array_based_stream_maximum_output_length": PDF_STREAM_MAX_BYTES,
    "stream_decoding_work_maximum_length": 4 * PDF_STREAM_MAX_BYTES,
}
# The quick look at the bytes: a watched name, or any name with a #xx escape (decoded, then
# compared), followed by a delimiter (PDF 32000-1, 7.2.2); or the keyword that opens a stream's
# data, which is skipped. A name has at most 127 bytes (Annex C), each perhaps written as #xx.
_PDF_DELIMITERS = rb"\x00\t\n\x0c\r ()<>\[\]{}/%"
_PDF_WATCHED = (
    rb"/("
    + b"|".join(re.escape(name.encode()) for name in [*PDF_ACTIVE_NAMES, PDF_ENCRYPT])
    + rb"|[^"
    + _PDF_DELIMITERS
    + rb"]{0,381}#[^"
    + _PDF_DELIMITERS
    + rb"]{0,381})"
    + rb"(?=["
    + _PDF_DELIMITERS
    + rb"])"
)
_PDF_WATCHED_NAME = re.compile(_PDF_WATCHED)
_PDF_WATCHED_NAME_OR_STREAM = re.compile(_PDF_WATCHED + rb"|(?<![A-Za-z])stream(?=[\r\n])")
_PDF_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_END_STREAM = b"endstream"
_PDF_CARRY_BYTES = 1024  # kept from one chunk to the next: a token may go on across them

# Macros and embedded programs in office archives: VBA projects, ActiveX controls, Excel 4 macro
# sheets and OLE objects in OOXML; StarBasic libraries and scripts in OpenDocument.
OFFICE_ACTIVE_PART = re.compile(
    r"(?:^|/)(?:vbaproject[^/]*\.bin$|vbadata\.xml$|activex/|(?:intl)?macrosheets/"
    r"|embeddings/[^/]*\.bin$)|^(?:basic|scripts)/",
    re.IGNORECASE,
)
OFFICE_ACTIVE_CONTENT_TYPES = ("vbaproject", "macroenabled", "activex", "macrosheet", "oleobject")
ODF_ACTIVE_MEDIA_TYPES = ("basic", "script", "oleobject")


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str
    extension: str = ""


def max_upload_bytes() -> int:
    """The size limit in bytes, read from settings at each call (tests change it)."""
    return int(getattr(settings, "EVIDENCE_MAX_MB", 20)) * MB


def _type_refused() -> ValidationError:
    return ValidationError(
        _(
            "Tipo di file non ammesso: sono accettati solo PDF, PNG, JPEG, DOCX, XLSX e ODT. "
            "Il tipo è riconosciuto dal contenuto del file, non dal nome."
        ),
        code="file_type",
    )


def _too_big() -> ValidationError:
    return ValidationError(
        _("Il file supera la dimensione massima consentita di %(max)d MB."),
        code="file_too_big",
        params={"max": max_upload_bytes() // MB},
    )


def _pdf_active() -> ValidationError:
    return ValidationError(
        _(
            "Il PDF contiene contenuti attivi (JavaScript, azioni che avviano programmi o inviano "
            "dati, file allegati, contenuti multimediali o moduli XFA) e non può essere accettato. "
            "Esportalo o stampalo di nuovo come PDF semplice e caricalo ancora."
        ),
        code="file_active_content",
    )


def _pdf_encrypted() -> ValidationError:
    return ValidationError(
        _("PDF protetto da password: non può essere controllato."), code="file_pdf_encrypted"
    )


def _pdf_unreadable() -> ValidationError:
    return ValidationError(
        _(
            "Il PDF è danneggiato o troppo complesso: non può essere controllato. "
            "Esportalo o stampalo di nuovo come PDF e caricalo ancora."
        ),
        code="file_pdf_unreadable",
    )


def _office_active() -> ValidationError:
    return ValidationError(
        _(
            "Il documento contiene macro, script o oggetti attivi (ActiveX, OLE) e non può essere "
            "accettato. Salvalo come documento senza macro (DOCX, XLSX oppure ODT) e caricalo "
            "ancora."
        ),
        code="file_active_content",
    )


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Raise ValidationError (clear Italian message) unless the file is an accepted type by
    content (PDF, PNG, JPEG, DOCX, XLSX, ODT), not empty, within EVIDENCE_MAX_MB, and free of
    active content (scripts, macros, embedded programs or files)."""
    limit = max_upload_bytes()
    declared = getattr(uploaded, "size", None)
    if declared is not None and declared > limit:
        raise _too_big()

    # One pass in chunks: size, digest and the first bytes, never the whole file in memory.
    digest = hashlib.sha256()
    size = 0
    head = b""
    for chunk in uploaded.chunks():
        size += len(chunk)
        if size > limit:
            raise _too_big()
        if len(head) < HEAD_BYTES:
            head += chunk[: HEAD_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise ValidationError(_("Il file è vuoto."), code="file_empty")
    # The form and then the service check the same upload: the same bytes, the same verdict,
    # and reading a large PDF's objects takes seconds.
    previous = getattr(uploaded, CHECKED_ATTRIBUTE, None)
    if isinstance(previous, CheckedUpload) and (previous.sha256, previous.size) == (
        digest.hexdigest(),
        size,
    ):
        return previous

    content_type, extension = _detect(uploaded, head, limit)
    if (content_type, extension) == PDF:
        _check_pdf(uploaded)
    checked = CheckedUpload(
        content_type=content_type, size=size, sha256=digest.hexdigest(), extension=extension
    )
    setattr(uploaded, CHECKED_ATTRIBUTE, checked)
    return checked


def _detect(uploaded: UploadedFile, head: bytes, limit: int) -> tuple[str, str]:
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(uploaded, limit)
    raise _type_refused()


def _detect_zip(uploaded: UploadedFile, limit: int) -> tuple[str, str]:
    try:
        uploaded.seek(0)
        with zipfile.ZipFile(uploaded) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES or (
                sum(entry.file_size for entry in entries) > ZIP_MAX_EXPANSION * limit
            ):
                raise ValidationError(
                    _(
                        "Il documento contiene troppi elementi o diventa troppo grande una volta "
                        "decompresso: non può essere accettato."
                    ),
                    code="file_zip_bomb",
                )
            by_name = {entry.filename: entry for entry in entries}
            content_types = _ooxml_content_types(archive, by_name)
            manifest = _odf_manifest(archive, by_name)
            if manifest is None:
                raise _type_refused()
            # Whatever the archive claims to be: a file shaped as both an ODT and a DOCX would
            # be opened as either, depending on the name it is saved under.
            if _office_is_active(by_name, content_types or [], manifest):
                raise _office_active()
            detected = _detect_odt(archive, entries) or _detect_ooxml(by_name, content_types)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        raise _type_refused() from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or exotic compression
        raise _type_refused() from exc
    finally:
        uploaded.seek(0)
    if detected is None:
        raise _type_refused()
    return detected


def _office_is_active(
    by_name: dict[str, zipfile.ZipInfo],
    content_types: list[tuple[str, str]],
    manifest: list[tuple[str, str]],
) -> bool:
    """Macros, scripts or embedded programs: as parts of the archive, as content types declared
    in [Content_Types].xml, or as entries declared in an OpenDocument manifest."""
    paths = [name.replace("\\", "/").lstrip("/") for name in by_name]
    if any(OFFICE_ACTIVE_PART.search(path) for path in [*paths, *(p for p, _t in manifest)]):
        return True
    # A content type counts if a part has it: by its name (Override) or its extension (Default).
    names = {"/" + path.lower() for path in paths}
    extensions = {PurePosixPath(path).suffix.lower() for path in paths}
    in_use = [
        ctype.lower()
        for part, ctype in content_types
        if part.lower() in (names if part.startswith("/") else extensions)
    ]
    odf_types = [media_type.lower() for _path, media_type in manifest]
    return any(mark in ctype for ctype in in_use for mark in OFFICE_ACTIVE_CONTENT_TYPES) or any(
        mark in media for media in odf_types for mark in ODF_ACTIVE_MEDIA_TYPES
    )


def _read_small(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes | None:
    if entry.file_size > ZIP_MANIFEST_MAX_BYTES:
        return None
    with archive.open(entry) as handle:
        data = handle.read(ZIP_MANIFEST_MAX_BYTES + 1)
    return data if len(data) <= ZIP_MANIFEST_MAX_BYTES else None


def _detect_odt(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]) -> tuple[str, str] | None:
    # OpenDocument: the first entry is `mimetype`, stored uncompressed, naming the format.
    first = entries[0] if entries else None
    if first is None or first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED:
        return None
    return ODT if _read_small(archive, first) == ODT_MIMETYPE else None


def _detect_ooxml(
    by_name: dict[str, zipfile.ZipInfo], content_types: list[tuple[str, str]] | None
) -> tuple[str, str] | None:
    if content_types is None:
        return None
    for kind, (main_type, folder) in OOXML_MAIN_PARTS.items():
        has_folder = any(name.startswith(folder) for name in by_name)
        main_part = next(
            (part for part, ctype in content_types if ctype == main_type and part.startswith("/")),
            None,
        )
        if has_folder and main_part is not None and main_part.lstrip("/") in by_name:
            return kind
    return None


def _ooxml_content_types(
    archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]
) -> list[tuple[str, str]] | None:
    """The (PartName, ContentType) pairs of [Content_Types].xml, with ".extension" in place of
    the PartName for a default by extension; None if there is none, or it is too big or not
    sound XML.

    Any DTD is refused (a content-types file never has one): no entity can be declared, so no
    entity-expansion attack reaches the parser, whatever the document's encoding.
    """
    entry = by_name.get("[Content_Types].xml")
    data = _read_small(archive, entry) if entry is not None else None
    if data is None:
        return None
    types: list[tuple[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(" ", 1)[-1]
        if local == "Override":
            types.append((attrs.get("PartName", ""), attrs.get("ContentType", "")))
        elif local == "Default":
            types.append(("." + attrs.get("Extension", ""), attrs.get("ContentType", "")))

    return types if _parse_xml(data, start, allow_doctype=False) else None


def _odf_manifest(
    archive: zipfile.ZipFile, by_name: dict[str, zipfile.ZipInfo]
) -> list[tuple[str, str]] | None:
    """The (full-path, media-type) pairs of an OpenDocument's META-INF/manifest.xml: [] if there
    is none, None if it is too big or not sound XML. Old office suites wrote a DOCTYPE there, so
    one is allowed, but no entity declaration."""
    entry = by_name.get("META-INF/manifest.xml")
    if entry is None:
        return []
    data = _read_small(archive, entry)
    if data is None:
        return None
    declared: list[tuple[str, str]] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rsplit(" ", 1)[-1] == "file-entry":
            values = {key.rsplit(" ", 1)[-1]: value for key, value in attrs.items()}
            declared.append((values.get("full-path", "").lstrip("/"), values.get("media-type", "")))

    return declared if _parse_xml(data, start, allow_doctype=True) else None


def _parse_xml(
    data: bytes, on_start: Callable[[str, dict[str, str]], None], *, allow_doctype: bool
) -> bool:
    """Parse with expat (namespaces split by a space); False if the XML is not sound or declares
    an entity (or has any DTD, unless allowed)."""

    def refuse(*args) -> None:
        raise ValueError("DTD not allowed")

    parser = expat.ParserCreate(namespace_separator=" ")
    if not allow_doctype:
        parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = on_start
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError):
        return False
    return True


# --- PDF ------------------------------------------------------------------------------------


def _check_pdf(uploaded: UploadedFile) -> None:
    """Refuse a PDF with active content, an encrypted one, and one that cannot be read to tell.

    A quick look at the names written in the file comes first; then pypdf reads every object,
    compressed object streams included, where a plain search of the bytes sees nothing.
    """
    flagged = _pdf_flagged_name(uploaded.chunks(), skip_streams=True)
    if flagged == PDF_ENCRYPT:
        raise _pdf_encrypted()
    if flagged is not None:
        raise _pdf_active()
    try:
        # In memory (it is within the size limit): pypdf reads byte by byte, and through
        # Django's file proxy that alone took half the time.
        content = io.BytesIO(b"".join(uploaded.chunks()))
        with pypdf.apply_configuration(**PDF_DECODE_LIMITS):
            reader = pypdf.PdfReader(content, strict=False)
            try:
                if reader.is_encrypted:
                    raise _pdf_encrypted()
                active = _pdf_walk_is_active(reader)
            finally:
                reader.close()
    except ValidationError:
        raise
    except Exception as exc:
        # On hostile bytes pypdf can fail in many ways (its own errors, but also ValueError,
        # KeyError, RecursionError, MemoryError...): a file that cannot be read is not checked.
        raise _pdf_unreadable() from exc
    finally:
        uploaded.seek(0)
    if active:
        raise _pdf_active()


def _pdf_flagged_name(chunks: Iterable[bytes], *, skip_streams: bool) -> str | None:
    """The first active name (or /Encrypt) written in the bytes, #xx escapes decoded; None if
    there is none. Stream data is skipped when asked (compressed data is random bytes, where a
    short name like /JS turns up by chance); a name split across two chunks is still seen."""
    pattern = _PDF_WATCHED_NAME_OR_STREAM if skip_streams else _PDF_WATCHED_NAME
    buffer = b""
    in_stream = False
    # A final delimiter completes a name written at the very end.
    for chunk in itertools.chain(chunks, [b"\n"]):
        buffer += chunk
        pos = 0
        while True:
            if in_stream:
                end = buffer.find(_PDF_END_STREAM, pos)
                if end < 0:
                    pos = max(pos, len(buffer) - len(_PDF_END_STREAM))
                    break
                pos, in_stream = end + len(_PDF_END_STREAM), False
                continue
            match = pattern.search(buffer, pos)
            if match is None:
                break
            pos = match.end()
            raw = match.group(1)
            if raw is None:
                in_stream = True
                continue
            if b"#" in raw:
                raw = _PDF_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
            name = raw.decode("latin-1")
            if name in PDF_ACTIVE_NAMES or name == PDF_ENCRYPT:
                return name
        # What follows the last token seen may be the start of one that the next chunk ends.
        buffer = buffer[max(pos, len(buffer) - _PDF_CARRY_BYTES) :]
    return None


def _pdf_walk_is_active(reader: pypdf.PdfReader) -> bool:
    """Whether any object of the file holds an active name, as a key or a value: every object
    reachable from the trailer and every object the cross-reference lists, within bounds (a
    file past them is refused as unreadable)."""
    deadline = time.monotonic() + PDF_MAX_SECONDS
    listed = [
        IndirectObject(number, generation, reader)
        for generation, numbers in reader.xref.items()
        for number in numbers
    ]
    listed += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    if len(listed) > PDF_MAX_OBJECTS:
        raise _pdf_unreadable()

    decoded = 0
    scanned: set[int] = set()

    def object_stream_is_active(stream: StreamObject) -> bool:
        # Decoded once (pypdf keeps the data for the objects it holds), counted, and searched
        # as text too: it may hold objects the cross-reference does not list.
        nonlocal decoded
        if id(stream) in scanned:
            return False
        scanned.add(id(stream))
        data = stream.get_data()
        decoded += len(data)
        if decoded > PDF_OBJECT_STREAMS_MAX_BYTES:
            raise _pdf_unreadable()
        return _pdf_flagged_name([data], skip_streams=False) in PDF_ACTIVE_NAMES

    for number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
        stream = reader.get_object(number)
        if isinstance(stream, StreamObject) and object_stream_is_active(stream):
            return True

    pending: list[tuple[object, int]] = [(reader.trailer, 0)]
    pending += [(reference, 0) for reference in listed]
    seen: set[tuple[int, int]] = set()
    nodes = 0
    while pending:
        item, depth = pending.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            if len(seen) > PDF_MAX_OBJECTS or time.monotonic() > deadline:
                raise _pdf_unreadable()
            item, depth = reader.get_object(item), 0
        nodes += 1
        if nodes > PDF_MAX_NODES or depth >= PDF_MAX_DEPTH:
            raise _pdf_unreadable()
        if isinstance(item, NameObject):
            if item[1:] in PDF_ACTIVE_NAMES:
                return True
        elif isinstance(item, DictionaryObject):
            if (
                isinstance(item, StreamObject)
                and item.get("/Type") == "/ObjStm"
                and object_stream_is_active(item)
            ):
                return True
            for key, value in dict.items(item):  # raw values: references are followed here
                if str(key)[1:] in PDF_ACTIVE_NAMES:
                    return True
                if isinstance(value, (IndirectObject, DictionaryObject, ArrayObject, NameObject)):
                    pending.append((value, depth + 1))
        elif isinstance(item, ArrayObject):
            pending.extend(
                (value, depth + 1)
                for value in list.__iter__(item)
                if isinstance(value, (IndirectObject, DictionaryObject, ArrayObject, NameObject))
            )
    return False


def clean_original_name(name: str) -> str:
    """The name to show: no folders, no control characters, at most 255 characters."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if not name or name in (".", ".."):
        name = _("documento")
    if len(name) > ORIGINAL_NAME_MAX:
        suffix = PurePosixPath(name).suffix
        suffix = suffix if len(suffix) <= 16 else ""
        name = name[: ORIGINAL_NAME_MAX - len(suffix)] + suffix
    return name


# --- access ---------------------------------------------------------------------------------


def can_view_application(user: User, application: Application) -> bool:
    """Who may see an application and its files: the applicant's own organization, the
    committee and the auditors assigned to it. This is the one place to extend."""
    return bool(roles_of(user, application) & {APPLICANT, COMMITTEE, AUDITOR})


def evidence_get_for_user(user: User, *, application_pk: int, file_pk: int) -> EvidenceFile:
    """The file, if it belongs to that application and this person may see it; else Http404
    (not found and not yours look the same: existence is never revealed)."""
    application = Application.objects.filter(pk=application_pk).first()
    if application is None or not can_view_application(user, application):
        raise Http404(_("File non trovato."))
    evidence = (
        EvidenceFile.objects.filter(pk=file_pk, application=application)
        .select_related("application")
        .first()
    )
    if evidence is None:
        raise Http404(_("File non trovato."))
    return evidence


def _ensure_applicant_can_edit(by: User, application: Application) -> None:
    if APPLICANT not in roles_of(by, application):
        raise PermissionDenied(
            _(
                "Solo chi appartiene all'organizzazione richiedente può gestire "
                "i file della domanda."
            )
        )
    if not application.applicant_can_edit:
        raise ValidationError(
            _(
                "La domanda è «%(status)s»: i file si possono caricare o eliminare solo quando "
                "è in bozza o quando è richiesta un'integrazione."
            ),
            code="not_editable",
            params={"status": application.get_status_display()},
        )


# --- services -------------------------------------------------------------------------------


def evidence_store(
    *,
    application: Application,
    by: User,
    uploaded: UploadedFile,
    item: ChecklistItem | None = None,
    document_kind: str = "",
) -> EvidenceFile:
    """Check and store one file for an item or as a general document; nothing stored on refusal."""
    _ensure_applicant_can_edit(by, application)
    if (item is None) == (not document_kind):
        raise ValidationError(
            _(
                "Indica una sola cosa: la voce della lista di controllo oppure "
                "il tipo di documento."
            ),
            code="item_or_document",
        )
    if item is not None and item.version_id != application.code_version_id:
        raise ValidationError(
            _("La voce non appartiene alla lista di controllo di questa domanda."),
            code="foreign_item",
        )
    if document_kind and document_kind not in EvidenceFile.DocumentKind.values:
        raise ValidationError(_("Tipo di documento non valido."), code="document_kind")

    # Read and judge the file before taking the row lock: that part can be slow.
    checked = check_upload(uploaded)

    stored_name = ""
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            _ensure_applicant_can_edit(by, locked)  # the state may have changed meanwhile
            evidence = EvidenceFile(
                application=locked,
                item=item,
                document_kind=document_kind,
                original_name=clean_original_name(uploaded.name or ""),
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                uploaded_by=by,
            )
            # The stored name is random (upload_to); its suffix is the detected type's.
            evidence.file.save(f"evidenza{checked.extension}", uploaded, save=False)
            stored_name = evidence.file.name
            evidence.save()
    except BaseException:
        if stored_name:
            EvidenceFile.file.field.storage.delete(stored_name)
        raise
    return evidence


def evidence_delete(*, evidence: EvidenceFile, by: User) -> None:
    """Remove the row now and the file from disk once the transaction commits."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=evidence.application_id)
        _ensure_applicant_can_edit(by, locked)
        stored_name = evidence.file.name
        deleted, _counts = EvidenceFile.objects.filter(pk=evidence.pk).delete()
        if deleted and stored_name:
            storage = EvidenceFile.file.field.storage
            transaction.on_commit(lambda: storage.delete(stored_name), robust=True)

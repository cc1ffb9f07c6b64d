"""Evidence files: checked by content, size-limited, stored privately under a random name.

The type is judged only from the bytes (never the name or the browser's content type); the
content type kept is the detected one. Files live in private storage (PRIVATE_STORAGE_ROOT,
outside MEDIA_ROOT) and are served only by the permission-checking views in
certification/views/files.py, through `evidence_get_for_user`.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from xml.parsers import expat

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

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


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Raise ValidationError (clear Italian message) unless the file is an accepted type by
    content (PDF, PNG, JPEG, DOCX, XLSX, ODT), not empty, and within EVIDENCE_MAX_MB."""
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

    content_type, extension = _detect(uploaded, head, limit)
    return CheckedUpload(
        content_type=content_type, size=size, sha256=digest.hexdigest(), extension=extension
    )


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
            detected = _detect_odt(archive, entries) or _detect_ooxml(archive, entries)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, OSError) as exc:
        raise _type_refused() from exc
    except (RuntimeError, NotImplementedError) as exc:  # encrypted or exotic compression
        raise _type_refused() from exc
    finally:
        uploaded.seek(0)
    if detected is None:
        raise _type_refused()
    return detected


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
    archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo]
) -> tuple[str, str] | None:
    by_name = {entry.filename: entry for entry in entries}
    manifest = by_name.get("[Content_Types].xml")
    if manifest is None:
        return None
    data = _read_small(archive, manifest)
    if data is None:
        return None
    overrides = _content_type_overrides(data)
    if overrides is None:
        return None
    for kind, (main_type, folder) in OOXML_MAIN_PARTS.items():
        has_folder = any(name.startswith(folder) for name in by_name)
        main_part = next(
            (part for part, ctype in overrides if ctype == main_type and part.startswith("/")),
            None,
        )
        if has_folder and main_part is not None and main_part.lstrip("/") in by_name:
            return kind
    return None


def _content_type_overrides(data: bytes) -> list[tuple[str, str]] | None:
    """The (PartName, ContentType) pairs of [Content_Types].xml, or None if it is not sound XML.

    Any DTD is refused (a content-types file never has one): no entity can be declared, so no
    entity-expansion attack reaches the parser, whatever the document's encoding.
    """
    overrides: list[tuple[str, str]] = []

    def refuse(*args) -> None:
        raise ValueError("DTD not allowed")

    def start(name: str, attrs: dict[str, str]) -> None:
        if name.rsplit(" ", 1)[-1] == "Override":
            overrides.append((attrs.get("PartName", ""), attrs.get("ContentType", "")))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, ValueError):
        return None
    return overrides


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

"""Evidence files: checked by content, size-limited, stored privately under a random name.

(Stub: the contract other modules use. Implemented by the evidence-files work.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

from certification.models import Application, ChecklistItem, EvidenceFile, User


@dataclass(frozen=True)
class CheckedUpload:
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded: UploadedFile) -> CheckedUpload:
    """Raise ValidationError (clear Italian message) unless the file is an accepted type by
    content (PDF, PNG, JPEG, DOCX, XLSX, ODT), not empty, and within EVIDENCE_MAX_MB."""
    raise NotImplementedError


def evidence_store(
    *,
    application: Application,
    by: User,
    uploaded: UploadedFile,
    item: ChecklistItem | None = None,
    document_kind: str = "",
) -> EvidenceFile:
    """Check and store one file for an item or as a general document; nothing stored on refusal."""
    raise NotImplementedError


def evidence_delete(*, evidence: EvidenceFile, by: User) -> None:
    raise NotImplementedError

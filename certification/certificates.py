"""The certificate PDF of a seal: rendered by WeasyPrint from an HTML template, stored once per
certificate version in private storage, with its SHA-256.

Exactly once: the render runs inside a transaction holding the seal's row lock, writes the file
under a temporary name and renames it into place, then inserts the (seal, version) row, which
is unique. A worker killed at any point leaves either nothing committed (the task runs again and
overwrites the same file name) or the committed row (the task runs again and does nothing).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import tempfile
import time
from pathlib import Path

import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from weasyprint import CSS, HTML

from certification.models import CertificateFile, Seal
from codice.pdf import _RENDER_LOCK, FONT_CONFIG, FONT_DIR, FONT_FILES

logger = logging.getLogger(__name__)

RENDERED = "rendered"
# Lost workers tolerated per certificate version, beyond the retries of ordinary failures.
INTERRUPTIONS_TOLERATED = 3
ALREADY_DONE = "already_done"
GONE = "gone"

# A certificate is one A4 page: up to this many sites are listed (three columns of eight),
# beyond it the last line says how many more there are.
SITES_LISTED = 24
# Up to this many sites, one per line in full; more go in columns, town first.
SITES_IN_ONE_COLUMN = 6
# A firm name longer than this is set smaller, so that it takes at most three lines.
LONG_FIRM_NAME = 70


def verification_url(seal: Seal) -> str:
    return settings.SITE_URL + reverse("certification:verify_seal", args=[seal.number])


def qr_svg(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_inline(scale=4, border=2)


@functools.cache
def _font_faces(base_dir: str) -> tuple[dict, ...]:
    """Titillium Web from bootstrap-italia, as TrueType: WeasyPrint decompresses a WOFF2 font in
    Python on the first render of every process (~0.2 s for the four faces), a TTF it reads as
    is. Later renders cost the same either way: the shared FONT_CONFIG keeps the loaded faces."""
    base = Path(base_dir) / FONT_DIR
    faces = []
    for (weight, style), name in FONT_FILES.items():
        path = (base / name).with_suffix(".ttf")
        if path.exists():
            faces.append({"weight": weight, "style": style, "url": path.as_uri()})
    return tuple(faces)


@functools.cache
def _seal_svg(base_dir: str) -> str:
    return (Path(base_dir) / "static/img/bollino.svg").read_text()


def certificate_sites(seal: Seal) -> tuple[list, int, int]:
    """(sites listed, sites left out, all sites) of the seal's firm, in the order entered."""
    sites = seal.organization.sites.order_by("pk")
    listed = list(sites[: SITES_LISTED + 1])
    if len(listed) <= SITES_LISTED:
        return listed, 0, len(listed)
    total = sites.count()
    listed = listed[: SITES_LISTED - 1]  # the last line says how many more
    return listed, total - len(listed), total


# The portal's own certificate, whose stylesheet is a template of its own (parsed once); another
# template set in CERTIFICATE_TEMPLATE carries its style inline.
DEFAULT_TEMPLATE = "certification/certificate/certificate.html"
STYLESHEET_TEMPLATE = "certification/certificate/certificate.css"


def certificate_html(seal: Seal, *, inline_style: bool = True) -> str:
    """The certificate as a standalone HTML document; without its stylesheet when
    `inline_style` is false (the render adds the one parsed once per process)."""
    url = verification_url(seal)
    sites, more, total = certificate_sites(seal)
    base_dir = str(settings.BASE_DIR)
    # The certificate is an Italian document whatever the language of whoever asked for it.
    with translation.override("it"):
        return render_to_string(
            settings.CERTIFICATE_TEMPLATE,
            {
                "seal": seal,
                "organization": seal.organization,
                "firm_name_long": len(seal.organization.legal_name) > LONG_FIRM_NAME,
                "sites": sites,
                "sites_more": more,
                "sites_total": total,
                "sites_in_columns": total > SITES_IN_ONE_COLUMN,
                "verification_url": url,
                "qr_svg": qr_svg(url),
                "fonts": _font_faces(base_dir),
                "seal_svg": _seal_svg(base_dir),
                "inline_style": inline_style,
            },
        )


@functools.cache
def _stylesheet() -> CSS:
    """The certificate's stylesheet, parsed and its fonts loaded once per process: about a
    sixth of a render otherwise. Made on first use, in the worker's pool child, with the
    shared FontConfiguration (never in the parent, see certificate_warm_up)."""
    base_dir = str(settings.BASE_DIR)
    text = render_to_string(STYLESHEET_TEMPLATE, {"fonts": _font_faces(base_dir)})
    return CSS(string=text, base_url=base_dir, font_config=FONT_CONFIG)


def certificate_warm_up() -> None:
    """Load what the first certificate of a process would load during its render: the URLconf
    (for the QR code's address), the Italian catalogue and the template, WeasyPrint's C
    bindings; about 0.5 s. The Celery worker calls it before forking its pool, so that every
    child starts warm. A failure here is the render's to report, not the worker's start."""
    try:
        reverse("certification:verify_seal", args=["BB-2000-00001"])
        with translation.override("it"):
            get_template(settings.CERTIFICATE_TEMPLATE)
        # A FontConfiguration of its own: the shared one must not make its font folder (which
        # it deletes when garbage-collected) in the parent of the pool.
        HTML(string="<p>Bollino Blu</p>").write_pdf()
    except Exception:
        logger.warning("certificate warm-up failed", exc_info=True)


def certificate_pdf_bytes(seal: Seal) -> bytes:
    styled_apart = settings.CERTIFICATE_TEMPLATE == DEFAULT_TEMPLATE
    document = HTML(
        string=certificate_html(seal, inline_style=not styled_apart),
        base_url=str(settings.BASE_DIR),
    )
    with _RENDER_LOCK:
        return document.write_pdf(
            stylesheets=[_stylesheet()] if styled_apart else None, font_config=FONT_CONFIG
        )


def storage_root() -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT)


def file_name(seal: Seal, version: int) -> str:
    return f"certificati/{seal.year}/{seal.number}-v{version}.pdf"


# Files being written, on the same file system as the certificates so that the rename into place
# is atomic. A folder of their own holds only the renders in progress (and any a killed worker
# left), so that clearing a killed render's leftovers lists a handful of names, not every
# certificate version of the year.
TEMPORARY_FOLDER = "certificati/.tmp"


def certificate_path(seal: Seal) -> Path:
    return storage_root() / seal.pdf_file


def certificate_file_missing(seal: Seal) -> bool:
    return not seal.pdf_file or not certificate_path(seal).is_file()


def _write_atomically(path: Path, data: bytes) -> None:
    """Write under a temporary name, then rename into place: whoever reads `path` finds the
    whole file or none. A temporary file of the same name left by a killed render is removed:
    whoever wrote it held this seal's row lock, which the caller holds now."""
    folder = storage_root() / TEMPORARY_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{path.name}.*.tmp"):
        stale.unlink(missing_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f"{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def certificate_render(seal_id: int, version: int) -> str:
    """Render the seal's current certificate version unless it is already stored."""
    with transaction.atomic():
        seal = (
            Seal.objects.select_for_update(of=("self",))
            .select_related("organization__provincia", "code_version")
            .filter(pk=seal_id)
            .first()
        )
        if seal is None:
            return GONE
        target = seal.pdf_version
        if seal.pdf_rendered_version >= max(target, version) and seal.pdf_status == (
            Seal.PdfStatus.READY
        ):
            return ALREADY_DONE
        if CertificateFile.objects.filter(seal=seal, version=target).exists():
            return ALREADY_DONE
        started = time.perf_counter()
        data = certificate_pdf_bytes(seal)
        elapsed_ms = round((time.perf_counter() - started) * 1000)
        name = file_name(seal, target)
        _write_atomically(storage_root() / name, data)
        digest = hashlib.sha256(data).hexdigest()
        CertificateFile.objects.create(
            seal=seal, version=target, path=name, sha256=digest, size=len(data),
            render_ms=elapsed_ms,
        )  # fmt: skip
        seal.pdf_status = Seal.PdfStatus.READY
        seal.pdf_rendered_version = target
        seal.pdf_file = name
        seal.pdf_sha256 = digest
        seal.pdf_rendered_at = timezone.now()
        seal.pdf_error = ""
        seal.save(
            update_fields=[
                "pdf_status",
                "pdf_rendered_version",
                "pdf_file",
                "pdf_sha256",
                "pdf_rendered_at",
                "pdf_error",
            ]
        )
    return RENDERED


def certificate_render_started(seal_id: int, version: int) -> bool:
    """Count the attempt before rendering, in a transaction of its own, so that a render that
    kills its worker (a crash, the memory limit) is counted too: such a task is delivered
    again and again. Past CERTIFICATE_MAX_RETRIES + INTERRUPTIONS_TOLERATED attempts the
    certificate is marked failed instead, and False says not to render."""
    limit = settings.CERTIFICATE_MAX_RETRIES + INTERRUPTIONS_TOLERATED
    pending = Seal.objects.filter(
        pk=seal_id, pdf_version=version, pdf_status=Seal.PdfStatus.PENDING
    )
    # The usual case in one statement, which locks the row while it counts.
    if pending.filter(pdf_attempts__lt=limit).update(pdf_attempts=F("pdf_attempts") + 1):
        return True
    with transaction.atomic():
        seal = pending.filter(pdf_attempts__gte=limit).select_for_update().first()
        if seal is None:
            return True  # done, superseded or gone: certificate_render sees which
        seal.pdf_status = Seal.PdfStatus.FAILED
        seal.pdf_error = (
            seal.pdf_error or f"the render was interrupted {seal.pdf_attempts} times (worker lost)"
        )
        seal.save(update_fields=["pdf_status", "pdf_error"])
    return False


def certificate_render_failed(seal_id: int, version: int, error: str, *, final: bool) -> None:
    """Keep the error; after the last retry the certificate is marked failed."""
    with transaction.atomic():
        seal = Seal.objects.select_for_update().filter(pk=seal_id).first()
        if seal is None or seal.pdf_version != version or seal.pdf_status == Seal.PdfStatus.READY:
            return  # a newer rendering was asked for, or another run succeeded
        seal.pdf_error = error[:4000]
        if final:
            seal.pdf_status = Seal.PdfStatus.FAILED
        seal.save(update_fields=["pdf_error", "pdf_status"])

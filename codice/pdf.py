"""The code as a PDF, rendered by WeasyPrint from an HTML template.

A published or superseded version never changes (the database refuses it), so its PDF is
rendered once and kept under PRIVATE_STORAGE_ROOT/codice/. A draft is rendered on every request
and never cached.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from codice.models import Article, CodeVersion

# Building a FontConfiguration loads fontconfig; one per process is enough. Each render adds its
# @font-face files to that shared configuration, so renders in one process take turns (they are
# rare: a frozen version is rendered once, then read from the cache).
FONT_CONFIG = FontConfiguration()
_RENDER_LOCK = threading.Lock()

FONT_DIR = Path("node_modules") / "bootstrap-italia" / "dist" / "fonts" / "Titillium_Web"
FONT_FILES = {
    (400, "normal"): "titillium-web-v10-latin-ext_latin-regular.woff2",
    (400, "italic"): "titillium-web-v10-latin-ext_latin-italic.woff2",
    (600, "normal"): "titillium-web-v10-latin-ext_latin-600.woff2",
    (700, "normal"): "titillium-web-v10-latin-ext_latin-700.woff2",
}


def cache_path(version: CodeVersion) -> Path:
    return Path(settings.PRIVATE_STORAGE_ROOT) / "codice" / f"codice-{version.number}.pdf"


def font_faces() -> list[dict]:
    base = Path(settings.BASE_DIR) / FONT_DIR
    return [
        {"weight": weight, "style": style, "url": (base / name).as_uri()}
        for (weight, style), name in FONT_FILES.items()
        if (base / name).exists()
    ]


def _chapters(version: CodeVersion) -> list:
    return list(
        version.chapters.order_by("order", "id").prefetch_related(
            Prefetch("articles", queryset=Article.objects.order_by("order", "id"))
        )
    )


def render_pdf_bytes(version: CodeVersion) -> bytes:
    """Render the PDF now, whatever the cache holds."""
    # One file per version serves every visitor: it is always in Italian, the code's language.
    with translation.override("it"):
        html = render_to_string(
            "codice/pdf/code.html",
            {
                "version": version,
                "chapters": _chapters(version),
                "fonts": font_faces(),
                "site_url": settings.SITE_URL,
            },
        )
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    with _RENDER_LOCK:
        return document.write_pdf(font_config=FONT_CONFIG)


def _is_fresh(path: Path, version: CodeVersion) -> bool:
    """A file older than the version's publication belongs to another database (a demo reset
    that reused the number); anything newer was rendered from this very version."""
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        return False
    return version.published_at is None or mtime >= version.published_at.timestamp()


def render_code_pdf(version: CodeVersion) -> bytes:
    """The PDF of a version, from the file cache when the version is frozen."""
    if version.is_draft:
        return render_pdf_bytes(version)
    path = cache_path(version)
    if _is_fresh(path, version):
        with contextlib.suppress(FileNotFoundError):
            return path.read_bytes()
    data = render_pdf_bytes(version)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Two requests may render at once: each writes its own temporary file and the rename is
    # atomic, so a reader never sees half a PDF.
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as tmp:
            tmp.write(data)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise
    return data

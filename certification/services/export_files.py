"""The whole registry's open-data exports, kept as files per registry generation.

Building the export of the whole registry takes seconds of a web worker (2-3 s for 88,000
firms), and it is the same file for everyone until the registry changes. The first download
under a generation streams from the database as before and writes what it sends to a file
beside; the next ones are served from that file. Its name carries everything its bytes depend
on: the registry's generation (PostgreSQL raises it with every change the registry shows), the
day (the download's name and the seals' validity), the language, the site's address (in the
verification links) and EXPORT_FORMAT. No generation (SQLite), no file: the embedded demo
streams every time.

The files are a cache: each web server keeps its own under REGISTRY_EXPORT_ROOT, deleting
them loses nothing."""

from __future__ import annotations

import hashlib
import os
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language

from certification.services.registry import EXPORT_FIELDS

# Raise it with any change to the bytes an export is made of (fields, their format, the CSV's
# or the JSON's layout): files written before are then never served again.
EXPORT_FORMAT = 1
# A file being written by a process that died is removed after this long.
ABANDONED_SECONDS = 3600
DAY_SECONDS = 24 * 3600
TEMPORARY_PREFIX = ".writing-"


def _root() -> Path:
    return Path(settings.REGISTRY_EXPORT_ROOT)


def export_file_name(extension: str, generation: int) -> str:
    """`<generation>-<digest>.<extension>`: the generation first, so older files can be told
    by their name."""
    depends_on = (
        EXPORT_FORMAT,
        tuple(EXPORT_FIELDS),
        timezone.localdate().isoformat(),
        get_language(),
        settings.SITE_URL,
    )
    digest = hashlib.sha256(repr(depends_on).encode()).hexdigest()[:24]
    return f"{generation:012d}-{digest}.{extension}"


def kept_export(extension: str, generation: int | None) -> BinaryIO | None:
    """The file of the whole registry's export under this generation, open, if one was
    written (and not removed meanwhile by a process that wrote a later generation's)."""
    if generation is None:
        return None
    try:
        return (_root() / export_file_name(extension, generation)).open("rb")
    except FileNotFoundError:
        return None


def keeping(chunks: Iterator[bytes], extension: str, generation: int | None) -> Iterator[bytes]:
    """The chunks, as they come; when the last one has been handed on, what was handed on
    becomes the kept export of this generation. A download stopped half-way (the client gone,
    an error) keeps nothing."""
    if generation is None:
        yield from chunks
        return
    root = _root()
    root.mkdir(parents=True, exist_ok=True)
    name = export_file_name(extension, generation)
    # Two first downloads at once each write their own file; the last rename wins, and both
    # files hold the same bytes.
    writing = root / f"{TEMPORARY_PREFIX}{uuid.uuid4().hex}-{name}"
    complete = False
    try:
        with writing.open("wb") as file:
            for chunk in chunks:
                file.write(chunk)
                yield chunk
        os.replace(writing, root / name)
        complete = True
    finally:
        if not complete:
            writing.unlink(missing_ok=True)
    _remove_older(root, generation, keep=name)


def _remove_older(root: Path, generation: int, keep: str) -> None:
    """Files of earlier generations, files older than a day (made for another day), and
    half-written files abandoned by a process that died. Never the file just written, nor
    one of this or a later generation in another format or language. A process still sending
    a removed file keeps reading it: Linux frees it after the last close."""
    now = time.time()
    for path in root.iterdir():
        if path.name == keep:
            continue
        try:
            age = now - path.stat().st_mtime
            if path.name.startswith(TEMPORARY_PREFIX):
                if age > ABANDONED_SECONDS:
                    path.unlink(missing_ok=True)
                continue
            if int(path.name.partition("-")[0]) < generation or age > DAY_SECONDS:
                path.unlink(missing_ok=True)
        except (ValueError, OSError):
            continue

"""`manage.py backup [--output DIR]`: the database and the private files, with a manifest.

PostgreSQL is dumped with pg_dump (custom format); the embedded SQLite file is copied with
SQLite's online backup. The private files (evidence, certificates, code PDFs) go into one
tar.gz. manifest.json records the row count of every table and the SHA-256 of both archives,
so that `restore` can prove the round trip.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from certification.backups import (
    DATABASE_DUMP,
    MANIFEST,
    PRIVATE_ARCHIVE,
    libpq_env,
    sha256_of,
    table_counts,
)


class Command(BaseCommand):
    help = "Writes a backup of the database and of the private files into a new folder."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="folder to create (default var/backups/<time>)")

    def handle(self, *args, **options) -> None:
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(options["output"] or Path(settings.BASE_DIR) / "var" / "backups" / stamp)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} exists and is not empty")
        target.mkdir(parents=True, exist_ok=True)
        vendor = connection.vendor
        dump = target / DATABASE_DUMP[vendor]
        if vendor == "postgresql":
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}"],
                env=libpq_env(connection.settings_dict),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        elif vendor == "sqlite":
            source = sqlite3.connect(connection.settings_dict["NAME"])
            with sqlite3.connect(dump) as copy:
                source.backup(copy)
            source.close()
        else:
            raise CommandError(f"backups of {vendor} databases are not supported")
        private_root = Path(settings.PRIVATE_STORAGE_ROOT)
        archive = target / PRIVATE_ARCHIVE
        with tarfile.open(archive, "w:gz") as tar:
            if private_root.exists():
                tar.add(private_root, arcname=".")
        manifest = {
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "vendor": vendor,
            "tables": table_counts(connection),
            "files": {
                dump.name: sha256_of(dump),
                archive.name: sha256_of(archive),
            },
            "private_files": sum(1 for p in private_root.rglob("*") if p.is_file())
            if private_root.exists()
            else 0,
        }
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        self.stdout.write(self.style.SUCCESS(f"Backup written to {target}"))

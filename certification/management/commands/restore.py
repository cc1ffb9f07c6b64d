"""`manage.py restore DIR`: put a backup made by `backup` into an EMPTY database and an empty
private folder, then check every table's row count and every file against the manifest."""

from __future__ import annotations

import json
import shutil
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
    help = "Restores a backup folder into an empty database and private folder, and verifies it."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="folder written by `manage.py backup`")

    def handle(self, *args, **options) -> None:
        source = Path(options["backup"])
        try:
            manifest = json.loads((source / MANIFEST).read_text())
        except (OSError, ValueError) as exc:
            raise CommandError(f"{source} holds no readable {MANIFEST}: {exc}") from exc
        vendor = connection.vendor
        if manifest["vendor"] != vendor:
            raise CommandError(f"the backup is of {manifest['vendor']}, this database {vendor}")
        for name, digest in manifest["files"].items():
            if sha256_of(source / name) != digest:
                raise CommandError(f"{name} does not match its checksum: the backup is damaged")
        if connection.introspection.table_names():
            raise CommandError("the database is not empty: restore only into an empty one")
        private_root = Path(settings.PRIVATE_STORAGE_ROOT)
        if private_root.exists() and any(private_root.iterdir()):
            raise CommandError(f"{private_root} is not empty")

        dump = source / DATABASE_DUMP[vendor]
        if vendor == "postgresql":
            result = subprocess.run(
                ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
                 f"--dbname={connection.settings_dict['NAME']}", str(dump)],
                env=libpq_env(connection.settings_dict),
                capture_output=True,
                text=True,
            )  # fmt: skip
            if result.returncode != 0:
                raise CommandError(f"pg_restore failed: {result.stderr.strip()}")
        else:
            connection.close()
            shutil.copyfile(dump, connection.settings_dict["NAME"])

        private_root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(source / PRIVATE_ARCHIVE, "r:gz") as tar:
            tar.extractall(private_root, filter="data")

        connection.close()
        counts = table_counts(connection)
        wrong = {
            table: (expected, counts.get(table))
            for table, expected in manifest["tables"].items()
            if counts.get(table) != expected
        }
        if wrong:
            raise CommandError(f"row counts differ after the restore: {wrong}")
        files = sum(1 for p in private_root.rglob("*") if p.is_file())
        if files != manifest["private_files"]:
            raise CommandError(
                f"{files} private files restored, {manifest['private_files']} expected"
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {len(counts)} tables ({sum(counts.values())} rows) and {files} files; "
                "every count matches the manifest."
            )
        )

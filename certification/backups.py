"""Shared by the `backup` and `restore` commands."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

MANIFEST = "manifest.json"
PRIVATE_ARCHIVE = "private.tar.gz"
DATABASE_DUMP = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def libpq_env(db: dict) -> dict[str, str]:
    """pg_dump / pg_restore read the connection from these variables (no password on argv)."""
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD"), ("NAME", "PGDATABASE")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    return env


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def table_counts(connection) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            counts[table] = cursor.fetchone()[0]
        return counts

"""`make backup` / `make restore`: a backup restored into an empty database holds every
application, seal, file and history row."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.core.management import call_command
from django.db import connection

from certification.models import ApplicationEvent, CertificateFile, EvidenceFile, Seal, SealEvent
from tests.certification.application_helpers import add_evidence
from tests.certification.application_helpers import reference_data as reference_data
from tests.certification.seal_helpers import approve

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def _url(name: str) -> str:
    s = connection.settings_dict
    host = f"{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}"
    return f"postgres://{s.get('USER') or 'postgres'}@{host}/{name}"


def _admin():
    s = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres", user=s.get("USER") or "postgres", host=s.get("HOST") or "127.0.0.1",
        port=s.get("PORT") or 5432,
    )  # fmt: skip
    conn.autocommit = True
    return conn


@pytest.fixture
def empty_database():
    name = f"oic_restore_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _restore(backup: Path, database: str, private: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": _url(database), "PRIVATE_STORAGE_ROOT": str(private)}
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(backup)],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_a_backup_restores_into_an_empty_database_with_everything(
    reference_data, firm_a, applicant, committee, auditor, private_root, tmp_path, empty_database
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal.refresh_from_db()
    add_evidence(seal.application, by=applicant, document_kind="visura")
    backup = tmp_path / "backup"
    call_command("backup", output=str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["tables"]["certification_seal"] == 1

    restored_private = tmp_path / "restored-private"
    result = _restore(backup, empty_database, restored_private)
    assert result.returncode == 0, result.stderr
    assert "every count matches" in result.stdout

    conn = psycopg2.connect(_url(empty_database))
    try:
        with conn.cursor() as cursor:
            for model, expected in [
                (Seal, Seal.objects.count()),
                (SealEvent, SealEvent.objects.count()),
                (CertificateFile, CertificateFile.objects.count()),
                (EvidenceFile, EvidenceFile.objects.count()),
                (ApplicationEvent, ApplicationEvent.objects.count()),
            ]:
                cursor.execute(f"SELECT COUNT(*) FROM {model._meta.db_table}")
                assert cursor.fetchone()[0] == expected > 0, model
            cursor.execute("SELECT number, pdf_sha256, pdf_file FROM certification_seal")
            number, sha, pdf_file = cursor.fetchone()
            assert (number, sha) == (seal.number, seal.pdf_sha256)
            # The history stays append-only in the restored database: its triggers came along.
            with pytest.raises(psycopg2.Error):
                cursor.execute("DELETE FROM certification_sealevent")
    finally:
        conn.close()
    assert (restored_private / pdf_file).read_bytes() == (private_root / pdf_file).read_bytes()
    evidence = EvidenceFile.objects.get()
    assert (restored_private / evidence.file.name).is_file()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_database_that_is_not_empty_or_a_damaged_backup(
    reference_data, private_root, tmp_path, empty_database
):
    backup = tmp_path / "backup"
    call_command("backup", output=str(backup))
    # Not empty: the test database itself.
    result = _restore(backup, connection.settings_dict["NAME"], tmp_path / "p1")
    assert result.returncode != 0 and "not empty" in result.stderr
    with (backup / "private.tar.gz").open("ab") as f:
        f.write(b"garbage")
    result = _restore(backup, empty_database, tmp_path / "p2")
    assert result.returncode != 0 and "damaged" in result.stderr

"""Certificates rendered by a real Celery worker through Redis, and what happens when things go
wrong: a pool child or the whole worker killed mid-render, the broker down at approval time, a
render that keeps failing. Each ends with the certificate rendered exactly once (one
CertificateFile row, one file on disk) or marked failed with its error.

To stop a render at a chosen point without hooks in the code, the test locks the certificate
file table from a second connection: the worker's render transaction, which already holds the
seal's row lock, waits on it, and pg_locks shows that it does. Locked against reads, the render
stops before the PDF is made; locked against writes only, it stops after the PDF is written and
renamed into place, before its row commits. A kill in between (inside WeasyPrint) changes nothing
that these two cases do not cover: the render works in the process's memory only.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import runpy
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from certification.certificates import TEMPORARY_FOLDER
from certification.models import Application, CertificateFile, Seal
from certification.services.decisions import decision_record
from certification.services.seals import certificates_sweep
from tests.celery_worker import TEST_BROKER_URL, Worker, celery_worker, use_broker, wait_for
from tests.certification.application_helpers import reference_data  # noqa: F401
from tests.certification.seal_helpers import evaluated_application

P = Seal.PdfStatus

# Short enough to see a dead worker's task come back within the test (production: 600 s).
FAST_RESTORE = {"CELERY_VISIBILITY_TIMEOUT": "10", "CELERY_UNACKED_RESTORE_INTERVAL": "2"}
# A broker address where nothing listens.
CLOSED_BROKER_URL = "redis://127.0.0.1:6390/0"


# --- fixtures and helpers -----------------------------------------------------------------


@pytest.fixture(scope="module")
def worker_storage(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-private")


@pytest.fixture(scope="module")
def worker(django_db_setup, worker_storage) -> Iterator[Worker]:
    """One worker for the module, started once (it takes a few seconds to boot)."""
    with celery_worker({"PRIVATE_STORAGE_ROOT": str(worker_storage)}) as started:
        yield started


@pytest.fixture
def storage(worker_storage, settings) -> Path:
    """The worker's private storage, emptied: seal numbers start again in every test."""
    for child in worker_storage.iterdir():
        shutil.rmtree(child)
    settings.PRIVATE_STORAGE_ROOT = worker_storage
    return worker_storage


@contextlib.contextmanager
def restarted(worker: Worker, **env: str) -> Iterator[Worker]:
    """The module's worker, started again with more environment; as it was afterwards."""
    original = worker.env
    worker.env = {**original, **env}
    worker.restart()
    try:
        yield worker
    finally:
        worker.env = original
        worker.restart()


@pytest.fixture
def evaluated(reference_data, firm_a, applicant, committee, auditor) -> Application:  # noqa: F811
    """Firm A's application, evaluated and waiting for the committee's decision."""
    return evaluated_application(
        firm=firm_a, applicant=applicant, committee=committee, lead=auditor
    )


def approve(application: Application, committee) -> Seal:
    decision_record(
        application=application, by=committee, outcome="approvata", reason="Requisiti rispettati"
    )
    return Seal.objects.get(application=application)


@contextlib.contextmanager
def table_locked(table: str, mode: str) -> Iterator[None]:
    """Hold a lock on `table` from a second connection, as a long transaction would."""
    other = connections.create_connection("default")
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {table} IN {mode} MODE")
        yield
    finally:
        other.rollback()
        other.close()


def backend_waiting_on(table: str) -> int | None:
    """The PostgreSQL backend (of the worker) waiting for a lock on `table`, if any."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass "
            "AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            [table],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def seal_is_locked(seal: Seal) -> bool:
    try:
        with transaction.atomic():
            list(Seal.objects.select_for_update(nowait=True).filter(pk=seal.pk))
    except OperationalError:
        return True
    return False


def wait_for_status(seal: Seal, status: str, timeout: float) -> Seal:
    wait_for(
        lambda: Seal.objects.filter(pk=seal.pk, pdf_status=status).exists(),
        timeout=timeout,
        interval=0.1,
    )
    seal.refresh_from_db()
    return seal


def assert_rendered_once(seal: Seal, storage: Path) -> None:
    """One row, one file (no leftover temporary file), and the file is the row's."""
    assert seal.pdf_status == P.READY
    row = CertificateFile.objects.get(seal=seal)
    folder = storage / "certificati" / str(seal.year)
    assert sorted(p.name for p in folder.iterdir()) == [f"{seal.number}-v1.pdf"]
    assert list((storage / TEMPORARY_FOLDER).iterdir()) == []
    data = (storage / row.path).read_bytes()
    assert row.sha256 == seal.pdf_sha256 == hashlib.sha256(data).hexdigest()
    assert data.startswith(b"%PDF-")
    assert seal.pdf_error == ""  # a killed worker is not a failed render
    assert 1 <= seal.pdf_attempts <= 2  # started once, or once more after the kill


# --- the settings that make redelivery safe ------------------------------------------------

SETTINGS_ENV = [
    "CELERY_VISIBILITY_TIMEOUT",
    "CELERY_UNACKED_RESTORE_INTERVAL",
    "CELERY_TASK_SOFT_TIME_LIMIT",
    "CELERY_TASK_TIME_LIMIT",
    "CERTIFICATE_MAX_RETRIES",
    "CERTIFICATE_RETRY_BACKOFF",
    "CERTIFICATE_RETRY_MAX",
]


def test_by_default_no_task_outlives_the_visibility_timeout(monkeypatch, settings):
    """A message not acknowledged within the visibility timeout is delivered again. A task
    holds its message while it runs (acks_late) and while it waits for a retry's countdown,
    so the timeout must outlast the longest wait plus the hard time limit."""
    from celery.utils.time import get_exponential_backoff_interval

    from certification.tasks import retry_countdown
    from oic_portal.celery import app

    for name in SETTINGS_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJANGO_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "bollinoblu.example")
    conf = runpy.run_path(str(Path(django_settings.BASE_DIR) / "oic_portal" / "settings.py"))

    for name in ["CERTIFICATE_MAX_RETRIES", "CERTIFICATE_RETRY_BACKOFF", "CERTIFICATE_RETRY_MAX"]:
        setattr(settings, name, conf[name])
    waits = [retry_countdown(n) for n in range(conf["CERTIFICATE_MAX_RETRIES"])]
    for task in app.tasks.values():
        if getattr(task, "autoretry_for", None) and task.retry_backoff:
            waits += [
                get_exponential_backoff_interval(
                    int(task.retry_backoff), n, task.retry_backoff_max, full_jitter=False
                )
                for n in range(task.max_retries if task.max_retries is not None else 32)
            ]
    options = conf["CELERY_BROKER_TRANSPORT_OPTIONS"]

    assert conf["CELERY_TASK_ACKS_LATE"] and conf["CELERY_TASK_REJECT_ON_WORKER_LOST"]
    assert conf["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    assert conf["CELERY_TASK_SOFT_TIME_LIMIT"] < conf["CELERY_TASK_TIME_LIMIT"]
    assert options["visibility_timeout"] > max(waits) + conf["CELERY_TASK_TIME_LIMIT"]
    # A dead worker's task comes back within a restore interval of the timeout.
    assert options["unacked_restore_throttle"] == 1
    assert options["unacked_restore_interval"] < options["visibility_timeout"]


# --- a real worker ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_approval_gets_one_pdf_with_the_firm_and_a_qr_code_to_the_verification_page(
    worker, storage, evaluated, committee, tmp_path
):
    seal = approve(evaluated, committee)
    seal = wait_for_status(seal, P.READY, timeout=60)

    assert_rendered_once(seal, storage)
    path = storage / seal.pdf_file
    text = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert seal.number in text
    assert "Contact Uno S.r.l." in text
    assert "Partita IVA 01234560157" in text
    assert seal.valid_from.strftime("%d/%m/%Y") in text
    assert seal.valid_until.strftime("%d/%m/%Y") in text
    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", str(path), str(tmp_path / "page")],
        check=True,
    )
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "page.png")],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert decoded == [f"{django_settings.SITE_URL}/verifica/{seal.number}/"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("mode", "pdf_on_disk"),
    [
        # Inside the render transaction, seal locked, before the PDF is made.
        ("ACCESS EXCLUSIVE", False),
        # The PDF written and renamed into place, its row not yet committed.
        ("SHARE", True),
    ],
    ids=["before-the-pdf", "after-the-file-before-the-commit"],
)
def test_a_pool_child_killed_mid_render_leaves_one_certificate(
    worker, storage, evaluated, committee, mode, pdf_on_disk
):
    table = "certification_certificatefile"
    with table_locked(table, mode):
        seal = approve(evaluated, committee)
        wait_for(lambda: backend_waiting_on(table), timeout=60, interval=0.05)
        assert seal_is_locked(seal)
        assert (storage / f"certificati/{seal.year}/{seal.number}-v1.pdf").exists() == pdf_on_disk
        (child,) = worker.pool_pids()
        killed_at = time.monotonic()
        worker.kill_child(child)
    # The lock released, the dead child's transaction rolls back, and the task (rejected when
    # its child was lost) is delivered again at once.
    seal = wait_for_status(seal, P.READY, timeout=30)
    recovery = time.monotonic() - killed_at

    assert_rendered_once(seal, storage)
    assert worker.pool_pids() != [child]
    print(f"\nrecovery after a pool child was killed ({mode} lock): {recovery:.1f} s")


@pytest.mark.django_db(transaction=True)
def test_approving_while_the_broker_is_down_commits_and_the_sweep_queues_it_later(
    worker, storage, evaluated, committee, caplog
):
    use_broker(CLOSED_BROKER_URL, eager=False)
    try:
        started = time.monotonic()
        seal = approve(evaluated, committee)
        approval_time = time.monotonic() - started
    finally:
        use_broker(TEST_BROKER_URL, eager=False)

    evaluated.refresh_from_db()
    seal.refresh_from_db()
    assert evaluated.status == Application.Status.APPROVED
    assert seal.status == Seal.Status.ACTIVE
    assert seal.pdf_status == P.PENDING
    assert f"certificate of seal {seal.pk} not queued" in caplog.text
    assert approval_time < 5, approval_time
    print(f"\napproval with the broker down: {approval_time:.2f} s")

    # The broker is back: the sweep finds the seal still pending after its grace period.
    later = timezone.now() + datetime.timedelta(
        seconds=django_settings.CERTIFICATE_SWEEP_GRACE_SECONDS + 1
    )
    assert certificates_sweep(now=later) == 1
    seal = wait_for_status(seal, P.READY, timeout=30)

    assert_rendered_once(seal, storage)


@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_render_is_made_good_by_the_next_worker(
    worker, storage, evaluated, committee
):
    table = "certification_certificatefile"
    with restarted(worker, **FAST_RESTORE):
        with table_locked(table, "SHARE"):
            seal = approve(evaluated, committee)
            wait_for(lambda: backend_waiting_on(table), timeout=60, interval=0.05)
            assert (storage / f"certificati/{seal.year}/{seal.number}-v1.pdf").exists()
            killed_at = time.monotonic()
            worker.kill()
        # The message stays unacknowledged in Redis until the visibility timeout; the next
        # worker's periodic scan puts it back in the queue.
        worker.start()
        seal = wait_for_status(seal, P.READY, timeout=45)
        recovery = time.monotonic() - killed_at

    assert_rendered_once(seal, storage)
    assert recovery >= int(FAST_RESTORE["CELERY_VISIBILITY_TIMEOUT"]) - 1
    print(f"\nrecovery after the whole worker was killed: {recovery:.1f} s")


@pytest.mark.django_db(transaction=True)
def test_a_render_that_keeps_failing_is_retried_with_backoff_then_marked_failed(
    worker, storage, evaluated, committee
):
    with restarted(
        worker,
        CERTIFICATE_TEMPLATE="certification/certificate/missing.html",
        CERTIFICATE_MAX_RETRIES="2",
        CERTIFICATE_RETRY_BACKOFF="1",
    ):
        started = time.monotonic()
        seal = approve(evaluated, committee)
        seal = wait_for_status(seal, P.FAILED, timeout=60)
        elapsed = time.monotonic() - started

    assert seal.pdf_attempts == 3
    assert "TemplateDoesNotExist" in seal.pdf_error
    assert "missing.html" in seal.pdf_error
    assert not CertificateFile.objects.filter(seal=seal).exists()
    assert not (storage / "certificati").exists()
    assert elapsed >= 1 + 2  # the two retries waited 1 s, then 2 s

"""A real Celery worker in a subprocess, on the Redis broker and the test database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from django.db import connection

from oic_portal.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent
TEST_BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/15")


def _database_url() -> str:
    s = connection.settings_dict
    user = s.get("USER") or "postgres"
    host = s.get("HOST") or "127.0.0.1"
    port = s.get("PORT") or 5432
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{host}:{port}/{s['NAME']}"


def use_broker(url: str | None, *, eager: bool) -> None:
    """Point the test process's Celery app at another broker, dropping pooled connections
    that still lead to the previous one."""
    app.conf.broker_url = url
    app.conf.task_always_eager = eager
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@contextlib.contextmanager
def celery_worker(extra_env: dict[str, str] | None = None) -> Iterator[subprocess.Popen]:
    """Start a worker against the test database; send tasks through the real broker meanwhile."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": TEST_BROKER_URL,
        "DJANGO_SETTINGS_MODULE": "oic_portal.settings",
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "oic_portal",
            "worker",
            "-l",
            "warning",
            "--concurrency",
            "1",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
    )
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    use_broker(TEST_BROKER_URL, eager=False)
    try:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge("celery")
        yield process
    finally:
        use_broker(previous[0], eager=previous[1])
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")

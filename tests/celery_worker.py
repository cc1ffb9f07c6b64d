"""A real Celery worker in a subprocess, on the Redis broker and the test database.

`celery_worker()` starts one and points the test process's Celery app at the same broker; the
`Worker` it yields can find its pool children, kill one of them or the whole worker (SIGKILL,
as a crash would), and start again with the same environment.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import kombu.pools
from django.db import connection

from oic_portal.celery import app

BASE_DIR = Path(__file__).resolve().parent.parent
# One Redis database per pytest-xdist process (gw0: 15, gw1: 14), so that parallel test
# processes never share a queue.
_XDIST_INDEX = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
TEST_BROKER_URL = os.environ.get(
    "TEST_CELERY_BROKER_URL", f"redis://127.0.0.1:6379/{15 - _XDIST_INDEX}"
)


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
    # Kombu keeps its pools in a registry by broker address: closing one there and coming
    # back to that address later would find it closed. Empty the registry instead.
    kombu.pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (a prefork worker's pool)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        # The command name in parentheses may hold spaces: the fields start after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry.name))
    return sorted(found)


class Worker:
    """One `celery worker` process (prefork) and its pool."""

    def __init__(self, env: dict[str, str], concurrency: int, log: Path | None = None) -> None:
        self.env = env
        self.concurrency = concurrency
        self.log = log  # where its output goes (None: the caller's own stdout and stderr)
        self.process: subprocess.Popen | None = None

    def start(self) -> Worker:
        output = None
        if self.log is not None:
            output = self.log.open("ab")
        self.process = subprocess.Popen(
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
                str(self.concurrency),
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
            ],
            cwd=BASE_DIR,
            env=self.env,
            start_new_session=True,
            stdout=output,
            stderr=output,
        )
        if output is not None:
            output.close()  # the worker has its own copy
        return self

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def pool_pids(self, timeout: float = 30.0) -> list[int]:
        """The pool children, once all of them are up."""
        return wait_for(
            lambda: (pids := _children(self.pid)) and len(pids) >= self.concurrency and pids,
            timeout=timeout,
            interval=0.05,
        )

    def kill_child(self, pid: int) -> None:
        """SIGKILL one pool child, as the kernel's OOM killer would."""
        os.kill(pid, signal.SIGKILL)
        wait_for(lambda: pid not in _children(self.pid), timeout=10, interval=0.02)

    def kill(self) -> None:
        """SIGKILL the whole worker, main process and pool, as a machine crash would."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def restart(self) -> Worker:
        self.stop()
        return self.start()


def flush_broker() -> None:
    """Empty the test broker's database: queued messages, and the unacknowledged ones a killed
    worker left behind (which a later worker would otherwise restore)."""
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()


@contextlib.contextmanager
def celery_worker(
    extra_env: dict[str, str] | None = None,
    *,
    concurrency: int = 1,
    broker_url: str = TEST_BROKER_URL,
    log: Path | None = None,
) -> Iterator[Worker]:
    """Start a worker against the test database; send tasks through the real broker meanwhile."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "DJANGO_SETTINGS_MODULE": "oic_portal.settings",
        **(extra_env or {}),
    }
    previous = (app.conf.broker_url, app.conf.task_always_eager)
    use_broker(broker_url, eager=False)
    worker = Worker(env, concurrency, log)
    try:
        flush_broker()
        worker.start()
        yield worker
    finally:
        use_broker(previous[0], eager=previous[1])
        worker.stop()


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")

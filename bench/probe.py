"""Server-side timing for the benchmarks: for every request, one JSON line appended to the
file named by BENCH_PROBE_LOG with the path, the time spent inside Django, the number of
queries and every query slower than BENCH_SLOW_QUERY_MS (20 by default).

A slow query also says where its time went, from the kernel's scheduler statistics
(/proc/<pid>/schedstat, Linux): how long the PostgreSQL backend ran on a CPU, how long it
waited for one, and how long this process waited for one while the query ran. On two cores
shared by the server's workers, the load client and PostgreSQL, a query of a tenth of a
millisecond can take 40 ms because its backend, or the worker reading its answer, waited for a
core: the benchmark tells such a wait from a query that needs the time. It also says how much
the backend read from storage (/proc/<pid>/io): a page the page cache had let go."""

from __future__ import annotations

import json
import os
import threading
import time

from django.db import connection

SLOW_MS = float(os.environ.get("BENCH_SLOW_QUERY_MS", "20"))


class SchedulerClock:
    """Nanoseconds a task has spent on a CPU and waiting for one (its schedstat file), and the
    bytes it has read from storage (its io file); the files are kept open, so a read is a
    pread of a few bytes. None where the kernel does not tell."""

    def __init__(self) -> None:
        self._files: dict[str, int | None] = {}

    def _pread(self, path: str, size: int) -> bytes | None:
        if path not in self._files:
            try:
                self._files[path] = os.open(path, os.O_RDONLY)
            except OSError:
                self._files[path] = None
        fd = self._files[path]
        if fd is None:
            return None
        try:
            return os.pread(fd, size, 0)
        except OSError:
            return None

    def read(self, path: str) -> tuple[int, int] | None:
        text = self._pread(path, 64)
        try:
            on_cpu, waiting = text.split()[:2]
            return int(on_cpu), int(waiting)
        except (AttributeError, ValueError):
            return None

    def read_bytes(self, path: str) -> int | None:
        """The bytes a task has had fetched from storage (`read_bytes` of /proc/<pid>/io):
        what it read that the page cache did not hold."""
        text = self._pread(path, 256)
        if text is None:
            return None
        for line in text.splitlines():
            if line.startswith(b"read_bytes:"):
                return int(line.split()[1])
        return None


CLOCK = SchedulerClock()


def _backend_proc() -> str:
    return f"/proc/{connection.connection.get_backend_pid()}"


def _thread_schedstat() -> str:
    # Not /proc/thread-self: the kept file would go on naming the thread that opened it, and
    # gthread workers serve requests from several threads.
    return f"/proc/self/task/{threading.get_native_id()}/schedstat"


def _ms_between(before, after, index: int) -> float | None:
    if before is None or after is None:
        return None
    return round((after[index] - before[index]) / 1e6, 1)


class ProbeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.log_path = os.environ.get("BENCH_PROBE_LOG", "")

    def __call__(self, request):
        queries = 0
        slow: list[dict] = []

        def timed(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            backend, thread = _backend_proc(), _thread_schedstat()
            database, worker = CLOCK.read(f"{backend}/schedstat"), CLOCK.read(thread)
            fetched = CLOCK.read_bytes(f"{backend}/io")
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                elapsed = (time.perf_counter() - start) * 1000
                if elapsed > SLOW_MS:
                    database_after = CLOCK.read(f"{backend}/schedstat")
                    fetched_after = CLOCK.read_bytes(f"{backend}/io")
                    worker_after = CLOCK.read(thread)
                    slow.append(
                        {
                            "ms": round(elapsed, 1),
                            "database_cpu_ms": _ms_between(database, database_after, 0),
                            "database_waited_ms": _ms_between(database, database_after, 1),
                            "worker_waited_ms": _ms_between(worker, worker_after, 1),
                            "database_read_kb": None
                            if fetched is None or fetched_after is None
                            else (fetched_after - fetched) // 1024,
                            "sql": sql[:400],
                            "params": repr(params)[:200],
                        }
                    )

        started = time.monotonic()  # the system's clock, so bench/load.py's windows apply
        start = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        # A streamed response (the exports) runs its queries while it is read, after this:
        # bench/exports.py measures those.
        if not getattr(response, "streaming", False):
            self._write(request, response, started, start, queries, slow)
        return response

    def _write(self, request, response, started, start, queries, slow) -> None:
        if not self.log_path:
            return
        line = json.dumps(
            {
                "path": request.get_full_path(),
                "status": response.status_code,
                "started": started,
                "ms": round((time.perf_counter() - start) * 1000, 2),
                "queries": queries,
                "slow": slow,
                "pid": os.getpid(),
            }
        )
        with open(self.log_path, "a") as log:
            log.write(line + "\n")

"""Server-side timing for the benchmarks: for every request, one JSON line appended to the
file named by BENCH_PROBE_LOG with the path, the time spent inside Django, the number of
queries and every query slower than BENCH_SLOW_QUERY_MS (20 by default)."""

from __future__ import annotations

import json
import os
import time

from django.db import connection

SLOW_MS = float(os.environ.get("BENCH_SLOW_QUERY_MS", "20"))


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
            start = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                elapsed = (time.perf_counter() - start) * 1000
                if elapsed > SLOW_MS:
                    slow.append(
                        {"ms": round(elapsed, 1), "sql": sql[:400], "params": repr(params)[:200]}
                    )

        start = time.perf_counter()
        with connection.execute_wrapper(timed):
            response = self.get_response(request)
        # A streamed response (the exports) runs its queries while it is read, after this:
        # bench/exports.py measures those.
        if not getattr(response, "streaming", False):
            self._write(request, response, start, queries, slow)
        return response

    def _write(self, request, response, start, queries, slow) -> None:
        if not self.log_path:
            return
        line = json.dumps(
            {
                "path": request.get_full_path(),
                "status": response.status_code,
                "ms": round((time.perf_counter() - start) * 1000, 2),
                "queries": queries,
                "slow": slow,
                "pid": os.getpid(),
            }
        )
        with open(self.log_path, "a") as log:
            log.write(line + "\n")

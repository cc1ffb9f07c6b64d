"""A bounded HTTP load client for bench/web.py: CONCURRENCY processes, each sending one GET at
a time (closed loop) for DURATION seconds after a warm-up, over loopback. Prints one JSON
object: requests counted, requests per second, latency percentiles in ms, and the statuses.

Run by bench/web.py in its own process, so the client never shares an interpreter with the
server or with the script that drives it:
  python bench/load.py --port 8766 --concurrency 8 --duration 10 --warmup 2 \
      --header 'Cookie: sessionid=…' /registro/ /registro/?pagina=2
Each client goes round the given paths, starting at its own offset. No Django here.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import statistics
import time
from collections import Counter


def client(
    index: int, args: argparse.Namespace, start: float, queue: multiprocessing.Queue
) -> None:
    headers = dict(header.split(": ", 1) for header in args.header)
    headers.setdefault("Host", f"127.0.0.1:{args.port}")
    measure_from = start + args.warmup
    stop = measure_from + args.duration
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sizes: list[int] = []
    paths = args.paths
    n = index
    while time.monotonic() < start:
        time.sleep(0.001)
    while True:
        began = time.monotonic()
        if began >= stop:
            break
        path = paths[n % len(paths)]
        n += 1
        connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            body = response.read()
            status = response.status
        except OSError:
            status, body = 0, b""
        finally:
            connection.close()
        ended = time.monotonic()
        if began >= measure_from:
            latencies.append((ended - began) * 1000)
            statuses[status] += 1
            sizes.append(len(body))
    queue.put((latencies, dict(statuses), sizes))


def percentile(sorted_values: list[float], fraction: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(fraction * len(sorted_values)) - 1))
    return sorted_values[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    start = time.monotonic() + 0.5  # every client process is up before the clock starts
    processes = [
        context.Process(target=client, args=(i, args, start, queue))
        for i in range(args.concurrency)
    ]
    for process in processes:
        process.start()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    sizes: list[int] = []
    for _ in processes:
        got, status_counts, got_sizes = queue.get()
        latencies.extend(got)
        statuses.update({int(k): v for k, v in status_counts.items()})
        sizes.extend(got_sizes)
    for process in processes:
        process.join()
    latencies.sort()
    print(
        json.dumps(
            {
                "requests": len(latencies),
                "rps": len(latencies) / args.duration,
                "p50": percentile(latencies, 0.50),
                "p95": percentile(latencies, 0.95),
                "p99": percentile(latencies, 0.99),
                "mean": statistics.fmean(latencies) if latencies else float("nan"),
                "statuses": statuses,
                "bytes": statistics.median(sizes) if sizes else 0,
                # time.monotonic() is the system's clock: the server's probe dates its
                # requests with it, so the warm-up can be told from the measured part.
                "measured_from": start + args.warmup,
                "until": start + args.warmup + args.duration,
            }
        )
    )


if __name__ == "__main__":
    main()

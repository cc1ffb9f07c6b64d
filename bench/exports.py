"""The open-data exports of the whole registry (issue 7): /registro/export.csv and
/registro/export.json of the national-scale database of bench/seed.py, served by gunicorn with
production settings and ONE sync worker, so the process that streams the export is known. For
each format, run three times: the first download under a registry generation (it streams
from the database and keeps a file, services.export_files), the same again on a warm worker
after raising the generation, then one sent from the kept file. Before each, the worker's peak
RSS is reset (/proc/<pid>/clear_refs); the whole export is downloaded over loopback and thrown
away as it arrives (bytes and rows counted, the CSV's header and the row count checked), timed
from the request to the last byte, then the worker's peak RSS is read: growth = peak − RSS
before. The
worker's CPU time during the download is given too: on a busy machine it says how much of the
wall time was the worker's own work.

Goal: 100,000 firms in under 10 s, the serving process growing by less than 50 MB, judged on
every run (the ones that read the database are the slow ones). The registry lists only the
firms with a current seal: the time is also given per 100,000 rows, and the goal is judged on
that.

Run: make bench-exports  (after make bench-seed; as root, for clear_refs)
Environment: BENCH_DATABASE (oic_bench_seed), BENCH_EXPORTS_PORT (8768).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# bench.web reads its port at import and runs django.setup() on the seed database.
os.environ["BENCH_PORT"] = os.environ.get("BENCH_EXPORTS_PORT", "8768")

from django.db import connection  # noqa: E402

from bench.web import (  # noqa: E402
    DATABASE,
    PORT,
    Session,
    environment,
    start_gunicorn,
)
from certification.models import Organization  # noqa: E402
from certification.services.registry import (  # noqa: E402
    EXPORT_FIELDS,
    RegistryQuery,
    registry_search,
)

GOAL_ROWS = 100_000
GOAL_SECONDS = 10.0
GOAL_GROWTH_MB = 50.0
# The first download under a registry generation streams from the database and writes the
# kept file; the generation is then raised, so the second one does it again on a warm worker;
# the third is sent from the file the second kept.
RUNS = (("first", True), ("warm", True), ("kept", False))
READ_SIZE = 64 * 1024
CSV_HEADER = ("\ufeff" + ";".join(EXPORT_FIELDS) + "\r\n").encode()
MB = 1024 * 1024


# --- the serving process -------------------------------------------------------------------


def worker_pid(master: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        children = [
            int(pid)
            for task in Path(f"/proc/{master}/task").iterdir()
            for pid in (task / "children").read_text().split()
        ]
        if len(children) == 1:
            return children[0]
        time.sleep(0.2)
    raise SystemExit(f"gunicorn {master} does not have exactly one worker")


def memory_kb(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (the peak RSS since the last reset) of a process, in kB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(value.split()[0])
    return values


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak(pid: int) -> None:
    Path(f"/proc/{pid}/clear_refs").write_text("5")  # 5: reset VmHWM to the current RSS


# --- one download --------------------------------------------------------------------------


def download(path: str) -> dict:
    """GET the whole export, reading it as it streams and keeping only counts; raise if the
    answer is not a complete export."""
    headers = Session().headers()
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    size = newlines = 0
    head = b""
    tail = b""
    while chunk := response.read(READ_SIZE):
        size += len(chunk)
        newlines += chunk.count(b"\n")
        if len(head) < 4096:
            head += chunk[: 4096 - len(head)]
        tail = (tail + chunk)[-16:]
    seconds = time.perf_counter() - started
    connection.close()
    if response.status != 200:
        raise SystemExit(f"{path} answered {response.status}: {head[:500]!r}")
    return {"bytes": size, "newlines": newlines, "head": head, "tail": tail, "seconds": seconds}


def csv_rows(result: dict) -> int:
    """Rows after the header. Every line ends in CRLF and no field of the seed holds a line
    break, so the rows are the line breaks less the header's."""
    if not result["head"].startswith(CSV_HEADER):
        raise SystemExit(f"the CSV's header is not EXPORT_FIELDS: {result['head'][:300]!r}")
    return result["newlines"] - 1


def json_rows(result: dict) -> int:
    """Objects in the array: one a line between "[" and "]" (bench cannot json.loads 40 MB per
    run without measuring itself instead of the server)."""
    head, tail = result["head"], result["tail"]
    if not head.startswith(b"[\n") or not tail.endswith(b"\n]\n"):
        raise SystemExit(f"the JSON is not a complete array: {head[:80]!r} … {tail!r}")
    first = json.loads(head[2:].split(b"\n", 1)[0].rstrip(b","))
    if list(first) != list(EXPORT_FIELDS):
        raise SystemExit(f"the JSON's first object has keys {list(first)}")
    return result["newlines"] - 2


EXPORTS = [("CSV", "/registro/export.csv", csv_rows), ("JSON", "/registro/export.json", json_rows)]


def measure(pid: int, path: str, count_rows) -> dict:
    reset_peak(pid)
    before = memory_kb(pid)["VmRSS"]
    cpu_before = cpu_seconds(pid)
    result = download(path)
    cpu = cpu_seconds(pid) - cpu_before
    peak = memory_kb(pid)["VmHWM"]
    return {
        "rows": count_rows(result),
        "mb": result["bytes"] / MB,
        "seconds": result["seconds"],
        "cpu": cpu,
        "rss_before": before / 1024,
        "peak": peak / 1024,
        "growth": (peak - before) / 1024,
    }


def raise_generation() -> None:
    """What any change to the registry does: the kept exports are of an older generation."""
    with connection.cursor() as cursor:
        cursor.execute("UPDATE certification_registrygeneration SET value = value + 1 WHERE id = 1")


# --- running -------------------------------------------------------------------------------


def main() -> None:
    firms = Organization.objects.count()
    if firms < 1000:
        raise SystemExit(f"{DATABASE} holds {firms} firms: run `make bench-seed` first")
    listed = registry_search(RegistryQuery()).count()
    work = Path(tempfile.mkdtemp(prefix="oic-bench-exports-"))
    exports = work / "registry-exports"  # environment() puts REGISTRY_EXPORT_ROOT there
    env = {
        **environment(work / "probe.jsonl", str(work / "private")),
        "GUNICORN_WORKERS": "1",
    }
    server = start_gunicorn(env, work)
    try:
        pid = worker_pid(server.pid)
        print(
            f"{DATABASE}: {firms:,} firms, {listed:,} of them in the registry (a current seal: "
            f"the exports hold those); gunicorn 1 sync worker (pid {pid}), production "
            f"settings; client in this process, over loopback; {os.cpu_count()} cores"
        )
        print(
            f"{'format':<6} {'run':<7} {'rows':>8} {'MB':>6} {'s':>6} {'rows/s':>8} "
            f"{'s/100k':>6} {'CPU s':>6} {'RSS MB':>7} {'peak MB':>7} {'growth':>7}"
        )
        results = []
        for name, path, count_rows in EXPORTS:
            for label, builds in RUNS:
                if builds:
                    raise_generation()
                result = measure(pid, path, count_rows)
                if result["rows"] != listed:
                    raise SystemExit(f"{path}: {result['rows']:,} rows, the registry {listed:,}")
                if not any(exports.glob(f"*.{path.rpartition('.')[2]}")):
                    raise SystemExit(f"{path}: no file kept in {exports}")
                result["per_goal"] = result["seconds"] * GOAL_ROWS / result["rows"]
                results.append((name, label, result))
                print(
                    f"{name:<6} {label:<7} {result['rows']:>8,} {result['mb']:>6.1f} "
                    f"{result['seconds']:>6.2f} {result['rows'] / result['seconds']:>8,.0f} "
                    f"{result['per_goal']:>6.2f} {result['cpu']:>6.2f} "
                    f"{result['rss_before']:>7.1f} {result['peak']:>7.1f} {result['growth']:>7.1f}",
                    flush=True,
                )
        print()
        print(
            "Sent from the kept file, a download holds the worker "
            + " and ".join(
                f"{r['seconds'] * 1000:.0f} ms ({n})"
                for (n, label, _), r in zip(results, [r for *_, r in results], strict=True)
                if label == "kept"
            )
        )
        slow = [f"{n} {label}" for n, label, r in results if r["per_goal"] >= GOAL_SECONDS]
        fat = [f"{n} {label}" for n, label, r in results if r["growth"] >= GOAL_GROWTH_MB]
        print(
            f"Goal: {GOAL_ROWS:,} rows in under {GOAL_SECONDS:g} s (time scaled from the "
            f"{listed:,} rows): " + ("met" if not slow else "NOT met by " + ", ".join(slow))
        )
        print(
            f"Goal: the serving process grows by less than {GOAL_GROWTH_MB:g} MB: "
            + ("met" if not fat else "NOT met by " + ", ".join(fat))
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end; logs in {work})")


if __name__ == "__main__":
    main()

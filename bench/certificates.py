"""Times the certificate PDF: one render in a warm process beside a bare WeasyPrint render of the
same HTML, the first render of a fresh process, and the real Celery path (queued → PDF stored →
status ready) with one and with two worker processes, against the same number of bare renders.

Run: make bench-certificates
  (or DATABASE_URL=postgres://…/oic_bench .venv/bin/python bench/certificates.py)
It migrates that database and loads the demo data if missing (as bench/codice_pages.py does),
writes the PDFs to a temporary private storage, and runs the workers on Redis database 13
(BENCH_BROKER_URL). BENCH_RUNS renders are timed in process (default 30); BENCH_CERTIFICATES
(default 1000) go through the workers at each concurrency, and are rendered bare in this
process, one after the other, as the yardstick (issue 7: the Celery path may take at most 1.5
times the bare renders' time divided by the number of workers, and two workers must be at least
1.7 times faster than one). The bench asks for the next re-renders every BENCH_POLL_SECONDS
(default 0.15), with one query: it shares the cores with the workers.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oic_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from weasyprint import HTML  # noqa: E402

from certification.certificates import (  # noqa: E402
    certificate_html,
    certificate_pdf_bytes,
    certificate_warm_up,
)
from certification.models import CertificateFile, Seal, User  # noqa: E402
from certification.services.seals import certificate_rerender  # noqa: E402
from codice.pdf import FONT_CONFIG  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "30"))
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "1000"))
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")
POLL_SECONDS = float(os.environ.get("BENCH_POLL_SECONDS", "0.15"))
# Issue 7's goals for the Celery path.
GOAL_OVER_BARE = 1.5
GOAL_SPEED_UP = 1.7


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def the_seal() -> Seal:
    return (
        Seal.objects.select_related("organization__provincia", "code_version")
        .order_by("number")
        .first()
    )


def first_render(warm: bool) -> None:
    """In a fresh process (`--first-render cold|warm`): print the warm-up's time (0 if none),
    the first render's and the second's."""
    seal = the_seal()
    start = time.perf_counter()
    if warm:
        certificate_warm_up()
    print(time.perf_counter() - start)
    for _ in range(2):
        start = time.perf_counter()
        certificate_pdf_bytes(seal)
        print(time.perf_counter() - start)


def fresh_process(mode: str) -> tuple[float, float, float]:
    lines = subprocess.run(
        [sys.executable, __file__, "--first-render", mode],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    warm_up, first, second = (float(line) for line in lines[-3:])
    return warm_up, first, second


def in_process(seal: Seal) -> None:
    html = certificate_html(seal)
    cases = {
        "certificate render (HTML + PDF)": lambda: certificate_pdf_bytes(seal),
        "  of which the HTML (template, sites, QR)": lambda: certificate_html(seal),
        "bare HTML(string=same_html).write_pdf()": lambda: HTML(string=html).write_pdf(),
        "bare, with the shared FontConfiguration": lambda: HTML(string=html).write_pdf(
            font_config=FONT_CONFIG
        ),
    }
    for case in cases.values():  # warm-up
        case()
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(RUNS):  # interleaved, so that a busy moment hits every case alike
        for name, case in cases.items():
            start = time.perf_counter()
            case()
            times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"One certificate ({seal.number}, {RUNS} runs each, warm process)")
    print(f"  {'':<44} {'median ms':>9} {'min ms':>8}")
    for name, values in times.items():
        print(f"  {name:<44} {ms(medians[name]):>9} {ms(min(values)):>8}")
    render, bare = (
        medians["certificate render (HTML + PDF)"],
        medians["bare HTML(string=same_html).write_pdf()"],
    )
    print(f"  ratio render / bare render: {render / bare:.2f} (issue 7 asks ≤ 1.3)")
    _, first, second = fresh_process("cold")
    print(f"  fresh process: first render {ms(first).strip()} ms, second {ms(second).strip()} ms")
    warm_up, first, _ = fresh_process("warm")
    print(
        f"  fresh process after the worker's warm-up ({ms(warm_up).strip()} ms, done once "
        f"before the pool forks): first render {ms(first).strip()} ms"
    )


def renders_in_turn(pks: list[int], count: int) -> Counter:
    """How many renders of each seal make `count` certificates, taking the seals in turn: the
    same certificates for the workers and for the bare renders."""
    return Counter(pks[n % len(pks)] for n in range(count))


def bare_renders(pks: list[int]) -> float:
    """Seconds for CERTIFICATES bare renders (`HTML(string=html).write_pdf()`) of the HTML the
    workers render, in this process, one after the other."""
    seals = Seal.objects.select_related("organization__provincia", "code_version").in_bulk(pks)
    html = {pk: certificate_html(seal) for pk, seal in seals.items()}
    HTML(string=html[pks[0]]).write_pdf()  # warm-up
    start = time.perf_counter()
    for pk, renders in renders_in_turn(pks, CERTIFICATES).items():
        for _ in range(renders):
            HTML(string=html[pk]).write_pdf()
    return time.perf_counter() - start


@dataclass
class Throughput:
    """One timed run of CERTIFICATES certificates through the workers."""

    elapsed: float
    render_ms: list[int]  # inside the worker, as CertificateFile records it
    idle_polls: int  # polls that found every asked certificate ready


def throughput(concurrency: int, committee: User, storage: Path) -> Throughput:
    """Render CERTIFICATES certificates through the workers, from the first re-render asked to
    the last certificate seen ready.

    One version per seal can be pending at once: each seal's next re-render is asked as soon as
    a poll sees its previous one ready. A poll that finds every asked certificate ready means
    the workers may have waited for work; the caller reports it."""
    from tests.celery_worker import celery_worker

    pks = list(Seal.objects.order_by("pk").values_list("pk", flat=True))
    seals = Seal.objects.in_bulk(pks)
    with celery_worker(
        # As in production: the worker keeps its database connection from task to task.
        {"PRIVATE_STORAGE_ROOT": str(storage), "DB_CONN_MAX_AGE": "60"},
        concurrency=concurrency,
        broker_url=BROKER_URL,
        log=storage / "worker.log",
    ) as worker:
        worker.pool_pids()

        def run(count: int) -> tuple[float, int]:
            left = renders_in_turn(pks, count)
            asked: dict[int, int] = {}  # seal pk: the version asked, while it is pending

            def ask(pk: int) -> None:
                if left[pk]:
                    left[pk] -= 1
                    asked[pk] = certificate_rerender(seal=seals[pk], by=committee).pdf_version

            idle_polls = 0
            deadline = time.monotonic() + 60 + 2 * count
            start = time.perf_counter()
            for pk in pks:
                ask(pk)
            while asked:
                time.sleep(POLL_SECONDS)
                if time.monotonic() > deadline:
                    log = (storage / "worker.log").read_text()
                    raise SystemExit(f"{sum(left.values()) + len(asked)} still pending\n{log}")
                done = (
                    Seal.objects.filter(pk__in=asked)
                    .exclude(pdf_status=Seal.PdfStatus.PENDING)
                    .values_list("pk", "pdf_status", "pdf_rendered_version", "pdf_error")
                )
                ready = []
                for pk, status, rendered, error in done:
                    if status == Seal.PdfStatus.FAILED:
                        log = (storage / "worker.log").read_text()
                        raise SystemExit(f"seal {pk}: render failed: {error}\n{log}")
                    if rendered >= asked[pk]:
                        ready.append(pk)
                if len(ready) == len(asked) and any(left.values()):
                    idle_polls += 1
                for pk in ready:
                    del asked[pk]
                    ask(pk)
            return time.perf_counter() - start, idle_polls

        run(len(pks))  # warm-up, not timed: the pool is up and its fonts are loaded
        last = CertificateFile.objects.order_by("-pk").values_list("pk", flat=True).first()
        elapsed, idle_polls = run(CERTIFICATES)
        render_ms = list(
            CertificateFile.objects.filter(pk__gt=last).values_list("render_ms", flat=True)
        )
    assert len(render_ms) == CERTIFICATES, (len(render_ms), CERTIFICATES)
    return Throughput(elapsed, render_ms, idle_polls)


def main() -> None:
    if sys.argv[1:2] == ["--first-render"]:
        first_render(warm=sys.argv[2] == "warm")
        return
    assert connection.vendor == "postgresql", "point DATABASE_URL at a PostgreSQL database"
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    seal = the_seal()
    assert seal is not None, "the demo data holds no seal"
    in_process(seal)

    committee = User.objects.filter(role=User.Role.COMMITTEE).order_by("pk").first()
    pks = list(Seal.objects.order_by("pk").values_list("pk", flat=True))
    print()
    print(
        f"Through Celery (Redis {BROKER_URL}, PostgreSQL {connection.settings_dict['NAME']}): "
        f"{CERTIFICATES} certificates, re-rendering the {len(pks)} demo seals in turn"
    )
    bare = bare_renders(pks)
    print(
        f"  {CERTIFICATES} bare renders of the same HTML, one process, one after the other: "
        f"{bare:.1f} s ({ms(bare / CERTIFICATES).strip()} ms each; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    print(
        f"  {'workers':<7} {'total s':>8} {'cert/s':>7} {'ms/cert':>8} {'render ms':>10} "
        f"{'other ms':>9}  {'Celery / (bare / workers)':<27} {'load':>5}"
    )
    elapsed = {}
    with tempfile.TemporaryDirectory(prefix="oic-bench-certificates-") as storage:
        settings.PRIVATE_STORAGE_ROOT = Path(storage)
        for workers in (1, 2):
            run = throughput(workers, committee, Path(storage))
            elapsed[workers] = run.elapsed
            # A worker's time per certificate outside WeasyPrint and the HTML: the broker,
            # the task's queries, the file, and waiting for a core.
            other = run.elapsed * workers / CERTIFICATES - statistics.mean(run.render_ms) / 1000
            ratio = f"{run.elapsed / (bare / workers):.2f} (asked ≤ {GOAL_OVER_BARE})"
            print(
                f"  {workers:<7} {run.elapsed:>8.1f} {CERTIFICATES / run.elapsed:>7.1f} "
                f"{run.elapsed * 1000 / CERTIFICATES:>8.1f} "
                f"{statistics.median(run.render_ms):>10.0f} {other * 1000:>9.1f}  "
                f"{ratio:<27} {os.getloadavg()[0]:>5.1f}"
            )
            if run.idle_polls:
                print(
                    f"    ! {run.idle_polls} poll(s) found every certificate asked ready: the "
                    f"workers may have waited for work, {run.idle_polls * POLL_SECONDS:.2f} s "
                    f"at most (BENCH_POLL_SECONDS={POLL_SECONDS})"
                )
    speed_up = elapsed[1] / elapsed[2]
    print(f"  2 workers are {speed_up:.2f}× as fast as 1 (issue 7 asks ≥ {GOAL_SPEED_UP})")
    print(
        "  render ms: median inside the worker; other ms: each worker's time per certificate "
        "outside the render; load: 1-minute load average at the end of the row"
    )
    print(f"  (machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()

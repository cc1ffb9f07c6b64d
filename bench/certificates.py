"""Times the certificate PDF: one render in a warm process beside a bare WeasyPrint render of the
same HTML, the first render of a fresh process, and the throughput of the real Celery path
(queued → PDF stored → status ready) with one and with two worker processes.

Run: make bench-certificates
  (or DATABASE_URL=postgres://…/oic_bench .venv/bin/python bench/certificates.py)
It migrates that database and loads the demo data if missing (as bench/codice_pages.py does),
writes the PDFs to a temporary private storage, and runs the workers on Redis database 13
(BENCH_BROKER_URL). BENCH_RUNS renders are timed in process (default 30), BENCH_CERTIFICATES
go through the workers at each concurrency (default 200).
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time
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
CERTIFICATES = int(os.environ.get("BENCH_CERTIFICATES", "200"))
BROKER_URL = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/13")


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


def throughput(concurrency: int, committee: User, storage: Path) -> tuple[float, float, float]:
    """Render CERTIFICATES certificates through the workers; (seconds, certificates per second,
    median render time inside the worker in ms).

    Each seal's re-render is asked as soon as its previous one is ready, so the queue never
    runs dry while a seal can take another version (one version per seal is pending at once)."""
    from tests.celery_worker import celery_worker

    pks = list(Seal.objects.order_by("pk").values_list("pk", flat=True))
    with celery_worker(
        {"PRIVATE_STORAGE_ROOT": str(storage)},
        concurrency=concurrency,
        broker_url=BROKER_URL,
        log=storage / "worker.log",
    ) as worker:
        worker.pool_pids()

        def ask(pk: int) -> int:
            return certificate_rerender(seal=Seal.objects.get(pk=pk), by=committee).pdf_version

        def run(count: int) -> float:
            asked = {}
            queued = 0
            start = time.perf_counter()
            for pk in pks[:count]:
                asked[pk] = ask(pk)
                queued += 1
            done = 0
            deadline = time.monotonic() + 60 + 2 * count
            while done < count:
                if time.monotonic() > deadline:
                    log = (storage / "worker.log").read_text()
                    raise SystemExit(f"{count - done} certificates still pending\n{log}")
                rows = Seal.objects.filter(pk__in=asked).values_list(
                    "pk", "pdf_status", "pdf_rendered_version", "pdf_error"
                )
                for pk, status, rendered, error in rows:
                    if status == Seal.PdfStatus.FAILED:
                        log = (storage / "worker.log").read_text()
                        raise SystemExit(f"seal {pk}: render failed: {error}\n{log}")
                    if status == Seal.PdfStatus.READY and rendered >= asked[pk]:
                        done += 1
                        del asked[pk]
                        if queued < count:
                            asked[pk] = ask(pk)
                            queued += 1
                time.sleep(0.01)
            return time.perf_counter() - start

        run(len(pks))  # warm-up, not timed: the pool is up and its fonts are loaded
        last = CertificateFile.objects.order_by("-pk").values_list("pk", flat=True).first()
        elapsed = run(CERTIFICATES)
        render_ms = CertificateFile.objects.filter(pk__gt=last).values_list("render_ms", flat=True)
    return elapsed, CERTIFICATES / elapsed, statistics.median(render_ms)


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
    seals = Seal.objects.count()
    print()
    print(
        f"Through Celery (Redis {BROKER_URL}, PostgreSQL {connection.settings_dict['NAME']}): "
        f"{CERTIFICATES} certificates, re-rendering the {seals} demo seals in turn"
    )
    print(
        f"  {'worker processes':<18} {'total s':>8} {'cert/s':>8} {'ms/cert':>8} "
        f"{'render ms (median, in the worker)':>34}"
    )
    with tempfile.TemporaryDirectory(prefix="oic-bench-certificates-") as storage:
        settings.PRIVATE_STORAGE_ROOT = Path(storage)
        for concurrency in (1, 2):
            elapsed, rate, render_ms = throughput(concurrency, committee, Path(storage))
            print(
                f"  {concurrency:<18} {elapsed:>8.1f} {rate:>8.1f} "
                f"{elapsed * 1000 / CERTIFICATES:>8.1f} {render_ms:>34.0f}"
            )
    print(f"  (machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end)")


if __name__ == "__main__":
    main()

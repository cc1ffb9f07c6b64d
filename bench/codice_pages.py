"""Times the public codice pages and the main application pages on PostgreSQL, demo data.

Run: make bench (or DATABASE_URL=postgres://…/oic_bench .venv/bin/python bench/codice_pages.py)
It migrates that database, loads the demo data if missing, then requests each page N times
through Django's test client (no HTTP server) and prints median and 95th percentile times
and the number of SQL queries per request.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oic_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from codice.models import CodeVersion  # noqa: E402
from codice.pdf import cache_path, render_pdf_bytes  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "50"))


def measure(client: Client, url: str) -> tuple[float, float, int]:
    client.get(url)  # warm-up
    times = []
    with override_settings(DEBUG=True):
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
    for _ in range(RUNS):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1], queries


def main() -> None:
    assert connection.vendor == "postgresql", "point DATABASE_URL at a PostgreSQL database"
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client()
    current = CodeVersion.objects.current()
    print(f"{'page':<42} {'median ms':>10} {'p95 ms':>8} {'queries':>8}   ({RUNS} runs)")
    for url in [
        "/",
        "/codice/",
        f"/codice/{current.number}/",
        "/codice/versioni/",
        "/decalogo/",
        "/codice/confronta/?da=1.0&a=2.0",
        "/codice/codice.pdf",
        "/registrazione/",
    ]:
        median, p95, queries = measure(client, url)
        print(f"{url:<42} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    from certification.models import Application, User

    applicant = User.objects.get(email="richiedente@contactcenter.demo")
    application = Application.objects.get(organization=applicant.organization)
    items = application.code_version.checklist_items.count()
    client.force_login(applicant)
    for url, label in [
        (f"/domande/{application.pk}/", "/domande/<pk>/ (applicant)"),
        (
            f"/domande/{application.pk}/autovalutazione/",
            f"/domande/<pk>/autovalutazione/ ({items} items)",
        ),
    ]:
        median, p95, queries = measure(client, url)
        print(f"{label:<42} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    client.force_login(User.objects.get(email="comitato@oic.demo"))
    for url in ["/gestione/domande/", "/gestione/codice/"]:
        median, p95, queries = measure(client, url)
        print(f"{url + ' (committee)':<42} {median:>10.1f} {p95:>8.1f} {queries:>8}")
    path = cache_path(current)
    starts = []
    for _ in range(5):
        start = time.perf_counter()
        render_pdf_bytes(current)
        starts.append((time.perf_counter() - start) * 1000)
    print(f"{'PDF render, uncached (WeasyPrint)':<42} {statistics.median(starts):>10.1f}")
    print(f"PDF size: {path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()

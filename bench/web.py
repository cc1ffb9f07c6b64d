"""The pages under load (issue 7): the portal under gunicorn with production settings against
the national-scale database of bench/seed.py, driven over loopback by bench/load.py (its own
process) at a fixed concurrency. For each page: requests per second, p50/p95/p99 latency seen
by the client, p95 time inside Django (bench/probe.py), queries per request, and every query
slower than 20 ms, with where its time went. The server's figures cover the same seconds as
the client's latencies, after the warm-up; the slow queries of the warm-ups (new workers' and
connections' first queries) are listed apart. The baseline, a trivial view doing one query by
primary key through the same middleware, runs first and last in the same run.

Run: make bench-web  (after make bench-seed)
Environment: BENCH_DATABASE (oic_bench_seed), BENCH_CONCURRENCY (8), BENCH_DURATION (10 s per
page), BENCH_WARMUP (2 s), BENCH_WORKERS (gunicorn workers, default as many as cores, as
in production), BENCH_WORKER_CLASS (sync, as in production; or gthread), BENCH_THREADS (4, for
gthread), BENCH_CLIENT_NICE (10: the load client's priority, 0 to share the cores equally),
BENCH_PAGES (comma-separated names, to run only some), BENCH_PORT (8766).
Redis databases 9 (cache) and 8 (broker, unused by these pages) are flushed.

Production settings as deployed, with two changes, both printed: the per-client rate limits of
"who called me?" and the API are raised (all the load comes from one address), and the staff
logins use TOTP devices this script enrols for auditor@oic.demo and comitato@oic.demo.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import http.cookies
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
PY = Path(sys.executable)
DATABASE = os.environ.get("BENCH_DATABASE", "oic_bench_seed")
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
PORT = int(os.environ.get("BENCH_PORT", "8766"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "8"))
DURATION = float(os.environ.get("BENCH_DURATION", "10"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(max(2, os.cpu_count() or 1))))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = int(os.environ.get("BENCH_THREADS", "4"))
# The clients stand for people on other machines: at a lower priority, they never keep a core
# from gunicorn's workers or PostgreSQL; they still take every core the server leaves idle.
CLIENT_NICE = int(os.environ.get("BENCH_CLIENT_NICE", "10"))
ONLY = {name for name in os.environ.get("BENCH_PAGES", "").split(",") if name}
PASSWORD = "bollinoblu-demo"  # the demo's
TOTP_KEY = hashlib.sha256(b"bench-web-authenticator").hexdigest()[:40]
SAMPLE = 100  # different firms, seals, numbers, audits per page: no page is one hot row
LIMIT_MS = 100
RATIO = 4
# Pages whose goal is a server time: also run with one client, to read it without the queue.
ALONE = (
    "baseline",
    "registry typo search",
    "registry broad typo",
    "verification",
    "verification JSON",
)

os.environ["DJANGO_SETTINGS_MODULE"] = "oic_portal.settings"
os.environ["DATABASE_URL"] = DATABASE_URL

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from certification.models import (  # noqa: E402
    Application,
    Audit,
    CallingNumber,
    Organization,
    Provincia,
    Regione,
    Seal,
    User,
)
from certification.services.registry import RegistryQuery, registry_search  # noqa: E402


def totp(hex_key: str) -> str:
    """RFC 6238, as the staff member's authenticator app computes it."""
    counter = int(time.time()) // 30
    digest = hmac.new(bytes.fromhex(hex_key), counter.to_bytes(8, "big"), "sha1").digest()
    offset = digest[-1] & 0x0F
    code = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{code % 10**6:06d}"


def environment(probe_log: Path, private_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{PY.parent}:{os.environ['PATH']}",
        "DJANGO_ENV": "production",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": "bench-" + hashlib.sha256(os.urandom(32)).hexdigest(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{PORT}",
        "DATABASE_URL": DATABASE_URL,
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/8",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/9",
        "PRIVATE_STORAGE_ROOT": private_root,
        "REGISTRY_EXPORT_ROOT": str(Path(private_root).parent / "registry-exports"),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_WORKER_CLASS": WORKER_CLASS,
        # More than one thread turns gunicorn's sync workers into gthread ones.
        "GUNICORN_THREADS": str(THREADS if WORKER_CLASS == "gthread" else 1),
        "GUNICORN_MAX_REQUESTS": "0",
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
        "WHO_CALLED_RATE_LIMIT": "1000000000",
        "API_RATE_LIMIT": "1000000000",
        "BENCH_PROBE_LOG": str(probe_log),
    }


# --- a client that logs in -----------------------------------------------------------------


class Session:
    """Cookies, CSRF and the proxy's X-Forwarded-Proto (TLS ends in front of gunicorn)."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}

    def headers(self, referer: str = "") -> dict[str, str]:
        headers = {"Host": f"127.0.0.1:{PORT}", "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if referer:
            headers["Referer"] = f"https://127.0.0.1:{PORT}{referer}"
        return headers

    def request(self, method: str, path: str, data: dict | None = None):
        headers = self.headers(referer=path if data is not None else "")
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection_ = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        connection_.request(method, path, body=body, headers=headers)
        response = connection_.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for key, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[key] = morsel.value
        connection_.close()
        return response.status, response.headers, content

    @staticmethod
    def csrf(html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token in the page"
        return match.group(1).decode()

    def login(self, email: str) -> Session:
        _, _, html = self.request("GET", "/accesso/")
        status, _, _ = self.request(
            "POST",
            "/accesso/",
            {"csrfmiddlewaretoken": self.csrf(html), "username": email, "password": PASSWORD},
        )
        assert status == 302, f"login of {email} answered {status}"
        _, _, html = self.request("GET", "/accesso/due-fattori/")
        status, _, _ = self.request(
            "POST",
            "/accesso/due-fattori/",
            {"csrfmiddlewaretoken": self.csrf(html), "code": totp(TOTP_KEY)},
        )
        assert status == 302, f"second factor of {email} answered {status}"
        return self


# --- the pages -----------------------------------------------------------------------------


def enrol_staff() -> None:
    for email in ("auditor@oic.demo", "comitato@oic.demo"):
        user = User.objects.get(email=email)
        # Only this device: the second-factor step checks the user's one device.
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name="bench", key=TOTP_KEY, confirmed=True)


def spread(queryset, field: str, count: int = SAMPLE) -> list:
    """`count` values of `field` taken evenly across the whole table, not its first rows."""
    total = queryset.count()
    step = max(1, total // count)
    ids = list(queryset.order_by("pk").values_list("pk", flat=True)[::step][:count])
    by_pk = dict(queryset.filter(pk__in=ids).values_list("pk", field))
    return [by_pk[pk] for pk in ids]


# Misspelt firm kinds of the seeded names, and comuni with a letter dropped.
TYPO_KINDS = ("Custmer Care", "Telesrvizi", "Contatc", "Call Centr", "Telemarketng", "Voec")
BROAD_TYPOS = ("Telemarkting", "Custmer", "Teleservzi", "Contatc")


def typo_searches(registry: str) -> list[str]:
    """About 2,000 different searches, each a misspelt kind and a misspelt comune."""
    comuni = list(Provincia.objects.order_by("sigla").values_list("name", flat=True))
    searches = []
    for kind in TYPO_KINDS:
        for comune in comuni:
            for cut in (1, 2, 3):
                typo = comune[:cut] + comune[cut + 1 :]
                searches.append(f"{registry}?{urllib.parse.urlencode({'q': f'{kind} {typo}'})}")
    return searches


def waited_for_a_core(query: dict) -> bool:
    """Whether a slow query (bench/probe.py) would have taken 20 ms or less without the time
    its backend and its worker spent waiting for a CPU."""
    if query.get("database_waited_ms") is None or query.get("worker_waited_ms") is None:
        return False
    return query["ms"] - query["database_waited_ms"] - query["worker_waited_ms"] <= 20


def where_the_time_went(query: dict) -> str:
    if query.get("database_cpu_ms") is None:
        return "no scheduler statistics"
    read = query.get("database_read_kb")
    return (
        f"backend on a CPU {query['database_cpu_ms']:.1f} ms, waiting for one "
        f"{query['database_waited_ms']:.1f} ms; worker waiting {query['worker_waited_ms']:.1f} ms"
        + (f"; backend read {read} KB from storage" if read else "")
    )


def stolen_ms() -> float:
    """Time the hypervisor ran something else on this machine's virtual CPUs, all of them, since
    boot (the steal column of /proc/stat's first line)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()
    return int(fields[8]) * 1000 / os.sysconf("SC_CLK_TCK") if len(fields) > 8 else 0.0


def read_from_storage(query: dict) -> bool:
    return bool(query.get("database_read_kb"))


def pages_spread(last_page: int, count: int = 2000) -> list[int]:
    return sorted({1 + (i * last_page) // count for i in range(count)})


def pages() -> list[tuple[str, list[str], str]]:
    """(name, paths to go round, who asks: "" for a visitor, else the staff email)."""
    active = Seal.objects.filter(status=Seal.Status.ACTIVE)
    firms = spread(Organization.objects.filter(seals__status=Seal.Status.ACTIVE), "partita_iva")
    seals = spread(active, "number")
    numbers = spread(
        CallingNumber.objects.filter(organization__seals__status=Seal.Status.ACTIVE), "number"
    )
    in_progress = Audit.objects.filter(
        auditor__email="auditor@oic.demo",
        status=Audit.Status.IN_PROGRESS,
        application__status=Application.Status.IN_EVALUATION,
        application__code_version__number="3.0",
    )
    audits = spread(in_progress, "application_id")
    registry = reverse("certification:registry")
    per_page = 20
    last_page = -(-registry_search(RegistryQuery()).count() // per_page)
    api = "/api/registro/"

    def national(e164: str) -> str:  # "+39 333 000 0004", as people type it
        digits = e164.removeprefix("+39")
        return f"+39 {digits[:3]} {digits[3:6]} {digits[6:]}"

    listed = [
        ("baseline", [f"/bench/baseline/{pk}/" for pk in spread(Organization.objects, "pk")], ""),
        ("home", ["/"], ""),
        # The same address again and again: after the first, served from the cache until the
        # registry changes.
        ("registry", [registry], ""),
        ("registry region", [f"{registry}?regione={Regione.LOMBARDIA}"], ""),
        ("registry last page", [f"{registry}?pagina={last_page}"], ""),
        # A different address every time (never cached in the run): the cost of a search.
        (
            "registry any page (cold)",
            [f"{registry}?pagina={n}" for n in pages_spread(last_page)],
            "",
        ),
        (
            "registry region any page (cold)",
            [
                f"{registry}?regione={regione}&pagina={n}"
                for n in range(1, 101)
                for regione in Regione.values
            ],
            "",
        ),
        ("registry typo search", typo_searches(registry), ""),
        # A misspelt word that stands for one firm in seven, at any page.
        (
            "registry broad typo",
            [f"{registry}?q={word}&pagina={n}" for n in range(1, 301) for word in BROAD_TYPOS],
            "",
        ),
        ("firm page", [reverse("certification:registry_firm", args=[p]) for p in firms], ""),
        (
            "verification",
            [reverse("certification:verify_seal", args=[n]) for n in seals],
            "",
        ),
        (
            "verification JSON",
            [reverse("certification:verify_seal_json", args=[n]) for n in seals],
            "",
        ),
        (
            "who called me?",
            [
                reverse("certification:who_called")
                + "?"
                + urllib.parse.urlencode({"numero": national(n)})
                for n in numbers
            ],
            "",
        ),
        ("API list", [api], ""),
        ("statistics", [reverse("certification:statistics")], ""),
        (
            "scoring page (100 items)",
            [reverse("certification:audit_scoring", args=[pk]) for pk in audits],
            "auditor@oic.demo",
        ),
        (
            "committee overview",
            [reverse("certification:manage_applications")],
            "comitato@oic.demo",
        ),
        ("committee seal register", [reverse("certification:seal_register")], "comitato@oic.demo"),
    ]
    return listed


# --- running -------------------------------------------------------------------------------


def wait_for_server(process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            status, _, _ = Session().request("GET", "/healthz")
            if status == 200:
                return
        time.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def start_gunicorn(env: dict[str, str], work: Path) -> subprocess.Popen:
    """gunicorn as the Procfile starts it, logging to work/gunicorn.log; returns once it
    answers /healthz."""
    log = work / "gunicorn.log"
    server = subprocess.Popen(
        [str(PY.parent / "gunicorn"), "--config", "oic_portal/gunicorn.conf.py", "oic_portal.wsgi"],
        cwd=BASE_DIR,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_for_server(server, log)
    except BaseException:
        os.killpg(server.pid, signal.SIGKILL)
        raise
    return server


def load(paths: list[str], session: Session, concurrency: int = CONCURRENCY) -> dict:
    headers = [f"{k}: {v}" for k, v in session.headers().items() if k != "Host"]
    command = [
        *(["nice", "-n", str(CLIENT_NICE)] if CLIENT_NICE else []),
        str(PY),
        str(BASE_DIR / "bench" / "load.py"),
        "--port",
        str(PORT),
        "--concurrency",
        str(concurrency),
        "--duration",
        str(DURATION),
        "--warmup",
        str(WARMUP),
    ]
    for header in headers:
        command += ["--header", header]
    output = subprocess.run([*command, *paths], capture_output=True, text=True, check=True)
    return json.loads(output.stdout)


def probe_lines(probe_log: Path) -> list[dict]:
    if not probe_log.exists():
        return []
    return [json.loads(line) for line in probe_log.read_text().splitlines() if line.strip()]


def measured(entries: list[dict], result: dict) -> tuple[list[dict], list[dict]]:
    """The probe's requests of a load run, less the health checks: those the client measured
    (after its warm-up), and those of the warm-up."""
    inside, warming = [], []
    for entry in entries:
        if entry["path"].startswith("/healthz"):
            continue
        if result["measured_from"] <= entry["started"] < result["until"]:
            inside.append(entry)
        elif entry["started"] < result["measured_from"]:
            warming.append(entry)
    return inside, warming


def print_slow(slow_queries: list[tuple[str, dict]]) -> None:
    if not slow_queries:
        return
    waited = sum(waited_for_a_core(query) for _, query in slow_queries)
    read = sum(read_from_storage(query) for _, query in slow_queries)
    print(
        f"  of which {waited} only waited for a core: under 20 ms without the time "
        "their PostgreSQL backend or their worker waited for one (/proc schedstat); "
        f"{read} read from storage what the page cache did not hold (/proc io)"
    )
    grouped: dict[tuple[str, str], list[dict]] = {}
    for name, query in slow_queries:
        grouped.setdefault((name, query["sql"][:120]), []).append(query)
    for (name, _), queries in grouped.items():
        slowest = max(queries, key=lambda q: q["ms"])
        print(
            f"  [{name}] ×{len(queries)}, up to {slowest['ms']:.0f} ms "
            f"({where_the_time_went(slowest)}): {slowest['sql'][:300]} {slowest['params']}"
        )


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * len(ordered)) - 1)]


def save_all_scores(session: Session, application_id: int, probe_log: Path) -> dict:
    """POST the scoring page's whole form with every one of the 100 items changed; the probe
    says how many queries that took."""
    path = reverse("certification:audit_scoring", args=[application_id])
    _, _, html = session.request("GET", path)
    text = html.decode()
    levels: dict[str, list[str]] = {}
    checked: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*type=\"radio\"[^>]*>", text):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]+)"', tag).group(1)
        levels.setdefault(name, []).append(value)
        if " checked" in tag:
            checked[name] = value
    data = {"csrfmiddlewaretoken": Session.csrf(html)}
    for name, values in levels.items():
        others = [v for v in values if v != checked.get(name) and v != "na"]
        data[name] = others[0]
        data[name.replace("livello_", "commento_")] = "Rivisto nel benchmark."
    probe_log.write_text("")
    status, headers, _ = session.request("POST", path, data)
    assert status == 302, f"saving the scores answered {status}"
    line = [entry for entry in probe_lines(probe_log) if entry["path"] == path][0]
    return {"items": len(levels), **line}


def main() -> None:
    assert connection.vendor == "postgresql"
    firms = Organization.objects.count()
    if firms < 1000:
        raise SystemExit(f"{DATABASE} holds {firms} firms: run `make bench-seed` first")
    enrol_staff()
    listed = [page for page in pages() if not ONLY or page[0] in ONLY or page[0] == "baseline"]
    work = Path(tempfile.mkdtemp(prefix="oic-bench-web-"))
    probe_log = work / "probe.jsonl"
    env = environment(probe_log, str(work / "private"))
    subprocess.run(
        [str(PY), "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    for db in ("8", "9"):
        subprocess.run(["redis-cli", "-n", db, "FLUSHDB"], check=True, capture_output=True)
    server = start_gunicorn(env, work)
    try:
        sessions = {"": Session()}
        for email in {who for _, _, who in listed if who}:
            sessions[email] = Session().login(email)
        threads = f" × {THREADS} threads" if WORKER_CLASS == "gthread" else ""
        print(
            f"{DATABASE}: {firms:,} firms, {Seal.objects.count():,} seals; gunicorn "
            f"{WORKERS} {WORKER_CLASS} workers{threads}, production settings; "
            f"load: {CONCURRENCY} clients "
            f"(bench/load.py, own process at nice {CLIENT_NICE}), {WARMUP:g} s warm-up + "
            f"{DURATION:g} s per page; "
            f"{os.cpu_count()} cores"
        )
        print(
            "Rate limits of who-called and the API raised for the run (one client address); "
            "staff pages with TOTP-verified sessions."
        )
        header = (
            f"{'page':<26} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
            f"{'×base':>6} {'server p95':>10} {'queries':>7} {'slow q':>6} {'KB':>6}"
        )
        print(header)
        results = []
        slow_queries: list[tuple[str, dict]] = []
        warm_up_slow: list[tuple[str, dict]] = []
        stolen_during = 0.0
        for name, paths, who in [*listed, ("baseline (again)", listed[0][1], "")]:
            session = sessions[who]
            status, _, body = session.request("GET", paths[0])
            assert status == 200, f"{name}: {paths[0]} answered {status}"
            probe_log.write_text("")
            stolen_before = stolen_ms()
            result = load(paths, session)
            stolen_during += stolen_ms() - stolen_before
            entries, warming = measured(probe_lines(probe_log), result)
            warm_up_slow += [(name, q) for e in warming for q in e["slow"]]
            result["server_p95"] = p95([e["ms"] for e in entries])
            result["queries"] = statistics.median([e["queries"] for e in entries]) if entries else 0
            result["slow"] = sum(len(e["slow"]) for e in entries)
            slow_queries += [(name, q) for e in entries for q in e["slow"]]
            results.append((name, result))
            base = results[0][1]["p95"]
            bad = {k: v for k, v in result["statuses"].items() if k != "200"}
            print(
                f"{name:<26} {result['rps']:>7.1f} {result['p50']:>7.1f} {result['p95']:>7.1f} "
                f"{result['p99']:>7.1f} {result['p95'] / base:>6.1f} {result['server_p95']:>10.1f} "
                f"{result['queries']:>7.0f} {result['slow']:>6} {result['bytes'] / 1024:>6.1f}"
                + (f"  NOT 200: {bad}" if bad else ""),
                flush=True,
            )
        print()
        print("Alone (1 client), p95 time inside Django, the same paths:")
        alone = {}
        for name, paths, who in listed:
            if name not in ALONE:
                continue
            probe_log.write_text("")
            result = load(paths, sessions[who], concurrency=1)
            entries, _ = measured(probe_lines(probe_log), result)
            alone[name] = p95([e["ms"] for e in entries])
            print(f"  {name:<26} {alone[name]:>6.1f} ms  ({len(entries)} requests)", flush=True)
        baseline_p95 = statistics.fmean([results[0][1]["p95"], results[-1][1]["p95"]])
        print()
        print(f"Baseline p95 (mean of its two runs): {baseline_p95:.1f} ms")
        pages_only = [(n, r) for n, r in results if not n.startswith("baseline")]
        over = [n for n, r in pages_only if r["p95"] > RATIO * baseline_p95 or r["p95"] > LIMIT_MS]
        print(
            f"Goal: every page p95 ≤ {RATIO}× baseline ({RATIO * baseline_p95:.1f} ms) and "
            f"≤ {LIMIT_MS} ms: " + ("met" if not over else "NOT met by " + ", ".join(over))
        )
        by_name = dict(results)
        for name, goal in (
            ("registry typo search", 50),
            ("registry broad typo", 50),
            ("verification", 10),
            ("verification JSON", 10),
        ):
            if name in by_name:
                print(
                    f"{name}, p95 inside Django: {alone.get(name, float('nan')):.1f} ms alone, "
                    f"{by_name[name]['server_p95']:.1f} ms among {CONCURRENCY} clients "
                    f"(goal < {goal})"
                )
        if "scoring page (100 items)" in by_name:
            print(
                "Scoring page for 100 items, p95: "
                f"{by_name['scoring page (100 items)']['p95']:.1f} ms (goal < 150)"
            )
            audit_app = Audit.objects.filter(
                auditor__email="auditor@oic.demo", status=Audit.Status.IN_PROGRESS
            ).order_by("-application_id")[0]
            saved = save_all_scores(
                sessions["auditor@oic.demo"], audit_app.application_id, probe_log
            )
            print(
                f"Saving all {saved['items']} scores in one POST: {saved['queries']} queries, "
                f"{saved['ms']:.1f} ms inside Django"
            )
        runs = len(results) * (WARMUP + DURATION)
        print(
            f"The host took the virtual CPUs away for {stolen_during:,.0f} ms during the "
            f"page runs (about {runs:g} s; steal time, /proc/stat, all cores): a task running "
            "then counts as on a CPU while it does not run"
        )
        print(f"Queries slower than 20 ms during the runs: {len(slow_queries)}")
        print_slow(slow_queries)
        print(
            f"Queries slower than 20 ms during the warm-ups, before the measured "
            f"{DURATION:g} s (new workers' and connections' first queries): {len(warm_up_slow)}"
        )
        print_slow(warm_up_slow)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
    print(f"(load average {os.getloadavg()[0]:.1f} at the end; logs in {work})")


if __name__ == "__main__":
    main()

"""Production smoke test (`make smoke`): the Procfile's web, worker and beat processes with
production settings against PostgreSQL and Redis, and one approval walked over HTTP through to
the seal's certificate and its public verification.

Uses a database of its own (oic_smoke, dropped and created again) and Redis databases 11–12.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.cookies
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2

BASE_DIR = Path(__file__).resolve().parent.parent
PY = BASE_DIR / ".venv" / "bin" / "python"
PORT = int(os.environ.get("SMOKE_PORT", "8765"))
BASE = f"http://127.0.0.1:{PORT}"
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
DB = "oic_smoke"
COMMITTEE = ("comitato@oic.demo", "bollinoblu-demo")
TOTP_KEY = hashlib.sha256(b"smoke-test-authenticator").hexdigest()[:40]


def totp(hex_key: str, step: int = 30, digits: int = 6) -> str:
    """RFC 6238, as the committee member's authenticator app would compute it."""
    counter = int(time.time()) // step
    digest = hmac.new(bytes.fromhex(hex_key), counter.to_bytes(8, "big"), "sha1").digest()
    offset = digest[-1] & 0x0F
    code = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{code % 10**digits:0{digits}d}"


LOG_DIR = BASE_DIR / "var" / "smoke"


def say(message: str) -> None:
    print(f"[smoke] {message}", flush=True)


def environment(private_root: str) -> dict[str, str]:
    return {
        **os.environ,
        "PATH": f"{PY.parent}:{os.environ['PATH']}",
        "DJANGO_ENV": "production",
        "SECRET_KEY": "smoke-" + hashlib.sha256(os.urandom(32)).hexdigest(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": BASE,
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/12",
        "REDIS_CACHE_URL": "redis://127.0.0.1:6379/11",
        "PRIVATE_STORAGE_ROOT": private_root,
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "GUNICORN_WORKERS": "2",
        "CELERY_CONCURRENCY": "2",
        "CELERY_BEAT_SCHEDULE_FILE": str(LOG_DIR / "celerybeat-schedule"),
        "FORWARDED_ALLOW_IPS": "127.0.0.1",
    }


def recreate_database() -> None:
    conn = psycopg2.connect(dbname="postgres", **PG)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{DB}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{DB}"')
    conn.close()


def query(sql: str, params=()):
    conn = psycopg2.connect(dbname=DB, **PG)
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()
    finally:
        conn.close()


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(PY), "manage.py", *args], cwd=BASE_DIR, env=env, check=True)


def procfile() -> dict[str, str]:
    entries = {}
    for line in (BASE_DIR / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            entries[name.strip()] = command.strip()
    return entries


def start(name: str, command: str, env: dict[str, str]) -> subprocess.Popen:
    # ${NAME:-default}, as the shell that runs a Procfile would expand it.
    expanded = re.sub(
        r"\$\{(\w+)(?::-([^}]*))?\}", lambda m: env.get(m.group(1)) or m.group(2) or "", command
    )
    log = (LOG_DIR / f"{name}.log").open("w")
    say(f"start {name}: {expanded}")
    return subprocess.Popen(
        shlex.split(expanded),
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(processes: dict[str, subprocess.Popen]) -> None:
    for process in processes.values():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for name, process in processes.items():
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        say(f"stopped {name} (exit {process.returncode})")


class Browser:
    """Just enough of a browser: cookies (also the Secure ones: TLS ends at the proxy this
    script stands in for, which says so with X-Forwarded-Proto), CSRF and redirects off."""

    def __init__(self) -> None:
        self.cookies: dict[str, str] = {}
        opener = urllib.request.build_opener(NoRedirect)
        self.opener = opener

    def request(self, method: str, path: str, data: dict | None = None, referer: str = ""):
        headers = {"X-Forwarded-Proto": "https", "Host": f"127.0.0.1:{PORT}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if referer:
            headers["Referer"] = f"https://127.0.0.1:{PORT}{referer}"
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        url = BASE + path
        req = urllib.request.Request(url, data=body, method=method, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(req, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = http.cookies.SimpleCookie(header)
            for key, morsel in cookie.items():
                self.cookies[key] = morsel.value
        return response.status, response.headers, response.read()

    def csrf(self, html: bytes) -> str:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert match, "no CSRF token in the page"
        return match.group(1).decode()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wait_until(predicate, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def healthy() -> bool:
    try:
        with urllib.request.urlopen(BASE + "/healthz", timeout=15) as response:  # noqa: S310
            body = json.loads(response.read())
            return response.status == 200 and body["database"] == body["broker"] == "ok"
    except (OSError, ValueError):  # refused, reset, timed out, or not JSON yet
        return False


def walk() -> None:
    browser = Browser()
    status, headers, _ = browser.request("GET", "/")
    assert status == 200, status
    for header in (
        "Strict-Transport-Security",
        "X-Frame-Options",
        "Referrer-Policy",
        "X-Content-Type-Options",
        "Content-Security-Policy",
    ):
        assert headers.get(header), f"{header} missing on the home page"
    assert (
        "unsafe-inline"
        not in headers["Content-Security-Policy"].split("script-src")[1].split(";")[0]
    )
    say("home page served with its security headers")

    status, _, html = browser.request("GET", "/accesso/")
    token = browser.csrf(html)
    status, headers, _ = browser.request(
        "POST",
        "/accesso/",
        {"csrfmiddlewaretoken": token, "username": COMMITTEE[0], "password": COMMITTEE[1]},
        referer="/accesso/",
    )
    assert status == 302, f"login answered {status}"
    status, headers, _ = browser.request("GET", "/area-riservata/")
    assert status == 302 and "/accesso/due-fattori/" in headers["Location"], (
        "production must ask staff for the second factor"
    )
    status, _, html = browser.request("GET", "/accesso/due-fattori/")
    status, headers, _ = browser.request(
        "POST",
        "/accesso/due-fattori/",
        {"csrfmiddlewaretoken": browser.csrf(html), "code": totp(TOTP_KEY)},
        referer="/accesso/due-fattori/",
    )
    assert status == 302, f"the second factor answered {status}"
    say("committee logged in with password and TOTP code")

    (application_id,) = query(
        "SELECT id FROM certification_application WHERE status = 'valutata' ORDER BY id LIMIT 1"
    )[0]
    path = f"/gestione/domande/{application_id}/decisione/"
    status, _, html = browser.request("GET", path)
    assert status == 200, f"decision page answered {status}"
    status, _, _ = browser.request(
        "POST",
        path,
        {
            "csrfmiddlewaretoken": browser.csrf(html),
            "outcome": "approvata",
            "reason": "Smoke test: requisiti soddisfatti.",
        },
        referer=path,
    )
    assert status == 302, f"the decision answered {status}"
    number, seal_id = query(
        "SELECT number, id FROM certification_seal WHERE application_id = %s", [application_id]
    )[0]
    say(f"application {application_id} approved over HTTP: seal {number}")

    started = time.monotonic()
    ready = "SELECT pdf_sha256 FROM certification_seal WHERE id = %s AND pdf_status = 'pronto'"
    sha256 = wait_until(
        lambda: (query(ready, [seal_id]) or [[None]])[0][0],
        "the certificate to be rendered by the worker",
    )
    say(f"certificate rendered by the worker in {time.monotonic() - started:.1f} s")

    status, _, page = browser.request("GET", f"/verifica/{number}/")
    assert status == 200 and number.encode() in page, status
    status, _, body = browser.request("GET", f"/verifica/{number}.json")
    assert status == 200 and json.loads(body), status
    status, headers, pdf = Browser().request("GET", f"/verifica/{number}/certificato.pdf")
    assert status == 200 and pdf.startswith(b"%PDF"), status
    assert hashlib.sha256(pdf).hexdigest() == sha256, "the PDF served is not the one stored"
    say("verification page, JSON and certificate served to a visitor; SHA-256 matches")

    pending = wait_until(
        lambda: (
            query("SELECT COUNT(*) FROM certification_seal WHERE pdf_status <> 'pronto'")[0][0] == 0
        ),
        "the demo's certificates to be rendered",
    )
    assert pending


def main() -> int:
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    private_root = tempfile.mkdtemp(prefix="oic-smoke-")
    env = environment(private_root)
    say("fresh database, migrations, static files, demo data")
    recreate_database()
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "collectstatic", "--noinput", "-v", "0")
    subprocess.run(
        ["redis-cli", "-n", "12", "FLUSHDB"], check=True, capture_output=True
    )  # fmt: skip
    manage(env, "load_demo")
    # The committee member's authenticator, enrolled as the setup page would do it.
    manage(
        env,
        "shell",
        "-c",
        "from django_otp.plugins.otp_totp.models import TOTPDevice; "
        "from certification.models import User; "
        f"TOTPDevice.objects.create(user=User.objects.get(email='{COMMITTEE[0]}'), "
        f"name='smoke', key='{TOTP_KEY}', confirmed=True)",
    )
    processes: dict[str, subprocess.Popen] = {}
    try:
        for name, command in procfile().items():
            processes[name] = start(name, command, env)
        wait_until(healthy, "/healthz to report database and broker reachable", timeout=60)
        say("/healthz: database and broker reachable")
        walk()
        for name, process in processes.items():
            assert process.poll() is None, f"{name} exited early (see {LOG_DIR}/{name}.log)"
        say("web, worker and beat still running: smoke test passed")
        return 0
    except Exception as exc:
        say(f"FAILED: {exc}")
        for name in processes:
            say(f"--- last lines of {name}.log")
            lines = (LOG_DIR / f"{name}.log").read_text(errors="replace").splitlines()
            print("\n".join(lines[-30:]), flush=True)
        return 1
    finally:
        stop(processes)


if __name__ == "__main__":
    sys.exit(main())

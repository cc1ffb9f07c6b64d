"""Tools of tests/test_bad_input.py: strategies of bad input (text, numbers, files, whole forms)
and `attempt`, which sends one request to the real view and checks what the person gets back
and what the database holds afterwards.

Each attempt runs in a savepoint rolled back at the end: every hypothesis example starts from
the same database, whatever the previous one wrote.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from django.apps import apps
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.core import signals
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, transaction
from django.forms import BaseForm
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django.utils.html import escape
from hypothesis import strategies as st

from tests.certification.file_samples import (
    SAMPLES,
    encrypted_pdf_bytes,
    exe_bytes,
    html_bytes,
    pdf_bytes,
    plain_zip_bytes,
    zip_bomb_bytes,
)

# --- text, numbers, dates ------------------------------------------------------------------

SPECIAL_TEXT = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x02\x1b[31m\x7f",
    "\r\n",
    "\t\t",
    "\u202e" + "fdp.exe",  # right-to-left override
    "\u200f\u200e\u061c",  # right-to-left and left-to-right marks
    "\ufeff",  # byte order mark
    "\u200b",  # zero-width space
    "e\u0301",  # combining accent
    "😀👩‍👩‍👧",
    "İßﬁ",  # change length when case-folded
    "٣٤٥٦",  # Arabic-Indic digits: str.isdigit() is true
    "²³",
    "１２３",  # full-width digits
    "𝟘𝟙",
    "-1",
    "0",
    "-0",
    "1.5",
    "1e309",
    "NaN",
    "inf",
    "9" * 30,
    "-" + "9" * 30,
    "0x1F",
    "1_000",
    " 42 ",
    "true",
    "None",
    "[]",
    "{}",
    "<script>alert(1)</script>",
    "\"'><img src=x onerror=alert(1)>",
    "'; DROP TABLE certification_organization; --",
    "%00",
    "%s%s%n",
    "{{ 7*7 }}{% debug %}",
    "../../../etc/passwd",
    "\\\\server\\share",
    "https://example.com/",
    "javascript:alert(1)",
    "//evil.example/",
    "2025-02-30",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "31/12/9999",
    "24:00",
    "99:99",
    "+39",
    "+39 " + "3" * 20,
    "0039 06-1234-5678",
    "IT" + "0" * 11,
    "BB-2025-0004２",
    "bb_2025—00042",
]

numbers_as_text = st.one_of(
    st.integers().map(str),
    st.floats().map(str),
    st.decimals().map(str),
)

dates_as_text = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.day:02d}/{d.month:02d}/{d.year:04d}"),
    st.times().map(lambda t: t.isoformat()),
)


def long_text(min_repeat: int = 300, max_repeat: int = 6_000) -> st.SearchStrategy[str]:
    """A short piece repeated: past every max_length, still cheap to generate."""
    return st.builds(
        lambda piece, times: piece * times,
        st.text(min_size=1, max_size=3),
        st.integers(min_repeat, max_repeat),
    )


# Any unicode (NUL and control characters included, never a lone surrogate, which no client
# can encode), special strings, numbers and dates as text, and very long strings.
nasty_text = st.one_of(
    st.sampled_from(SPECIAL_TEXT),
    st.sampled_from(SPECIAL_TEXT),
    st.text(max_size=40),
    st.text(st.characters(max_codepoint=0x7F), max_size=20),
    numbers_as_text,
    dates_as_text,
    long_text(),
)


# One character that breaks something somewhere: the database (NUL), a terminal, the
# direction of the text, HTML, a format string, a digit test.
POISON = [
    "\x00",
    "\x1b",
    "\u202e",
    "\u200f",
    "\ufeff",
    "😀",
    "'",
    '"',
    "<",
    "%",
    "\\",
    "\n",
    "٣",
    "²",
]


ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")


def poisoned(value: str) -> st.SearchStrategy[str]:
    r"""A valid value with one poison character put somewhere in it, or its digits written in
    another script (`\d` and str.isdigit() take them, PostgreSQL's [0-9] does not):
    everything else about it is right, so it goes as far as the code lets it."""
    return st.one_of(
        st.builds(
            lambda poison, at: value[:at] + poison + value[at:],
            st.sampled_from(POISON),
            st.integers(0, len(value)),
        ),
        st.sampled_from([value.translate(ARABIC_DIGITS), value.translate(FULL_WIDTH_DIGITS)]),
    )


def _in_the_middle(poison: str) -> Callable[[str], str]:
    return lambda value: value[: len(value) // 2] + poison + value[len(value) // 2 :]


# What the sweeps do to each field in turn, whatever hypothesis happens to draw: the
# characters that break the most (the database refuses NUL; str.isdigit() accepts
# Arabic-Indic digits), the digits written in Arabic-Indic script, and a text longer than any
# field.
SWEEP: list[Callable[[str], str]] = [
    _in_the_middle("\x00"),
    _in_the_middle("٣"),
    lambda value: value.translate(ARABIC_DIGITS),
    lambda value: "x" * 5_000,
]


# --- files ---------------------------------------------------------------------------------

GOOD_FILES = [build() for _name, build, _type in SAMPLES.values()]
BAD_FILES = [
    exe_bytes(),
    html_bytes(),
    plain_zip_bytes(),
    encrypted_pdf_bytes(),
    zip_bomb_bytes(64),
    pdf_bytes(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"),
]
FILE_NAMES = [
    "verbale.pdf",
    "foto.png",
    "procedura.docx",
    "virus.exe",
    "pagina.html",
    "senza-estensione",
    ".pdf",
    "../../../etc/passwd",
    "..\\..\\boot.ini",
    "a" * 300 + ".pdf",
    "nome\x00.pdf",
    "\u202efdp.exe",
    "àèìòù €😀.pdf",
    'con"virgolette;.pdf',
    "CON.pdf",
    " spazi .pdf ",
]
CONTENT_TYPES = [
    "application/pdf",
    "image/png",
    "text/html",
    "application/octet-stream",
    "application/x-msdownload",
    "",
    "x/y; charset=ü",
]


def file_contents(max_repeat: int = 120_000) -> st.SearchStrategy[bytes]:
    """Random bytes, nothing at all, real files of every accepted type (a right name or a
    wrong one is chosen apart), refused kinds, real files with random bytes around them, and
    big ones (up to about 1.9 MB with the default)."""
    good = st.sampled_from(GOOD_FILES)
    return st.one_of(
        st.binary(max_size=2048),
        st.just(b""),
        good,
        st.sampled_from(BAD_FILES),
        st.builds(
            lambda a, b, tail: a + b + tail, st.binary(max_size=8), good, st.binary(max_size=64)
        ),
        st.builds(
            lambda head, tail: head + tail,
            st.sampled_from([b"%PDF-1.4\n", b"PK\x03\x04", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"]),
            st.binary(max_size=512),
        ),
        st.builds(
            lambda piece, times: piece * times,
            st.binary(min_size=1, max_size=16),
            st.integers(1_000, max_repeat),
        ),
    )


def uploads() -> st.SearchStrategy[SimpleUploadedFile]:
    return st.builds(
        lambda name, data, content_type: SimpleUploadedFile(name, data, content_type),
        st.one_of(
            st.sampled_from(FILE_NAMES),
            # A name Django's own upload class refuses to hold ("/", "..") is no test of ours.
            st.text(min_size=1, max_size=40).filter(
                lambda name: os.path.basename(name) not in {"", ".", ".."}
            ),
        ),
        file_contents(),
        st.sampled_from(CONTENT_TYPES),
    )


# --- whole forms ---------------------------------------------------------------------------

MISSING = object()


class Choice(tuple):
    """Valid values of a field: the submission may carry any of them (the first one in the
    test that the valid submission is accepted)."""


def choice(*values: Any) -> Choice:
    return Choice(values)


def _as_strategy(value: Any) -> st.SearchStrategy:
    """A strategy as it is; a callable builds a fresh value for each example (a file is read
    once); anything else is that value."""
    if isinstance(value, st.SearchStrategy):
        return value
    if isinstance(value, Choice):
        return st.sampled_from(value)
    if callable(value):
        return st.builds(value)
    return st.just(value)


@st.composite
def form_data(
    draw,
    valid: dict[str, Any],
    *,
    junk_for: dict[str, st.SearchStrategy] | None = None,
    unknown_fields: bool = True,
) -> dict[str, Any]:
    """A submission that starts valid (`valid`: field name -> value, strategy or callable)
    and then has some fields spoiled: replaced by junk (`nasty_text`, or `junk_for[name]`),
    removed, sent empty, or sent several times. Extra fields nobody asked for may come along.
    With nothing spoiled it is a valid submission, so the path that writes is exercised too."""
    junk_for = junk_for or {}
    data = {name: draw(_as_strategy(value)) for name, value in valid.items()}
    spoiled = draw(st.lists(st.sampled_from(sorted(valid)), unique=True, max_size=len(valid)))
    for name in spoiled:
        junk = junk_for.get(name, nasty_text)
        how = draw(st.sampled_from(["junk", "junk", "poisoned", "missing", "empty", "repeated"]))
        if how == "poisoned" and isinstance(data[name], str):
            data[name] = draw(poisoned(data[name]))
        elif how in ("junk", "poisoned"):
            data[name] = draw(junk)
        elif how == "missing":
            data[name] = MISSING
        elif how == "empty":
            data[name] = ""
        else:
            data[name] = draw(
                st.lists(st.one_of(junk, _as_strategy(valid[name])), min_size=2, max_size=4)
            )
    if unknown_fields:
        data.update(draw(st.dictionaries(st.text(max_size=12), nasty_text, max_size=2)))
    return {name: value for name, value in data.items() if value is not MISSING}


def flatten(values: Any) -> list:
    """A form value as the list of what is sent (a list of values, or one value)."""
    return list(values) if isinstance(values, list | tuple) else [values]


def has_file(data: dict) -> bool:
    return any(hasattr(v, "read") for value in data.values() for v in flatten(value))


# --- the database and the private files ----------------------------------------------------

_FINGERPRINT_SQL: str | None = None


def _fingerprint_sql() -> str:
    """One query: for every table of the certification and codice apps (many-to-many tables
    too), its row count and an md5 of all its rows. Compared before and after a refused
    submission, it catches an insert, a delete and an update alike."""
    global _FINGERPRINT_SQL
    if _FINGERPRINT_SQL is None:
        quote = connection.ops.quote_name
        tables = sorted(
            {
                model._meta.db_table
                for label in ("certification", "codice")
                for model in apps.get_app_config(label).get_models(include_auto_created=True)
            }
        )
        _FINGERPRINT_SQL = " UNION ALL ".join(
            f"SELECT '{table}', count(*), "
            f"md5(coalesce(string_agg(t::text, ',' ORDER BY t::text), '')) "
            f"FROM {quote(table)} t"
            for table in tables
        )
    return _FINGERPRINT_SQL


def db_state() -> dict[str, tuple[int, str]]:
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return {table: (count, digest) for table, count, digest in cursor.fetchall()}


def changed_tables(before: dict, after: dict) -> list[str]:
    return [
        f"{table} ({before[table][0]} -> {after[table][0]} rows)"
        for table in sorted(before)
        if before[table] != after[table]
    ]


def stored_files(root: Path | None) -> list[str]:
    if root is None or not Path(root).exists():
        return []
    return sorted(str(p) for p in Path(root).rglob("*") if p.is_file())


# --- one attempt ---------------------------------------------------------------------------


def _error_messages(response: HttpResponse) -> list[str]:
    request = getattr(response, "wsgi_request", None)
    if request is None or not hasattr(request, "_messages"):
        return []
    return [str(m) for m in get_messages(request) if m.level >= message_levels.ERROR]


def _forms_in(response: HttpResponse) -> list[BaseForm]:
    """The bound forms the page was rendered with: context values, and the `form` of the rows
    a page lists (nonconformities, for instance)."""
    found: list[BaseForm] = []
    contexts = response.context if isinstance(response.context, list) else [response.context]
    for context in contexts:
        if context is None:
            continue
        for layer in context.dicts:
            for value in layer.values():
                candidates = value if isinstance(value, list) else [value]
                for candidate in candidates:
                    form = candidate if isinstance(candidate, BaseForm) else None
                    form = form or getattr(candidate, "form", None)
                    if isinstance(form, BaseForm) and form.is_bound and form not in found:
                        found.append(form)
    return found


def shown_errors(response: HttpResponse) -> list[str]:
    """The error messages of the page's invalid forms that are not written in the page."""
    page = response.content.decode("utf-8", "replace")
    missing = []
    for form in _forms_in(response):
        if form.is_valid():
            continue
        for messages in form.errors.values():
            for message in messages:
                if escape(message) not in page:
                    missing.append(message)
    return missing


def page_tells_what_is_wrong(response: HttpResponse) -> bool:
    """A page that refused a POST says why: an invalid form, an error message, or an error
    the view put in the page."""
    if any(not form.is_valid() for form in _forms_in(response)):
        return True
    if _error_messages(response):
        return True
    context = response.context
    return any(
        context.get(key) if context is not None else False
        for key in ("error", "problem", "submit_missing", "problems")
    )


@dataclass
class Outcome:
    response: HttpResponse
    refused: bool


def assert_no_server_error(response: HttpResponse, what: str) -> None:
    exc_info = getattr(response, "exc_info", None)
    details = "".join(traceback.format_exception(*exc_info)) if exc_info else ""
    assert response.status_code < 500, f"{what} answered {response.status_code}\n{details}"
    assert exc_info is None, f"{what} raised an exception:\n{details}"


def _templates(response: HttpResponse) -> list[str]:
    return [t.name for t in getattr(response, "templates", []) if t.name]


def _consume(response: HttpResponse) -> None:
    """Streamed answers (the exports, files) fail while they stream: read them to the end.
    Closing one ends the request, whose handler would close the database connection of the
    test: unhooked here the way the test client does it."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
        signals.request_finished.disconnect(close_old_connections)
        try:
            response.close()
        finally:
            signals.request_finished.connect(close_old_connections)


_CLIENT: Client | None = None
_SESSIONS: dict[int, str] = {}


def _client(user) -> Client:
    """One client for every attempt (a new one loads the middleware again, and whitenoise's
    look at the static files costs a third of a second), with only the cookie of `user`'s
    session. The session is opened once, before the attempt's savepoint: a view that changes
    the session key (a password change) is rolled back with it, and the next attempt still
    has a valid cookie."""
    global _CLIENT
    if _CLIENT is None:
        _CLIENT = Client(raise_request_exception=False)
    _CLIENT.cookies = SimpleCookie()
    if user is None:
        return _CLIENT
    key = _SESSIONS.get(user.pk)
    if key is None or not Session.objects.filter(session_key=key).exists():
        _CLIENT.force_login(user)
        key = _SESSIONS[user.pk] = _CLIENT.cookies[settings.SESSION_COOKIE_NAME].value
    _CLIENT.cookies[settings.SESSION_COOKIE_NAME] = key
    return _CLIENT


def _short(data: Any, limit: int = 600) -> str:
    text = repr(data)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def attempt(
    method: str,
    url: str,
    data: Any = None,
    *,
    user=None,
    private_root: Path | None = None,
    content_type: str | None = None,
    urlencoded: bool = False,
    check_errors_shown: bool = True,
    success_page: str | None = None,
    first_get: str | None = None,
    headers: dict[str, str] | None = None,
) -> Outcome:
    """Send one request as `user` (None: a visitor) and check the answer: never a server
    error; and when the request is refused (a GET, a page with errors, a 4xx, a redirect with an
    error message), nothing written to the database nor to the private storage.

    `data` is a dict of fields (sent as multipart, or urlencoded if asked and there is no
    file), or bytes sent as they are with `content_type`. `success_page`: the template of a
    page (not a redirect) that tells a submission was accepted. `first_get`: a page opened
    first, with the same client (one that puts what the form needs in the session).
    `headers`: extra request headers, as WSGI environ keys (HTTP_USER_AGENT...)."""
    what = f"{method.upper()} {url!r} as {getattr(user, 'email', 'a visitor')}, {_short(data)}"
    client = _client(user)
    with transaction.atomic():
        cache.clear()
        if first_get is not None:
            assert client.get(first_get).status_code < 400, f"{first_get} did not open"
        before, files_before = db_state(), stored_files(private_root)
        extra = headers or {}
        if content_type is not None:
            response = client.generic(method.upper(), url, data, content_type=content_type, **extra)
        elif method == "get":
            response = client.get(url, data, **extra)
        elif urlencoded and data and not has_file(data):
            response = client.post(
                url,
                urlencode(data, doseq=True),
                content_type="application/x-www-form-urlencoded",
                **extra,
            )
        else:
            response = client.post(url, data or {}, **extra)
        assert_no_server_error(response, what)
        _consume(response)
        status = response.status_code
        accepted_here = success_page is not None and success_page in _templates(response)
        refused = not accepted_here and (
            method == "get" or status < 300 or status >= 400 or bool(_error_messages(response))
        )
        if refused:
            changed = changed_tables(before, db_state())
            assert not changed, f"{what} answered {status} but wrote: {changed}"
            assert stored_files(private_root) == files_before, f"{what} stored a file"
        if (
            check_errors_shown
            and method == "post"
            and status == 200
            and not accepted_here
            and isinstance(data, dict)
            and data
        ):
            assert page_tells_what_is_wrong(response), f"{what}: 200 without saying what is wrong"
            hidden = shown_errors(response)
            assert not hidden, f"{what}: errors not shown in the page: {hidden}"
        transaction.set_rollback(True)
    return Outcome(response=response, refused=refused)


# --- a view that breaks, for the tests of `attempt` itself ----------------------------------


def _boom(request):
    raise ZeroDivisionError("a bug")


def _writes_and_refuses(request):
    from certification.models import Association

    Association.objects.create(name="Scritta per errore")
    return HttpResponse("Errore nel modulo", status=200)


def _stores_and_refuses(request):
    folder = Path(settings.PRIVATE_STORAGE_ROOT)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "scritto-per-errore.pdf").write_bytes(b"%PDF-")
    return HttpResponse("Errore nel modulo", status=400)


def _refuses_without_a_word(request):
    from django.forms import Form
    from django.template import Context, Template

    template = Template("<p>Modulo ricevuto.</p>")
    return HttpResponse(template.render(Context({"form": Form(request.POST)})))


urlpatterns = [
    path("boom/", _boom),
    path("scrive/", _writes_and_refuses),
    path("tace/", _refuses_without_a_word),
    path("salva/", _stores_and_refuses),
]

"""The whole registry's exports are written once per registry generation and then sent from
the kept file (services.export_files): the same bytes, until the registry changes."""

import json
import os
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation

from certification.models import Seal
from certification.services import export_files
from certification.services.export_files import export_file_name, keeping
from tests.certification.registry_helpers import certified

pytestmark = pytest.mark.django_db

CSV_URL = reverse("certification:registry_export_csv")
JSON_URL = reverse("certification:registry_export_json")


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def kept(settings) -> list[str]:
    root = settings.REGISTRY_EXPORT_ROOT
    return sorted(path.name for path in root.iterdir()) if root.exists() else []


def generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM certification_registrygeneration WHERE id = 1")
        return cursor.fetchone()[0]


@pytest.fixture
def registry(db):
    certified("Contact Uno S.r.l.")
    certified("Chiamate Due S.p.A.", status=Seal.Status.SUSPENDED)


@pytest.mark.parametrize(("url", "extension"), [(CSV_URL, "csv"), (JSON_URL, "json")])
def test_the_second_download_is_the_first_ones_file(
    client, registry, settings, django_assert_num_queries, url, extension
):
    first = client.get(url)
    assert not isinstance(first, FileResponse)
    first_bytes = body(first)
    assert kept(settings) == [export_file_name(extension, generation())]

    # The generation, and nothing of the registry.
    with django_assert_num_queries(1):
        second = client.get(url)
    assert isinstance(second, FileResponse)
    assert second.status_code == 200
    assert second["Content-Type"] == first["Content-Type"]
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Cache-Control"] == "no-cache"
    assert int(second["Content-Length"]) == len(first_bytes)
    assert body(second) == first_bytes
    assert b"Chiamate Due S.p.A." in first_bytes


def test_a_change_to_the_registry_is_in_the_next_download(client, registry, settings):
    body(client.get(CSV_URL))
    old = kept(settings)

    certified("Terza Chiamata S.r.l.")
    response = client.get(CSV_URL)
    assert not isinstance(response, FileResponse)
    assert "Terza Chiamata S.r.l." in body(response).decode()
    # The earlier generation's file is gone, this one's is kept.
    assert kept(settings) == [export_file_name("csv", generation())]
    assert kept(settings) != old
    assert "Terza Chiamata S.r.l." in body(client.get(CSV_URL)).decode()


def test_a_suspension_reaches_the_next_download(client, registry):
    body(client.get(JSON_URL))
    Seal.objects.filter(organization__legal_name="Contact Uno S.r.l.").update(
        status=Seal.Status.SUSPENDED, public_reason="Verifica in corso."
    )
    rows = json.loads(body(client.get(JSON_URL)))
    assert {row["ragione_sociale"]: row["stato"] for row in rows} == {
        "Chiamate Due S.p.A.": "sospeso",
        "Contact Uno S.r.l.": "sospeso",
    }


@pytest.mark.parametrize(
    "params", [{"regione": "lombardia"}, {"q": "contact"}, {"ordina": "-nome"}]
)
def test_a_filtered_export_is_never_kept(client, registry, settings, params):
    for _ in range(2):
        response = client.get(CSV_URL, params)
        assert not isinstance(response, FileResponse)
        assert b"Contact Uno S.r.l." in body(response)
    assert kept(settings) == []


def test_a_download_stopped_half_way_keeps_nothing(client, settings):
    for i in range(30):
        certified(f"Azienda {i:02d} S.r.l.")
    response = client.get(JSON_URL)
    chunks = iter(response.streaming_content)
    assert next(chunks) == b"["
    next(chunks)
    # What the server does when the client goes away: close the response, which closes the
    # chunks being written. (It also ends the request, and with it this test's connection:
    # nothing after this asks the database.)
    response.close()
    assert kept(settings) == []


def test_each_language_has_its_own_file(client, registry, settings):
    body(client.get(CSV_URL, HTTP_ACCEPT_LANGUAGE="it"))
    body(client.get(CSV_URL, HTTP_ACCEPT_LANGUAGE="en"))
    names = []
    for language in ("en", "it"):
        with translation.override(language):
            names.append(export_file_name("csv", generation()))
    assert kept(settings) == sorted(names)
    assert isinstance(client.get(CSV_URL, HTTP_ACCEPT_LANGUAGE="en"), FileResponse)


def test_the_name_follows_the_day_and_the_site_address(settings, monkeypatch):
    name = export_file_name("csv", 7)
    assert name.startswith("000000000007-") and name.endswith(".csv")
    tomorrow = timezone.localdate() + timedelta(days=1)
    monkeypatch.setattr(export_files.timezone, "localdate", lambda: tomorrow)
    assert export_file_name("csv", 7) != name
    monkeypatch.undo()
    assert export_file_name("csv", 7) == name
    settings.SITE_URL = "https://altro.example"
    assert export_file_name("csv", 7) != name


def test_without_a_generation_nothing_is_kept(settings):
    assert list(keeping(iter([b"a", b"b"]), "csv", None)) == [b"a", b"b"]
    assert kept(settings) == []


def test_older_and_abandoned_files_are_removed(settings):
    root = settings.REGISTRY_EXPORT_ROOT
    root.mkdir(parents=True)
    hour_and_a_bit = time.time() - 3700
    files = {
        "older": root / export_file_name("csv", 4),
        "later": root / export_file_name("csv", 6),
        "other format": root / export_file_name("json", 5),
        "yesterday's": root / "000000000005-0123456789abcdef01234567.csv",
        "abandoned": root / ".writing-dead-000000000005-x.csv",
        "being written": root / ".writing-alive-000000000005-x.csv",
        "not ours": root / "README",
    }
    for path in files.values():
        path.write_bytes(b"x")
    os.utime(files["yesterday's"], (time.time() - 90_000,) * 2)
    os.utime(files["abandoned"], (hour_and_a_bit,) * 2)

    assert b"".join(keeping(iter([b"new"]), "csv", 5)) == b"new"

    left = {name for name, path in files.items() if path.exists()}
    assert left == {"later", "other format", "being written", "not ours"}
    assert (root / export_file_name("csv", 5)).read_bytes() == b"new"


def test_an_error_while_writing_keeps_nothing(settings):
    def failing():
        yield b"first"
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        list(keeping(failing(), "csv", 5))
    assert kept(settings) == []


def test_a_file_removed_meanwhile_is_written_again(client, registry, settings):
    first = body(client.get(CSV_URL))
    # Another process, having written a later generation's file, removed this one.
    for path in settings.REGISTRY_EXPORT_ROOT.iterdir():
        path.unlink()
    response = client.get(CSV_URL)
    assert not isinstance(response, FileResponse)
    assert body(response) == first


def test_the_demo_streams_every_time(client, registry, settings, monkeypatch):
    monkeypatch.setattr("certification.views.registry.registry_generation", lambda: None)
    for _ in range(2):
        response = client.get(CSV_URL)
        assert isinstance(response, StreamingHttpResponse)
        assert not isinstance(response, FileResponse)
        body(response)
    assert kept(settings) == []

"""The registry as open data: /registro/export.csv and /registro/export.json, with the page's
filters, every matching firm, streamed from a server-side cursor."""

import csv
import gc
import io
import json
import time
import tracemalloc

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from certification.models import Application, Organization, Seal, Sector
from certification.services.registry import EXPORT_FIELDS
from tests.certification.registry_helpers import certified, certify

pytestmark = pytest.mark.django_db

CSV_URL = reverse("certification:registry_export_csv")
JSON_URL = reverse("certification:registry_export_json")
St = Seal.Status


def body(response) -> bytes:
    assert isinstance(response, StreamingHttpResponse)
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))


def json_rows(response) -> list[dict]:
    return json.loads(body(response).decode("utf-8"))


@pytest.fixture
def registry(firm_a, firm_b):
    certify(firm_a)
    certify(firm_b, version="1.0", status=St.SUSPENDED)
    certified(
        "Caffè Telefonico S.r.l.",
        provincia="RM",
        comune="Roma",
        sectors=("telecomunicazioni", "energia", "editoria"),
        outbound=False,
    )
    certified("Revocata Call S.r.l.", status=St.REVOKED)
    certified("Scaduta Call S.r.l.", status=St.EXPIRED)


def test_the_csv_holds_every_certified_firm_with_its_seal(client, registry, firm_a, settings):
    settings.SITE_URL = "https://bollinoblu.example"
    response = client.get(CSV_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="registro-bollino-blu-{today}.csv"'
    )
    rows = csv_rows(response)
    assert list(rows[0]) == list(EXPORT_FIELDS)
    assert [r["ragione_sociale"] for r in rows] == [
        "Caffè Telefonico S.r.l.",
        "Chiamate Due S.p.A.",
        "Contact Uno S.r.l.",
    ]
    seal = Seal.objects.get(organization=firm_a)
    assert rows[2] == {
        "partita_iva": "01234560157",
        "ragione_sociale": "Contact Uno S.r.l.",
        "comune": "Milano",
        "provincia": "MI",
        "regione": "Lombardia",
        "servizi": "inbound | outbound",
        "settori": "Energia e gas",
        "numero_bollino": seal.number,
        "stato": "attivo",
        "valido_dal": seal.valid_from.isoformat(),
        "valido_fino_al": seal.valid_until.isoformat(),
        "versione_codice": "2.0",
        "url_verifica": f"https://bollinoblu.example/verifica/{seal.number}/",
    }
    assert rows[0]["settori"] == "Energia e gas | Telecomunicazioni | Editoria"
    assert rows[0]["servizi"] == "inbound"
    assert rows[1]["stato"] == "sospeso"
    assert rows[1]["versione_codice"] == "1.0"


def test_the_json_has_the_same_firms_and_keys(client, registry):
    response = client.get(JSON_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].endswith('.json"')
    rows = json_rows(response)
    assert [list(r) for r in rows] == [list(EXPORT_FIELDS)] * 3
    assert rows[0]["ragione_sociale"] == "Caffè Telefonico S.r.l."
    assert rows[0]["settori"] == ["Energia e gas", "Telecomunicazioni", "Editoria"]
    assert rows[0]["servizi"] == ["inbound"]
    csv_firms = [r["partita_iva"] for r in csv_rows(client.get(CSV_URL))]
    assert [r["partita_iva"] for r in rows] == csv_firms


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"regione": "lazio"}, ["Caffè Telefonico S.r.l."]),
        ({"settore": "editoria"}, ["Caffè Telefonico S.r.l."]),
        ({"servizio": "outbound"}, ["Chiamate Due S.p.A.", "Contact Uno S.r.l."]),
        ({"versione": "1.0"}, ["Chiamate Due S.p.A."]),
        ({"q": "Contatc Uno"}, ["Contact Uno S.r.l."]),
        ({"q": "cafe", "regione": "lazio", "servizio": "inbound"}, ["Caffè Telefonico S.r.l."]),
        ({"regione": "lombardia", "ordina": "-nome"},
         ["Contact Uno S.r.l.", "Chiamate Due S.p.A."]),
        # The exports hold every firm: a page number is no filter.
        ({"pagina": "7"},
         ["Caffè Telefonico S.r.l.", "Chiamate Due S.p.A.", "Contact Uno S.r.l."]),
    ],
)  # fmt: skip
def test_the_exports_take_the_filters_of_the_page(client, registry, params, expected):
    assert [r["ragione_sociale"] for r in csv_rows(client.get(CSV_URL, params))] == expected
    assert [r["ragione_sociale"] for r in json_rows(client.get(JSON_URL, params))] == expected


def test_an_empty_result_is_a_header_or_an_empty_array(client, registry):
    response = client.get(CSV_URL, {"regione": "sicilia"})
    assert body(response).decode() == "\ufeff" + ";".join(EXPORT_FIELDS) + "\r\n"
    assert json_rows(client.get(JSON_URL, {"regione": "sicilia"})) == []


@pytest.mark.parametrize(
    "params",
    [{"regione": "atlantide"}, {"settore": "pesca"}, {"versione": "x"}, {"q": "x" * 500}],
)
def test_bad_parameters_are_refused_with_a_message(client, registry, params):
    response = client.get(CSV_URL, params)
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Parametri non validi:")
    response = client.get(JSON_URL, params)
    assert response.status_code == 400
    error = response.json()
    assert error["errore"] == "Parametri non validi."
    assert len(error["dettagli"]) == 1


def test_the_exports_refuse_post(client, registry):
    assert client.post(CSV_URL).status_code == 405
    assert client.post(JSON_URL).status_code == 405


def test_the_exports_are_public(client, registry, applicant):
    client.force_login(applicant)
    assert len(csv_rows(client.get(CSV_URL))) == 3


def test_the_number_of_queries_grows_with_chunks_not_rows(
    client, django_assert_num_queries, monkeypatch
):
    for i in range(30):
        certified(f"Azienda {i:02d} S.r.l.")
    # Form choices (sectors, versions), the registry's generation, provinces, versions,
    # sectors, the rows, then one query of sectors per chunk of rows.
    with django_assert_num_queries(8):
        assert len(json_rows(client.get(JSON_URL))) == 30
    monkeypatch.setattr("certification.services.registry.EXPORT_CHUNK", 10)
    # The form's choices now come from the cache; two more chunks, two more sector queries.
    # (Sorted by name: the whole registry would now come from its kept file.)
    with django_assert_num_queries(7):
        assert len(json_rows(client.get(JSON_URL, {"ordina": "nome"}))) == 30


# --- a large registry ----------------------------------------------------------------------

LARGE = 50_000
# The copies' partite IVA are their number padded with zeros: no factory makes these.
COPY = "000000%%"


def _copies(model, template_pk: int, source: str, **replaced: str) -> str:
    """INSERT … SELECT copying the template row `t` of `model` once per row of `source`,
    with some columns replaced by SQL expressions: every other column, present or added
    later, keeps the template's value."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [replaced.get(c, f"t.{connection.ops.quote_name(c)}") for c in columns]
    names = ", ".join(connection.ops.quote_name(c) for c in columns)
    return (
        f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} "
        f"FROM {table} t {source} AND t.id = {int(template_pk)}"
    )


def _large_registry(n: int) -> None:
    """n certified firms: one made the usual way, copied n - 1 times in SQL (bulk_create
    of 200,000 rows takes a minute on a busy machine; this takes seconds)."""
    template = certified("Modello S.r.l.")
    seal = Seal.objects.get(organization=template)
    organizations = Organization._meta.db_table
    provinces = ", ".join(f"'{p}'" for p in ("MI", "RM", "NA", "TO", "BA", "PA", "FI", "BO"))
    with connection.cursor() as cursor:
        cursor.execute(
            _copies(
                Organization,
                template.pk,
                "CROSS JOIN generate_series(1, %s) AS i WHERE TRUE",
                legal_name="'Contact Center Numero ' || lpad(i::text, 5, '0') || ' S.r.l.'",
                partita_iva="lpad(i::text, 11, '0')",
                codice_fiscale="lpad(i::text, 11, '0')",
                pec="'firm' || i || '@pec.example.it'",
                provincia_id=f"(ARRAY[{provinces}])[1 + i %% 8]",
                outbound="i %% 2 = 0",
                search_text="''",
            ),
            [n - 1],
        )
        cursor.execute(
            f"INSERT INTO {Organization.sectors.through._meta.db_table} "
            "(organization_id, sector_id) SELECT o.id, s.slug "
            f"FROM {organizations} o CROSS JOIN {Sector._meta.db_table} s "
            f"WHERE o.partita_iva LIKE '{COPY}' AND s.slug IN ('energia', 'telecomunicazioni')"
        )
        cursor.execute(
            _copies(
                Application,
                seal.application_id,
                f"JOIN {organizations} o ON o.partita_iva LIKE '{COPY}' WHERE TRUE",
                organization_id="o.id",
            )
        )
        sequence = "row_number() OVER (ORDER BY a.id)"
        cursor.execute(
            _copies(
                Seal,
                seal.pk,
                f"JOIN {Application._meta.db_table} a ON a.organization_id IN "
                f"(SELECT id FROM {organizations} WHERE partita_iva LIKE '{COPY}') WHERE TRUE",
                organization_id="a.organization_id",
                application_id="a.id",
                year="2024",
                sequence=sequence,
                number=f"'BB-2024-' || lpad(({sequence})::text, 5, '0')",
            )
        )


def _stream(response) -> tuple[int, int, int]:
    """Consume a streaming response as a client would: bytes, lines and the peak of memory
    allocated meanwhile (the chunks are counted, never kept)."""
    assert isinstance(response, StreamingHttpResponse)
    produced = lines = 0
    gc.collect()
    tracemalloc.start()
    try:
        for chunk in response.streaming_content:
            produced += len(chunk)
            lines += chunk.count(b"\n")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return produced, lines, peak


def test_a_large_registry_streams_in_flat_memory(client):
    started = time.monotonic()
    _large_registry(LARGE)
    assert Seal.objects.current().count() == LARGE
    print(f"\n{LARGE} firms built in {time.monotonic() - started:.1f} s")
    for url, extra_lines in ((CSV_URL, 1), (JSON_URL, 2)):  # the header, or the brackets
        started = time.monotonic()
        produced, lines, peak = _stream(client.get(url))
        print(
            f"{url}: streamed in {time.monotonic() - started:.1f} s (traced), "
            f"{produced / 1e6:.1f} MB, peak {peak / 1e6:.2f} MB ({100 * peak / produced:.1f}%)"
        )
        assert lines == LARGE + extra_lines
        assert peak < produced * 0.2

"""The read-only JSON API under /api/: registry, firm, seal verification, code versions, the
OpenAPI schema; JSON errors (400/404/405/429), CORS, rate limit, flat query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.models import Seal
from certification.services.seals import seal_suspend
from codice.models import CodeVersion
from tests.certification.registry_api_helpers import certified_firm, certify, current_version
from tests.certification.seal_helpers import approve
from tests.factories import OrganizationFactory, make_version

SITE = "http://127.0.0.1:8000"


def get(client, path: str, data: dict | None = None, **extra):
    response = client.get(path, data or {}, **extra)
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    assert response["Access-Control-Allow-Origin"] == "*"
    return response


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def three_firms(db):
    """Alfa (Milano, energy, both services), Beta (Napoli, telecoms, inbound only, suspended),
    Gamma (Roma, banking, outbound only)."""
    alfa = certified_firm(legal_name="Alfa Contact S.r.l.", sectors=("energia",))
    beta = certified_firm(
        legal_name="Beta Chiamate S.p.A.",
        sigla="NA",
        comune="Napoli",
        sectors=("telecomunicazioni",),
        outbound=False,
        status=Seal.Status.SUSPENDED,
    )
    gamma = certified_firm(
        legal_name="Gamma Servizi S.r.l.",
        sigla="RM",
        comune="Roma",
        sectors=("banche-assicurazioni", "energia"),
        inbound=False,
    )
    return alfa, beta, gamma


def names(response) -> list[str]:
    return [firm["ragione_sociale"] for firm in response.json()["risultati"]]


# --- index and schema -----------------------------------------------------------------------


def test_the_index_lists_the_endpoints(client, db):
    response = get(client, "/api/")
    assert response.status_code == 200
    body = response.json()
    assert body["schema_openapi"] == f"{SITE}/api/openapi.json"
    assert [e["percorso"] for e in body["endpoint"]] == [
        "/api/registro/",
        "/api/registro/{partita_iva}/",
        "/api/bollini/{numero}/",
        "/api/codice/versioni/",
        "/api/openapi.json",
    ]


def test_the_openapi_schema_describes_every_endpoint_and_its_errors(client, db):
    response = get(client, "/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/",
        "/api/registro/",
        "/api/registro/{partita_iva}/",
        "/api/bollini/{numero}/",
        "/api/codice/versioni/",
    }
    registry = schema["paths"]["/api/registro/"]["get"]
    assert {p["name"] for p in registry["parameters"]} == {
        "q",
        "regione",
        "settore",
        "servizio",
        "versione",
        "ordina",
        "pagina",
        "per_pagina",
    }
    assert set(registry["responses"]) == {"200", "400", "429"}
    assert set(schema["paths"]["/api/bollini/{numero}/"]["get"]["responses"]) == {
        "200",
        "404",
        "429",
    }


def test_there_is_no_docs_page_loading_assets_from_a_cdn(client, db):
    response = get(client, "/api/docs")
    assert response.status_code == 404
    assert b"cdn" not in response.content.lower()


# --- the registry ---------------------------------------------------------------------------


def test_the_registry_lists_certified_firms_by_name_with_their_seal(client, three_firms):
    alfa, beta, _gamma = three_firms
    OrganizationFactory(legal_name="Aaa Senza Bollino S.r.l.")
    certified_firm(legal_name="Aab Revocata S.r.l.", status=Seal.Status.REVOKED)
    response = get(client, "/api/registro/")
    assert response.status_code == 200
    body = response.json()
    assert (body["conteggio"], body["pagina"], body["pagine"], body["per_pagina"]) == (3, 1, 1, 20)
    assert (body["precedente"], body["successiva"]) == (None, None)
    assert names(response) == [
        "Alfa Contact S.r.l.",
        "Beta Chiamate S.p.A.",
        "Gamma Servizi S.r.l.",
    ]
    first = body["risultati"][0]
    seal = alfa.seals.get()
    assert first == {
        "partita_iva": alfa.partita_iva,
        "ragione_sociale": "Alfa Contact S.r.l.",
        "comune": "Milano",
        "provincia": "MI",
        "regione": "lombardia",
        "regione_nome": "Lombardia",
        "servizi": ["inbound", "outbound"],
        "settori": [{"codice": "energia", "nome": "Energia e gas"}],
        "bollino": {
            "numero": seal.number,
            "stato": "attivo",
            "valido_dal": seal.valid_from.isoformat(),
            "valido_fino_al": seal.valid_until.isoformat(),
            "versione_codice": "2.0",
            "url_verifica": f"{SITE}/verifica/{seal.number}/",
        },
        "url": f"{SITE}/api/registro/{alfa.partita_iva}/",
    }
    assert body["risultati"][1]["bollino"]["stato"] == "sospeso"
    assert body["risultati"][1]["servizi"] == ["inbound"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "gamma"}, ["Gamma Servizi S.r.l."]),
        ({"q": "napoli"}, ["Beta Chiamate S.p.A."]),
        ({"regione": "lazio"}, ["Gamma Servizi S.r.l."]),
        ({"settore": "energia"}, ["Alfa Contact S.r.l.", "Gamma Servizi S.r.l."]),
        ({"servizio": "outbound"}, ["Alfa Contact S.r.l.", "Gamma Servizi S.r.l."]),
        ({"servizio": "inbound", "regione": "campania"}, ["Beta Chiamate S.p.A."]),
        (
            {"versione": "2.0"},
            ["Alfa Contact S.r.l.", "Beta Chiamate S.p.A.", "Gamma Servizi S.r.l."],
        ),
        (
            {"ordina": "-nome"},
            ["Gamma Servizi S.r.l.", "Beta Chiamate S.p.A.", "Alfa Contact S.r.l."],
        ),
        (
            {"ordina": "comune"},
            ["Alfa Contact S.r.l.", "Beta Chiamate S.p.A.", "Gamma Servizi S.r.l."],
        ),
        (
            {"q": "", "regione": "", "settore": "", "servizio": "", "versione": "", "ordina": ""},
            ["Alfa Contact S.r.l.", "Beta Chiamate S.p.A.", "Gamma Servizi S.r.l."],
        ),
    ],
)
def test_the_registry_takes_the_pages_filters(client, three_firms, params, expected):
    response = get(client, "/api/registro/", params)
    assert response.status_code == 200
    assert names(response) == expected


def test_a_partita_iva_search_finds_that_firm(client, three_firms):
    _alfa, beta, _gamma = three_firms
    assert names(get(client, "/api/registro/", {"q": beta.partita_iva})) == ["Beta Chiamate S.p.A."]


def test_a_version_filter_on_a_version_nobody_holds_is_empty_not_an_error(client, three_firms):
    make_version("1.0", status=CodeVersion.Status.SUPERSEDED)
    response = get(client, "/api/registro/", {"versione": "1.0"})
    assert response.status_code == 200
    assert response.json()["conteggio"] == 0


def test_the_registry_pages_with_links_to_the_previous_and_next(client, three_firms):
    response = get(client, "/api/registro/", {"per_pagina": 2, "pagina": 2, "regione": ""})
    body = response.json()
    assert (body["conteggio"], body["pagina"], body["pagine"]) == (3, 2, 2)
    assert names(response) == ["Gamma Servizi S.r.l."]
    assert body["successiva"] is None
    assert body["precedente"] == f"{SITE}/api/registro/?per_pagina=2&pagina=1&regione="
    first = get(client, "/api/registro/", {"per_pagina": 2}).json()
    assert first["successiva"] == f"{SITE}/api/registro/?per_pagina=2&pagina=2"


def test_an_empty_registry_is_one_empty_page(client, db):
    body = get(client, "/api/registro/").json()
    assert (body["conteggio"], body["pagina"], body["pagine"], body["risultati"]) == (0, 1, 1, [])


def test_the_registry_query_count_does_not_grow_with_the_firms(client, db):
    def count_queries(**params) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = get(client, "/api/registro/", {"per_pagina": 100, **params})
        assert response.status_code == 200
        return len(captured.captured_queries)

    for i in range(3):
        certified_firm(legal_name=f"Ditta {i:02d} S.r.l.", sectors=("energia", "altro"))
    small = count_queries(), count_queries(settore="energia", versione="2.0", q="ditta")
    for i in range(3, 30):
        certified_firm(legal_name=f"Ditta {i:02d} S.r.l.", sectors=("energia", "altro"))
    large = count_queries(), count_queries(settore="energia", versione="2.0", q="ditta")
    assert small == large
    # The registry's generation, the count, the page's ids, its rows, its sectors.
    assert small[0] <= 5
    # Asked again, with the registry unchanged: the generation, then the cache.
    assert count_queries() == 1
    assert len(get(client, "/api/registro/", {"per_pagina": 100}).json()["risultati"]) == 30


# --- bad parameters: 400 with a JSON error ---------------------------------------------------


@pytest.mark.parametrize(
    ("params", "parametro", "problema"),
    [
        ({"pagina": "0"}, "pagina", "deve essere almeno 1"),
        ({"pagina": "-3"}, "pagina", "deve essere almeno 1"),
        ({"pagina": "due"}, "pagina", "deve essere un numero intero"),
        ({"pagina": "1.5"}, "pagina", "deve essere un numero intero"),
        ({"pagina": ""}, "pagina", "deve essere un numero intero"),
        ({"pagina": "2"}, "pagina", "la pagina 2 non esiste: le pagine sono 1"),
        ({"pagina": "9" * 40}, "pagina", "non esiste"),
        ({"per_pagina": "0"}, "per_pagina", "deve essere almeno 1"),
        ({"per_pagina": "101"}, "per_pagina", "deve essere al massimo 100"),
        ({"per_pagina": "molti"}, "per_pagina", "deve essere un numero intero"),
        ({"regione": "atlantide"}, "regione", "valore non ammesso"),
        ({"regione": "Lombardia"}, "regione", "valore non ammesso"),
        ({"servizio": "fax"}, "servizio", "valore non ammesso"),
        ({"ordina": "prezzo"}, "ordina", "valore non ammesso"),
        ({"settore": "pesca"}, "settore", "settore sconosciuto; i settori sono: energia,"),
        ({"settore": "a b"}, "settore", "formato non valido"),
        ({"versione": "ultima"}, "versione", "formato non valido"),
        ({"versione": "9.9"}, "versione", "versione del codice sconosciuta"),
        ({"q": "x" * 201}, "q", "troppo lungo: al massimo 200 caratteri"),
        ({"q": "alfa\x00"}, "q", "formato non valido"),
    ],
)
def test_every_bad_registry_parameter_is_a_400_with_a_json_error(
    client, three_firms, params, parametro, problema
):
    response = get(client, "/api/registro/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["errore"] == "Parametri non validi."
    assert body["codice"] == "parametri_non_validi"
    assert [d["parametro"] for d in body["dettagli"]] == [parametro]
    assert problema in body["dettagli"][0]["problema"]


def test_a_draft_version_is_not_a_known_version(client, three_firms):
    make_version("3.0", status=CodeVersion.Status.DRAFT)
    response = get(client, "/api/registro/", {"versione": "3.0"})
    assert response.status_code == 400
    assert "le versioni pubblicate sono: 2.0" in response.json()["dettagli"][0]["problema"]


def test_several_bad_parameters_are_all_reported(client, db):
    response = get(client, "/api/registro/", {"pagina": "x", "per_pagina": "1000", "ordina": "?"})
    assert response.status_code == 400
    assert {d["parametro"] for d in response.json()["dettagli"]} == {
        "pagina",
        "per_pagina",
        "ordina",
    }


# --- a firm ---------------------------------------------------------------------------------


def test_a_firms_detail_has_its_public_data_sites_and_seal_history(
    client, db, django_assert_max_num_queries
):
    firm = certified_firm(
        legal_name="Delta Voice S.r.l.",
        sigla="TO",
        comune="Torino",
        website="https://delta.example",
    )
    old = firm.seals.get()
    Seal.objects.filter(pk=old.pk).update(
        status=Seal.Status.EXPIRED, public_reason=Seal.PublicReason.RENEWED
    )
    new = certify(firm, score="91.25", score_published=True)
    with django_assert_max_num_queries(4):
        response = get(client, f"/api/registro/{firm.partita_iva}/")
    assert response.status_code == 200
    body = response.json()
    assert body["ragione_sociale"] == "Delta Voice S.r.l."
    assert (body["comune"], body["provincia"], body["regione"]) == ("Torino", "TO", "piemonte")
    assert body["sito_web"] == "https://delta.example"
    assert body["sedi"] == [
        {
            "nome": "Sede principale",
            "comune": "Torino",
            "provincia": "TO",
            "regione": "piemonte",
            "postazioni": 80,
        }
    ]
    assert body["bollino"]["numero"] == new.number
    assert body["bollino"]["punteggio"] == "91.25"
    assert [(s["numero"], s["stato"], s["punteggio"]) for s in body["bollini"]] == [
        (new.number, "attivo", "91.25"),
        (old.number, "scaduto", None),
    ]
    assert body["url"] == f"{SITE}/api/registro/{firm.partita_iva}/"
    assert body["url_pagina"] == f"{SITE}/registro/{firm.partita_iva}/"
    assert "pec" not in body and "codice_fiscale" not in body


def test_a_suspended_firm_has_a_detail_saying_so(client, three_firms):
    _alfa, beta, _gamma = three_firms
    body = get(client, f"/api/registro/{beta.partita_iva}/").json()
    assert body["bollino"]["stato"] == "sospeso"


@pytest.mark.parametrize("kind", ["unknown", "no_seal", "revoked", "expired", "malformed"])
def test_a_firm_not_in_the_registry_is_a_404(client, db, kind):
    partita_iva = {
        "unknown": "00000000000",
        "no_seal": lambda: OrganizationFactory().partita_iva,
        "revoked": lambda: certified_firm(status=Seal.Status.REVOKED).partita_iva,
        "expired": lambda: certified_firm(status=Seal.Status.EXPIRED).partita_iva,
        "malformed": "IT0123%00",
    }[kind]
    partita_iva = partita_iva() if callable(partita_iva) else partita_iva
    response = get(client, f"/api/registro/{partita_iva}/")
    assert response.status_code == 404
    assert response.json() == {
        "errore": "Nessun contact center certificato ha questa partita IVA.",
        "codice": "non_trovato",
        "dettagli": [],
    }


# --- a seal ---------------------------------------------------------------------------------


def test_a_seal_verification_has_the_same_data_as_the_verification_json(
    client, firm_a, applicant, committee, auditor, private_root
):
    seal = approve(firm=firm_a, applicant=applicant, committee=committee, lead=auditor)
    seal_suspend(seal=seal, by=committee, reason="Verifica interna", public_reason="segnalazioni")
    seal.refresh_from_db()
    page = client.get(f"/verifica/{seal.number}.json").json()
    response = get(client, f"/api/bollini/{seal.number.lower()}/")
    assert response.status_code == 200
    body = response.json()
    assert body["numero"] == page["number"] == seal.number
    assert body["url"] == f"{SITE}/verifica/{seal.number}/"
    assert (
        (body["stato"], body["stato_descrizione"], body["valido"])
        == (
            page["status"],
            page["status_label"],
            page["valid"],
        )
        == ("sospeso", "Sospeso", False)
    )
    assert body["motivo_pubblico"] == page["public_reason"] == "segnalazioni"
    assert body["motivo_pubblico_descrizione"] == page["public_reason_label"]
    assert body["azienda"] == {
        "ragione_sociale": page["organization"]["legal_name"],
        "partita_iva": page["organization"]["partita_iva"],
        "comune": page["organization"]["comune"],
        "provincia": page["organization"]["provincia"],
    }
    assert (body["valido_dal"], body["valido_fino_al"]) == (page["valid_from"], page["valid_until"])
    assert body["versione_codice"]["numero"] == page["code_version"]["number"]
    assert body["certificato"]["pronto"] == page["certificate"]["ready"]
    assert body["certificato"]["sha256"] == page["certificate"]["sha256"]
    assert body["certificato"]["url"] is None  # not while suspended
    assert [(e["stato"], e["motivo_pubblico"]) for e in body["storia"]] == [
        (e["status"], e["public_reason"]) for e in page["history"]
    ]
    assert "Verifica interna" not in response.content.decode()


def test_an_active_seal_links_its_certificate(client, db, private_root):
    firm = certified_firm()
    seal = firm.seals.get()
    body = get(client, f"/api/bollini/{seal.number}/").json()
    assert body["valido"] is True
    assert body["certificato"] == {"pronto": False, "sha256": None, "url": None}


def test_a_seal_past_its_last_day_reads_expired(client, db):
    seal = certify(
        OrganizationFactory(), issued=timezone.localdate() - datetime.timedelta(days=731)
    )
    assert seal.status == Seal.Status.ACTIVE
    assert seal.valid_until == timezone.localdate() - datetime.timedelta(days=1)
    body = get(client, f"/api/bollini/{seal.number}/").json()
    assert (body["stato"], body["valido"]) == ("scaduto", False)


@pytest.mark.parametrize("number", ["BB-2020-99999", "BB-1", "nulla", "%00", "x" * 300])
def test_an_unknown_or_malformed_seal_number_is_a_404(client, db, number):
    response = get(client, f"/api/bollini/{number}/")
    assert response.status_code == 404
    assert response.json()["codice"] == "non_trovato"


# --- code versions --------------------------------------------------------------------------


def test_the_code_versions_are_the_published_and_superseded_ones(client, db):
    make_version("1.0", status=CodeVersion.Status.SUPERSEDED)
    current_version()
    make_version("3.0", status=CodeVersion.Status.DRAFT)
    body = get(client, "/api/codice/versioni/").json()
    assert [(v["numero"], v["stato"]) for v in body["risultati"]] == [
        ("2.0", "pubblicata"),
        ("1.0", "superata"),
    ]
    current = body["risultati"][0]
    assert current["url"] == f"{SITE}/codice/2.0/"
    assert current["url_pdf"] == f"{SITE}/codice/2.0/codice.pdf"
    assert current["in_vigore_dal"] == "2025-01-01"
    assert current["titolo"]


# --- every answer under /api/ is JSON --------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/nulla/", "/api/registro/a/b/", "/api/%00/"])
def test_an_unknown_api_address_is_a_json_404(client, db, path):
    response = get(client, path)
    assert response.status_code == 404
    assert response.json()["codice"] == "non_trovato"


def test_a_write_method_is_a_json_405(client, db):
    for method in (client.post, client.put, client.delete):
        response = method("/api/registro/")
        assert response.status_code == 405
        assert response["Content-Type"].startswith("application/json")
        assert response["Allow"] == "GET"
        assert response.json()["codice"] == "metodo_non_consentito"


def test_a_cross_origin_preflight_is_allowed_for_get(client, db):
    response = client.options(
        "/api/registro/",
        HTTP_ORIGIN="https://associazione.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response["Access-Control-Allow-Methods"]


def test_pages_outside_the_api_get_no_cors_header(client, db):
    assert "Access-Control-Allow-Origin" not in client.get("/chi-mi-ha-chiamato/")


# --- rate limit -----------------------------------------------------------------------------


def test_the_api_is_rate_limited_per_client_with_a_json_429(client, db, settings):
    settings.API_RATE_LIMIT = 3
    for path in ("/api/", "/api/codice/versioni/", "/api/registro/"):
        assert get(client, path).status_code == 200
    refused = get(client, "/api/registro/")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused.json()["codice"] == "troppe_richieste"
    assert get(client, "/api/nulla/").status_code == 429
    assert get(client, "/api/", REMOTE_ADDR="10.0.0.7").status_code == 200


def test_behind_the_proxy_the_client_is_the_address_it_saw(client, db, settings):
    settings.API_RATE_LIMIT = 1
    settings.RATELIMIT_TRUSTED_PROXY_HOPS = 1
    assert get(client, "/api/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2").status_code == 200
    assert get(client, "/api/", HTTP_X_FORWARDED_FOR="1.1.1.1, 2.2.2.2").status_code == 429
    assert get(client, "/api/", HTTP_X_FORWARDED_FOR="2.2.2.2, 3.3.3.3").status_code == 200

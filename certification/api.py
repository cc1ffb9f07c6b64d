"""The read-only JSON API under /api/ (open data, PRODUCT §7): the registry with the same
filters as its page, a firm, a seal's verification, the code versions, and the OpenAPI schema
at /api/openapi.json.

Every answer is JSON, errors too: a bad parameter is a 400 with
{"errore", "codice", "dettagli"}, an unknown resource or address a 404, too many requests a
429 with Retry-After. ApiMiddleware adds the CORS header, counts requests per client and turns
any non-JSON error under /api/ (an unknown address, a wrong method) into JSON.
"""

from __future__ import annotations

import datetime
import math
import re
from typing import Any, Literal

from django.conf import settings
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, NinjaAPI, Query, Schema
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer

from certification.forms.verification import normalize_seal_number
from certification.models import OperationalSite, Organization, Regione, Seal, Sector
from certification.services import registry
from certification.views.verification import _find_seal, _public_seal
from certification.views.who_called import registry_firm_url
from codice.models import CodeVersion
from oic_portal.cache import cached_once
from oic_portal.ratelimit import client_ip, hit, too_many

API_PREFIX = "/api/"
RATE_WINDOW = 60  # seconds
PARTITA_IVA = re.compile(r"[0-9]{11}", re.ASCII)


class Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Bollino Blu Qualità – API",
    version="1.0",
    description=(
        "Dati aperti del Bollino Blu Qualità di OIC e Assocontact: il registro dei contact "
        "center certificati, la verifica dei bollini e le versioni del codice di "
        "autoregolamentazione. Sola lettura, senza autenticazione."
    ),
    openapi_url="/openapi.json",
    docs_url=None,  # Swagger UI would load its assets from a CDN
    urls_namespace="api",
    renderer=Renderer(),
)


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


# --- errors ---------------------------------------------------------------------------------


class Dettaglio(Schema):
    parametro: str
    problema: str


class Errore(Schema):
    errore: str
    codice: str
    dettagli: list[Dettaglio] = []


class ApiError(Exception):
    def __init__(self, status: int, errore: str, codice: str, dettagli: list[dict] | None = None):
        super().__init__(errore)
        self.status, self.errore, self.codice = status, errore, codice
        self.dettagli = dettagli or []


def error_body(errore: str, codice: str, dettagli: list[dict] | None = None) -> dict:
    return {"errore": str(errore), "codice": codice, "dettagli": dettagli or []}


def _problem(error: dict) -> str:
    """An Italian sentence for one of pydantic's validation errors."""
    ctx = error.get("ctx") or {}
    kind = error.get("type", "")
    if kind in {"int_parsing", "int_type", "int_from_float", "int_parsing_size"}:
        return _("deve essere un numero intero")
    if kind == "greater_than_equal":
        return _("deve essere almeno %(value)s") % {"value": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("deve essere al massimo %(value)s") % {"value": ctx.get("le")}
    if kind == "literal_error":
        return _("valore non ammesso; i valori possibili sono: %(values)s") % {
            "values": ctx.get("expected", "")
        }
    if kind == "string_too_long":
        return _("troppo lungo: al massimo %(value)s caratteri") % {"value": ctx.get("max_length")}
    if kind == "string_pattern_mismatch":
        return _("formato non valido")
    if kind == "missing":
        return _("obbligatorio")
    return str(error.get("msg", _("valore non valido")))


@api.exception_handler(NinjaValidationError)
def _invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    details = [
        {
            "parametro": ".".join(str(part) for part in error.get("loc", ())[1:]) or "?",
            "problema": _problem(error),
        }
        for error in exc.errors
    ]
    body = error_body(_("Parametri non validi."), "parametri_non_validi", details)
    return api.create_response(request, body, status=400)


@api.exception_handler(ApiError)
def _api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
    body = error_body(exc.errore, exc.codice, exc.dettagli)
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    message = str(exc) if exc.args else _("Risorsa non trovata.")
    return api.create_response(request, error_body(message, "non_trovato"), status=404)


def invalid(parametro: str, problema: str) -> ApiError:
    return ApiError(
        400,
        _("Parametri non validi."),
        "parametri_non_validi",
        [{"parametro": parametro, "problema": str(problema)}],
    )


# --- index ----------------------------------------------------------------------------------


class Endpoint(Schema):
    percorso: str
    descrizione: str


class Indice(Schema):
    nome: str
    versione: str
    descrizione: str
    schema_openapi: str
    endpoint: list[Endpoint]


ENDPOINTS = [
    ("/api/registro/", "Il registro dei contact center certificati, con ricerca e filtri."),
    ("/api/registro/{partita_iva}/", "Un contact center del registro: dati, sedi, bollini."),
    ("/api/bollini/{numero}/", "La verifica di un bollino: stato, azienda, validità."),
    ("/api/codice/versioni/", "Le versioni pubblicate del codice di autoregolamentazione."),
    ("/api/openapi.json", "Lo schema OpenAPI 3 di questa API."),
]

COMMON_ERRORS = {400: Errore, 429: Errore}
FOUND_OR_NOT = {404: Errore, 429: Errore}


@api.get(
    "/",
    response={200: Indice, 429: Errore},
    operation_id="indice",
    summary="Indice dell'API",
    tags=["indice"],
)
def index(request: HttpRequest) -> dict:
    return {
        "nome": api.title,
        "versione": api.version,
        "descrizione": api.description,
        "schema_openapi": absolute("/api/openapi.json"),
        "endpoint": [{"percorso": p, "descrizione": d} for p, d in ENDPOINTS],
    }


# --- registry -------------------------------------------------------------------------------

# Tuples inside Literal[] spell out the allowed values in the schema (an "enum").
RegioneParam = Literal[("", *Regione.values)]  # type: ignore[valid-type]
OrdinaParam = Literal[(registry.RELEVANCE, *registry.SORTS)]  # type: ignore[valid-type]
ServizioParam = Literal[("", *registry.SERVICES)]  # type: ignore[valid-type]


class RegistroParams(Schema):
    q: str = Field(
        "",
        max_length=200,
        pattern=r"^[^\x00]*$",
        description="Nome, partita IVA o comune (anche con errori di battitura).",
    )
    regione: RegioneParam = Field("", description="Regione della sede legale; vuoto: tutte.")
    settore: str = Field(
        "",
        max_length=40,
        pattern=r"^[-a-zA-Z0-9_]*$",
        description="Codice di un settore servito (per esempio energia); vuoto: tutti.",
    )
    servizio: ServizioParam = Field("", description="inbound o outbound; vuoto: tutti.")
    versione: str = Field(
        "",
        pattern=r"^([0-9]{1,3}(\.[0-9]{1,3})?)?$",
        description="Versione del codice del bollino (per esempio 2.0); vuoto: tutte.",
    )
    ordina: OrdinaParam = Field(
        registry.RELEVANCE,
        description="nome, -nome, comune, recenti; vuoto: per pertinenza se c'è una ricerca, "
        "altrimenti per nome.",
    )
    pagina: int = Field(1, ge=1, description="Numero della pagina, da 1.")
    per_pagina: int = Field(20, ge=1, le=100, description="Risultati per pagina, da 1 a 100.")


class Settore(Schema):
    codice: str
    nome: str


class Bollino(Schema):
    numero: str
    stato: str
    valido_dal: datetime.date
    valido_fino_al: datetime.date
    versione_codice: str
    url_verifica: str


class BollinoCorrente(Bollino):
    punteggio: str | None = Field(None, description="Solo se il comitato lo ha pubblicato.")


class Azienda(Schema):
    partita_iva: str
    ragione_sociale: str
    comune: str
    provincia: str
    regione: str
    regione_nome: str
    servizi: list[str]
    settori: list[Settore]
    bollino: Bollino
    url: str


class PaginaRegistro(Schema):
    conteggio: int
    pagina: int
    pagine: int
    per_pagina: int
    precedente: str | None
    successiva: str | None
    risultati: list[Azienda]


class Sede(Schema):
    nome: str
    comune: str
    provincia: str
    regione: str
    postazioni: int


class AziendaDettaglio(Schema):
    partita_iva: str
    ragione_sociale: str
    comune: str
    provincia: str
    regione: str
    regione_nome: str
    sito_web: str
    servizi: list[str]
    settori: list[Settore]
    sedi: list[Sede]
    bollino: BollinoCorrente
    bollini: list[BollinoCorrente]
    url: str
    url_pagina: str


REGIONE_LABELS = dict(Regione.choices)


def _services(firm: Organization) -> list[str]:
    return [s for s, on in zip(registry.SERVICES, (firm.inbound, firm.outbound), strict=True) if on]


def _sectors(firm: Organization) -> list[dict]:
    return [{"codice": s.slug, "nome": s.name} for s in firm.sectors.all()]


def _verification_url(number: str) -> str:
    return absolute(reverse("certification:verify_seal", args=[number]))


def _firm_api_url(partita_iva: str) -> str:
    return absolute(reverse("api:registro_azienda", args=[partita_iva]))


def _firm_base(firm: Organization) -> dict:
    regione = firm.provincia.regione
    return {
        "partita_iva": firm.partita_iva,
        "ragione_sociale": firm.legal_name,
        "comune": firm.comune,
        "provincia": firm.provincia_id,
        "regione": regione,
        "regione_nome": REGIONE_LABELS.get(regione, ""),
        "servizi": _services(firm),
        "settori": _sectors(firm),
        "url": _firm_api_url(firm.partita_iva),
    }


def _registry_query(params: RegistroParams) -> registry.RegistryQuery:
    """The search, once the parameters that name data (a sector, a code version) are known
    to exist: an unknown one is a mistake to report, not an empty result."""
    if params.settore and not Sector.objects.filter(slug=params.settore).exists():
        known = ", ".join(Sector.objects.order_by("order", "name").values_list("slug", flat=True))
        raise invalid(
            "settore", _("settore sconosciuto; i settori sono: %(known)s") % {"known": known}
        )
    versione = registry.version_number(params.versione) if params.versione else ""
    if versione and not CodeVersion.objects.public().filter(number=versione).exists():
        known = ", ".join(
            CodeVersion.objects.public().order_by("-published_at").values_list("number", flat=True)
        )
        raise invalid(
            "versione",
            _("versione del codice sconosciuta; le versioni pubblicate sono: %(known)s")
            % {"known": known},
        )
    return registry.RegistryQuery(
        q=params.q,
        regione=params.regione,
        settore=params.settore,
        servizio=params.servizio,
        versione=versione or None,
        ordina=params.ordina,
    )


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["pagina"] = str(page)
    return absolute(f"{request.path}?{query.urlencode()}")


@api.get(
    "/registro/",
    response={200: PaginaRegistro, **COMMON_ERRORS},
    operation_id="registro_cerca",
    summary="Cerca nel registro dei contact center certificati",
    description="Gli stessi parametri della pagina /registro/. Una pagina di risultati alla volta.",
    tags=["registro"],
)
def registry_list(request: HttpRequest, params: Query[RegistroParams]) -> dict:
    # The same address answers the same page until the registry changes: kept under its
    # generation (never stale).
    generation = registry.registry_generation()
    if generation is None:
        return _registry_list_page(request, params, generation)
    return cached_once(
        registry.registry_cache_key("api", generation, request.path, sorted(request.GET.lists())),
        lambda: _registry_list_page(request, params, generation),
        settings.REGISTRY_CACHE_SECONDS,
    )


def _registry_list_page(
    request: HttpRequest, params: RegistroParams, generation: int | None
) -> dict:
    results = registry.RegistryResults(
        _registry_query(params),
        rows=registry.with_current_seal(Organization.objects.all())
        .select_related("provincia")
        .prefetch_related(Prefetch("sectors", queryset=Sector.objects.order_by("order", "name")))
        .annotate(api_code_version=F("current_seal__code_version__number")),
        generation=generation,
    )
    count = results.count()
    pages = max(1, math.ceil(count / params.per_pagina))
    if params.pagina > pages:
        raise invalid(
            "pagina",
            _("la pagina %(page)s non esiste: le pagine sono %(pages)s")
            % {"page": params.pagina, "pages": pages},
        )
    start = (params.pagina - 1) * params.per_pagina
    firms = results[start : start + params.per_pagina]
    results = [
        {
            **_firm_base(firm),
            "bollino": {
                "numero": firm.current_seal_number,
                "stato": firm.current_seal_status,
                "valido_dal": firm.current_seal_valid_from,
                "valido_fino_al": firm.current_seal_valid_until,
                "versione_codice": firm.api_code_version,
                "url_verifica": _verification_url(firm.current_seal_number),
            },
        }
        for firm in firms
    ]
    return {
        "conteggio": count,
        "pagina": params.pagina,
        "pagine": pages,
        "per_pagina": params.per_pagina,
        "precedente": _page_url(request, params.pagina - 1) if params.pagina > 1 else None,
        "successiva": _page_url(request, params.pagina + 1) if params.pagina < pages else None,
        "risultati": results,
    }


def _seal_row(seal: Seal) -> dict:
    return {
        "numero": seal.number,
        "stato": seal.status,
        "valido_dal": seal.valid_from,
        "valido_fino_al": seal.valid_until,
        "versione_codice": seal.code_version.number,
        "url_verifica": _verification_url(seal.number),
        "punteggio": str(seal.score) if seal.score_published and seal.score is not None else None,
    }


@api.get(
    "/registro/{partita_iva}/",
    response={200: AziendaDettaglio, **FOUND_OR_NOT},
    url_name="registro_azienda",
    operation_id="registro_azienda",
    summary="Un contact center del registro",
    description="Solo le aziende con un bollino in corso (attivo o sospeso); le altre: 404.",
    tags=["registro"],
)
def registry_firm(request: HttpRequest, partita_iva: str) -> dict:
    if not PARTITA_IVA.fullmatch(partita_iva):
        raise Http404(_("Nessun contact center certificato ha questa partita IVA."))
    firm = (
        registry.with_current_seal(registry.registry_base())
        .filter(partita_iva=partita_iva)
        .select_related("provincia")
        .prefetch_related(
            Prefetch("sectors", queryset=Sector.objects.order_by("order", "name")),
            Prefetch(
                "sites",
                queryset=OperationalSite.objects.select_related("provincia").order_by(
                    "comune", "id"
                ),
            ),
            Prefetch(
                "seals",
                queryset=Seal.objects.select_related("code_version").order_by("-issued_at", "-id"),
            ),
        )
        .first()
    )
    if firm is None:
        raise Http404(_("Nessun contact center certificato ha questa partita IVA."))
    seals = [_seal_row(seal) for seal in firm.seals.all()]
    current = next(s for s in seals if s["numero"] == firm.current_seal_number)
    return {
        **_firm_base(firm),
        "sito_web": firm.website,
        "sedi": [
            {
                "nome": site.name,
                "comune": site.comune,
                "provincia": site.provincia_id,
                "regione": site.provincia.regione,
                "postazioni": site.seats,
            }
            for site in firm.sites.all()
        ],
        "bollino": current,
        "bollini": seals,
        "url_pagina": absolute(registry_firm_url(firm.partita_iva)),
    }


# --- seals ----------------------------------------------------------------------------------


class AziendaRif(Schema):
    ragione_sociale: str
    partita_iva: str
    comune: str
    provincia: str


class VersioneRif(Schema):
    numero: str
    titolo: str
    url: str


class Certificato(Schema):
    pronto: bool
    sha256: str | None
    url: str | None


class Evento(Schema):
    data: datetime.date
    stato: str
    stato_descrizione: str
    motivo_pubblico: str | None
    motivo_pubblico_descrizione: str | None


class Verifica(Schema):
    numero: str
    url: str
    stato: str
    stato_descrizione: str
    valido: bool
    motivo_pubblico: str | None
    motivo_pubblico_descrizione: str | None
    azienda: AziendaRif
    valido_dal: datetime.date
    valido_fino_al: datetime.date
    versione_codice: VersioneRif
    certificato: Certificato
    storia: list[Evento]


@api.get(
    "/bollini/{numero}/",
    response={200: Verifica, **FOUND_OR_NOT},
    operation_id="bollino_verifica",
    summary="Verifica un bollino",
    description="Gli stessi dati di /verifica/{numero}.json, con i nomi dell'API.",
    tags=["bollini"],
)
def seal_verify(request: HttpRequest, numero: str) -> dict:
    # The verification page's own reading of a seal (a seal past its last day reads expired).
    seal = _find_seal(normalize_seal_number(numero))
    if seal is None:
        raise Http404(_("Nessun bollino ha questo numero."))
    record = _public_seal(seal)
    organization, version = seal.organization, seal.code_version
    return {
        "numero": seal.number,
        "url": _verification_url(seal.number),
        "stato": record.status,
        "stato_descrizione": str(record.status_label),
        "valido": record.is_valid,
        "motivo_pubblico": record.public_reason or None,
        "motivo_pubblico_descrizione": str(record.public_reason_label) or None,
        "azienda": {
            "ragione_sociale": organization.legal_name,
            "partita_iva": organization.partita_iva,
            "comune": organization.comune,
            "provincia": organization.provincia_id,
        },
        "valido_dal": seal.valid_from,
        "valido_fino_al": seal.valid_until,
        "versione_codice": {
            "numero": version.number,
            "titolo": version.title,
            "url": absolute(reverse("codice:version", args=[version.number])),
        },
        "certificato": {
            "pronto": record.certificate_ready,
            "sha256": seal.pdf_sha256 if record.certificate_ready else None,
            "url": (
                absolute(reverse("certification:verify_certificate", args=[seal.number]))
                if record.certificate_downloadable
                else None
            ),
        },
        "storia": [
            {
                "data": row.date,
                "stato": row.status,
                "stato_descrizione": str(row.status_label),
                "motivo_pubblico": row.public_reason or None,
                "motivo_pubblico_descrizione": str(row.public_reason_label) or None,
            }
            for row in record.history
        ],
    }


# --- code versions --------------------------------------------------------------------------


class Versione(Schema):
    numero: str
    titolo: str
    stato: str
    pubblicata_il: datetime.datetime | None
    in_vigore_dal: datetime.date | None
    url: str
    url_pdf: str


class Versioni(Schema):
    risultati: list[Versione]


@api.get(
    "/codice/versioni/",
    response={200: Versioni, 429: Errore},
    operation_id="codice_versioni",
    summary="Le versioni pubblicate del codice",
    description="La versione in vigore e quelle superate, dalla più recente.",
    tags=["codice"],
)
def code_versions(request: HttpRequest) -> dict:
    versions = CodeVersion.objects.public().order_by("-published_at", "-id")
    return {
        "risultati": [
            {
                "numero": v.number,
                "titolo": v.title,
                "stato": v.status,
                "pubblicata_il": v.published_at,
                "in_vigore_dal": v.effective_date,
                "url": absolute(reverse("codice:version", args=[v.number])),
                "url_pdf": absolute(reverse("codice:pdf", args=[v.number])),
            }
            for v in versions
        ]
    }


# --- every answer under /api/ ---------------------------------------------------------------

FALLBACK_ERRORS = {
    404: ("non_trovato", gettext_lazy("Indirizzo sconosciuto: l'indice dell'API è a /api/.")),
    405: (
        "metodo_non_consentito",
        gettext_lazy("Metodo non consentito: l'API è in sola lettura (GET)."),
    ),
    500: ("errore_interno", gettext_lazy("Errore interno: riprova più tardi.")),
}


def _json_error(response: HttpResponse) -> HttpResponse:
    code, message = FALLBACK_ERRORS.get(
        response.status_code, ("richiesta_non_valida", gettext_lazy("Richiesta non valida."))
    )
    replacement = JsonResponse(
        error_body(message, code),
        status=response.status_code,
        json_dumps_params={"ensure_ascii": False},
    )
    for header in ("Allow", "Retry-After"):
        if header in response:
            replacement[header] = response[header]
    return replacement


class ApiMiddleware:
    """Under /api/: requests counted per client (API_RATE_LIMIT a minute), CORS open to any
    origin (open data, read-only, no cookies needed), and every error in JSON."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response["Access-Control-Allow-Headers"] = "*"
            response["Access-Control-Max-Age"] = "86400"
        elif not hit("api", client_ip(request), limit=settings.API_RATE_LIMIT, window=RATE_WINDOW):
            response = too_many(request, window=RATE_WINDOW)
        else:
            response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            response = _json_error(response)
        response["Access-Control-Allow-Origin"] = "*"
        return response

"""The public registry (PRODUCT §7 and §9): the search page, a firm's page and the open-data
exports. Nothing here needs a login, and nothing private is ever shown: no PEC, no people, no
evidence, no report's contents."""

from __future__ import annotations

import csv
import functools
import json
from collections.abc import Iterable, Iterator
from datetime import timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.core.signals import setting_changed
from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects
from django.dispatch import receiver
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.template import Context, Template
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_safe

from certification.addresses import address_of
from certification.forms.registry import FILTERS, RegistryForm
from certification.models import (
    OperationalSite,
    Organization,
    Regione,
    Report,
    Seal,
    SealEvent,
    Sector,
)
from certification.services.export_files import keeping, kept_export
from certification.services.registry import (
    EXPORT_FIELDS,
    RegistryQuery,
    RegistryTable,
    registry_cache_key,
    registry_export_rows,
    registry_generation,
)
from oic_portal.cache import cached_once

PER_PAGE = 20
# What the search box is first rendered with in place of the words searched for.
VALUE_MARK = "\ue000"
SEARCH_BOX = Template("{% load crispy_forms_tags %}{{ form.q|as_crispy_field }}")
# Multiple values in one CSV cell (services, sectors).
CSV_LIST_SEPARATOR = " | "
CSV_ROWS_PER_CHUNK = 100


def _url(name: str, params: dict) -> str:
    return f"{reverse(name)}?{urlencode(params)}" if params else reverse(name)


def _page_links(page, params: dict) -> list[dict]:
    links = []
    for number in page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1):
        if number == page.paginator.ELLIPSIS:
            links.append({"ellipsis": True})
        else:
            links.append(
                {
                    "number": number,
                    "current": number == page.number,
                    "url": _page_url(params, number),
                }
            )
    return links


def _page_url(params: dict, number: int) -> str:
    return _url("certification:registry", {**params, "pagina": number} if number > 1 else params)


def _rows_html(firms: list[dict]) -> SafeString:
    """The rows of one page of results (`registry_table_rows`). Written here rather than in the
    template: looping over twenty firms' fields in the template was most of a search's time.
    Every text that comes from a firm is escaped."""
    if not firms:
        return SafeString("")
    firm_page = address_of("certification:registry_firm", firms[0]["partita_iva"])
    seal_page = address_of("certification:verify_seal", firms[0]["seal_number"])
    partita_iva = _("P. IVA %(number)s")
    suspended = f'<span class="badge bg-warning text-dark ms-1">{escape(_("Sospeso"))}</span>'
    regioni = {}
    rows = []
    for firm in firms:
        services = ", ".join(
            label
            for label, on in (("Inbound", firm["inbound"]), ("Outbound", firm["outbound"]))
            if on
        )
        if firm["regione"] not in regioni:
            regioni[firm["regione"]] = escape(Regione(firm["regione"]).label)
        rows.append(
            "<tr>"
            f'<th scope="row"><a href="{firm_page(firm["partita_iva"])}">'
            f"{escape(firm['legal_name'])}</a>"
            f'<div class="small fw-normal">'
            f"{escape(partita_iva % {'number': firm['partita_iva']})}</div></th>"
            f"<td>{escape(firm['comune'])} ({escape(firm['provincia_id'])})</td>"
            f"<td>{regioni[firm['regione']]}</td>"
            f"<td>{services}</td>"
            f"<td>{escape(', '.join(firm['sectors']) or '—')}</td>"
            '<td class="text-nowrap">'
            f'<a href="{seal_page(firm["seal_number"])}">{firm["seal_number"]}</a>'
            f"{suspended if firm['seal_status'] == Seal.Status.SUSPENDED else ''}</td>"
            f"<td>{date_format(firm['valid_until'], 'SHORT_DATE_FORMAT')}</td>"
            "</tr>"
        )
    return SafeString("\n".join(rows))


def _search_box(form: RegistryForm) -> SafeString:
    """The search field as crispy renders it. Every search has its own words, and rendering
    the field costs more than the rest of a cached page: it is rendered once per process and
    language with a mark for its value, and the words, escaped, are put in the mark's place. A
    field with an error is rendered in full."""
    if "q" in form.errors:
        return SEARCH_BOX.render(Context({"form": form}))
    q = form.data.get("q", "")
    value = f' value="{escape(q)}"' if q else ""
    return SafeString(_search_box_marked(get_language()).replace(f' value="{VALUE_MARK}"', value))


@functools.lru_cache(maxsize=16)
def _search_box_marked(language: str) -> str:
    return SEARCH_BOX.render(Context({"form": RegistryForm({"q": VALUE_MARK})}))


@receiver(setting_changed)
def _forget_search_box(**kwargs: object) -> None:
    _search_box_marked.cache_clear()


def _results(request: HttpRequest, form: RegistryForm, generation: int | None) -> str:
    """The results part of the page: what was wrong with the address, the count, the table of
    one page of firms and the links to the others."""
    problems = form.problems()
    params = form.filter_params()
    paginator = Paginator(RegistryTable(form.registry_query(), generation=generation), PER_PAGE)
    number = form.page_number()
    if number > paginator.num_pages:
        # A link to a page that no longer exists (the registry shrank): the last one is the
        # closest to what was asked.
        problems.append(
            _("La pagina %(number)s non esiste: ecco l'ultima pagina dei risultati.")
            % {"number": number}
        )
        number = paginator.num_pages
    page = paginator.page(number)
    rows = list(page.object_list)
    return render_to_string(
        "certification/registry/_results.html",
        {
            "problems": problems,
            "page": page,
            "firms": rows,
            "rows_html": _rows_html(rows),
            "total": paginator.count,
            "page_links": _page_links(page, params) if page.has_other_pages() else [],
            "previous_url": _page_url(params, page.number - 1) if page.has_previous() else "",
            "next_url": _page_url(params, page.number + 1) if page.has_next() else "",
            "filtered": bool(params),
        },
        request=request,
    )


@require_safe
def registry(request: HttpRequest) -> HttpResponse:
    form = RegistryForm(request.GET)
    params = form.filter_params()
    # The same address shows the same results until the registry changes: kept under its
    # generation (never stale), for every visitor in one language.
    generation = registry_generation()
    if generation is None:
        results = _results(request, form, generation)
    else:
        address = [(name, request.GET.get(name, "")) for name in (*FILTERS, "pagina")]
        results = cached_once(
            registry_cache_key("page", generation, get_language(), address),
            lambda: _results(request, form, generation),
            settings.REGISTRY_CACHE_SECONDS,
        )
    return render(
        request,
        "certification/registry/list.html",
        {
            "form": form,
            "results": results,
            "csv_url": _url("certification:registry_export_csv", params),
            "json_url": _url("certification:registry_export_json", params),
            "filtered": bool(params),
            # The filters take most of the rendering and have few combinations: cached.
            "search_box": _search_box(form),
            "filters_key": form.cache_key(*(name for name in FILTERS if name != "q")),
            "form_seconds": settings.REGISTRY_CHOICES_SECONDS,
        },
    )


# --- a firm's page -------------------------------------------------------------------------


def _get_registered_firm(partita_iva: str) -> Organization | None:
    """The firm with this partita IVA, if it ever held a seal: the registry knows only those."""
    if not (len(partita_iva) == 11 and partita_iva.isascii() and partita_iva.isdigit()):
        return None
    return (
        Organization.objects.select_related("provincia")
        .filter(partita_iva=partita_iva)
        .filter(Exists(Seal.objects.filter(organization=OuterRef("pk"))))
        .defer("search_text", "search_vector", "pec", "codice_fiscale")
        .first()
    )


@require_safe
def registry_firm(request: HttpRequest, partita_iva: str) -> HttpResponse:
    # The page is the same for everyone in one language until the registry changes (its
    # generation covers the firm, its sites, sectors, seals and their history, and reports'
    # outcomes) or the day does (the count of founded reports looks back twelve months): kept
    # under the partita IVA, so that a cached page needs no query for the firm.
    generation = registry_generation()
    key = None
    page = None
    if generation is not None:
        key = registry_cache_key(
            "firm", generation, partita_iva, timezone.localdate(), get_language()
        )
        page = cache.get(key)
    if page is None:
        firm = _get_registered_firm(partita_iva)
        if firm is None:
            return render(
                request,
                "certification/registry/not_found.html",
                {"partita_iva": partita_iva},
                status=404,
            )
        page = {"name": firm.legal_name, "content": _firm_content(request, firm)}
        if key is not None:
            cache.set(key, page, settings.REGISTRY_CACHE_SECONDS)
    return render(request, "certification/registry/firm.html", page)


def _firm_content(request: HttpRequest, firm: Organization) -> str:
    founded_reports = (
        Report.objects.founded()
        .filter(organization=firm, closed_at__gte=timezone.now() - timedelta(days=365))
        .count()
    )
    prefetch_related_objects(
        [firm],
        Prefetch("sectors", queryset=Sector.objects.order_by("order", "name")),
        Prefetch(
            "sites",
            queryset=OperationalSite.objects.select_related("provincia").order_by("comune", "id"),
        ),
    )
    seals = list(
        Seal.objects.filter(organization=firm)
        .select_related("code_version")
        .order_by("-issued_at", "-id")
    )
    current = next((seal for seal in seals if seal.is_current), None)
    latest = current or seals[0]
    # The public side of the history only: no actor, no internal reason.
    events = list(
        SealEvent.objects.filter(seal=latest)
        .only("seal", "at", "from_status", "to_status", "public_reason")
        .order_by("at", "id")
    )
    return render_to_string(
        "certification/registry/_firm.html",
        {
            "firm": firm,
            "sites": firm.sites.all(),
            "sectors": firm.sectors.all(),
            "seals": seals,
            "current": current,
            "suspended": current is not None and current.status == Seal.Status.SUSPENDED,
            "latest": latest,
            "events": events,
            "founded_reports": founded_reports,
            "report_url": f"/segnalazioni/nuova/?{urlencode({'azienda': firm.partita_iva})}",
        },
        request=request,
    )


# --- open data -----------------------------------------------------------------------------


EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json; charset=utf-8",
}


def _export_form(request: HttpRequest) -> RegistryForm:
    return RegistryForm(request.GET, for_export=True)


def _filename(extension: str) -> str:
    return f"registro-bollino-blu-{timezone.localdate():%Y-%m-%d}.{extension}"


def _download(response: StreamingHttpResponse, extension: str) -> StreamingHttpResponse:
    """An export, streamed or sent from its kept file, as a dated file to save."""
    response["Content-Type"] = EXPORT_CONTENT_TYPES[extension]
    response["Content-Disposition"] = f'attachment; filename="{_filename(extension)}"'
    response["Cache-Control"] = "no-cache"
    return response


class _Line:
    """What csv.writer writes to: write() hands the line back, so nothing is buffered."""

    def write(self, line: str) -> str:
        return line


def _csv_chunks(rows: Iterable[dict]) -> Iterator[bytes]:
    """UTF-8 with a BOM and `;` between fields, as Excel set to Italian expects; a hundred
    rows per chunk."""
    yield "\ufeff".encode()
    writer = csv.writer(_Line(), delimiter=";", lineterminator="\r\n")
    lines = [writer.writerow(EXPORT_FIELDS)]
    for row in rows:
        lines.append(
            writer.writerow(
                [
                    CSV_LIST_SEPARATOR.join(value) if isinstance(value, list) else value
                    for value in row.values()
                ]
            )
        )
        if len(lines) >= CSV_ROWS_PER_CHUNK:
            yield "".join(lines).encode()
            lines = []
    yield "".join(lines).encode()


def _json_chunks(rows: Iterable[dict]) -> Iterator[bytes]:
    """A JSON array written one object at a time."""
    yield b"["
    separator = b"\n"
    for row in rows:
        yield separator + json.dumps(row, ensure_ascii=False).encode()
        separator = b",\n"
    yield b"\n]\n"


def _bad_parameters(form: RegistryForm, *, as_json: bool) -> HttpResponse:
    problems = form.problems()
    if as_json:
        return JsonResponse(
            {"errore": _("Parametri non validi."), "dettagli": problems},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return HttpResponse(
        "\n".join([_("Parametri non validi:"), *problems]) + "\n",
        status=400,
        content_type="text/plain; charset=utf-8",
    )


def _export(request: HttpRequest, extension: str) -> HttpResponse:
    """The registry as open data with the page's filters; the whole registry comes from its
    kept file when this generation's was already written (services.export_files)."""
    as_json = extension == "json"
    form = _export_form(request)
    if not form.is_valid():
        return _bad_parameters(form, as_json=as_json)
    query = form.registry_query()
    generation = registry_generation() if query == RegistryQuery() else None
    kept = kept_export(extension, generation)
    if kept is not None:
        return _download(FileResponse(kept), extension)
    rows = registry_export_rows(query)
    chunks = _json_chunks(rows) if as_json else _csv_chunks(rows)
    return _download(StreamingHttpResponse(keeping(chunks, extension, generation)), extension)


@require_GET
def registry_export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, "csv")


@require_GET
def registry_export_json(request: HttpRequest) -> HttpResponse:
    return _export(request, "json")


# These addresses are printed and linked from outside (PRODUCT §9): never change them.
urlpatterns = [
    path("registro/", registry, name="registry"),
    path("registro/export.csv", registry_export_csv, name="registry_export_csv"),
    path("registro/export.json", registry_export_json, name="registry_export_json"),
    path("registro/<str:partita_iva>/", registry_firm, name="registry_firm"),
]

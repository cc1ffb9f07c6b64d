"""The public registry: firms with a current seal, searched and filtered the same way by the
page (/registro/), the open-data exports and the API.

`RegistryQuery` is the one description of a search; `registry_search()` turns it into a
queryset of Organization rows annotated with their current seal.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FilteredRelation, Q, QuerySet

from certification.models import Organization, Seal

SORTS = {
    # name of the sort in the address -> ordering (always unique, for stable pages)
    "nome": ("legal_name", "id"),
    "-nome": ("-legal_name", "-id"),
    "comune": ("comune", "legal_name", "id"),
    "recenti": ("-current_seal_issued_at", "id"),
}
DEFAULT_SORT = "nome"
SERVICES = ("inbound", "outbound")


def normalize(text: str) -> str:
    """Lower case, accents removed, runs of anything but letters and digits made one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", stripped.lower()).strip()


def search_text_for(organization: Organization, site_comuni: list[str] | None = None) -> str:
    if site_comuni is None:
        site_comuni = list(organization.sites.values_list("comune", flat=True))
    comuni = sorted({organization.comune, *site_comuni})
    return normalize(" ".join([organization.legal_name, organization.partita_iva, *comuni]))


def refresh_search_text(organization: Organization) -> None:
    text = search_text_for(organization)
    if text != organization.search_text:
        Organization.objects.filter(pk=organization.pk).update(search_text=text)
        organization.search_text = text


@dataclass(frozen=True)
class RegistryQuery:
    q: str = ""
    regione: str = ""
    settore: str = ""
    servizio: str = ""
    versione: int | None = None
    ordina: str = DEFAULT_SORT


def registry_base() -> QuerySet[Organization]:
    """Firms with a current (active or suspended) seal, with that seal's fields annotated. A
    firm has at most one current seal (a database constraint), so there is one row per firm."""
    return (
        Organization.objects.annotate(
            current_seal=FilteredRelation(
                "seals", condition=Q(seals__status__in=Seal.CURRENT_STATUSES)
            )
        )
        .filter(current_seal__isnull=False)
        .annotate(
            current_seal_number=F("current_seal__number"),
            current_seal_status=F("current_seal__status"),
            current_seal_issued_at=F("current_seal__issued_at"),
            current_seal_valid_until=F("current_seal__valid_until"),
            current_seal_code_version_id=F("current_seal__code_version_id"),
        )
    )


def _text_filter(qs: QuerySet[Organization], q: str) -> QuerySet[Organization]:
    words = normalize(q)
    if not words:
        return qs
    digits = re.sub(r"\D", "", q)
    if len(digits) == 11 and digits == q.strip().replace(" ", ""):
        return qs.filter(partita_iva=digits)
    if connection.vendor != "postgresql":
        for word in words.split():
            qs = qs.filter(search_text__contains=word)
        return qs
    from django.contrib.postgres.search import SearchQuery

    # Full text (Italian stemming) or, for typos, every word close to a word of the text.
    typo = Q()
    for word in words.split():
        typo &= Q(search_text__trigram_word_similar=word)
    return qs.filter(Q(search_vector=SearchQuery(words, config="italian")) | typo)


def registry_search(query: RegistryQuery) -> QuerySet[Organization]:
    qs = registry_base()
    qs = _text_filter(qs, query.q)
    if query.regione:
        qs = qs.filter(provincia__regione=query.regione)
    if query.settore:
        qs = qs.filter(sectors=query.settore)
    if query.servizio in SERVICES:
        qs = qs.filter(**{query.servizio: True})
    if query.versione is not None:
        qs = qs.filter(current_seal__code_version__number=query.versione)
    return qs.order_by(*SORTS.get(query.ordina, SORTS[DEFAULT_SORT]))

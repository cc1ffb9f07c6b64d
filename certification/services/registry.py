"""The public registry: firms with a current seal, searched and filtered the same way by the
page (/registro/), the open-data exports and the API.

`RegistryQuery` is the one description of a search; `registry_search()` turns it into a
queryset of Organization rows annotated with their current seal; `registry_export_rows()`
streams the matching firms as plain dicts, a chunk at a time.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from itertools import islice

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.urls import reverse

from certification.models import (
    OperationalSite,
    Organization,
    Provincia,
    Regione,
    RegistryEntry,
    Seal,
    Sector,
)
from codice.models import CodeVersion
from oic_portal.cache import computing, taking_turns

SORTS = {
    # name of the sort in the address -> ordering (always unique, for stable pages)
    "nome": ("legal_name", "id"),
    "-nome": ("-legal_name", "-id"),
    "comune": ("comune", "legal_name", "id"),
    "recenti": ("-listed_since", "id"),
}
DEFAULT_SORT = "nome"
# ordina="" (or absent): by relevance when there is a text search, by name otherwise.
RELEVANCE = ""
SERVICES = ("inbound", "outbound")
# A word of a search also stands for up to this many known words at least this alike (pg_trgm
# similarity): "custmer" for "customer" (0.55), "milno" for "milano" (0.44).
TYPO_ALTERNATIVES = 5
TYPO_SIMILARITY = 0.4
# Words of a search beyond these are ignored: a pasted paragraph must not become a huge query.
MAX_WORDS = 8
# A search's result ids are read and cached this many positions at a time (RegistryResults):
# 50 pages of the registry, 8 KB in the cache.
ID_CHUNK = 1000
# A full-text search's first read of its ids keeps this many chunks (RegistryResults).
TEXT_CHUNKS_AT_ONCE = 20
# The turn full-text reads of ids take, one at a time (RegistryResults).
TEXT_READ_TURN = "registry:text-read"
# Rows fetched at a time by the exports. Django's iterator still holds one fetched chunk while
# it reads the next: 2,000 rows peaked at 2.5 MB of Python objects, a quarter of a 50,000-firm
# CSV; 1,000 keep the peak near 1.3 MB for the same round trips' cost within noise.
EXPORT_CHUNK = 1000
EXPORT_FIELDS = (
    "partita_iva",
    "ragione_sociale",
    "comune",
    "provincia",
    "regione",
    "servizi",
    "settori",
    "numero_bollino",
    "stato",
    "valido_dal",
    "valido_fino_al",
    "versione_codice",
    "url_verifica",
)


# Abbreviations written with dots, "S.r.l." or "S.p.A.": one word, as people also type them.
DOTTED = re.compile(r"(?<![0-9a-z])(?:[0-9a-z]\.)+[0-9a-z](?![0-9a-z])\.?")


def normalize(text: str) -> str:
    """Lower case, accents removed, dotted abbreviations joined ("s.r.l." -> "srl"), runs of
    anything but letters and digits made one space."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    joined = DOTTED.sub(lambda match: match.group(0).replace(".", ""), stripped)
    return re.sub(r"[^0-9a-z]+", " ", joined).strip()


def search_text_for(organization: Organization, site_comuni: list[str] | None = None) -> str:
    if site_comuni is None:
        site_comuni = list(organization.sites.values_list("comune", flat=True))
    comuni = sorted({organization.comune, *site_comuni})
    return normalize(" ".join([organization.legal_name, organization.partita_iva, *comuni]))


def refresh_search_text(organization: Organization) -> None:
    """Store the firm's search text again (after its name, partita IVA, comune or sites
    changed). Costs one query, two when the text changed."""
    text = search_text_for(organization)
    if text != organization.search_text:
        Organization.objects.filter(pk=organization.pk).update(search_text=text)
        organization.search_text = text


def refresh_all_search_texts(*, batch_size: int = 1000) -> int:
    """Recompute every firm's search text, a batch of firms at a time; return how many
    changed."""
    changed = 0
    last_id = 0
    while True:
        with transaction.atomic():
            batch = list(
                Organization.objects.filter(pk__gt=last_id)
                .order_by("pk")
                .only("pk", "legal_name", "partita_iva", "comune", "search_text")[:batch_size]
            )
            if not batch:
                return changed
            last_id = batch[-1].pk
            comuni: dict[int, list[str]] = {}
            for organization_id, comune in OperationalSite.objects.filter(
                organization__in=batch
            ).values_list("organization_id", "comune"):
                comuni.setdefault(organization_id, []).append(comune)
            stale = []
            for organization in batch:
                text = search_text_for(organization, comuni.get(organization.pk, []))
                if text != organization.search_text:
                    organization.search_text = text
                    stale.append(organization)
            Organization.objects.bulk_update(stale, ["search_text"])
            changed += len(stale)


@dataclass(frozen=True)
class RegistryQuery:
    q: str = ""
    regione: str = ""  # a Regione value ("lombardia")
    settore: str = ""  # a Sector slug
    servizio: str = ""  # "inbound" or "outbound"
    versione: str | None = None  # a code version number ("2.0")
    ordina: str = RELEVANCE  # a key of SORTS, or RELEVANCE


def version_number(value: str | int | None) -> str:
    """A code version number as stored ("2.0"), also from "2" or 2."""
    text = str(value if value is not None else "").strip()
    return f"{text}.0" if text.isdigit() else text


def registry_base() -> QuerySet[Organization]:
    """Firms with a current (active or suspended) seal, from the organization table alone, with
    `listed_since` (when that seal was issued) for sorting. On PostgreSQL that is the column
    the triggers of migration 0014 keep, served by partial indexes; SQLite asks the seals."""
    if connection.vendor == "postgresql":
        return Organization.objects.filter(registry_since__isnull=False).alias(
            listed_since=F("registry_since")
        )
    issued = Seal.objects.current().filter(organization=OuterRef("pk")).values("issued_at")[:1]
    return Organization.objects.alias(listed_since=Subquery(issued)).filter(
        listed_since__isnull=False
    )


def with_current_seal(qs: QuerySet[Organization]) -> QuerySet[Organization]:
    """The firms with their current seal's fields annotated. A firm has at most one current
    seal (a database constraint), so this adds no row."""
    return (
        qs.annotate(
            current_seal=FilteredRelation(
                "seals", condition=Q(seals__status__in=Seal.CURRENT_STATUSES)
            )
        )
        .filter(current_seal__isnull=False)
        .annotate(
            current_seal_number=F("current_seal__number"),
            current_seal_status=F("current_seal__status"),
            current_seal_issued_at=F("current_seal__issued_at"),
            current_seal_valid_from=F("current_seal__valid_from"),
            current_seal_valid_until=F("current_seal__valid_until"),
            current_seal_code_version_id=F("current_seal__code_version_id"),
        )
    )


def _partita_iva(q: str) -> str | None:
    """The 11 digits when the search is a partita IVA (spaces and an IT prefix allowed)."""
    compact = re.sub(r"\s+", "", q).upper().removeprefix("IT")
    return compact if re.fullmatch(r"[0-9]{11}", compact) else None


def _words(q: str) -> list[str]:
    return normalize(q).split()[:MAX_WORDS]


def similar_words(words: list[str], generation: int | None = None) -> dict[str, list[str]]:
    """For each word of a search, the words of the registry's dictionary (SearchWord) it may
    stand for: itself, and up to TYPO_ALTERNATIVES known words at least TYPO_SIMILARITY alike
    by trigrams, most alike first. Numbers and words under 3 characters stand for themselves.
    One query (PostgreSQL) for the words not yet in the cache: a word's alternatives are kept
    there under the registry's `generation`, when given, which every change of the dictionary
    raises."""
    alternatives = {word: [word] for word in words}
    fuzzy = [word for word in words if len(word) >= 3 and not word.isdigit()]
    keys = {}
    if fuzzy and generation is not None:
        keys = {word: registry_cache_key("word", generation, word) for word in fuzzy}
        cached = cache.get_many(list(keys.values()))
        for word in fuzzy:
            if keys[word] in cached:
                alternatives[word] = cached[keys[word]]
        fuzzy = [word for word in fuzzy if keys[word] not in cached]
    if fuzzy:
        with connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT q.word, w.word
                FROM unnest(%s::text[]) AS q(word)
                JOIN certification_searchword w ON w.word %% q.word
                WHERE similarity(w.word, q.word) >= %s
                ORDER BY q.word, similarity(w.word, q.word) DESC, w.word
                """,
                [fuzzy, TYPO_SIMILARITY],
            )
            for word, known in cursor.fetchall():
                found = alternatives[word]
                if known != word and len(found) <= TYPO_ALTERNATIVES:
                    found.append(known)
        if keys:
            cache.set_many(
                {keys[word]: alternatives[word] for word in fuzzy},
                settings.REGISTRY_CACHE_SECONDS,
            )
    return alternatives


def _typo_query(alternatives: dict[str, list[str]]):
    """Full text for every word of the search, each word or one of the known words it may be
    a misspelling of (`similar_words`): '(custmer | customer) & (care | cara)'."""
    from django.contrib.postgres.search import SearchQuery

    words = list(alternatives)
    return SearchQuery(
        " & ".join(f"({' | '.join(alternatives[word])})" for word in words),
        search_type="raw",
        config="italian",
    )


def _corrections(q: str, generation: int | None) -> dict[str, list[str]] | None:
    """The words of a text search with the known words each may stand for (`similar_words`);
    None when the search is not full text (no words, a partita IVA, or SQLite)."""
    words = _words(q)
    if not words or _partita_iva(q) is not None or connection.vendor != "postgresql":
        return None
    return similar_words(words, generation)


def _text_filter(
    qs: QuerySet[Organization], q: str, alternatives: dict[str, list[str]] | None
) -> QuerySet[Organization]:
    words = _words(q)
    if not words:
        return qs
    partita_iva = _partita_iva(q)
    if partita_iva is not None:
        return qs.filter(partita_iva=partita_iva)
    if alternatives is None:  # SQLite
        for word in words:
            qs = qs.filter(search_text__contains=word)
        return qs
    # The stored search_vector (Italian stemming) against the words and the known words they
    # may be typos of: one lookup in the GIN index of migration 0012 at any registry size.
    return qs.filter(search_vector=_typo_query(alternatives))


def _as_typed(words: list[str]):
    from django.contrib.postgres.search import SearchQuery

    return SearchQuery(" ".join(words), config="italian")


# In a CTE, PostgreSQL plans the full-text match for every row (the GIN index), not for the
# first one as EXISTS alone would: that chose a sequential scan, 170 ms under load for a typo
# that no firm has.
FOUND_AS_TYPED_SQL = """
WITH found AS MATERIALIZED (
    SELECT organization_id FROM certification_registryentry
    WHERE search_vector @@ plainto_tsquery('italian', %s)
)
SELECT EXISTS (SELECT 1 FROM found)
"""


def _found_as_typed(words: list[str], generation: int | None) -> bool:
    """Whether some firm in the registry has every word as typed. Kept in the cache under the
    registry's `generation`, when given."""
    key = registry_cache_key("as-typed", generation, words) if generation is not None else None
    found = cache.get(key) if key is not None else None
    if found is None:
        with connection.cursor() as cursor:
            cursor.execute(FOUND_AS_TYPED_SQL, [" ".join(words)])
            found = cursor.fetchone()[0]
        if key is not None:
            cache.set(key, found, settings.REGISTRY_CACHE_SECONDS)
    return found


def _by_relevance(
    qs: QuerySet,
    alternatives: dict[str, list[str]] | None,
    generation: int | None,
    by_name: tuple[str, ...] = SORTS[DEFAULT_SORT],
) -> QuerySet:
    """Firms matching the words as typed first, then those found through a correction; by
    name (`by_name`) within each. Ranking costs a second full-text match of every result: it
    is left out when it cannot change the order, when no word was corrected (every result has
    the words as typed) or when no firm has them as typed (none has)."""
    if alternatives is None or all(found == [word] for word, found in alternatives.items()):
        return qs.order_by(*by_name)
    words = list(alternatives)
    if not _found_as_typed(words, generation):
        return qs.order_by(*by_name)
    return qs.alias(
        as_typed=ExpressionWrapper(Q(search_vector=_as_typed(words)), output_field=BooleanField())
    ).order_by(F("as_typed").desc(), *by_name)


# The sorts a search of the entries (RegistryEntry) gives, as name_rank orders them.
ENTRY_SORTS = {DEFAULT_SORT: ("name_rank",), "-nome": ("-name_rank",)}


def _region_provinces(regione: str) -> QuerySet[Provincia]:
    return Provincia.objects.filter(regione=regione).values("sigla")


def registry_matches(
    query: RegistryQuery, generation: int | None = None
) -> QuerySet[Organization] | QuerySet[RegistryEntry]:
    """What a search's ids (`pk`) and count are read from, in its order: the registry's search
    table (RegistryEntry) for a full-text search by name or relevance, alone or in a region
    (a fifth of the organization table's pages, sorted on an integer); `registry_firms`
    for anything else."""
    alternatives = _corrections(query.q, generation)
    if (
        alternatives is None
        or query.settore
        or query.servizio in SERVICES
        or query.versione
        or query.ordina not in (RELEVANCE, *ENTRY_SORTS)
    ):
        return _matching_firms(query, alternatives, generation)
    entries = RegistryEntry.objects.filter(search_vector=_typo_query(alternatives))
    if query.regione:
        entries = entries.filter(provincia__in=_region_provinces(query.regione))
    if query.ordina in ENTRY_SORTS:
        return entries.order_by(*ENTRY_SORTS[query.ordina])
    return _by_relevance(entries, alternatives, generation, ENTRY_SORTS[DEFAULT_SORT])


def registry_firms(query: RegistryQuery, generation: int | None = None) -> QuerySet[Organization]:
    """The firms the query matches, in its order, from the organization table alone (no seal
    fields). With the registry's `generation`, the corrections of a search's words come from
    the cache when known."""
    return _matching_firms(query, _corrections(query.q, generation), generation)


def _matching_firms(
    query: RegistryQuery, alternatives: dict[str, list[str]] | None, generation: int | None
) -> QuerySet[Organization]:
    qs = registry_base()
    qs = _text_filter(qs, query.q, alternatives)
    if query.regione:
        qs = qs.filter(provincia__in=_region_provinces(query.regione))
    if query.settore:
        qs = qs.filter(sectors=query.settore)
    if query.servizio in SERVICES:
        qs = qs.filter(**{query.servizio: True})
    if query.versione:
        qs = qs.filter(
            Exists(
                Seal.objects.current().filter(
                    organization=OuterRef("pk"),
                    code_version__number=version_number(query.versione),
                )
            )
        )
    if query.ordina in SORTS:
        return qs.order_by(*SORTS[query.ordina])
    return _by_relevance(qs, alternatives, generation)


def registry_search(query: RegistryQuery) -> QuerySet[Organization]:
    """Every firm the query matches, in its order, with its current seal's fields."""
    return with_current_seal(registry_firms(query))


def registry_generation() -> int | None:
    """The registry's generation (RegistryGeneration), which PostgreSQL raises with every change
    the registry shows: what its cached counts and pages are keyed by, so a cached one is never
    stale. None when there is none to trust (SQLite, or a test that emptied the table): then
    nothing is cached."""
    if connection.vendor != "postgresql":
        return None
    # Every public page asks: plain SQL, which costs a third of what the ORM takes to build it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM certification_registrygeneration WHERE id = 1")
        row = cursor.fetchone()
    return row[0] if row else None


def registry_cache_key(kind: str, generation: int, *parts: object) -> str:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"registry:{kind}:{generation}:{digest}"


def registry_count_key(query: RegistryQuery, generation: int) -> str:
    return registry_cache_key("count", generation, replace(query, ordina=DEFAULT_SORT))


def registry_count(
    query: RegistryQuery,
    firms: QuerySet[Organization] | None = None,
    generation: int | None = None,
    counter: Callable[[], int] | None = None,
) -> int:
    """How many firms the query matches (`firms`: its `registry_matches`, when already built).
    Kept in the cache under the registry's `generation`, when given: counting costs a scan of
    every matching firm. `counter` counts them when the cache does not know (default: a
    COUNT query)."""
    key = None
    if generation is not None:
        key = registry_count_key(query, generation)
        count = cache.get(key)
        if count is not None:
            return count
    if counter is None:
        count = (firms if firms is not None else registry_matches(query)).order_by().count()
    else:
        count = counter()
    if key is not None:
        cache.set(key, count, settings.REGISTRY_CACHE_SECONDS)
    return count


def registry_ids(firms: QuerySet, start: int, stop: int, count: int | None = None) -> list[int]:
    """The ids of the firms at positions [start, stop) of `firms` (a `registry_matches`), read
    from one table (an index-only scan where the order allows).

    Given the `count`, positions past the middle are read from the end in the reverse order,
    so that no read skips more than half the firms: the last page costs what the first does."""
    if count is not None and start > count // 2:
        ids = list(
            firms.reverse().values_list("pk", flat=True)[max(0, count - stop) : count - start]
        )
        ids.reverse()
        return ids
    return list(firms.values_list("pk", flat=True)[start:stop])


def registry_rows(ids: list[int], rows: QuerySet[Organization] | None = None) -> list[Organization]:
    """The firms with these ids, in this order, from `rows` (default: `with_current_seal` of
    every firm)."""
    if rows is None:
        rows = with_current_seal(Organization.objects.all())
    found = {firm.pk: firm for firm in rows.filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


# What a page of the registry shows of each firm, in one statement that PostgreSQL plans in a
# fraction of what the ORM takes to build the same joins (the page's largest fixed cost).
TABLE_ROWS_SQL = """
SELECT o.id, o.legal_name, o.partita_iva, o.comune, o.provincia_id, p.regione,
       o.inbound, o.outbound, s.number, s.status, s.valid_until,
       ARRAY(
           SELECT sector.name
           FROM certification_organization_sectors link
           JOIN certification_sector sector ON sector.slug = link.sector_id
           WHERE link.organization_id = o.id
           ORDER BY sector."order", sector.name
       )
FROM certification_organization o
JOIN certification_provincia p ON p.sigla = o.provincia_id
JOIN certification_seal s ON s.organization_id = o.id AND s.status = ANY(%s)
WHERE o.id = ANY(%s)
"""
TABLE_ROW_FIELDS = (
    "id",
    "legal_name",
    "partita_iva",
    "comune",
    "provincia_id",
    "regione",
    "inbound",
    "outbound",
    "seal_number",
    "seal_status",
    "valid_until",
    "sectors",
)


def registry_table_rows(ids: list[int]) -> list[dict]:
    """What the registry page's table shows of the firms with these ids, in this order, as
    dicts with the TABLE_ROW_FIELDS keys (`sectors`: their names, in the sectors' order)."""
    if not ids:
        return []
    rows = _table_rows_sql(ids) if connection.vendor == "postgresql" else _table_rows_orm(ids)
    found = {row["id"]: row for row in rows}
    return [found[pk] for pk in ids if pk in found]


def _table_rows_sql(ids: list[int]) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(TABLE_ROWS_SQL, [[status.value for status in Seal.CURRENT_STATUSES], ids])
        return [dict(zip(TABLE_ROW_FIELDS, row, strict=True)) for row in cursor.fetchall()]


def _table_rows_orm(ids: list[int]) -> list[dict]:
    """The same rows through the ORM, for SQLite (the demo)."""
    rows = [
        dict(zip(TABLE_ROW_FIELDS, (*row, []), strict=True))
        for row in with_current_seal(Organization.objects.filter(pk__in=ids)).values_list(
            "id",
            "legal_name",
            "partita_iva",
            "comune",
            "provincia_id",
            "provincia__regione",
            "inbound",
            "outbound",
            "current_seal_number",
            "current_seal_status",
            "current_seal_valid_until",
        )
    ]
    by_id = {row["id"]: row for row in rows}
    for firm_id, name in (
        Organization.sectors.through.objects.filter(organization__in=ids)
        .order_by("sector__order", "sector__name")
        .values_list("organization_id", "sector__name")
    ):
        by_id[firm_id]["sectors"].append(name)
    return rows


class RegistryResults:
    """A search as the sequence django.core.paginator.Paginator expects: its length is
    `registry_count`, a slice is the firms at those positions, with their current seal (rows
    from `rows`, see `registry_rows`).

    Under the registry's `generation`, the ids of the results are read ID_CHUNK positions at a
    time and kept in the cache: the other pages of a chunk then cost no sort and no skipping,
    and a search with fewer results than its first read learns its count from it, with no
    COUNT query."""

    def __init__(
        self,
        query: RegistryQuery,
        rows: QuerySet[Organization] | None = None,
        generation: int | None = None,
    ):
        self.query = query
        # Built once: a text search looks up its words here.
        self.firms = registry_matches(query, generation)
        self.rows = rows
        self.generation = generation
        # A full-text search's results come from a sort of all of them, whichever chunk is read
        # (no index holds them in order): its first read keeps TEXT_CHUNKS_AT_ONCE chunks.
        self.sorted_whole = (
            connection.vendor == "postgresql"
            and bool(_words(query.q))
            and _partita_iva(query.q) is None
        )
        self._count: int | None = None
        self._read_all: int | None = None  # how many there are, when one read found them all
        self._chunks: dict[int, list[int]] = {}

    def count(self) -> int:
        if self._count is None:
            counter = self._count_from_first_read if self.generation is not None else None
            self._count = registry_count(self.query, self.firms, self.generation, counter)
        return self._count

    def _count_from_first_read(self) -> int:
        first = self._chunk(0)
        if len(first) < ID_CHUNK:
            return len(first)
        if self._read_all is not None:
            return self._read_all
        # Another request's first read, waited for (`_read_chunks`), may have found them all.
        counted = cache.get(registry_count_key(self.query, self.generation))
        return counted if counted is not None else self.firms.order_by().count()

    def _chunk_key(self, index: int) -> str:
        return registry_cache_key("ids", self.generation, self.query, ID_CHUNK, index)

    def _chunk(self, index: int) -> list[int]:
        """The ids at positions [index × ID_CHUNK, (index + 1) × ID_CHUNK)."""
        if index not in self._chunks:
            packed = cache.get(self._chunk_key(index))
            if packed is None:
                self._read_chunks(index)
            else:
                self._chunks[index] = array("q", packed).tolist()
        return self._chunks[index]

    def _read_chunks(self, index: int) -> None:
        """Read chunk `index` from the database, with the chunks around it that the same read
        costs nothing more, and keep them in the cache."""
        first, span = index, 1
        if self.sorted_whole and index < TEXT_CHUNKS_AT_ONCE:
            first, span = 0, TEXT_CHUNKS_AT_ONCE
        with computing(self._chunk_key(first)) as mine:
            if not mine:  # another request read it meanwhile
                packed = cache.get(self._chunk_key(index))
                if packed is not None:
                    self._chunks[index] = array("q", packed).tolist()
                    return
            if self.sorted_whole:
                # A full-text read sorts every result (up to 12,500 for a common word): two
                # different searches read at once only slow each other down.
                with taking_turns(TEXT_READ_TURN):
                    self._read(first, span)
            else:
                self._read(first, span)
        self._chunks.setdefault(index, [])

    def _read(self, first: int, span: int) -> None:
        start = first * ID_CHUNK
        ids = registry_ids(self.firms, start, start + span * ID_CHUNK, self._count)
        if first == 0 and len(ids) < span * ID_CHUNK:
            self._read_all = len(ids)
            cache.set(
                registry_count_key(self.query, self.generation),
                self._read_all,
                settings.REGISTRY_CACHE_SECONDS,
            )
        read = {
            first + n: ids[n * ID_CHUNK : (n + 1) * ID_CHUNK]
            for n in range(span)
            if n == 0 or len(ids) > n * ID_CHUNK
        }
        cache.set_many(
            {self._chunk_key(i): array("q", chunk).tobytes() for i, chunk in read.items()},
            settings.REGISTRY_CACHE_SECONDS,
        )
        self._chunks.update(read)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, positions: slice) -> list:
        start, stop = positions.start or 0, positions.stop
        if self.generation is None:
            ids = registry_ids(self.firms, start, stop, self.count())
        else:
            stop = min(stop, self.count())
            ids = []
            for index in range(start // ID_CHUNK, -(-stop // ID_CHUNK)):
                offset = index * ID_CHUNK
                ids += self._chunk(index)[max(0, start - offset) : stop - offset]
        return self.rows_of(ids)

    def rows_of(self, ids: list[int]) -> list:
        """The rows a slice gives for these ids: firms from `rows`."""
        return registry_rows(ids, self.rows)


class RegistryTable(RegistryResults):
    """The results as the registry page's table shows them: `registry_table_rows`."""

    def rows_of(self, ids: list[int]) -> list[dict]:
        return registry_table_rows(ids)


def registry_versions() -> list[str]:
    """Numbers of the published or superseded code versions that firms in the registry hold
    a seal of, newest first: the choices of the `versione` filter."""
    held = Seal.objects.current().filter(code_version=OuterRef("pk"))
    return list(
        CodeVersion.objects.public()
        .filter(Exists(held))
        .order_by("-published_at", "-id")
        .values_list("number", flat=True)
    )


def verification_url(number: str) -> str:
    return f"{settings.SITE_URL}{reverse('certification:verify_seal', args=[number])}"


def registry_export_rows(query: RegistryQuery) -> Iterator[dict]:
    """Every firm the query matches, as a dict with the EXPORT_FIELDS keys (`servizi` and
    `settori` are lists), read from a server-side cursor a chunk at a time: memory stays flat
    whatever the size of the registry. Sectors come in one query per chunk."""
    regioni = dict(Provincia.objects.values_list("sigla", "regione"))
    regione_labels = dict(Regione.choices)
    versions = dict(CodeVersion.objects.values_list("pk", "number"))
    sector_names = dict(Sector.objects.values_list("slug", "name"))
    # The verification address of a seal is this prefix, the number and a slash (PRODUCT §9).
    verify = verification_url("0").removesuffix("0/")
    sectors_of = Organization.sectors.through.objects.order_by(
        "sector__order", "sector__name"
    ).values_list("organization_id", "sector_id")
    rows = (
        registry_search(query)
        .values_list(
            "id",
            "partita_iva",
            "legal_name",
            "comune",
            "provincia_id",
            "inbound",
            "outbound",
            "current_seal_number",
            "current_seal_status",
            "current_seal_valid_from",
            "current_seal_valid_until",
            "current_seal_code_version_id",
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    while chunk := list(islice(rows, EXPORT_CHUNK)):
        sectors: dict[int, list[str]] = {}
        for organization_id, slug in sectors_of.filter(
            organization_id__in=[row[0] for row in chunk]
        ):
            sectors.setdefault(organization_id, []).append(sector_names[slug])
        for (
            pk,
            partita_iva,
            legal_name,
            comune,
            provincia,
            inbound,
            outbound,
            number,
            status,
            valid_from,
            valid_until,
            version_id,
        ) in chunk:
            yield {
                "partita_iva": partita_iva,
                "ragione_sociale": legal_name,
                "comune": comune,
                "provincia": provincia,
                "regione": regione_labels.get(regioni.get(provincia), ""),
                "servizi": [s for s, on in zip(SERVICES, (inbound, outbound), strict=True) if on],
                "settori": sectors.get(pk, []),
                "numero_bollino": number,
                "stato": status,
                "valido_dal": valid_from.isoformat(),
                "valido_fino_al": valid_until.isoformat(),
                "versione_codice": versions.get(version_id, ""),
                "url_verifica": f"{verify}{number}/",
            }
        del chunk, sectors  # before the next chunk is read, so that two are never held at once

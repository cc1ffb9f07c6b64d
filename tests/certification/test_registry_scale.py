"""What keeps the registry fast at national scale (issue 7), and stays correct while doing it:
the firm's `registry_since` column kept by PostgreSQL from its seals, the dictionary of words
a misspelt search is matched against, pages read by ids at any depth, and cached large
counts."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.models import (
    OperationalSite,
    Organization,
    RegistryGeneration,
    Report,
    Seal,
    SearchWord,
)
from certification.services import registry as registry_service
from certification.services.registry import (
    RegistryQuery,
    RegistryResults,
    registry_count,
    registry_firms,
    similar_words,
)
from certification.services.seals import (
    seal_reinstate,
    seal_revoke,
    seal_suspend,
    seals_expire,
)
from tests.certification.registry_helpers import certified, certify, firm
from tests.certification.test_firm_page import report

pytestmark = pytest.mark.django_db

St = Seal.Status
URL = "/registro/"


def since(organization: Organization):
    return Organization.objects.values_list("registry_since", flat=True).get(pk=organization.pk)


# --- registry_since, kept by PostgreSQL ----------------------------------------------------


def test_a_firm_enters_the_registry_when_its_seal_is_issued(db):
    organization = firm("Voce Chiara S.r.l.")
    assert since(organization) is None
    issued = timezone.now() - datetime.timedelta(days=3)
    certify(organization, issued=issued)
    assert since(organization) == issued


def test_suspension_keeps_the_firm_listed_and_revocation_removes_it(committee):
    organization = certified("Voce Chiara S.r.l.")
    seal = organization.seals.get()
    issued = seal.issued_at
    seal = seal_suspend(seal=seal, by=committee, reason="Verifica.", public_reason="non_conformita")
    assert since(organization) == issued
    seal = seal_reinstate(seal=seal, by=committee, reason="Risolta.")
    assert since(organization) == issued
    seal_revoke(seal=seal, by=committee, reason="Grave.", public_reason="non_conformita")
    assert since(organization) is None
    assert "Voce Chiara S.r.l." not in [o.legal_name for o in registry_firms(RegistryQuery())]


def test_expiry_removes_the_firm(db):
    organization = certified("Voce Chiara S.r.l.")
    seal = organization.seals.get()
    assert seals_expire(today=seal.valid_until + datetime.timedelta(days=1)) == 1
    assert since(organization) is None


def test_what_django_writes_in_the_column_is_replaced_by_the_seals_truth(db):
    listed = certified("Voce Chiara S.r.l.")
    unlisted = firm("Mai Certificata S.r.l.")
    issued = since(listed)
    Organization.objects.filter(pk=listed.pk).update(registry_since=None)
    Organization.objects.filter(pk=unlisted.pk).update(registry_since=timezone.now())
    assert since(listed) == issued
    assert since(unlisted) is None
    listed.refresh_from_db()
    listed.registry_since = None
    listed.legal_name = "Voce Chiara Due S.r.l."
    listed.save()
    assert since(listed) == issued


# --- the words a typo may stand for --------------------------------------------------------


def test_every_word_of_a_new_firm_joins_the_dictionary(db):
    certified("Ascolto Attento S.r.l.", comune="Bergamo", provincia="BG")
    words = set(SearchWord.objects.values_list("word", flat=True))
    assert {"ascolto", "attento", "srl", "bergamo"} <= words
    assert not [w for w in words if w.isdigit()], "numbers are matched exactly, never kept"


def test_a_renamed_firm_adds_its_new_words(db):
    organization = certified("Ascolto Attento S.r.l.")
    Organization.objects.filter(pk=organization.pk).update(
        search_text="telefonate serene srl 01234560157 milano"
    )
    assert SearchWord.objects.filter(word="serene").exists()


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("custmer", "customer"), ("bergmo", "bergamo"), ("milno", "milano"), ("contatc", "contact")],
)
def test_a_misspelt_word_stands_for_the_known_words_like_it(db, typed, meant):
    certified("Customer Contact Bergamo S.r.l.", comune="Milano")
    assert meant in similar_words([typed])[typed]


def test_a_misspelt_search_finds_the_firm_and_the_exact_one_comes_first(client):
    certified("Customer Care Lombardia S.r.l.")
    certified("Custmer Care Lombardia S.r.l.")  # a firm really named with the typo
    certified("Ascolto Attento S.r.l.")
    response = client.get(URL, {"q": "custmer care"})
    assert response.status_code == 200
    assert [firm["legal_name"] for firm in response.context["firms"]] == [
        "Custmer Care Lombardia S.r.l.",
        "Customer Care Lombardia S.r.l.",
    ]


def test_a_word_unlike_any_known_one_finds_nothing(client):
    certified("Customer Care Lombardia S.r.l.")
    assert similar_words(["zzzqqq"]) == {"zzzqqq": ["zzzqqq"]}
    assert list(registry_firms(RegistryQuery(q="customer zzzqqq"))) == []


# --- pages by ids, at any depth ------------------------------------------------------------


@pytest.mark.parametrize("ordina", ["nome", "-nome", "comune", "recenti", ""])
def test_the_pages_put_together_are_the_whole_ordered_search(db, ordina):
    now = timezone.now()
    comuni = [("Milano", "MI"), ("Bergamo", "BG"), ("Roma", "RM")]
    for i in range(23):
        comune, provincia = comuni[i % 3]
        organization = firm(f"Ditta {(i * 7) % 23:02d} S.r.l.", comune=comune, provincia=provincia)
        certify(organization, issued=now - datetime.timedelta(hours=i))
    certified("Ditta Revocata S.r.l.", status=St.REVOKED)
    query = RegistryQuery(q="ditta" if ordina == "" else "", ordina=ordina)
    expected = [firm.pk for firm in registry_service.registry_search(query)]
    results = RegistryResults(query)
    pages = [results[start : start + 5] for start in range(0, 25, 5)]
    got = [firm.pk for page in pages for firm in page]
    assert got == expected
    assert len(got) == len(results) == 23
    assert all(firm.current_seal_number for page in pages for firm in page)


def test_the_last_page_of_the_registry_page_costs_the_same_queries_as_the_first(client):
    for i in range(45):
        certified(f"Ditta {i:02d} S.r.l.")
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        client.get(URL)
    cache.clear()
    with CaptureQueriesContext(connection) as last:
        response = client.get(URL, {"pagina": 3})
    assert len(first) == len(last)
    assert [f["legal_name"] for f in response.context["firms"]] == [
        f"Ditta {i:02d} S.r.l." for i in range(40, 45)
    ]


# --- counts --------------------------------------------------------------------------------


def generation() -> int:
    return RegistryGeneration.objects.get(pk=1).value


def test_every_change_the_registry_shows_raises_its_generation(committee):
    organization = certified("Voce Chiara S.r.l.")
    seal = organization.seals.get()
    changes = [
        lambda: Organization.objects.filter(pk=organization.pk).update(comune="Monza"),
        lambda: organization.sectors.add("editoria"),
        lambda: seal_suspend(
            seal=seal, by=committee, reason="Verifica.", public_reason="non_conformita"
        ),
        lambda: Seal.objects.filter(pk=seal.pk).update(valid_until=seal.valid_until),
        lambda: certified("Ascolto Attento S.r.l."),
        lambda: Organization.objects.filter(pk=organization.pk).update(website="https://a.it"),
        lambda: OperationalSite.objects.filter(organization=organization).update(seats=7),
        lambda: Seal.objects.filter(pk=seal.pk).update(score_published=True),
    ]
    for change in changes:
        before = generation()
        change()
        assert generation() > before
    before = generation()
    Seal.objects.filter(pk=seal.pk).update(pdf_version=seal.pdf_version + 1)
    Organization.objects.filter(pk=organization.pk).update(pec="nuova@pec.example.it")
    assert generation() == before, "what the registry does not show does not raise it"


def test_a_count_is_kept_until_the_registry_changes(db):
    for i in range(3):
        certified(f"Ditta {i:02d} S.r.l.")
    query = RegistryQuery()
    assert registry_count(query, generation=generation()) == 3
    with CaptureQueriesContext(connection) as counted:
        assert registry_count(query, generation=generation()) == 3
    assert len(counted) == 1, "the generation only"
    certified("Ditta 03 S.r.l.")
    assert registry_count(query, generation=generation()) == 4
    assert registry_count(RegistryQuery(regione="lombardia"), generation=generation()) == 4


def test_the_page_is_served_from_the_cache_until_the_registry_changes(client, committee):
    organization = certified("Voce Chiara S.r.l.")
    client.get(URL)
    with CaptureQueriesContext(connection) as cached:
        response = client.get(URL)
    assert len(cached) == 1, "the generation only"
    assert "Voce Chiara S.r.l." in response.text and "Sospeso" not in response.text
    seal_suspend(
        seal=organization.seals.get(),
        by=committee,
        reason="Verifica.",
        public_reason="non_conformita",
    )
    assert "Sospeso" in client.get(URL).text
    Seal.objects.filter(pk=organization.seals.get().pk).update(
        status=St.REVOKED, public_reason="non_conformita"
    )
    assert "Voce Chiara S.r.l." not in client.get(URL).text, "even a raw UPDATE is seen"


def test_each_address_and_language_has_its_own_page(client):
    certified("Voce Chiara S.r.l.")
    certified("Ascolto Attento S.r.l.", comune="Roma", provincia="RM")
    assert "Ascolto Attento" not in client.get(URL, {"regione": "lombardia"}).text
    assert "Ascolto Attento" in client.get(URL).text
    italian = client.get(URL).text
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").text
    assert "aziende certificate" in italian
    assert "aziende certificate" not in english


def test_the_search_box_shows_each_search_while_the_filters_keep_their_choices(client):
    certified("Voce Chiara S.r.l.")
    certified("Ascolto Attento S.r.l.")
    first = client.get(URL, {"q": "voce", "regione": "lombardia", "servizio": "outbound"}).text
    second = client.get(URL, {"q": "ascolto", "regione": "lombardia", "servizio": "outbound"}).text
    assert 'value="voce"' in first
    assert 'value="ascolto"' in second and 'value="voce"' not in second
    for page in (first, second):
        assert '<option value="lombardia" selected>' in page
        assert '<option value="outbound" selected>' in page
    unfiltered = client.get(URL, {"q": "ascolto"}).text
    assert 'value="ascolto"' in unfiltered
    assert '<option value="lombardia" selected>' not in unfiltered
    assert "Azzera la ricerca" in unfiltered


@pytest.mark.parametrize(
    "q", ["", "voce", 'Voce "Chiara" <b>&amp;</b>', "   ", "x" * 101, "caffè à l'écoute"]
)
@pytest.mark.parametrize("language", ["it", "en"])
def test_the_search_box_is_the_field_as_crispy_renders_it(db, q, language):
    from django.template import Context
    from django.utils import translation

    from certification.forms.registry import RegistryForm
    from certification.views.registry import SEARCH_BOX, _search_box

    with translation.override(language):
        form = RegistryForm({"q": q})
        assert _search_box(form) == SEARCH_BOX.render(Context({"form": form}))
        if len(q) > 100:
            assert "troppo lunga" in _search_box(form) or "too long" in _search_box(form)


def test_a_row_of_the_results_links_the_firm_and_its_seal_and_lists_what_it_does(client):
    organization = certified(
        "Voce Chiara S.r.l.", sectors=("telecomunicazioni", "energia"), inbound=False, outbound=True
    )
    seal = Seal.objects.get(organization=organization)
    page = client.get(URL).text
    assert f'href="/registro/{organization.partita_iva}/"' in page
    assert f"P. IVA {organization.partita_iva}" in page
    assert f'href="/verifica/{seal.number}/"' in page
    assert "<td>Outbound</td>" in page
    assert "<td>Energia e gas, Telecomunicazioni</td>" in page, "in the sectors' order"


def test_a_firms_page_is_served_from_the_cache_until_something_on_it_changes(client, committee):
    from tests.certification.report_helpers import sealed  # noqa: F401 (the helper module)

    organization = certified("Voce Chiara S.r.l.")
    url = f"/registro/{organization.partita_iva}/"
    client.get(url)
    with CaptureQueriesContext(connection) as cached:
        assert client.get(url).status_code == 200
    assert len(cached) == 1, "the generation only"
    OperationalSite.objects.filter(organization=organization).update(name="Sede di Monza")
    assert "Sede di Monza" in client.get(url).text
    seal = organization.seals.get()
    seal_suspend(seal=seal, by=committee, reason="Verifica.", public_reason="non_conformita")
    assert "è sospeso" in client.get(url).text
    report(organization, outcome=Report.Outcome.FOUNDED, closed_days_ago=3)
    assert 'id="segnalazioni-fondate"' in (page := client.get(url).text)
    assert "non ha ritenuto fondata alcuna" not in page


@pytest.mark.parametrize("word", ["ab", "12345", "Milano", "milano!", "via roma"])
def test_the_dictionary_refuses_a_word_not_as_search_texts_are_written(db, word):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        SearchWord.objects.create(word=word)
    SearchWord.objects.create(word="a1b")  # a letter among digits is a word


# --- result ids cached a chunk at a time ---------------------------------------------------


@pytest.mark.parametrize("ordina", ["nome", "-nome", "recenti", ""])
def test_pages_read_through_cached_chunks_are_the_whole_ordered_search(db, monkeypatch, ordina):
    monkeypatch.setattr(registry_service, "ID_CHUNK", 7)
    now = timezone.now()
    for i in range(23):
        organization = firm(f"Ditta {(i * 7) % 23:02d} S.r.l.")
        certify(organization, issued=now - datetime.timedelta(hours=i))
    query = RegistryQuery(q="ditta" if ordina == "" else "", ordina=ordina)
    expected = [firm.pk for firm in registry_service.registry_search(query)]
    for per_page in (5, 3, 23):
        results = RegistryResults(query, generation=generation())
        pages = [results[start : start + per_page] for start in range(0, 23, per_page)]
        assert [firm.pk for page in pages for firm in page] == expected
        assert len(results) == 23
    # Every chunk (and the corrections of the words) is now in the cache: a page across two
    # chunks costs only its rows' query.
    results = RegistryResults(query, generation=generation())
    with CaptureQueriesContext(connection) as queries:
        page = results[12:17]
    assert [firm.pk for firm in page] == expected[12:17]
    assert len(queries) == 1, queries.captured_queries


def test_a_search_with_fewer_results_than_a_chunk_is_counted_without_a_count_query(db):
    for i in range(4):
        certified(f"Ditta {i:02d} S.r.l.")
    certified("Altra Voce S.r.l.")
    results = RegistryResults(RegistryQuery(q="ditta"), generation=generation())
    with CaptureQueriesContext(connection) as queries:
        assert len(results) == 4
        page = results[0:20]
    assert [firm.legal_name for firm in page] == [f"Ditta {i:02d} S.r.l." for i in range(4)]
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    assert "COUNT(" not in sql.upper()


def test_a_search_with_more_results_than_a_chunk_is_counted(db, monkeypatch):
    monkeypatch.setattr(registry_service, "ID_CHUNK", 3)
    for i in range(8):
        certified(f"Ditta {i:02d} S.r.l.")
    results = RegistryResults(RegistryQuery(), generation=generation())
    assert len(results) == 8
    assert [firm.legal_name for firm in results[6:8]] == ["Ditta 06 S.r.l.", "Ditta 07 S.r.l."]


def test_cached_chunks_are_not_used_once_the_registry_changes(client):
    for i in range(3):
        certified(f"Ditta {i:02d} S.r.l.")
    assert "Ditta 02 S.r.l." in client.get(URL).text
    certified("Ditta 00 A S.r.l.")
    names = [firm["legal_name"] for firm in client.get(URL).context["firms"]]
    assert names == ["Ditta 00 A S.r.l.", "Ditta 00 S.r.l.", "Ditta 01 S.r.l.", "Ditta 02 S.r.l."]


def test_the_corrections_of_a_word_are_kept_until_the_registry_changes(db):
    certified("Customer Care Lombardia S.r.l.")
    first = similar_words(["custmer"], generation())
    with CaptureQueriesContext(connection) as queries:
        assert similar_words(["custmer"], generation()) == first
    assert len(queries) == 1, "the generation only"
    assert "customer" in first["custmer"]
    certified("Custmers Voice S.r.l.")
    assert "custmers" in similar_words(["custmer"], generation())["custmer"]


# A text search reads its ids from the registry's search table (RegistryEntry).
IDS_QUERY = 'SELECT "certification_registryentry"."organization_id"'


def _ranked(query: RegistryQuery) -> bool:
    """Whether reading the search's first page ranked its results (a second full-text match
    in the ORDER BY of the ids' query)."""
    with CaptureQueriesContext(connection) as queries:
        RegistryResults(query, generation=generation())[0:20]
    ids_query = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(IDS_QUERY)][0]
    return "@@" in ids_query.split("ORDER BY", 1)[1]


def test_a_search_is_ranked_only_when_ranking_can_change_its_order(db):
    certified("Customer Care Lombardia S.r.l.")
    certified("Customer Voice S.r.l.")
    # A typo no firm has as typed: every result was found through a correction.
    assert not _ranked(RegistryQuery(q="custmer"))
    # Words no correction was needed for: every result has them as typed.
    assert not _ranked(RegistryQuery(q="lombardia"))
    # A firm really named with the typo: it comes first, the others after.
    certified("Custmer Care Lombardia S.r.l.")
    assert _ranked(RegistryQuery(q="custmer"))
    results = RegistryResults(RegistryQuery(q="custmer"), generation=generation())
    assert [firm.legal_name for firm in results[0:20]] == [
        "Custmer Care Lombardia S.r.l.",
        "Customer Care Lombardia S.r.l.",
        "Customer Voice S.r.l.",
    ]


@pytest.mark.parametrize(("chunks_at_once", "count_queries", "id_reads"), [(3, 0, 1), (2, 1, 2)])
def test_a_text_search_reads_several_chunks_of_ids_at_once(
    db, monkeypatch, chunks_at_once, count_queries, id_reads
):
    monkeypatch.setattr(registry_service, "ID_CHUNK", 3)
    monkeypatch.setattr(registry_service, "TEXT_CHUNKS_AT_ONCE", chunks_at_once)
    for i in range(8):
        certified(f"Ditta {i:02d} S.r.l.")
    query = RegistryQuery(q="ditta")
    expected = [firm.pk for firm in registry_service.registry_search(query)]
    results = RegistryResults(query, generation=generation())
    with CaptureQueriesContext(connection) as queries:
        assert len(results) == 8
        pages = [results[start : start + 2] for start in range(0, 8, 2)]
    assert [firm.pk for page in pages for firm in page] == expected
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum("COUNT(" in s.upper() for s in sql) == count_queries
    id_queries = [s for s in sql if s.startswith(IDS_QUERY)]
    assert len(id_queries) == id_reads, id_queries


def test_a_firms_own_text_is_shown_as_text_in_the_results(client):
    certified('Voce <b>Chiara</b> & "Figli" S.r.l.', comune="Sant'<i>Angelo</i>")
    page = client.get(URL).text
    assert "Voce &lt;b&gt;Chiara&lt;/b&gt; &amp; &quot;Figli&quot; S.r.l." in page
    assert "Sant&#x27;&lt;i&gt;Angelo&lt;/i&gt;" in page
    assert "<b>Chiara" not in page and "<i>Angelo" not in page


def test_the_demos_rows_are_the_same_as_postgresqls(db):
    """The registry page reads its rows in plain SQL on PostgreSQL and through the ORM on
    SQLite (the demo): both give the same rows, sectors in order, current seal only."""
    suspended = firm("Voce Chiara S.r.l.", sectors=("telecomunicazioni", "energia"))
    certify(suspended, status=St.EXPIRED, public_reason="rinnovato")  # an old seal, not shown
    certify(suspended, status=St.SUSPENDED, public_reason="non_conformita")
    active = certified("Ascolto Attento S.r.l.", comune="Roma", provincia="RM")
    ids = [suspended.pk, active.pk]
    rows = registry_service._table_rows_sql(ids)
    assert sorted(rows, key=lambda r: r["id"]) == sorted(
        registry_service._table_rows_orm(ids), key=lambda r: r["id"]
    )
    shown = {row["legal_name"]: row for row in rows}
    assert shown["Voce Chiara S.r.l."]["sectors"] == ["Energia e gas", "Telecomunicazioni"]
    assert shown["Voce Chiara S.r.l."]["seal_status"] == St.SUSPENDED
    assert shown["Ascolto Attento S.r.l."]["regione"] == "lazio"
    assert len(rows) == 2


def test_full_text_reads_of_ids_take_turns_and_other_reads_do_not(db, monkeypatch):
    turns = []

    @contextlib.contextmanager
    def recording(key):
        turns.append(key)
        yield True

    monkeypatch.setattr(registry_service, "taking_turns", recording)
    certified("Customer Care Lombardia S.r.l.")
    RegistryResults(RegistryQuery(q="custmer"), generation=generation())[0:20]
    assert turns == [registry_service.TEXT_READ_TURN]
    RegistryResults(RegistryQuery(regione="lombardia"), generation=generation())[0:20]
    RegistryResults(RegistryQuery(q="custmer"), generation=generation())[0:20]  # kept: no read
    assert turns == [registry_service.TEXT_READ_TURN]

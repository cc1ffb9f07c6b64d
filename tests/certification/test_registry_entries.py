"""The registry's search table (RegistryEntry, migration 0021), kept by PostgreSQL: an entry for
exactly the firms in the registry, with their province and search vector, ranked in the order
of their names; and the registry's text searches, read from it, give what the organization
table gives."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connections, transaction
from django.db.models import Case, Value, When
from django.db.models.functions import Concat

from certification.models import Organization, Provincia, RegistryEntry, Seal
from certification.services.registry import (
    RegistryQuery,
    RegistryResults,
    refresh_search_text,
    registry_firms,
    registry_matches,
)
from certification.services.seals import seal_reinstate, seal_revoke, seal_suspend, seals_expire
from tests.certification.registry_helpers import certified, certify, firm

pytestmark = pytest.mark.django_db

St = Seal.Status


def entry_ids() -> set[int]:
    return set(RegistryEntry.objects.values_list("pk", flat=True))


def assert_ranked_by_name() -> None:
    """One entry for each listed firm, and name_rank orders them as (legal_name, id) does."""
    by_rank = list(RegistryEntry.objects.order_by("name_rank").values_list("pk", flat=True))
    by_name = list(
        Organization.objects.filter(registry_since__isnull=False)
        .order_by("legal_name", "id")
        .values_list("pk", flat=True)
    )
    assert by_rank == by_name


def test_a_firm_has_an_entry_exactly_while_it_is_in_the_registry(committee):
    organization = firm("Voce Chiara S.r.l.")
    assert entry_ids() == set()
    seal = certify(organization)
    assert entry_ids() == {organization.pk}
    seal = seal_suspend(seal=seal, by=committee, reason="Verifica.", public_reason="altro")
    assert entry_ids() == {organization.pk}
    seal = seal_reinstate(seal=seal, by=committee, reason="Risolta.")
    seal_revoke(seal=seal, by=committee, reason="Grave.", public_reason="non_conformita")
    assert entry_ids() == set()


def test_an_expired_seal_takes_the_entry_away(db):
    organization = certified("Voce Chiara S.r.l.")
    seal = organization.seals.get()
    seals_expire(today=seal.valid_until + datetime.timedelta(days=1))
    assert entry_ids() == set()


def test_ranks_follow_names_as_firms_enter_in_any_order_and_are_renamed(db):
    for name in ["Mela S.r.l.", "Alfa S.r.l.", "Zeta S.r.l.", "Gamma S.r.l.", "Beta S.r.l."]:
        certified(name)
        assert_ranked_by_name()
    # Two firms with the same name are ordered by id, as the registry orders them.
    certified("Gamma S.r.l.")
    assert_ranked_by_name()
    alfa = Organization.objects.get(legal_name="Alfa S.r.l.")
    alfa.legal_name = "Omega S.r.l."
    alfa.save()
    assert_ranked_by_name()
    Organization.objects.filter(legal_name="Zeta S.r.l.").update(legal_name="Aaa S.r.l.")
    assert_ranked_by_name()


def test_one_statement_renaming_many_firms_ranks_each_among_the_right_names(db):
    for n in range(10):
        certified(f"Ditta {n} S.r.l.")
    certified("Mezzo S.r.l.")
    # Triggers fire once per firm after all ten are renamed: half before Mezzo, half after.
    Organization.objects.filter(legal_name__startswith="Ditta").update(
        legal_name=Case(
            When(
                id__in=Organization.objects.filter(legal_name__regex=r"[02468] S"),
                then=Concat(Value("Zeta "), "legal_name"),
            ),
            default=Concat(Value("Alfa "), "legal_name"),
        )
    )
    assert_ranked_by_name()
    assert RegistryEntry.objects.filter(legal_name__startswith="Ditta").count() == 0


def test_with_no_room_between_two_ranks_only_the_crowded_stretch_is_spread_again(db):
    for name in ["Alfa S.r.l.", "Beta S.r.l.", "Gamma S.r.l."]:
        certified(name)
    for n in range(40):
        certified(f"Zeta {n:02d} S.r.l.")
    # Ranks as if many firms had already entered between Alfa and Beta.
    for rank, name in [(10, "Alfa S.r.l."), (11, "Beta S.r.l."), (12, "Gamma S.r.l.")]:
        RegistryEntry.objects.filter(organization__legal_name=name).update(name_rank=rank)
    far = dict(
        RegistryEntry.objects.filter(organization__legal_name__gte="Zeta 13").values_list(
            "pk", "name_rank"
        )
    )
    certified("Alfetta S.r.l.")
    assert_ranked_by_name()
    ranks = list(RegistryEntry.objects.order_by("name_rank").values_list("name_rank", flat=True))
    assert min(b - a for a, b in zip(ranks, ranks[1:], strict=False)) >= 1024
    # The 16th entry after Alfetta (Zeta 13) and those past it kept their ranks.
    assert dict(RegistryEntry.objects.filter(pk__in=far).values_list("pk", "name_rank")) == far


def test_a_bulk_load_in_name_order_before_an_existing_firm_stays_ranked(db):
    certified("Zeta S.r.l.")
    for n in range(60):  # each one squeezed between the last one and Zeta
        certified(f"Alfa {n:02d} S.r.l.")
    assert_ranked_by_name()


def test_the_entry_follows_the_firms_search_text_and_province(db):
    organization = certified("Voce Chiara S.r.l.", comune="Milano", provincia="MI")
    lazio = RegistryQuery(q="voce chiara", regione="lazio")
    assert list(registry_matches(lazio).values_list("pk", flat=True)) == []
    organization.comune = "Roma"
    organization.provincia = Provincia.objects.get(sigla="RM")
    organization.save()
    organization.sites.update(comune="Roma", provincia_id="RM")
    refresh_search_text(organization)
    entry = RegistryEntry.objects.get()
    assert entry.provincia_id == "RM"
    assert list(registry_matches(lazio).values_list("pk", flat=True)) == [organization.pk]
    assert list(registry_matches(RegistryQuery(q="roma")).values_list("pk", flat=True)) == [
        organization.pk
    ]
    assert not registry_matches(RegistryQuery(q="milano")).exists()


@pytest.mark.parametrize(
    "query",
    [
        RegistryQuery(q="customer"),
        RegistryQuery(q="custmer care"),
        RegistryQuery(q="custmer", ordina="-nome"),
        RegistryQuery(q="customer", ordina="nome"),
        RegistryQuery(q="customer", regione="lombardia"),
        RegistryQuery(q="contact bergamo"),
        RegistryQuery(q="nessuna azienda"),
    ],
    ids=repr,
)
def test_a_text_search_reads_the_entries_and_finds_what_the_firms_table_finds(db, query):
    for name, comune, provincia in [
        ("Customer Care Lombardia S.r.l.", "Milano", "MI"),
        ("Custmer Care Lombardia S.r.l.", "Milano", "MI"),  # really named with the typo
        ("Customer Contact Bergamo S.r.l.", "Bergamo", "BG"),
        ("Customer Service Roma S.p.A.", "Roma", "RM"),
        ("Contact Bergamo S.r.l.", "Bergamo", "BG"),
        ("Ascolto Attento S.r.l.", "Milano", "MI"),
    ]:
        certified(name, comune=comune, provincia=provincia)
    certify(firm("Customer Revocata S.r.l."), status=St.REVOKED)
    matches = registry_matches(query)
    assert matches.model is RegistryEntry
    assert list(matches.values_list("pk", flat=True)) == list(
        registry_firms(query).values_list("pk", flat=True)
    )
    assert matches.order_by().count() == registry_firms(query).order_by().count()


def test_other_searches_read_the_firms_table(db):
    certified("Customer Care Lombardia S.r.l.")
    for query in [
        RegistryQuery(),
        RegistryQuery(q="01234567890"),
        RegistryQuery(q="customer", settore="energia"),
        RegistryQuery(q="customer", ordina="comune"),
        RegistryQuery(q="customer", servizio="inbound"),
        RegistryQuery(q="customer", versione="2.0"),
    ]:
        assert registry_matches(query).model is Organization, query


def test_the_registry_page_of_a_text_search_counts_and_pages_from_the_entries(client):
    for n in range(25):
        certified(f"Customer Care {n:02d} S.r.l.")
    results = RegistryResults(RegistryQuery(q="custmer"))
    assert len(results) == 25
    assert [firm.legal_name for firm in results[20:25]] == [
        f"Customer Care {n:02d} S.r.l." for n in range(20, 25)
    ]
    response = client.get("/registro/", {"q": "custmer", "pagina": 2})
    assert response.status_code == 200
    assert [row["legal_name"] for row in response.context["firms"]] == [
        f"Customer Care {n:02d} S.r.l." for n in range(20, 25)
    ]


@pytest.mark.django_db(transaction=True)
def test_firms_renamed_at_once_into_the_same_gap_take_ranks_one_at_a_time():
    certified("Alfa S.r.l.")
    certified("Beta S.r.l.")
    renamed = [certified(f"Zeta {n} S.r.l.") for n in range(6)]
    start = threading.Barrier(len(renamed))
    failures = []

    def rename(organization, name):
        try:
            with transaction.atomic():
                start.wait()
                Organization.objects.filter(pk=organization.pk).update(legal_name=name)
        except Exception as error:  # reported below, in the test's own thread
            failures.append(error)
        finally:
            connections.close_all()

    # All between Alfa and Beta: read at the same time, their neighbours' ranks are the same.
    threads = [
        threading.Thread(target=rename, args=(organization, f"Alfa {n} S.r.l."))
        for n, organization in enumerate(renamed)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert_ranked_by_name()
    assert RegistryEntry.objects.values("name_rank").distinct().count() == 8

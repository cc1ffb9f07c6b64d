"""The registry's search table (RegistryEntry), kept by PostgreSQL.

A full-text search for a common word read every matching firm's row of the organization table
(5,000 of its 8,400 pages for "customer") and sorted 12,500 names that begin with the same
two words: 20-30 ms, the slowest query of the registry. The entries hold only what that read
needs, a fifth of the pages, and `name_rank` to sort on: an integer in the order of
(legal_name, id), so ORDER BY name_rank is ORDER BY legal_name, id. Their search_vector is the
firm's without the words' positions (strip()): the registry's searches match words, never
phrases, and positions were a third of its size.

- After a firm is inserted, updated or deleted, its entry is written, changed or deleted: there
  is one exactly for each firm with registry_since (migration 0014).
- A new or renamed entry takes the rank half-way between the entries named just before and
  just after it (first ranks 2^36 apart).
- When two neighbours have no integer left between them, the entries around that place are
  spread evenly over a wider stretch of ranks, as wide as it takes for every gap to be at
  least 1,024: only the crowded stretch moves, so a bulk load in name order costs a few short
  updates, not a renumbering of every firm.
- Each entry keeps the name it was ranked by. A statement that renames several firms fires
  the trigger once per firm, after all of them changed: each is ranked among names that
  agree with their ranks, not among the others' new names and old ranks.
- Ranks are handed out one transaction at a time (an advisory lock): two firms entering the
  registry at once would otherwise take the same rank, or one from before a spread.
"""

import django.contrib.postgres.search
import django.db.models.constraints
import django.db.models.deletion
from django.db import migrations, models

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE INDEX registryentry_search_vector_gin
    ON certification_registryentry USING gin (search_vector);

-- The neighbours are read through the entries' name index, a few steps each way: PL/pgSQL
-- keeps the plan it made on its first calls, and a plan made on a near-empty table (a scan and
-- a sort of every entry) would make each new entry cost as much as all the others.
CREATE OR REPLACE FUNCTION certification_registryentry_rank(firm bigint, firm_name text)
RETURNS bigint LANGUAGE plpgsql
SET enable_seqscan = off SET enable_sort = off SET enable_hashjoin = off
SET enable_mergejoin = off AS $$
DECLARE
    rank_step CONSTANT bigint := 68719476736;  -- 2^36
    min_gap CONSTANT bigint := 1024;
    reach bigint := 16;
    rounds int := 0;
    before_rank bigint;
    after_rank bigint;
    before_count bigint;
    after_count bigint;
    low bigint;
    high bigint;
    spread bigint;
BEGIN
    -- 'RegistryEntry rank' as a number: one transaction at a time hands out ranks.
    PERFORM pg_advisory_xact_lock(7266510473019625);
    LOOP
        rounds := rounds + 1;
        IF rounds > 64 THEN
            RAISE EXCEPTION 'no rank left for registry entry % (%)', firm, firm_name;
        END IF;
        SELECT name_rank INTO before_rank FROM certification_registryentry
        WHERE (legal_name, organization_id) < (firm_name, firm)
        ORDER BY legal_name DESC, organization_id DESC LIMIT 1;
        SELECT name_rank INTO after_rank FROM certification_registryentry
        WHERE (legal_name, organization_id) > (firm_name, firm)
        ORDER BY legal_name, organization_id LIMIT 1;
        IF before_rank IS NULL AND after_rank IS NULL THEN
            RETURN 0;
        ELSIF before_rank IS NULL THEN
            RETURN after_rank - rank_step;
        ELSIF after_rank IS NULL THEN
            RETURN before_rank + rank_step;
        ELSIF after_rank - before_rank >= 2 THEN
            RETURN before_rank + (after_rank - before_rank) / 2;
        END IF;
        -- No integer left between the neighbours: spread the entries around this place evenly
        -- over the ranks from the `reach`-th one before to the `reach`-th one after (or, where
        -- fewer are left, a little past the last), widening the reach until the gaps between
        -- them are at least min_gap. Only the crowded stretch moves.
        SELECT min(name_rank), count(*) INTO low, before_count FROM (
            SELECT name_rank FROM certification_registryentry
            WHERE (legal_name, organization_id) < (firm_name, firm)
            ORDER BY legal_name DESC, organization_id DESC LIMIT reach
        ) crowded;
        SELECT max(name_rank), count(*) INTO high, after_count FROM (
            SELECT name_rank FROM certification_registryentry
            WHERE (legal_name, organization_id) > (firm_name, firm)
            ORDER BY legal_name, organization_id LIMIT reach
        ) crowded;
        IF before_count < reach THEN
            low := low - reach * rank_step;
        END IF;
        IF after_count < reach THEN
            high := high + reach * rank_step;
        END IF;
        spread := (high - low) / (before_count + after_count + 2);
        IF spread >= min_gap THEN
            UPDATE certification_registryentry e
            SET name_rank = low + spread * crowded.position
            FROM (
                SELECT organization_id, row_number() OVER (ORDER BY name_rank) AS position
                FROM certification_registryentry
                WHERE name_rank > low AND name_rank < high
            ) crowded
            WHERE e.organization_id = crowded.organization_id;
        ELSE
            reach := reach * 4;
        END IF;
    END LOOP;
END;
$$;

CREATE OR REPLACE FUNCTION certification_organization_registry_entry() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.registry_since IS NULL THEN
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM certification_registryentry WHERE organization_id = OLD.id;
        END IF;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        UPDATE certification_registryentry
        SET provincia_id = NEW.provincia_id, search_vector = strip(NEW.search_vector)
        WHERE organization_id = NEW.id AND legal_name = NEW.legal_name;
        IF FOUND THEN
            RETURN NULL;
        END IF;
        DELETE FROM certification_registryentry WHERE organization_id = NEW.id;
    END IF;
    INSERT INTO certification_registryentry
        (organization_id, legal_name, name_rank, provincia_id, search_vector)
    VALUES (
        NEW.id, NEW.legal_name, certification_registryentry_rank(NEW.id, NEW.legal_name),
        NEW.provincia_id, strip(NEW.search_vector)
    );
    RETURN NULL;
END;
$$;

CREATE TRIGGER certification_organization_registry_entry_insert
    AFTER INSERT ON certification_organization
    FOR EACH ROW WHEN (NEW.registry_since IS NOT NULL)
    EXECUTE FUNCTION certification_organization_registry_entry();
CREATE TRIGGER certification_organization_registry_entry_update
    AFTER UPDATE ON certification_organization
    FOR EACH ROW WHEN (
        OLD.registry_since IS DISTINCT FROM NEW.registry_since
        OR OLD.legal_name IS DISTINCT FROM NEW.legal_name
        OR OLD.provincia_id IS DISTINCT FROM NEW.provincia_id
        OR OLD.search_vector IS DISTINCT FROM NEW.search_vector
    )
    EXECUTE FUNCTION certification_organization_registry_entry();
CREATE TRIGGER certification_organization_registry_entry_delete
    AFTER DELETE ON certification_organization
    FOR EACH ROW WHEN (OLD.registry_since IS NOT NULL)
    EXECUTE FUNCTION certification_organization_registry_entry();

INSERT INTO certification_registryentry
    (organization_id, legal_name, name_rank, provincia_id, search_vector)
SELECT id, legal_name, row_number() OVER (ORDER BY legal_name, id) * 68719476736, provincia_id,
       strip(search_vector)
FROM certification_organization
WHERE registry_since IS NOT NULL;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_organization_registry_entry_delete
    ON certification_organization;
DROP TRIGGER IF EXISTS certification_organization_registry_entry_update
    ON certification_organization;
DROP TRIGGER IF EXISTS certification_organization_registry_entry_insert
    ON certification_organization;
DROP FUNCTION IF EXISTS certification_organization_registry_entry();
DROP FUNCTION IF EXISTS certification_registryentry_rank(bigint, text);
DROP INDEX IF EXISTS registryentry_search_vector_gin;
"""


class Migration(migrations.Migration):
    dependencies = [("certification", "0020_scoring_page_stamp")]

    operations = [
        migrations.CreateModel(
            name="RegistryEntry",
            fields=[
                (
                    "organization",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="registry_entry",
                        serialize=False,
                        to="certification.organization",
                        verbose_name="organizzazione",
                    ),
                ),
                (
                    "legal_name",
                    models.CharField(max_length=200, verbose_name="ragione sociale"),
                ),
                (
                    "name_rank",
                    models.BigIntegerField(verbose_name="posizione nell'ordine dei nomi"),
                ),
                ("search_vector", django.contrib.postgres.search.SearchVectorField(null=True)),
                (
                    "provincia",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="certification.provincia",
                        verbose_name="provincia",
                    ),
                ),
            ],
            options={
                "verbose_name": "voce del registro",
                "verbose_name_plural": "voci del registro",
                "indexes": [
                    models.Index(
                        fields=["legal_name", "organization"], name="registryentry_by_name"
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        deferrable=django.db.models.constraints.Deferrable["DEFERRED"],
                        fields=("name_rank",),
                        name="registryentry_name_rank_unique",
                    )
                ],
            },
        ),
        RunSQLOnPostgreSQL(FORWARD, BACKWARD),
    ]

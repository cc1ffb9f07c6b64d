"""PostgreSQL: the registry's search indexes and the reports' append-only history.

search_text is written by the application (lower case, accents removed); a trigger derives
search_vector from it with the Italian text-search configuration, so both are stored and
indexed: a GIN index for full-text search and a GIN trigram index for typo-tolerant matching.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION certification_organization_search_vector() RETURNS trigger AS $$
BEGIN
    NEW.search_vector := to_tsvector('italian', coalesce(NEW.search_text, ''));
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_organization_search_vector
    BEFORE INSERT OR UPDATE OF search_text ON certification_organization
    FOR EACH ROW EXECUTE FUNCTION certification_organization_search_vector();
UPDATE certification_organization
    SET search_vector = to_tsvector('italian', coalesce(search_text, ''));
CREATE INDEX IF NOT EXISTS org_search_vector_gin
    ON certification_organization USING gin (search_vector);
CREATE INDEX IF NOT EXISTS org_search_text_trgm
    ON certification_organization USING gin (search_text gin_trgm_ops);

CREATE TRIGGER certification_reportevent_append_only
    BEFORE UPDATE OR DELETE ON certification_reportevent
    FOR EACH ROW EXECUTE FUNCTION portal_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_reportevent_append_only ON certification_reportevent;
DROP INDEX IF EXISTS org_search_text_trgm;
DROP INDEX IF EXISTS org_search_vector_gin;
DROP TRIGGER IF EXISTS certification_organization_search_vector ON certification_organization;
DROP FUNCTION IF EXISTS certification_organization_search_vector();
"""


class Migration(migrations.Migration):
    dependencies = [("certification", "0011_seal_guards")]

    operations = [TrigramExtension(), RunSQLOnPostgreSQL(FORWARD, BACKWARD)]

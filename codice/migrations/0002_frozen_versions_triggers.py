"""PostgreSQL triggers: the database itself refuses changes to frozen versions and history.

SQLite (the embedded demo) relies on the model layer alone.
"""

from django.db import migrations

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION codice_version_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.status <> 'bozza' THEN
            RAISE EXCEPTION 'codice: la versione % è congelata e non si cancella', OLD.number
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.status = 'bozza' THEN
        RETURN NEW;
    END IF;
    IF OLD.status = 'pubblicata' AND NEW.status = 'superata'
       AND (to_jsonb(NEW) - 'status') = (to_jsonb(OLD) - 'status') THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'codice: la versione % è congelata e non si modifica', OLD.number
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER codice_version_guard
    BEFORE UPDATE OR DELETE ON codice_codeversion
    FOR EACH ROW EXECUTE FUNCTION codice_version_guard();

CREATE OR REPLACE FUNCTION codice_content_guard() RETURNS trigger AS $$
DECLARE
    version_status text;
    chapter_version bigint;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        SELECT status INTO version_status FROM codice_codeversion WHERE id = OLD.version_id;
        IF version_status IS NOT NULL AND version_status <> 'bozza' THEN
            RAISE EXCEPTION 'codice: % di una versione congelata', TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        SELECT status INTO version_status FROM codice_codeversion WHERE id = NEW.version_id;
        IF version_status <> 'bozza' THEN
            RAISE EXCEPTION 'codice: % di una versione congelata', TG_TABLE_NAME
                USING ERRCODE = 'check_violation';
        END IF;
        IF TG_TABLE_NAME = 'codice_article' THEN
            SELECT version_id INTO chapter_version FROM codice_chapter WHERE id = NEW.chapter_id;
            IF chapter_version IS DISTINCT FROM NEW.version_id THEN
                RAISE EXCEPTION 'codice: il capitolo appartiene a un''altra versione'
                    USING ERRCODE = 'check_violation';
            END IF;
        END IF;
        RETURN NEW;
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER codice_chapter_guard
    BEFORE INSERT OR UPDATE OR DELETE ON codice_chapter
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();
CREATE TRIGGER codice_article_guard
    BEFORE INSERT OR UPDATE OR DELETE ON codice_article
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();
CREATE TRIGGER codice_decalogo_guard
    BEFORE INSERT OR UPDATE OR DELETE ON codice_decalogoentry
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();

CREATE OR REPLACE FUNCTION portal_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'storico: % è in sola aggiunta', TG_TABLE_NAME
        USING ERRCODE = 'check_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER codice_codeevent_append_only
    BEFORE UPDATE OR DELETE ON codice_codeevent
    FOR EACH ROW EXECUTE FUNCTION portal_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS codice_codeevent_append_only ON codice_codeevent;
DROP TRIGGER IF EXISTS codice_decalogo_guard ON codice_decalogoentry;
DROP TRIGGER IF EXISTS codice_article_guard ON codice_article;
DROP TRIGGER IF EXISTS codice_chapter_guard ON codice_chapter;
DROP TRIGGER IF EXISTS codice_version_guard ON codice_codeversion;
DROP FUNCTION IF EXISTS codice_content_guard();
DROP FUNCTION IF EXISTS codice_version_guard();
DROP FUNCTION IF EXISTS portal_append_only();
"""


class Migration(migrations.Migration):
    dependencies = [("codice", "0001_initial")]

    operations = [RunSQLOnPostgreSQL(FORWARD, BACKWARD)]

"""PostgreSQL triggers: a frozen version's checklist cannot change, the history cannot either.

The checklist rows carry their code version, so codice's own guard (codice/0002) applies.
"""

from django.db import migrations

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE TRIGGER certification_checklisttemplate_guard
    BEFORE INSERT OR UPDATE OR DELETE ON certification_checklisttemplate
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();
CREATE TRIGGER certification_scalelevel_guard
    BEFORE INSERT OR UPDATE OR DELETE ON certification_scalelevel
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();
CREATE TRIGGER certification_checklistsection_guard
    BEFORE INSERT OR UPDATE OR DELETE ON certification_checklistsection
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();
CREATE TRIGGER certification_checklistitem_guard
    BEFORE INSERT OR UPDATE OR DELETE ON certification_checklistitem
    FOR EACH ROW EXECUTE FUNCTION codice_content_guard();

CREATE OR REPLACE FUNCTION certification_item_section_guard() RETURNS trigger AS $$
DECLARE
    section_version bigint;
BEGIN
    SELECT version_id INTO section_version FROM certification_checklistsection
        WHERE id = NEW.section_id;
    IF section_version IS DISTINCT FROM NEW.version_id THEN
        RAISE EXCEPTION 'certification: la sezione appartiene a un''altra versione'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER certification_checklistitem_section_guard
    BEFORE INSERT OR UPDATE ON certification_checklistitem
    FOR EACH ROW EXECUTE FUNCTION certification_item_section_guard();

CREATE TRIGGER certification_applicationevent_append_only
    BEFORE UPDATE OR DELETE ON certification_applicationevent
    FOR EACH ROW EXECUTE FUNCTION portal_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_applicationevent_append_only
    ON certification_applicationevent;
DROP TRIGGER IF EXISTS certification_checklistitem_section_guard ON certification_checklistitem;
DROP FUNCTION IF EXISTS certification_item_section_guard();
DROP TRIGGER IF EXISTS certification_checklistitem_guard ON certification_checklistitem;
DROP TRIGGER IF EXISTS certification_checklistsection_guard ON certification_checklistsection;
DROP TRIGGER IF EXISTS certification_scalelevel_guard ON certification_scalelevel;
DROP TRIGGER IF EXISTS certification_checklisttemplate_guard ON certification_checklisttemplate;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0004_provinces_and_sectors"),
        ("codice", "0002_frozen_versions_triggers"),
    ]

    operations = [RunSQLOnPostgreSQL(FORWARD, BACKWARD)]

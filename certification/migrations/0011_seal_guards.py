"""PostgreSQL triggers for seals: the history and the certificate files are append-only; a
seal is never deleted and its number, firm, application and dates of issue never change; the
year's counter never goes back."""

from django.db import migrations

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE TRIGGER certification_sealevent_append_only
    BEFORE UPDATE OR DELETE ON certification_sealevent
    FOR EACH ROW EXECUTE FUNCTION portal_append_only();
CREATE TRIGGER certification_certificatefile_append_only
    BEFORE UPDATE OR DELETE ON certification_certificatefile
    FOR EACH ROW EXECUTE FUNCTION portal_append_only();

CREATE OR REPLACE FUNCTION certification_seal_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'certification: un bollino non si cancella'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF NEW.number IS DISTINCT FROM OLD.number OR NEW.year IS DISTINCT FROM OLD.year
       OR NEW.sequence IS DISTINCT FROM OLD.sequence
       OR NEW.organization_id IS DISTINCT FROM OLD.organization_id
       OR NEW.application_id IS DISTINCT FROM OLD.application_id
       OR NEW.code_version_id IS DISTINCT FROM OLD.code_version_id
       OR NEW.issued_at IS DISTINCT FROM OLD.issued_at
       OR NEW.valid_from IS DISTINCT FROM OLD.valid_from THEN
        RAISE EXCEPTION 'certification: numero, azienda, domanda e rilascio di un bollino non cambiano'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.status IN ('revocato', 'scaduto') AND NEW.status IS DISTINCT FROM OLD.status THEN
        RAISE EXCEPTION 'certification: un bollino revocato o scaduto resta tale'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_seal_guard
    BEFORE UPDATE OR DELETE ON certification_seal
    FOR EACH ROW EXECUTE FUNCTION certification_seal_guard();

CREATE OR REPLACE FUNCTION certification_sealcounter_guard() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' OR NEW.last_sequence < OLD.last_sequence THEN
        RAISE EXCEPTION 'certification: il contatore dei bollini non torna indietro'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_sealcounter_guard
    BEFORE UPDATE OR DELETE ON certification_sealcounter
    FOR EACH ROW EXECUTE FUNCTION certification_sealcounter_guard();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_sealcounter_guard ON certification_sealcounter;
DROP FUNCTION IF EXISTS certification_sealcounter_guard();
DROP TRIGGER IF EXISTS certification_seal_guard ON certification_seal;
DROP FUNCTION IF EXISTS certification_seal_guard();
DROP TRIGGER IF EXISTS certification_certificatefile_append_only ON certification_certificatefile;
DROP TRIGGER IF EXISTS certification_sealevent_append_only ON certification_sealevent;
"""


class Migration(migrations.Migration):
    dependencies = [("certification", "0010_seals_reports_search")]

    operations = [RunSQLOnPostgreSQL(FORWARD, BACKWARD)]

"""PostgreSQL triggers for rules that span tables, until now held by the services alone:

- "non applicabile" only on an item that allows it (self-assessment answers and audit scores);
- an audit score's points are a level of the scale of the item's code version;
- a committee decision, once recorded, is never changed or deleted.
"""

from django.db import migrations

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION certification_answer_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.answer = 'non_applicabile' AND NOT EXISTS (
        SELECT 1 FROM certification_checklistitem WHERE id = NEW.item_id AND allows_na
    ) THEN
        RAISE EXCEPTION 'certification: la voce non ammette «non applicabile»'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER certification_selfassessmentanswer_guard
    BEFORE INSERT OR UPDATE ON certification_selfassessmentanswer
    FOR EACH ROW EXECUTE FUNCTION certification_answer_guard();

CREATE OR REPLACE FUNCTION certification_auditscore_guard() RETURNS trigger AS $$
BEGIN
    IF NEW.not_applicable AND NOT EXISTS (
        SELECT 1 FROM certification_checklistitem WHERE id = NEW.item_id AND allows_na
    ) THEN
        RAISE EXCEPTION 'certification: la voce non ammette «non applicabile»'
            USING ERRCODE = 'check_violation';
    END IF;
    IF NEW.points IS NOT NULL AND NOT EXISTS (
        SELECT 1 FROM certification_checklistitem item
        JOIN certification_scalelevel level ON level.version_id = item.version_id
        WHERE item.id = NEW.item_id AND level.points = NEW.points
    ) THEN
        RAISE EXCEPTION 'certification: livello fuori dalla scala'
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER certification_auditscore_guard
    BEFORE INSERT OR UPDATE ON certification_auditscore
    FOR EACH ROW EXECUTE FUNCTION certification_auditscore_guard();

CREATE TRIGGER certification_decision_append_only
    BEFORE UPDATE OR DELETE ON certification_decision
    FOR EACH ROW EXECUTE FUNCTION portal_append_only();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_decision_append_only ON certification_decision;
DROP TRIGGER IF EXISTS certification_auditscore_guard ON certification_auditscore;
DROP FUNCTION IF EXISTS certification_auditscore_guard();
DROP TRIGGER IF EXISTS certification_selfassessmentanswer_guard
    ON certification_selfassessmentanswer;
DROP FUNCTION IF EXISTS certification_answer_guard();
"""


class Migration(migrations.Migration):
    dependencies = [("certification", "0008_nonconformities_information_requests_decisions")]

    operations = [RunSQLOnPostgreSQL(FORWARD, BACKWARD)]

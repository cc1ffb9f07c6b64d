"""The registry's own column: Organization.registry_since, the issue date of the firm's current
(active or suspended) seal, null when it has none.

PostgreSQL keeps it, so that the registry's pages and counts read one table through partial
indexes instead of joining 100,000 firms to their seals:
- before any INSERT or UPDATE of an organization, the value is computed from the seals, so
  nothing Django (or anyone) writes there can disagree with them;
- after a seal is inserted or its status or issue date changes, the firm's row is touched when
  the value differs, which runs the computation above.
(SQLite, the embedded demo, leaves it null; services.registry filters on the seals there.)
"""

from django.db import migrations, models

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION certification_organization_registry_since() RETURNS trigger AS $$
BEGIN
    NEW.registry_since := (
        SELECT s.issued_at FROM certification_seal s
        WHERE s.organization_id = NEW.id AND s.status IN ('attivo', 'sospeso')
    );
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_organization_registry_since
    BEFORE INSERT OR UPDATE ON certification_organization
    FOR EACH ROW EXECUTE FUNCTION certification_organization_registry_since();

CREATE OR REPLACE FUNCTION certification_seal_registry_since() RETURNS trigger AS $$
BEGIN
    UPDATE certification_organization o SET registry_since = NULL
    WHERE o.id = NEW.organization_id
      AND o.registry_since IS DISTINCT FROM (
          SELECT s.issued_at FROM certification_seal s
          WHERE s.organization_id = o.id AND s.status IN ('attivo', 'sospeso')
      );
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_seal_registry_since
    AFTER INSERT OR UPDATE OF status, issued_at ON certification_seal
    FOR EACH ROW EXECUTE FUNCTION certification_seal_registry_since();

UPDATE certification_organization o SET registry_since = NULL
WHERE EXISTS (
    SELECT 1 FROM certification_seal s
    WHERE s.organization_id = o.id AND s.status IN ('attivo', 'sospeso')
);
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_seal_registry_since ON certification_seal;
DROP FUNCTION IF EXISTS certification_seal_registry_since();
DROP TRIGGER IF EXISTS certification_organization_registry_since ON certification_organization;
DROP FUNCTION IF EXISTS certification_organization_registry_since();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0013_report_and_seal_consistency"),
        ("codice", "0002_frozen_versions_triggers"),
    ]

    operations = [
        migrations.AddField(
            model_name="organization",
            name="registry_since",
            field=models.DateTimeField(editable=False, null=True, verbose_name="nel registro dal"),
        ),
        RunSQLOnPostgreSQL(FORWARD, BACKWARD),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                condition=models.Q(("registry_since__isnull", False)),
                fields=["legal_name", "id"],
                include=("provincia",),
                name="org_registry_by_name",
            ),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                condition=models.Q(("registry_since__isnull", False)),
                fields=["comune", "legal_name", "id"],
                name="org_registry_by_comune",
            ),
        ),
        migrations.AddIndex(
            model_name="organization",
            index=models.Index(
                condition=models.Q(("registry_since__isnull", False)),
                fields=["-registry_since", "id"],
                name="org_registry_by_recent",
            ),
        ),
        migrations.AddIndex(
            model_name="seal",
            index=models.Index(
                condition=models.Q(("status__in", ["attivo", "sospeso"])),
                fields=["code_version"],
                name="seal_current_by_version",
            ),
        ),
    ]

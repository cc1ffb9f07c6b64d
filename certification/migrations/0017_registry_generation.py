"""The registry's generation: one row, raised by PostgreSQL statement triggers in the same
transaction as any change the public registry shows (its pages, the API's, a firm's page with
its count of founded reports, the home page with the code version in force), so that what is cached under it is never
stale (services.registry). A statement raises it once however many rows it changes; the
columns the registry neither shows nor searches (a certificate's rendering, the
registry_since that the seal triggers keep) do not raise it. A site's comune reaches the
registry through the firm's search text, which raises it. SQLite gets the row only; the
embedded demo caches nothing under it."""

from django.db import migrations, models

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE OR REPLACE FUNCTION certification_registry_generation_raise() RETURNS trigger AS $$
BEGIN
    UPDATE certification_registrygeneration SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_registry_generation_organization
    AFTER INSERT OR DELETE OR UPDATE OF legal_name, partita_iva, comune, provincia_id, inbound,
        outbound, search_text, street, cap, website, operators_count, assocontact_member
    ON certification_organization
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_seal
    AFTER INSERT OR DELETE OR UPDATE OF status, number, organization_id, valid_from,
        valid_until, code_version_id, issued_at, score, score_published, public_reason
    ON certification_seal
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_sites
    AFTER INSERT OR DELETE OR UPDATE ON certification_operationalsite
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_seal_events
    AFTER INSERT ON certification_sealevent
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_reports
    AFTER INSERT OR DELETE OR UPDATE OF status, outcome, closed_at, organization_id
    ON certification_report
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_code_versions
    AFTER INSERT OR DELETE OR UPDATE OF status, number, title, effective_date
    ON codice_codeversion
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_sectors
    AFTER INSERT OR DELETE OR UPDATE ON certification_organization_sectors
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_sector
    AFTER INSERT OR DELETE OR UPDATE ON certification_sector
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
CREATE TRIGGER certification_registry_generation_provincia
    AFTER INSERT OR DELETE OR UPDATE ON certification_provincia
    FOR EACH STATEMENT EXECUTE FUNCTION certification_registry_generation_raise();
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_registry_generation_provincia ON certification_provincia;
DROP TRIGGER IF EXISTS certification_registry_generation_sector ON certification_sector;
DROP TRIGGER IF EXISTS certification_registry_generation_seal_events ON certification_sealevent;
DROP TRIGGER IF EXISTS certification_registry_generation_sites ON certification_operationalsite;
DROP TRIGGER IF EXISTS certification_registry_generation_reports ON certification_report;
DROP TRIGGER IF EXISTS certification_registry_generation_code_versions ON codice_codeversion;
DROP TRIGGER IF EXISTS certification_registry_generation_sectors
    ON certification_organization_sectors;
DROP TRIGGER IF EXISTS certification_registry_generation_seal ON certification_seal;
DROP TRIGGER IF EXISTS certification_registry_generation_organization
    ON certification_organization;
DROP FUNCTION IF EXISTS certification_registry_generation_raise();
"""


def create_the_row(apps, schema_editor):
    apps.get_model("certification", "RegistryGeneration").objects.create(id=1, value=0)


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0016_registry_search_words"),
        ("codice", "0002_frozen_versions_triggers"),
    ]

    operations = [
        migrations.CreateModel(
            name="RegistryGeneration",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("value", models.BigIntegerField(default=0)),
            ],
            options={
                "verbose_name": "generazione del registro",
                "verbose_name_plural": "generazioni del registro",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="registry_generation_one_row"
                    )
                ],
            },
        ),
        migrations.RunPython(create_the_row, migrations.RunPython.noop),
        RunSQLOnPostgreSQL(FORWARD, BACKWARD),
    ]

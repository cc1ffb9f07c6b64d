"""PostgreSQL: the dictionary of the registry's words (SearchWord), kept by a trigger.

A misspelt word of a search is first matched against this small table (trigram similarity, a
GIN trigram index), and the firms are then found by full text with the words it may stand for:
one index lookup, instead of a trigram comparison with every matching firm's whole text.
Only words with a letter, 3 to 60 characters long, are kept: numbers are matched exactly.
"""

from django.db import migrations, models

from oic_portal.migration_operations import RunSQLOnPostgreSQL

FORWARD = r"""
CREATE INDEX IF NOT EXISTS searchword_trgm
    ON certification_searchword USING gin (word gin_trgm_ops);
CREATE OR REPLACE FUNCTION certification_searchword_collect() RETURNS trigger AS $$
BEGIN
    INSERT INTO certification_searchword (word)
    SELECT DISTINCT w FROM unnest(string_to_array(NEW.search_text, ' ')) AS w
    WHERE w ~ '[a-z]' AND length(w) BETWEEN 3 AND 60
    ON CONFLICT DO NOTHING;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER certification_searchword_collect
    AFTER INSERT OR UPDATE OF search_text ON certification_organization
    FOR EACH ROW EXECUTE FUNCTION certification_searchword_collect();
INSERT INTO certification_searchword (word)
SELECT DISTINCT w
FROM certification_organization o, unnest(string_to_array(o.search_text, ' ')) AS w
WHERE w ~ '[a-z]' AND length(w) BETWEEN 3 AND 60
ON CONFLICT DO NOTHING;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS certification_searchword_collect ON certification_organization;
DROP FUNCTION IF EXISTS certification_searchword_collect();
DROP INDEX IF EXISTS searchword_trgm;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("certification", "0015_application_list_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchWord",
            fields=[
                (
                    "word",
                    models.CharField(
                        max_length=60, primary_key=True, serialize=False, verbose_name="parola"
                    ),
                ),
            ],
            options={
                "verbose_name": "parola del registro",
                "verbose_name_plural": "parole del registro",
            },
        ),
        RunSQLOnPostgreSQL(FORWARD, BACKWARD),
    ]

"""The Italian provinces (with their regions) and the market sectors, as data."""

from django.db import migrations

from certification.reference_data import load_reference_data


def load(apps, schema_editor):
    load_reference_data(
        apps.get_model("certification", "Provincia"), apps.get_model("certification", "Sector")
    )


def unload(apps, schema_editor):
    apps.get_model("certification", "Provincia").objects.all().delete()
    apps.get_model("certification", "Sector").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("certification", "0003_organizations_checklists_applications")]

    operations = [migrations.RunPython(load, unload)]

"""The e-services of Annex 1 of the General Conditions."""

from django.db import migrations

from guichet.operators.catalogue import ESERVICES


def load(apps, schema_editor):
    EService = apps.get_model("operators", "EService")
    for position, (code, name, description) in enumerate(ESERVICES, start=1):
        EService.objects.update_or_create(
            code=code, defaults={"name": name, "description": description, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("operators", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]

from django.db import migrations, models
from django.db.models import F


def clocks_fill(apps, schema_editor):
    # Every application gets its first-contact clock when it is registered (sales.services);
    # one without (written around the services) is due from its registration.
    Application = apps.get_model("sales", "Application")
    Application.objects.filter(contact_due=None).update(contact_due=F("created_at"))
    History = apps.get_model("sales", "HistoricalApplication")
    History.objects.filter(contact_due=None).update(contact_due=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("sales", "0004_search_indexes")]

    operations = [
        migrations.RunPython(clocks_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="contact_due",
            field=models.DateTimeField(verbose_name="first contact due"),
        ),
        migrations.AlterField(
            model_name="historicalapplication",
            name="contact_due",
            field=models.DateTimeField(verbose_name="first contact due"),
        ),
    ]

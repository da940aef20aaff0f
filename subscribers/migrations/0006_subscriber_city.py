import django.db.models.deletion
from django.db import migrations, models

# Each subscriber's city from its building, in one statement; the index is built after it.
BACKFILL = """
UPDATE subscribers_subscriber SET city_id = (
    SELECT st.city_id FROM subscribers_building b
    JOIN subscribers_street st ON st.id = b.street_id
    WHERE b.id = subscribers_subscriber.building_id)
WHERE building_id IS NOT NULL
"""


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_user_history"),
        ("subscribers", "0005_reference_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscriber",
            name="city",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="subscribers.city",
                verbose_name="city",
            ),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AddIndex(
            model_name="subscriber",
            index=models.Index(fields=["city", "account"], name="subscriber_city_account"),
        ),
    ]

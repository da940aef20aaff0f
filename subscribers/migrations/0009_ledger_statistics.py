"""The planner's idea of how many subscribers the ledger and the facts hold.

Bulk-loaded tables sorted by subscriber fool ANALYZE's sample: it counts a tenth of the
subscribers there are, and a day's delta of a few thousand subscribers is then planned as if it
touched a third of the ledger (a whole-table scan where an index probe per subscriber takes
milliseconds). A negative n_distinct is a share of the rows: one subscriber per twenty rows,
whatever the size. PostgreSQL only."""

from django.db import migrations

TABLES = ("subscribers_charge", "subscribers_payment", "subscribers_monthlyfact")


def set_distinct(apps, schema_editor, value="-0.05"):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ALTER COLUMN subscriber_id SET (n_distinct = {value})"
        )


def reset_distinct(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN subscriber_id RESET (n_distinct)")


class Migration(migrations.Migration):
    dependencies = [("subscribers", "0008_billing_sources")]

    operations = [migrations.RunPython(set_distinct, reset_distinct)]

from django.db import migrations, models

# Indexes only PostgreSQL has (docs/benchmarks.md, the registry at 500,000 applications): parts
# of names and of the addresses outside coverage by trigrams (the others are found by their
# buildings), the last digits of the phones by the reversed numbers. Their expressions are the
# ones Django writes for the search (sales.registries._search).
PG_INDEXES = {
    "application_name_trgm": "USING gin (upper((full_name)::text) gin_trgm_ops)",
    "application_address_trgm": (
        "USING gin (upper((address)::text) gin_trgm_ops) WHERE building_id IS NULL"
    ),
    "application_phone_reversed": "(reverse((phone)::text) text_pattern_ops)",
}


def pg_indexes_create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in PG_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON sales_application {definition}"
        )


def pg_indexes_drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in PG_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("sales", "0003_sla_times"),
        ("subscribers", "0004_search_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(fields=["contact_due", "id"], name="application_contact_sort"),
        ),
        migrations.RunPython(pg_indexes_create, pg_indexes_drop),
    ]

# The subscriber's money moves to a narrow table of its own (docs/billing-sync.md): every
# subscriber gets its row, with the values it had, before the columns leave the subscriber.

import django.db.models.deletion
from decimal import Decimal
from django.db import migrations, models


def profiles_backfill(apps, schema_editor):
    """The profile of a base imported before the profile existed (no ARPU anywhere), from its
    facts; the next import keeps it."""
    ImportBatch = apps.get_model("subscribers", "ImportBatch")
    Money = apps.get_model("subscribers", "SubscriberMoney")
    batch = ImportBatch.objects.exclude(as_of=None).order_by("-created_at", "-id").first()
    if batch is None or batch.window_start is None or Money.objects.exclude(arpu=None).exists():
        return
    from subscribers.facts import Window, profiles_refresh

    profiles_refresh(Window(start=batch.window_start, end=batch.as_of), everyone=True)


class Migration(migrations.Migration):
    dependencies = [
        ("subscribers", "0009_ledger_statistics"),
    ]

    operations = [
        migrations.CreateModel(
            name="SubscriberMoney",
            fields=[
                (
                    "subscriber",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="money",
                        serialize=False,
                        to="subscribers.subscriber",
                        verbose_name="subscriber",
                    ),
                ),
                (
                    "reported_balance",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=14,
                        verbose_name="balance (billing)",
                    ),
                ),
                (
                    "balance_discrepancy",
                    models.DecimalField(
                        decimal_places=2,
                        default=Decimal("0.00"),
                        max_digits=14,
                        verbose_name="balance discrepancy",
                    ),
                ),
                (
                    "arpu",
                    models.DecimalField(
                        blank=True,
                        decimal_places=2,
                        help_text="Average monthly charge over the charged months of the last six.",
                        max_digits=14,
                        null=True,
                        verbose_name="ARPU",
                    ),
                ),
                (
                    "debt_months",
                    models.PositiveSmallIntegerField(
                        db_default=0,
                        default=0,
                        help_text="How many of the last six months ended with a negative balance.",
                        verbose_name="months in debt",
                    ),
                ),
            ],
            options={
                "verbose_name": "subscriber's money",
                "verbose_name_plural": "subscribers' money",
            },
        ),
        migrations.RunSQL(
            """INSERT INTO subscribers_subscribermoney
                   (subscriber_id, reported_balance, balance_discrepancy, arpu, debt_months)
               SELECT id, reported_balance, balance_discrepancy, arpu, debt_months
               FROM subscribers_subscriber""",
            """UPDATE subscribers_subscriber SET reported_balance = m.reported_balance,
                   balance_discrepancy = m.balance_discrepancy, arpu = m.arpu,
                   debt_months = m.debt_months
               FROM subscribers_subscribermoney m WHERE m.subscriber_id = subscribers_subscriber.id""",
        ),
        migrations.RunPython(profiles_backfill, migrations.RunPython.noop),
        migrations.RemoveIndex(
            model_name="subscriber",
            name="subscriber_balance",
        ),
        migrations.RemoveIndex(
            model_name="subscriber",
            name="subscriber_arpu",
        ),
        migrations.RemoveIndex(
            model_name="subscriber",
            name="subscriber_debt_months",
        ),
        migrations.RemoveField(
            model_name="historicalsubscriber",
            name="balance_discrepancy",
        ),
        migrations.RemoveField(
            model_name="historicalsubscriber",
            name="reported_balance",
        ),
        migrations.RemoveField(
            model_name="subscriber",
            name="arpu",
        ),
        migrations.RemoveField(
            model_name="subscriber",
            name="balance_discrepancy",
        ),
        migrations.RemoveField(
            model_name="subscriber",
            name="debt_months",
        ),
        migrations.RemoveField(
            model_name="subscriber",
            name="reported_balance",
        ),
        migrations.AddIndex(
            model_name="subscribermoney",
            index=models.Index(fields=["reported_balance", "subscriber"], name="money_balance"),
        ),
        migrations.AddIndex(
            model_name="subscribermoney",
            index=models.Index(fields=["arpu", "subscriber"], name="money_arpu"),
        ),
        migrations.AddIndex(
            model_name="subscribermoney",
            index=models.Index(fields=["debt_months", "subscriber"], name="money_debt_months"),
        ),
    ]

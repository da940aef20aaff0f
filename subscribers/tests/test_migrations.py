"""Migrations that move data: run forward on rows written by the schema before them."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("subscribers", "0005_reference_history")]
AFTER = [("subscribers", "0006_subscriber_city")]


@pytest.mark.django_db(transaction=True)
def test_the_city_column_is_filled_from_each_subscriber_s_building():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    branch = old.get_model("core", "Branch").objects.create(name="Центр")
    city = old.get_model("subscribers", "City").objects.create(branch=branch, name="Тверь")
    street = old.get_model("subscribers", "Street").objects.create(city=city, name="Ленина")
    building = old.get_model("subscribers", "Building").objects.create(street=street, house="1")
    Subscriber = old.get_model("subscribers", "Subscriber")
    common = {"branch": branch, "status": "active", "connected_on": datetime.date(2024, 1, 1)}
    Subscriber.objects.create(account="1", full_name="Иванов", building=building, **common)
    Subscriber.objects.create(account="2", full_name="Петров", building=None, **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("subscribers", "Subscriber")
    assert dict(new.objects.values_list("account", "city_id")) == {"1": city.pk, "2": None}

    # Back to the latest schema for the tests that follow.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_every_subscriber_keeps_its_money_when_it_moves_to_a_row_of_its_own():
    before, after = (
        [("subscribers", "0009_ledger_statistics")],
        [("subscribers", "0010_subscriber_money")],
    )
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    branch = old.get_model("core", "Branch").objects.create(name="Центр")
    Subscriber = old.get_model("subscribers", "Subscriber")
    common = {"branch": branch, "status": "active", "connected_on": datetime.date(2024, 1, 1)}
    Subscriber.objects.create(
        account="1", full_name="Иванов", reported_balance="-150.50", balance_discrepancy="2.00",
        arpu="500.00", debt_months=3, **common,
    )  # fmt: skip
    Subscriber.objects.create(account="2", full_name="Петров", **common)

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    Money = executor.loader.project_state(after).apps.get_model("subscribers", "SubscriberMoney")
    rows = Money.objects.values_list(
        "subscriber__account", "reported_balance", "balance_discrepancy", "arpu", "debt_months"
    )
    assert sorted((a, str(b), str(d), p and str(p), m) for a, b, d, p, m in rows) == [
        ("1", "-150.50", "2.00", "500.00", 3),
        ("2", "0.00", "0.00", None, 0),
    ]

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

"""The first load of a ledger on PostgreSQL goes straight into its tables (importing/direct.py).
It must write exactly what the checked path writes, and leave every file it is not sure of to
the checked path, which names each bad row."""

import pytest
from django.db import connection

from subscribers import services
from subscribers.models import Charge, ImportBatch, MonthlyFact, Payment, Subscriber

from .test_import_mappings import mapping

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("import_env"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the direct path is PostgreSQL's"),
]


def both_ways(billing, monkeypatch, directory, *, mapping_slug=None):
    """Import the files into an empty database by the direct path, then again by the checked
    path alone; returns (direct result, its state, the checked path's state)."""
    direct = billing.run(directory, mapping=mapping(mapping_slug) if mapping_slug else None)
    assert direct.ok, direct.errors[:5]
    state = billing.state()
    billing.wipe()
    with monkeypatch.context() as patch:
        patch.setattr(services, "direct_ledger_is_empty", lambda: False)
        checked = billing.run(directory, mapping=mapping(mapping_slug) if mapping_slug else None)
    assert checked.ok, checked.errors[:5]
    assert "charges_direct" not in checked.stats
    return direct, state, billing.state()


@pytest.mark.parametrize("flavor", ["canonical", "utm5", "lanbilling"])
def test_a_generated_export_loads_straight_into_the_ledger_as_the_checked_path_loads_it(
    billing, generated, monkeypatch, flavor
):
    slug = None if flavor == "canonical" else flavor
    direct, state, checked = both_ways(billing, monkeypatch, generated(flavor), mapping_slug=slug)
    assert direct.stats["charges_direct"] == direct.stats["charges_rows"] > 0
    if flavor != "utm5":  # UTM5 writes DD.MM.YYYY HH:MM: its payments take the checked path
        assert direct.stats["payments_direct"] == direct.stats["payments_rows"] > 0
    assert state == checked


def test_payment_times_of_every_iso_shape_load_straight_and_alike(billing, operator, monkeypatch):
    # The hand-written operator has times with a UTC offset, without seconds, and dates alone.
    operator["payments.csv"] += (
        "1004,2025-03-02T23:30:00,100.00,card\n1004,2025-03-31T22:00:00Z,10.00,online\n"
    )
    direct, state, checked = both_ways(billing, monkeypatch, billing.write(operator))
    assert direct.stats["payments_direct"] == 7
    assert state == checked


def test_the_same_payment_twice_is_kept_twice(billing, operator, monkeypatch):
    operator["payments.csv"] += "1002,2025-03-01 00:30:00,1340.00,online\n"
    direct, state, checked = both_ways(billing, monkeypatch, billing.write(operator))
    assert "payments_direct" not in direct.stats  # the key is taken: the checked path numbers them
    assert [p[-1] for p in state["payments"] if p[0] == "1002" and p[3] == 1340] == [0, 1]
    assert state == checked


def test_a_branch_whose_clock_changes_in_the_payments_months_leaves_them_to_the_checked_path(
    billing, operator, monkeypatch
):
    operator["branches.csv"] = operator["branches.csv"].replace("Europe/Moscow", "Europe/Berlin")
    # 2025-03-30 02:30 does not exist in Berlin; the checked path decides what it means.
    operator["payments.csv"] += "1005,2025-03-30 02:30:00,100.00,cash\n"
    direct, state, checked = both_ways(billing, monkeypatch, billing.write(operator))
    assert "payments_direct" not in direct.stats
    assert direct.stats["charges_direct"] == 10
    assert state == checked


# A first import with one bad ledger row: the direct path gives way and the row is named.
# id → (file, the bad row, column, value, a word of the reason)
# fmt: off
BAD_LEDGER_ROWS = {
    "bad period": ("charges.csv", "1001,2025-13,Телевидение,,100.00\n",
                   "period", "2025-13", "not a month"),
    "amount as text": ("charges.csv", "1001,2025-03,Телевидение,,сто\n",
                       "amount", "сто", "not an amount"),
    "three decimals": ("charges.csv", "1001,2025-03,Телевидение,,10.555\n",
                       "amount", "10.555", "decimal places"),
    "no service": ("charges.csv", "1001,2025-03,,,10.00\n", "service", "", "required"),
    "service too long": ("charges.csv", f"1001,2025-03,{'у' * 121},,10.00\n",
                         "service", "у" * 121, "longer than 120"),
    "charge twice": ("charges.csv", "1001,2025-01,Интернет,Домашний 100,100.00\n",
                     "period", "2025-01", "first on line 2"),
    "unknown account in charges": ("charges.csv", "9999,2025-03,Интернет,,100.00\n",
                                   "account", "9999", "unknown account"),
    "unknown account in payments": ("payments.csv", "9999,2025-03-10 10:00:00,100.00,cash\n",
                                    "account", "9999", "unknown account"),
    "hour 24": ("payments.csv", "1001,2025-03-10 24:00:00,100.00,cash\n",
                "paid_at", "2025-03-10 24:00:00", "not a date and time"),
    "second 60": ("payments.csv", "1001,2025-03-10 10:00:60,100.00,cash\n",
                  "paid_at", "2025-03-10 10:00:60", "not a date and time"),
    "day first": ("payments.csv", "1001,10.03.2025 10:00:00,100.00,cash\n",
                  "paid_at", "10.03.2025 10:00:00", "not a date and time"),
    "no time": ("payments.csv", "1001,,100.00,cash\n", "paid_at", "", "required"),
    "zero payment": ("payments.csv", "1001,2025-03-10 10:00:00,0.00,cash\n",
                     "amount", "0.00", "zero"),
    "unknown method": ("payments.csv", "1001,2025-03-10 10:00:00,100.00,bitcoin\n",
                       "method", "bitcoin", "unknown payment method"),
}
# fmt: on


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "reason"),
    BAD_LEDGER_ROWS.values(),
    ids=BAD_LEDGER_ROWS.keys(),
)
def test_a_bad_ledger_row_in_a_first_import_is_named_and_nothing_is_written(
    billing, operator, file, row, column, value, reason
):
    operator[file] += row
    result = billing.run(billing.write(operator))
    assert not result.ok
    assert result.error_count == len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert (error.file, error.line, error.column) == (file, operator[file].count("\n"), column)
    assert error.value.startswith(value)
    assert reason in error.message
    counts = [m.objects.count() for m in (Subscriber, Charge, Payment, MonthlyFact, ImportBatch)]
    assert counts == [0, 0, 0, 0, 0]

"""Importing the same export again changes nothing: no row, no fact, no summary, no event."""

import pytest

from subscribers.models import ImportBatch, Payment, StatusEvent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]


def without_batches(snapshot: dict) -> dict:
    # Every import is logged as a batch, a repeated one too.
    return {name: rows for name, rows in snapshot.items() if name != "ImportBatch"}


def test_importing_the_same_files_again_changes_no_row(billing, base):
    before = billing.snapshot()
    assert billing.run(base).ok
    assert without_batches(billing.snapshot()) == without_batches(before)


def test_importing_the_same_files_again_writes_no_fact_and_no_event(billing, base):
    events = StatusEvent.objects.count()
    result = billing.run(base)
    assert result.ok
    stats = result.stats
    assert stats["facts_written"] == 0
    assert (stats["subscribers_created"], stats["subscribers_updated"], stats["events"]) == (
        0,
        0,
        0,
    )
    assert (stats["charges_created"], stats["charges_updated"], stats["payments_created"]) == (
        0,
        0,
        0,
    )
    assert StatusEvent.objects.count() == events


def test_importing_a_generated_operator_again_changes_nothing(billing, generated):
    directory = generated()
    assert billing.run(directory).ok
    before = billing.snapshot()
    result = billing.run(directory)
    assert result.ok and result.stats["facts_written"] == 0
    assert without_batches(billing.snapshot()) == without_batches(before)
    assert ImportBatch.objects.count() == 2


def test_identical_payments_of_one_account_are_kept_apart_and_matched_again(billing, operator):
    operator["payments.csv"] += "1001,2025-03-05 12:00,500.00,cash\n"  # a second one, the same
    directory = billing.write(operator)
    assert billing.run(directory).ok
    assert billing.run(directory).stats["payments_created"] == 0
    assert list(
        Payment.objects.filter(subscriber__account="1001", amount=500)
        .order_by("seq")
        .values_list("seq", flat=True)
    ) == [0, 1]

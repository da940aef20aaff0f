"""Importing the same export again changes nothing: no row, no fact, no summary, no event, no
history; the very same files are recognised by their content and not even read."""

import pytest

from subscribers.models import (
    ExtraAttribute,
    ImportBatch,
    ImportMapping,
    Payment,
    Subscriber,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]


def history_rows() -> dict:
    return {m.__name__: m.history.count() for m in (ExtraAttribute, ImportMapping)}


def test_importing_the_same_files_again_writes_nothing_not_even_a_batch(billing, base):
    before, history = billing.snapshot(), history_rows()
    result = billing.run(base)
    assert result.ok and result.batch_id is None
    assert result.stats["unchanged_files"] == 5
    assert billing.snapshot() == before
    assert history_rows() == history


def test_an_unchanged_file_is_skipped_beside_a_changed_one(billing, operator, base):
    operator["payments.csv"] += "1005,2025-03-28 09:00,550.00,online\n"
    result = billing.run(billing.write(operator, "next"))
    assert result.ok and result.batch_id is not None
    assert result.stats["unchanged_files"] == 4
    assert result.stats["payments_created"] == 1
    assert "subscribers_created" not in result.stats or result.stats["subscribers_updated"] == 0


def test_a_file_is_skipped_only_if_it_is_the_last_of_its_kind(billing, operator, base):
    """Going back to an older export after a newer one is a change, applied again."""
    first_balance = Subscriber.objects.get(account="1005").reported_balance
    newer = dict(operator)
    newer["subscribers.csv"] = operator["subscribers.csv"].replace(
        "2025-03-25,,0.00,Д-5", "2025-03-25,,-10.00,Д-5"
    )
    assert billing.run(billing.write(newer, "newer")).stats["subscribers_updated"] == 1
    result = billing.run(base)
    assert result.ok and result.stats["subscribers_updated"] == 1
    assert Subscriber.objects.get(account="1005").reported_balance == first_balance


def test_the_same_file_read_through_another_mapping_is_imported_again(billing, base):
    mapping = ImportMapping.objects.create(slug="plain", name="Plain")
    result = billing.run(base, mapping=mapping)
    assert result.ok and "unchanged_files" not in result.stats
    assert result.stats["facts_written"] == 0


def test_the_same_rows_in_other_bytes_change_no_row_and_no_history(billing, operator, base):
    """A re-export that differs only in its bytes (line endings) is read, and writes nothing
    but its batch."""
    before, history = billing.snapshot(), history_rows()
    result = billing.run(billing.write(operator, "crlf", other_bytes=True))
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
    assert without_batches(billing.snapshot()) == without_batches(before)
    assert history_rows() == history


def without_batches(snapshot: dict) -> dict:
    return {name: rows for name, rows in snapshot.items() if name != "ImportBatch"}


def test_importing_a_generated_operator_again_changes_nothing(billing, generated):
    directory = generated()
    assert billing.run(directory).ok
    before = billing.snapshot()
    result = billing.run(directory)
    assert result.ok and result.batch_id is None
    assert billing.snapshot() == before
    assert ImportBatch.objects.count() == 1


def test_identical_payments_of_one_account_are_kept_apart_and_matched_again(billing, operator):
    operator["payments.csv"] += "1001,2025-03-05 12:00,500.00,cash\n"  # a second one, the same
    assert billing.run(billing.write(operator)).ok
    # The same rows in other bytes, so that they are read again rather than skipped.
    assert (
        billing.run(billing.write(operator, "again", other_bytes=True)).stats["payments_created"]
        == 0
    )
    assert list(
        Payment.objects.filter(subscriber__account="1001", amount=500)
        .order_by("seq")
        .values_list("seq", flat=True)
    ) == [0, 1]

"""`generate_operator --next-day / --next-month`: deltas that a daily sync imports on top of the
export they continue, chained, with the balances agreeing with the ledger."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from subscribers.models import Charge, Payment, Subscriber

pytestmark = pytest.mark.usefixtures("import_env")


def delta(prev: Path, out: Path, *flags: str) -> Path:
    options = {"next_day": "--next-day" in flags, "next_month": "--next-month" in flags}
    call_command("generate_operator", prev=str(prev), out=str(out), stdout=io.StringIO(), **options)
    return out


def rows(path: Path) -> int:
    return sum(1 for _ in open(path, encoding="utf-8")) - 1


@pytest.fixture(scope="module")
def chain(tmp_path_factory, generated):
    base = generated(subscribers=600, months=6)
    root = tmp_path_factory.mktemp("deltas")
    first = delta(base, root / "day1", "--next-day")  # the base ends with June: July 1st
    second = delta(first, root / "day2", "--next-day")
    month = delta(second, root / "august", "--next-month")
    return base, first, second, month


def test_the_first_of_a_month_brings_its_charges_and_a_later_day_does_not(chain):
    _base, first, second, month = chain
    assert rows(first / "charges.csv") > 300
    assert not (second / "charges.csv").exists()
    assert 1 <= rows(second / "payments.csv") <= 40
    # The month's charges are the served accounts', fewer only by those terminated since.
    assert 0.9 * rows(first / "charges.csv") <= rows(month / "charges.csv")
    assert rows(month / "charges.csv") <= rows(first / "charges.csv")
    assert rows(month / "payments.csv") > 100
    assert {p.name for p in second.iterdir()} == {"subscribers.csv", "payments.csv", ".state"}


def test_a_delta_is_the_same_every_time(chain, tmp_path):
    _base, first, _second, _month = chain
    again = delta(chain[0], tmp_path / "again", "--next-day")
    for name in ("subscribers.csv", "payments.csv", "charges.csv"):
        assert (again / name).read_bytes() == (first / name).read_bytes()


@pytest.mark.django_db
def test_the_chain_imports_cleanly_and_the_balances_agree_with_the_ledger(billing, chain):
    base, first, second, month = chain
    assert billing.run(base).ok
    discrepancies = dict(Subscriber.objects.values_list("account", "balance_discrepancy"))
    payments = Payment.objects.count()
    for step in (first, second, month):
        result = billing.run(step)
        assert result.ok, result.errors[:5]
    assert dict(Subscriber.objects.values_list("account", "balance_discrepancy")) == discrepancies
    assert Payment.objects.count() == payments + sum(
        rows(step / "payments.csv") for step in (first, second, month)
    )
    assert Charge.objects.filter(period__month=8).count() == rows(month / "charges.csv")
    assert Subscriber.objects.filter(
        terminated_on__month__in=(7, 8), terminated_on__year=2025
    ).exists()


def test_a_folder_that_is_not_an_export_is_refused(tmp_path):
    with pytest.raises(CommandError, match="is not an export"):
        delta(tmp_path, tmp_path / "out", "--next-day")


def test_a_delta_needs_its_previous_export_and_the_canonical_format(tmp_path, generated):
    with pytest.raises(CommandError, match="need --from"):
        call_command("generate_operator", next_day=True, out=str(tmp_path))
    with pytest.raises(CommandError, match="canonical"):
        call_command(
            "generate_operator",
            next_day=True,
            prev=str(generated()),
            out=str(tmp_path),
            flavor="utm5",
        )

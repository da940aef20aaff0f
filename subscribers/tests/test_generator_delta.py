"""`generate_operator --next-day / --next-month`: the billing's deltas after an export,
deterministic, chained through their state, importing cleanly with the balances agreeing."""

import csv
import io
from collections import Counter, defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from subscribers.generator import COLUMNS
from subscribers.generator.delta import STATE_DIR
from subscribers.models import Charge, Payment, Subscriber

pytestmark = pytest.mark.usefixtures("import_env")

BASE = {"subscribers": 300, "months": 3, "seed": 5, "end": "2025-06"}  # to 2025-06-30


def delta(prev: Path, out: Path, *, month: bool = False, **options) -> Path:
    call_command(
        "generate_operator",
        **{"next_month": True} if month else {"next_day": True},
        prev=str(prev),
        out=str(out),
        stdout=io.StringIO(),
        **options,
    )
    return out


def read(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def by_account(rows: list[dict]) -> dict[str, dict]:
    return {row["account"]: row for row in rows}


def net(directory: Path) -> dict[str, Decimal]:
    """Payments less charges of the delta, by account."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in read(directory / "payments.csv"):
        sums[row["account"]] += Decimal(row["amount"])
    for row in read(directory / "charges.csv"):
        sums[row["account"]] -= Decimal(row["amount"])
    return sums


@pytest.fixture(scope="module")
def chain(generated, tmp_path_factory) -> list[Path]:
    """The base, July 1st, July 2nd, and the rest of July with August."""
    base = generated(**BASE)
    root = tmp_path_factory.mktemp("deltas")
    first = delta(base, root / "day1")
    second = delta(first, root / "day2")
    return [base, first, second, delta(second, root / "month", month=True)]


def test_it_writes_byte_identical_deltas_for_the_same_export_and_seed(chain, tmp_path):
    base, first, *_rest = chain
    again = delta(base, tmp_path / "again")
    for name in ("subscribers.csv", "payments.csv", "charges.csv", f"{STATE_DIR}/subscribers.csv"):
        assert (again / name).read_bytes() == (first / name).read_bytes()
    other = delta(base, tmp_path / "other", seed=2)
    assert (other / "payments.csv").read_bytes() != (first / "payments.csv").read_bytes()


def test_the_first_of_a_month_carries_its_charges_and_a_later_day_does_not(chain):
    base, first, second, month = chain
    served = {s["account"] for s in read(base / "subscribers.csv") if s["status"] != "terminated"}
    charged = {c["account"] for c in read(first / "charges.csv")}
    assert {c["period"] for c in read(first / "charges.csv")} == {"2025-07"}
    assert 0.9 * len(served) < len(charged) and charged <= served  # the cut off are not charged
    assert not (second / "charges.csv").exists()
    assert {c["period"] for c in read(month / "charges.csv")} == {"2025-08"}
    assert {p["paid_at"][:10] for p in read(second / "payments.csv")} <= {"2025-07-02"}
    days = {p["paid_at"][:7] for p in read(month / "payments.csv")}
    assert days == {"2025-07", "2025-08"}
    assert {p.name for p in second.iterdir()} == {"subscribers.csv", "payments.csv", STATE_DIR}


def test_its_files_have_the_canonical_columns(chain):
    for directory in chain[1:]:
        for kind in ("subscribers", "payments", "charges"):
            if (directory / f"{kind}.csv").exists():
                with open(directory / f"{kind}.csv", encoding="utf-8") as f:
                    assert next(csv.reader(f)) == list(COLUMNS[kind])


def test_the_counts_are_plausible(chain):
    base, first, second, month = chain
    served = sum(1 for s in read(base / "subscribers.csv") if s["status"] != "terminated")
    # A served subscriber pays about once a month (15,000 a day at 1,000,000 subscribers).
    payments = len(read(month / "payments.csv"))
    assert 0.5 * served * 2 < payments < 1.2 * served * 2
    assert len(read(second / "payments.csv")) < 0.1 * served
    # A mid-month day changes the rows of its payers and a few more.
    payers = {p["account"] for p in read(second / "payments.csv")}
    changed = by_account(read(second / "subscribers.csv"))
    assert payers <= set(changed) and len(changed) <= len(payers) + 0.02 * served + 2
    # A month: some terminations, suspensions and resumptions, tariff moves, contact edits.
    before = by_account(read(second / STATE_DIR / "subscribers.csv"))
    moves = Counter()
    for account, row in by_account(read(month / "subscribers.csv")).items():
        old = before[account]
        moves[old["status"], row["status"]] += old["status"] != row["status"]
        moves["tariff"] += old["tariff"] != row["tariff"]
        moves["contact"] += (old["phone"], old["email"]) != (row["phone"], row["email"])
        if row["status"] == "terminated":
            assert "2025-07-03" <= row["terminated_on"] <= "2025-08-31"
    assert moves["active", "terminated"] + moves["suspended", "terminated"] > 0
    assert moves["active", "suspended"] > 0 and moves["suspended", "active"] > 0
    assert 0 < sum(moves.values()) < 0.25 * served


def test_a_balance_is_the_previous_one_plus_the_payments_less_the_charges(chain):
    state = by_account(read(chain[0] / "subscribers.csv"))
    for directory in chain[1:]:
        sums = net(directory)
        changed = by_account(read(directory / "subscribers.csv"))
        assert set(sums) <= set(changed)
        for account, row in changed.items():
            assert state[account]["status"] != "terminated"
            expected = Decimal(state[account]["balance"]) + sums[account]
            assert Decimal(row["balance"]) == expected, account
            assert (row["status"] == "terminated") == bool(row["terminated_on"])
        state.update(changed)
        full = read(directory / STATE_DIR / "subscribers.csv")
        assert [{k: row[k] for k in COLUMNS["subscribers"]} for row in full] == list(state.values())


def test_a_month_at_once_holds_what_its_days_one_by_one_hold(chain, tmp_path):
    base = chain[0]
    month = delta(base, tmp_path / "july", month=True)
    prev, payments = base, []
    for day in range(1, 32):
        prev = delta(prev, tmp_path / f"day{day}")
        payments += read(prev / "payments.csv")
    assert sorted(map(tuple, map(dict.values, payments))) == sorted(
        map(tuple, map(dict.values, read(month / "payments.csv")))
    )
    assert (tmp_path / "day1" / "charges.csv").read_bytes() == (month / "charges.csv").read_bytes()
    state = f"{STATE_DIR}/subscribers.csv"
    assert (prev / state).read_bytes() == (month / state).read_bytes()


def test_several_days_make_one_delta(chain, tmp_path):
    three = delta(chain[0], tmp_path / "three", days=3)
    assert {p["paid_at"][:10] for p in read(three / "payments.csv")} == {
        "2025-07-01",
        "2025-07-02",
        "2025-07-03",
    }
    again = delta(chain[2], tmp_path / "third")  # July 3rd after the chain's two days
    state = f"{STATE_DIR}/subscribers.csv"
    assert (three / state).read_bytes() == (again / state).read_bytes()


def imported() -> dict[str, tuple]:
    """What an import sets of each subscriber (not the facts it derives: ARPU, months in
    debt), by account."""
    rows = Subscriber.objects.values_list(
        "account", "full_name", "phone", "phone2", "email", "tariff__name", "status",
        "connected_on", "terminated_on", "money__reported_balance", "money__balance_discrepancy",
        "extra",
    )  # fmt: skip
    return {row[0]: row[1:] for row in rows}


@pytest.mark.django_db
def test_the_chain_imports_cleanly_and_the_balances_agree_with_the_ledger(chain, billing):
    base, *deltas = chain
    assert billing.run(base).ok
    discrepancies = dict(Subscriber.objects.values_list("account", "money__balance_discrepancy"))
    assert set(discrepancies.values()) == {0}  # the base's balances are its ledger's
    payments, charges = Payment.objects.count(), Charge.objects.count()
    for directory in deltas:
        before = imported()
        out = io.StringIO()
        call_command("import_billing", str(directory), stdout=out)  # the folder, as a sync would
        assert "Import finished" in out.getvalue()
        changed = by_account(read(directory / "subscribers.csv"))
        payments += len(read(directory / "payments.csv"))
        charges += len(read(directory / "charges.csv"))
        assert Payment.objects.count() == payments and Charge.objects.count() == charges
        assert dict(Subscriber.objects.values_list("account", "money__balance_discrepancy")) == (
            discrepancies
        )
        state = by_account(read(directory / STATE_DIR / "subscribers.csv"))
        stored = Subscriber.objects.values_list(
            "account", "money__reported_balance", "status", "tariff__name", "terminated_on"
        )
        for account, balance, status, tariff, terminated_on in stored:
            row = state[account]
            assert (str(balance), status, tariff) == (row["balance"], row["status"], row["tariff"])
            assert terminated_on == (
                date.fromisoformat(row["terminated_on"]) if row["terminated_on"] else None
            )
        after = imported()
        # The subscribers the delta leaves out are left as they were.
        assert {a: r for a, r in after.items() if a not in changed} == {
            a: r for a, r in before.items() if a not in changed
        }


def test_a_folder_that_is_not_an_export_is_refused(tmp_path):
    (tmp_path / "payments.csv").write_text("account,paid_at,amount,method\n", encoding="utf-8")
    with pytest.raises(CommandError, match="is not a billing export: it has no subscribers.csv"):
        delta(tmp_path, tmp_path / "out")


def test_a_subscribers_file_of_another_shape_is_refused(tmp_path):
    (tmp_path / "subscribers.csv").write_text("account,full_name\n1,Иванов\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not a subscribers file of the canonical format"):
        delta(tmp_path, tmp_path / "out")


def test_only_the_canonical_flavor_is_written(generated, tmp_path):
    with pytest.raises(CommandError, match="canonical format only"):
        delta(generated(**BASE), tmp_path / "out", flavor="utm5")


def test_a_delta_needs_the_export_it_continues(tmp_path, generated):
    with pytest.raises(CommandError, match="need --from"):
        call_command("generate_operator", next_day=True, out=str(tmp_path))
    with pytest.raises(CommandError, match="not both"):
        delta(generated(**BASE), tmp_path / "out", next_month=True)
    base = generated(**BASE)
    with pytest.raises(CommandError, match="another folder"):
        delta(base, base)

"""A newer export on top of an older one: only what changed is recomputed, and the facts and
summaries end up equal to a one-shot import of the newer export into an empty database."""

import csv
import io
import zoneinfo
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Q

from subscribers.models import StatusEvent, Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

LAST = date(2025, 6, 1)  # the month the newer export adds
MAY = date(2025, 5, 1)


def read(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def write(rows: list[dict], columns) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def payment_month(row: dict, zone: str) -> date:
    moment = datetime.fromisoformat(row["paid_at"])
    if moment.tzinfo is not None:
        moment = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return date(moment.year, moment.month, 1)


def load(directory: Path) -> dict[str, list[dict] | str]:
    export = {
        kind: read(directory / f"{kind}.csv") for kind in ("subscribers", "charges", "payments")
    }
    for kind in ("branches", "buildings"):
        export[kind] = (directory / f"{kind}.csv").read_text(encoding="utf-8")
    return export


def files_of(export: dict) -> dict[str, str]:
    return {
        f"{kind}.csv": rows if isinstance(rows, str) else write(rows, rows[0].keys())
        for kind, rows in export.items()
    }


def split_by_month(export: dict) -> tuple[dict, dict, dict]:
    """(the ledger rows before LAST, those of LAST, payments − charges of LAST by account)."""
    zones = {
        row["name"]: row["time_zone"] for row in csv.DictReader(io.StringIO(export["branches"]))
    }
    branch_of = {s["account"]: s["branch"] for s in export["subscribers"]}
    before, last, net = defaultdict(list), defaultdict(list), defaultdict(Decimal)
    for c in export["charges"]:
        is_last = date.fromisoformat(c["period"] + "-01") == LAST
        (last if is_last else before)["charges"].append(c)
        if is_last:
            net[c["account"]] -= Decimal(c["amount"])
    for p in export["payments"]:
        is_last = payment_month(p, zones[branch_of[p["account"]]]) == LAST
        (last if is_last else before)["payments"].append(p)
        if is_last:
            net[p["account"]] += Decimal(p["amount"])
    return before, last, net


def older_export(export: dict) -> dict:
    """The export as the billing gave it a month earlier: without the last month's charges,
    payments and connections; those terminated in it still active; the tariff each was charged
    under then; and a few statuses and tariffs otherwise, so that the newer export suspends,
    resumes and moves some."""
    before, _last, net = split_by_month(export)
    tariff_then = {c["account"]: c["tariff"] for c in before["charges"]}
    fees = {s["tariff"]: s["monthly_fee"] for s in export["subscribers"]}
    subscribers, suspend, resume, move = [], 3, 3, 3
    for s in export["subscribers"]:
        if date.fromisoformat(s["connected_on"]) >= LAST:
            continue
        s = dict(s, balance=str(Decimal(s["balance"]) - net[s["account"]]))
        tariff = tariff_then.get(s["account"], s["tariff"])
        if s["terminated_on"] and date.fromisoformat(s["terminated_on"]) >= LAST:
            s.update(status="active", terminated_on="")
        elif s["status"] == "suspended" and suspend:
            s["status"], suspend = "active", suspend - 1
        elif s["status"] == "active" and resume:
            s["status"], resume = "suspended", resume - 1
        elif s["status"] == "active" and move:
            tariff, move = min(t for t in fees if t != tariff), move - 1
        s.update(tariff=tariff, monthly_fee=fees[tariff] if tariff in fees else "")
        subscribers.append(s)
    # An advance paid before a connection of the last month belongs to an account the older
    # export does not have yet.
    kept = {s["account"] for s in subscribers}
    before = {kind: [r for r in rows if r["account"] in kept] for kind, rows in before.items()}
    return dict(export, subscribers=subscribers, **before)


def without_late_ledger(export: dict) -> dict:
    """The export without the last month's ledger of those who left before the month before."""
    gone = {
        s["account"]
        for s in export["subscribers"]
        if s["terminated_on"] and date.fromisoformat(s["terminated_on"]) < MAY
    }
    _before, last, net = split_by_month(export)
    late = [row for rows in last.values() for row in rows if row["account"] in gone]
    assert late, "the generated operator should have some"
    subscribers = [
        dict(s, balance=str(Decimal(s["balance"]) - net[s["account"]]))
        if s["account"] in gone
        else s
        for s in export["subscribers"]
    ]
    return dict(
        export,
        subscribers=subscribers,
        charges=[c for c in export["charges"] if c not in late],
        payments=[p for p in export["payments"] if p not in late],
    )


def exports_of(billing, newer: dict) -> tuple[Path, dict, Path]:
    older = older_export(newer)
    return (
        billing.write(files_of(older), "older"),
        {s["account"]: s for s in older["subscribers"]},
        billing.write(files_of(newer), "newer"),
    )


@pytest.fixture
def exports(billing, generated):
    """(older export's directory, its subscribers by account, newer export's directory)."""
    return exports_of(billing, load(generated()))


@pytest.fixture
def served_exports(billing, generated):
    """exports, leaving out the ledger that comes months after a subscriber left."""
    return exports_of(billing, without_late_ledger(load(generated())))


def next_month_export(directory: Path) -> dict[str, str]:
    """The export a month on (July), in which nothing happens but the month: everyone not
    terminated is charged as in June, nobody pays, connects, leaves or changes tariff."""
    files = {p.name: p.read_text(encoding="utf-8") for p in directory.iterdir()}
    charges = read(directory / "charges.csv")
    subscribers = read(directory / "subscribers.csv")
    served = {s["account"] for s in subscribers if not s["terminated_on"]}
    july = [
        dict(c, period="2025-07")
        for c in charges
        if c["period"] == "2025-06" and c["account"] in served
    ]
    charged = defaultdict(Decimal)
    for c in july:
        charged[c["account"]] += Decimal(c["amount"])
    for s in subscribers:
        s["balance"] = str(Decimal(s["balance"]) - charged[s["account"]])
    files["charges.csv"] = write(charges + july, charges[0].keys())
    files["subscribers.csv"] = write(subscribers, subscribers[0].keys())
    return files


def test_a_new_month_in_which_nothing_changed_writes_only_that_month(billing, generated):
    june = generated()
    assert billing.run(june).ok
    before = billing.facts()
    result = billing.run(billing.write(next_month_export(june), "july"))
    assert result.ok
    after = billing.facts()
    # Those served, and those gone with a balance left: their debt is still there in July.
    served = Subscriber.objects.filter(
        Q(terminated_on=None) | ~Q(money__reported_balance=0)
    ).count()
    july = {key for key in after if key[1] == date(2025, 7, 1)}
    assert len(july) == served > 200
    assert result.stats["facts_written"] == served
    assert {key: after[key] for key in before} == before


def test_a_new_export_records_the_status_and_tariff_changes(billing, exports):
    older, old, newer = exports
    assert billing.run(older).ok
    result = billing.run(newer)
    events = set(
        StatusEvent.objects.filter(batch_id=result.batch_id).values_list(
            "subscriber__account", "kind"
        )
    )
    expected = set()
    for s in read(newer / "subscribers.csv"):
        was = old.get(s["account"])
        if was is None:
            expected.add((s["account"], "connected"))
            if s["status"] in ("terminated", "suspended"):
                expected.add((s["account"], s["status"]))
            continue
        if was["status"] != s["status"]:
            kind = {"terminated": "terminated", "suspended": "suspended"}.get(
                s["status"], "resumed"
            )
            expected.add((s["account"], kind))
        if was["tariff"] != s["tariff"]:
            expected.add((s["account"], "tariff_changed"))
    kinds = {kind for _account, kind in expected}
    assert {"connected", "terminated", "suspended", "resumed", "tariff_changed"} <= kinds
    assert events == expected


def assert_incremental_equals_one_shot(billing, older: Path, old: dict, newer: Path) -> None:
    assert billing.run(older).ok
    assert billing.run(newer).ok
    incremental = billing.state()
    billing.wipe()
    assert billing.run(newer).ok
    fresh = billing.state()
    # A past month keeps the status the billing reported when it was the data month.
    for (account, month), fact in fresh["facts"].items():
        if month == MAY and fact[4] != "terminated" and account in old:
            fresh["facts"][account, month] = (*fact[:4], old[account]["status"], *fact[5:])
    assert incremental["facts"] == fresh["facts"]
    assert incremental["summaries"] == fresh["summaries"]
    assert incremental["migrations"] == fresh["migrations"]
    assert incremental["subscribers"] == fresh["subscribers"]
    assert incremental["charges"] == fresh["charges"]
    assert incremental["payments"] == fresh["payments"]


def test_a_new_export_on_an_older_one_ends_as_a_one_shot_import_of_it(billing, served_exports):
    assert_incremental_equals_one_shot(billing, *served_exports)


def test_a_new_export_ends_as_a_one_shot_import_with_payments_long_after_a_termination(
    billing, exports
):
    assert_incremental_equals_one_shot(billing, *exports)


def test_a_payment_months_after_a_termination_fills_the_months_in_between(billing, base, operator):
    # 1003 left on 2025-02-10 owing 196.43 and repays it in April; facts run to March.
    operator["payments.csv"] += "1003,2025-04-15 10:00:00,196.43,cash\n"
    operator["subscribers.csv"] = operator["subscribers.csv"].replace("-196.43,", "0.00,")
    newer = billing.write(operator, "newer")
    assert billing.run(newer).ok
    incremental = {k: v for k, v in billing.facts().items() if k[0] == "1003"}
    billing.wipe()
    assert billing.run(newer).ok
    fresh = {k: v for k, v in billing.facts().items() if k[0] == "1003"}
    assert [m.month for _a, m in sorted(fresh)] == [1, 2, 3, 4]
    assert incremental == fresh


def replaced(file: str, old: str, new: str):
    def change(files: dict) -> None:
        assert old in files[file]
        files[file] = files[file].replace(old, new)

    return change


def without_january(files: dict) -> None:
    for name in ("charges.csv", "payments.csv"):
        files[name] = "".join(
            line
            for line in files[name].splitlines(keepends=True)
            if "2025-01-" not in line and "2025-02-01 01:30" not in line
        )


def subscribers(old: str, new: str):
    return replaced("subscribers.csv", old, new)


def charges(old: str, new: str):
    return replaced("charges.csv", old, new)


# id → how the newer export differs from the hand-written one (or the older one does)
CHANGES = {
    "technology changed": subscribers(",FTTB,Скоростной", ",GPON,Скоростной"),
    "connection moved": subscribers("2023-05-10", "2025-01-20"),
    "moved to another building": subscribers("ул. Ленина,1,5,", "ул. Ленина,3,5,"),
    "reconnected": subscribers("terminated,2024-03-01,2025-02-10", "active,2024-03-01,"),
    "terminated earlier": subscribers("suspended,2024-12-20,", "terminated,2024-12-20,2025-01-15"),
    "resumed": subscribers("suspended,2024-12-20,", "active,2024-12-20,"),
    "reported balance changed": subscribers(",-550.00,", ",-600.00,"),
    "charge corrected": charges("Интернет,Гигабит,637.50", "Интернет,Гигабит,600.00"),
    "tariff of a charge corrected": charges(
        "1001,2025-02,Интернет,Домашний 100", "1001,2025-02,Интернет,Гигабит"
    ),
    "extra column retyped": subscribers(",Д-5,0,", ",Д-5,много,"),
}
CHANGES = {name: (None, change) for name, change in CHANGES.items()}
CHANGES["an earlier month added"] = (without_january, None)


@pytest.mark.parametrize(("older", "newer"), CHANGES.values(), ids=CHANGES.keys())
def test_a_change_between_exports_ends_as_a_one_shot_import(billing, operator, older, newer):
    files = {"older": dict(operator), "newer": dict(operator)}
    for name, change in (("older", older), ("newer", newer)):
        if change:
            change(files[name])
    assert billing.run(billing.write(files["older"], "older")).ok
    result = billing.run(billing.write(files["newer"], "newer"))
    assert result.ok, result.errors
    incremental = billing.state()
    billing.wipe()
    assert billing.run(billing.write(files["newer"], "newer")).ok
    assert incremental == billing.state()


@pytest.mark.parametrize(
    "first",
    [
        pytest.param(("subscribers.csv",), id="subscribers, then charges and payments"),
        pytest.param(
            ("subscribers.csv", "charges.csv"), id="subscribers and charges, then payments"
        ),
    ],
)
def test_the_kinds_imported_one_after_another_end_as_a_one_shot_import(billing, operator, first):
    files = {name: text for name, text in operator.items() if name not in first}
    assert billing.run(billing.write({n: operator[n] for n in first}, "first")).ok
    assert billing.run(billing.write(files, "then")).ok
    one_after_another = billing.state()
    billing.wipe()
    assert billing.run(billing.write(operator, "all")).ok
    assert one_after_another == billing.state()


def test_a_branch_time_zone_change_after_payments_is_refused_and_nothing_changes(billing, operator):
    # Local-time payments were placed in months by the zone of the first import; another zone
    # would make each of them a new payment, so the import says so and writes nothing.
    without_zones = {k: v for k, v in operator.items() if k != "branches.csv"}
    assert billing.run(billing.write(without_zones, "first")).ok
    before = billing.state()
    result = billing.run(billing.write(operator, "full"))
    assert not result.ok
    assert any(e.column == "time_zone" and "cannot be changed" in e.message for e in result.errors)
    assert billing.state() == before


def corrected(
    directory: Path, account: str, period: str, delta: Decimal, *, balance_too: bool
) -> dict[str, str]:
    """The export with one charge of `account` in `period` raised by delta (and its reported
    balance lowered by it, as the billing would)."""
    files = {p.name: p.read_text(encoding="utf-8") for p in directory.iterdir()}
    charges = read(directory / "charges.csv")
    row = next(c for c in charges if (c["account"], c["period"]) == (account, period))
    row["amount"] = str(Decimal(row["amount"]) + delta)
    files["charges.csv"] = write(charges, charges[0].keys())
    if balance_too:
        subscribers = read(directory / "subscribers.csv")
        s = next(s for s in subscribers if s["account"] == account)
        s["balance"] = str(Decimal(s["balance"]) - delta)
        files["subscribers.csv"] = write(subscribers, subscribers[0].keys())
    return files


def a_long_standing_subscriber(directory: Path) -> str:
    subscribers = read(directory / "subscribers.csv")
    return next(
        s["account"]
        for s in subscribers
        if s["status"] == "active" and s["connected_on"] < "2024-01-01"
    )


@pytest.mark.parametrize(
    "balance_too", [True, False], ids=["with the balance", "with the balance left as it was"]
)
def test_a_late_correction_of_a_charge_ends_as_a_one_shot_import(billing, generated, balance_too):
    newer = generated()
    account = a_long_standing_subscriber(newer)
    files = corrected(newer, account, "2024-10", Decimal("100.00"), balance_too=balance_too)
    fixed = billing.write(files, "corrected")
    assert billing.run(newer).ok
    assert billing.run(fixed).ok
    incremental = billing.state()
    billing.wipe()
    assert billing.run(fixed).ok
    assert billing.state() == incremental


def test_a_late_correction_recomputes_that_subscriber_from_that_month_only(billing, generated):
    newer = generated()
    account = a_long_standing_subscriber(newer)
    files = corrected(newer, account, "2024-10", Decimal("100.00"), balance_too=True)
    assert billing.run(newer).ok
    before = billing.facts()
    result = billing.run(billing.write(files, "corrected"))
    assert result.ok
    after = billing.facts()
    october = date(2024, 10, 1)
    changed = sorted(key for key in before if after[key] != before[key])
    assert changed == [(account, m) for a, m in sorted(before) if a == account and m >= october]
    assert result.stats["facts_written"] == len(changed) == 9
    assert after[account, october][9] == before[account, october][9] + 100  # charged
    assert after[account, october][11] == before[account, october][11] - 100  # balance_end
    assert Subscriber.objects.get(account=account).balance_discrepancy == 0

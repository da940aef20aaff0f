"""The demo operator generator: deterministic, valid per docs/import-format.md, realistic."""

import calendar
import csv
import io
import json
import re
import zoneinfo
from collections import Counter, defaultdict
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import phonenumbers
import pytest
from django.core.management import CommandError, call_command

from subscribers.generator import (
    CHUNK,
    COLUMNS,
    FLAVOR_SPECS,
    KINDS,
    generate_operator,
    mapping_path,
)
from subscribers.models import ImportMapping

END = date(2025, 6, 1)
SMALL = {"subscribers": 500, "months": 12, "seed": 11, "end": END}
WINDOW = [f"2024-{m:02d}" for m in range(7, 13)] + [f"2025-{m:02d}" for m in range(1, 7)]
PAID_AT = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\+\d{2}:\d{2})?")
MONEY = re.compile(r"-?\d+\.\d{2}")
BOOL = {"true": True, "false": False, "да": True, "нет": False}


def read(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict]:
    with open(path, encoding=encoding, newline="") as f:
        return list(csv.DictReader(f, delimiter=delimiter))


def generate(out: Path, flavor: str = "canonical", **kwargs) -> dict[str, int]:
    return generate_operator(out, **{**SMALL, "workers": 1, **kwargs}, flavor=flavor)


@pytest.fixture(scope="module")
def canonical(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("canonical")
    generate(out)
    return out


@pytest.fixture(scope="module")
def data(canonical) -> dict[str, list[dict]]:
    return {kind: read(canonical / f"{kind}.csv") for kind in KINDS}


def money_sums(rows: list[dict]) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        sums[row["account"]] += Decimal(row["amount"])
    return sums


def test_it_writes_byte_identical_files_for_the_same_arguments(tmp_path):
    size = {"subscribers": CHUNK + 300, "months": 4}
    generate(tmp_path / "one", **size, workers=1)
    generate(tmp_path / "two", **size, workers=2)
    for kind in KINDS:
        name = f"{kind}.csv"
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    generate(tmp_path / "other", **size, seed=12)
    other = (tmp_path / "other" / "charges.csv").read_bytes()
    assert other != (tmp_path / "one" / "charges.csv").read_bytes()


def test_it_writes_the_documented_files_and_columns(canonical, data):
    for kind in KINDS:
        with open(canonical / f"{kind}.csv", encoding="utf-8") as f:
            assert next(csv.reader(f)) == list(COLUMNS[kind])
    assert len(data["subscribers"]) == SMALL["subscribers"]
    assert 3 <= len(data["branches"]) <= 5
    assert {row["currency"] for row in data["branches"]} == {"RUB"}
    for row in data["branches"]:
        zoneinfo.ZoneInfo(row["time_zone"])


def test_accounts_and_charge_keys_are_unique(data):
    accounts = [row["account"] for row in data["subscribers"]]
    assert len(set(accounts)) == len(accounts)
    assert all(len(account) <= 32 for account in accounts)
    keys = Counter((row["account"], row["period"], row["service"]) for row in data["charges"])
    assert keys.most_common(1)[0][1] == 1
    known = set(accounts)
    assert {row["account"] for row in data["charges"]} <= known
    assert {row["account"] for row in data["payments"]} <= known
    buildings = Counter(
        (b["branch"], b["city"], b["street"], b["house"]) for b in data["buildings"]
    )
    assert buildings.most_common(1)[0][1] == 1
    addresses = {(s["branch"], s["city"], s["street"], s["house"]) for s in data["subscribers"]}
    assert addresses <= set(buildings)


def test_balance_is_payments_minus_charges(data):
    paid, charged = money_sums(data["payments"]), money_sums(data["charges"])
    for row in data["subscribers"]:
        assert MONEY.fullmatch(row["balance"])
        assert Decimal(row["balance"]) == paid[row["account"]] - charged[row["account"]]


def test_status_agrees_with_the_termination_date(data):
    for row in data["subscribers"]:
        assert row["status"] in ("active", "suspended", "terminated")
        connected = date.fromisoformat(row["connected_on"])
        if row["status"] == "terminated":
            assert date.fromisoformat(row["terminated_on"]) >= connected
        else:
            assert row["terminated_on"] == ""


def test_charges_fall_in_the_window_while_the_account_is_connected(data):
    subscribers = {row["account"]: row for row in data["subscribers"]}
    for row in data["charges"]:
        assert row["period"] in WINDOW
        account = subscribers[row["account"]]
        assert row["period"] >= account["connected_on"][:7]
        assert not account["terminated_on"] or row["period"] <= account["terminated_on"][:7]
        assert MONEY.fullmatch(row["amount"])
        assert row["tariff"]


def test_amounts_dates_and_codes_are_valid(data):
    for row in data["payments"]:
        assert PAID_AT.fullmatch(row["paid_at"]), row
        datetime.fromisoformat(row["paid_at"])
        assert MONEY.fullmatch(row["amount"]) and Decimal(row["amount"]) != 0
        assert row["method"] in ("cash", "card", "bank", "terminal", "online", "other")
    offsets = sum(1 for row in data["payments"] if "+" in row["paid_at"])
    assert 0 < offsets < len(data["payments"]) / 2
    for row in data["subscribers"]:
        assert row["kind"] in ("person", "company")
        assert row["technology"] in ("FTTB", "GPON", "DOCSIS", "ADSL", "CATV", "WIRELESS")
        assert MONEY.fullmatch(row["monthly_fee"])
        assert row["has_router"] in ("true", "false")
        assert row["credit_limit"].isdigit()
        assert row["consent_sms"] in ("true", "false", "")
        assert row["consent_email"] in (("true", "false") if row["email"] else ("",))
        if row["kind"] == "company":
            assert row["birth_date"] == ""
        else:
            assert date.fromisoformat(row["birth_date"]) < date.fromisoformat(row["connected_on"])
    for row in data["buildings"]:
        assert int(row["flats"]) >= 1 and int(row["ports"]) >= 0
        date.fromisoformat(row["coverage_since"])


def test_phones_are_valid_russian_numbers_in_several_forms(data):
    forms = set()
    for row in data["subscribers"]:
        for part in re.split(r"[,;/]", row["phone"]):
            if part.strip():
                number = phonenumbers.parse(part, "RU")
                assert phonenumbers.is_valid_number(number), part
                forms.add(re.sub(r"\d", "9", part.strip()))
    assert len(forms) >= 6
    assert any(";" in row["phone"] for row in data["subscribers"])
    assert any(row["phone"] == "" for row in data["subscribers"])
    assert sum(1 for row in data["subscribers"] if row["email"]) > 50


def test_it_has_the_life_of_a_real_base(data):
    subscribers = {row["account"]: row for row in data["subscribers"]}
    status = Counter(row["status"] for row in subscribers.values())
    assert status["active"] > status["terminated"] > status["suspended"] > 0
    assert min(row["connected_on"] for row in subscribers.values()) < "2020-01-01"
    assert sum(row["connected_on"] >= "2024-07-01" for row in subscribers.values()) > 50
    assert any(row["kind"] == "company" for row in subscribers.values())
    assert any(
        row["status"] == "terminated" and Decimal(row["balance"]) < 0
        for row in subscribers.values()
    )
    paid_before = paid_after = 0
    for row in data["payments"]:
        account = subscribers[row["account"]]
        paid_before += row["paid_at"][:10] < account["connected_on"]
        paid_after += (
            bool(account["terminated_on"]) and row["paid_at"][:10] > account["terminated_on"]
        )
    assert paid_before > 0 and paid_after > 0
    tariffs = defaultdict(list)
    for row in data["charges"]:
        if row["service"] == "Интернет":
            tariffs[row["account"]].append(row["tariff"])
    migrated = [a for a, history in tariffs.items() if len(set(history)) > 1]
    assert len(migrated) > 5
    for account in migrated:
        if subscribers[account]["status"] == "active":
            assert subscribers[account]["tariff"] == tariffs[account][-1]
    current = {row["tariff"] for row in subscribers.values() if row["status"] != "terminated"}
    assert {row["tariff"] for row in data["charges"]} - current  # a tariff was retired


def address(row: dict) -> tuple[str, str, str, str]:
    return row["branch"], row["city"], row["street"], row["house"]


def active_on(data: dict, day: str) -> list[dict]:
    """Accounts connected on or before the day and not yet terminated before it."""
    return [
        row
        for row in data["subscribers"]
        if row["connected_on"] <= day and (not row["terminated_on"] or row["terminated_on"] >= day)
    ]


@pytest.fixture(scope="module")
def grown(tmp_path_factory) -> dict[str, list[dict]]:
    """An operator of 3000 accounts over 24 months (2023-07 … 2025-06)."""
    out = tmp_path_factory.mktemp("grown")
    generate(out, subscribers=3000, months=24)
    return {kind: read(out / f"{kind}.csv") for kind in ("buildings", "subscribers")}


# the last days of the window's first and last months, and of a few months between
DAYS = ("2023-07-31", "2023-12-31", "2024-03-15", "2024-08-31", "2025-01-31", "2025-06-30")


def test_no_building_has_more_accounts_active_at_once_than_flats(grown):
    flats = {address(row): int(row["flats"]) for row in grown["buildings"]}
    assert {count for count in flats.values() if count < 40} == {1, 2}  # private houses
    for day in DAYS:
        active = Counter(address(row) for row in active_on(grown, day))
        assert {key: (n, flats[key]) for key, n in active.items() if n > flats[key]} == {}, day
        assert any(flats[key] <= 2 for key in active), day


def test_accounts_active_at_once_live_in_different_flats(grown):
    for day in DAYS:
        flats = Counter((address(row), row["flat"]) for row in active_on(grown, day) if row["flat"])
        assert flats.most_common(1)[0][1] == 1, day


def test_some_payments_fall_around_midnight_at_the_turn_of_a_month(data):
    zones = {row["name"]: zoneinfo.ZoneInfo(row["time_zone"]) for row in data["branches"]}
    zone_of = {row["account"]: zones[row["branch"]] for row in data["subscribers"]}
    near = other_month = 0
    for row in data["payments"]:
        at = datetime.fromisoformat(row["paid_at"])
        local = at.astimezone(zone_of[row["account"]]) if at.tzinfo else at
        last_day = calendar.monthrange(local.year, local.month)[1]
        near += (local.day == 1 and local.hour < 3) or (local.day == last_day and local.hour >= 21)
        # paid in Moscow time on the last day of a month, in the branch's time on the 1st
        other_month += bool(at.tzinfo) and at.month != local.month
    assert 0.004 < near / len(data["payments"]) < 0.02
    assert other_month > 0


def test_churn_is_higher_in_the_first_six_months_of_tenure(grown):
    exposure, churned = Counter(), Counter()
    start, end = 2023 * 12 + 6, 2025 * 12 + 5  # 2023-07 … 2025-06
    for row in grown["subscribers"]:
        connected = int(row["connected_on"][:4]) * 12 + int(row["connected_on"][5:7]) - 1
        last = end
        if row["terminated_on"]:
            last = int(row["terminated_on"][:4]) * 12 + int(row["terminated_on"][5:7]) - 1
            churned[last - connected < 6] += 1
        for month in range(max(start, connected), last + 1):
            exposure[month - connected < 6] += 1
    early, late = churned[True] / exposure[True], churned[False] / exposure[False]
    assert early > 1.5 * late
    assert 0.005 < late < 0.03


def to_canonical(out: Path, mapping: dict) -> dict[str, list[dict]]:
    """The flavor's files read through its mapping, as canonical rows (a small importer)."""
    files = {kind: next(out.glob(pattern)) for kind, pattern in mapping["files"].items()}
    dates = ("connected_on", "terminated_on", "birth_date", "coverage_since")
    result = {}
    for kind, path in files.items():
        rows = []
        for source in read(path, mapping["encoding"], mapping["delimiter"]):
            row = {mapping["columns"][kind][name]: value for name, value in source.items()}
            for name in dates:
                if row.get(name):
                    row[name] = datetime.strptime(row[name], mapping["date_format"]).date()
            for name in ("monthly_fee", "balance", "amount"):
                if name in row:
                    text = row[name].replace(",", ".") if mapping["decimal_comma"] else row[name]
                    row[name] = Decimal(text)
            if "period" in row:
                row["period"] = datetime.strptime(row["period"], mapping["period_format"]).date()
            if "paid_at" in row:
                row["paid_at"] = datetime.strptime(row["paid_at"], mapping["datetime_format"])
            if kind == "subscribers":
                row["status"] = mapping["status_values"][row["status"]]
                for name in ("has_router", "consent_sms", "consent_email"):
                    row[name] = BOOL.get(row[name], row[name])  # empty: the billing says nothing
            if kind == "payments":
                row["method"] = mapping["method_values"][row["method"]]
            rows.append(row)
        result[kind] = rows
    return result


@pytest.mark.parametrize("flavor", ["utm5", "lanbilling"])
def test_a_flavor_maps_back_to_the_canonical_data(tmp_path, canonical, data, flavor):
    counts = generate(tmp_path, flavor)
    spec = FLAVOR_SPECS[flavor]
    mapping = json.loads(mapping_path(flavor).read_text(encoding="utf-8"))
    raw = (tmp_path / spec.file("subscribers")).read_bytes()
    if flavor == "utm5":
        assert raw.decode("cp1251").startswith("Лицевой счет;ФИО;")
        assert b"\r\n" in raw and "Расторгнут".encode("cp1251") in raw
    else:
        assert raw.startswith("\ufeffagrm_num\tname".encode())
    for kind in KINDS:
        assert counts[spec.file(kind)] == len(data[kind])

    mapped = to_canonical(tmp_path, mapping)
    zones = {row["name"]: zoneinfo.ZoneInfo(row["time_zone"]) for row in data["branches"]}
    zone_of = {row["account"]: zones[row["branch"]] for row in data["subscribers"]}
    seconds = "%S" in mapping["datetime_format"]

    def expected(row: dict, column: str):
        text = row[column]
        if column in ("connected_on", "terminated_on", "birth_date", "coverage_since"):
            return text and date.fromisoformat(text)
        if column == "period":
            return date.fromisoformat(text + "-01")
        if column in ("monthly_fee", "balance", "amount"):
            return Decimal(text)
        if column in ("has_router", "consent_sms", "consent_email"):
            return BOOL.get(text, text)
        if column == "paid_at":
            at = datetime.fromisoformat(text)
            if at.tzinfo:  # the branch's local time, as the flavors write it
                at = at.astimezone(zone_of[row["account"]]).replace(tzinfo=None)
            return at if seconds else at.replace(second=0)
        return text

    for kind in KINDS:
        assert len(mapped[kind]) == len(data[kind])
        for ours, theirs in zip(data[kind], mapped[kind], strict=True):
            assert {column: expected(ours, column) for column in ours} == theirs


def test_a_realistic_share_consents_to_advertising(data):
    rows = data["subscribers"]
    sms = sum(row["consent_sms"] == "true" for row in rows) / len(rows)
    email = sum(row["consent_email"] == "true" for row in rows) / len(rows)
    assert 0.45 < sms < 0.75 and 0.08 < email < 0.35


def test_mappings_are_import_mappings_of_the_flavors():
    fields = {f.name for f in ImportMapping._meta.concrete_fields if f.name != "id"}
    for flavor in ("utm5", "lanbilling"):
        stored = json.loads(mapping_path(flavor).read_text(encoding="utf-8"))
        assert set(stored) == fields
        assert stored == FLAVOR_SPECS[flavor].mapping()
        ImportMapping(**stored).full_clean(validate_unique=False, validate_constraints=False)
        assert set(stored["status_values"].values()) == {"active", "suspended", "terminated"}
        for kind in KINDS:
            assert set(stored["columns"][kind].values()) == set(COLUMNS[kind])


def test_the_command_writes_the_operator(tmp_path):
    out = io.StringIO()
    call_command(
        "generate_operator",
        "--subscribers",
        "40",
        "--months",
        "3",
        "--seed",
        "5",
        "--end",
        "2025-01",
        "--out",
        str(tmp_path),
        stdout=out,
    )
    assert len(read(tmp_path / "subscribers.csv")) == 40
    periods = {row["period"] for row in read(tmp_path / "charges.csv")}
    assert periods == {"2024-11", "2024-12", "2025-01"}
    assert "subscribers.csv: 40 rows" in out.getvalue()


def test_the_command_refuses_a_bad_month(tmp_path):
    with pytest.raises(CommandError):
        call_command("generate_operator", "--end", "2025-13", "--out", str(tmp_path))

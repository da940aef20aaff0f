"""The billing's next day or next month after an export, as a daily sync receives it: the
payments of that time, the subscriber rows it changed and, when a month begins, its charges.

A delta continues a full canonical export or an earlier delta. The whole subscriber table it
leaves, with what a row does not tell (the services charged, the months in debt or still on a
pause), is kept in its `.state/` folder: `import_billing DIR` imports a folder's files, not its
subfolders. How the days go for each account is in days.py."""

from __future__ import annotations

import calendar
import csv
import json
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from .days import (
    ACCOUNT,
    STATUS,
    SUBSCRIBER,
    TERMINATED,
    Delta,
    delta_days,
    inferred_counters,
    month_spans,
)
from .flavors import COLUMNS, FLAVOR_SPECS
from .reference import BRANCHES, RENT, STATIC_IP

STATE_DIR, STATE_FILE, STATE_VERSION = ".state", "meta.json", 1
# What a row does not tell, kept after the canonical columns in the state's subscribers.csv.
STATE_COLUMNS = ("static_ip", "equipment_rent", "debt_months", "pause_months")


class DeltaError(Exception):
    """The previous export cannot be continued: not an export, or not one written here."""


@dataclass(frozen=True)
class Previous:
    """What a delta continues: the whole subscriber table and the last day it covers."""

    subscribers: Path  # canonical rows, followed by STATE_COLUMNS in a delta's state
    day: date
    zones: dict[str, str]  # branch → time zone
    charged: tuple[set[str], set[str]] | None  # a full export's accounts with static IP, rent


@dataclass(frozen=True)
class DeltaResult:
    """What a delta holds: its rows per file, and the days it covers."""

    counts: dict[str, int]  # file name → data rows
    first: date
    last: date


def read_previous(prev: Path) -> Previous:
    """The state a delta continues from: a delta's .state/, or a full canonical export."""
    state = prev / STATE_DIR / STATE_FILE
    if state.is_file():
        meta = json.loads(state.read_text(encoding="utf-8"))
        if meta.get("version") != STATE_VERSION:
            raise DeltaError(f"{state} was written by another version of generate_operator")
        path = prev / STATE_DIR / "subscribers.csv"
        _check_header(path, SUBSCRIBER + STATE_COLUMNS)
        return Previous(path, date.fromisoformat(meta["day"]), meta["zones"], None)
    path = prev / "subscribers.csv"
    if not path.is_file():
        for flavor in FLAVOR_SPECS.values():
            if (prev / flavor.file("subscribers")).is_file():
                raise DeltaError(
                    f"{prev} is a {flavor.name} export: a delta continues a canonical one only"
                )
        raise DeltaError(f"{prev} is not a billing export: it has no subscribers.csv")
    _check_header(path, SUBSCRIBER)
    year, month = _last_month(prev)
    charged = _charged_services(prev / "charges.csv", f"{year:04d}-{month:02d}")
    day = date(year, month, calendar.monthrange(year, month)[1])
    return Previous(path, day, _zones(prev / "branches.csv"), charged)


def _check_header(path: Path, expected: tuple[str, ...]) -> None:
    with open(path, encoding="utf-8", newline="") as f:
        header = next(csv.reader(f), [])
    if tuple(header) != expected:
        raise DeltaError(
            f"{path} is not a subscribers file of the canonical format as generate_operator "
            f"writes it: expected the columns {','.join(expected)}"
        )


def _last_row(path: Path) -> str | None:
    with open(path, "rb") as f:
        size = f.seek(0, 2)
        f.seek(max(0, size - 65536))
        lines = f.read().rstrip(b"\r\n").split(b"\n")
    return lines[-1].decode() if len(lines) > 1 or size > 65536 else None


def _last_month(prev: Path) -> tuple[int, int]:
    """The month of the export's last payment (of its last charge, when it has no payments)."""
    for name, needle in (("payments.csv", ",{}-"), ("charges.csv", ",{},")):
        path = prev / name
        row = _last_row(path) if path.is_file() else None
        match = re.match(r"[^,]*,(\d{4})-(\d{2})", row or "")
        if not match:
            continue
        year, month = int(match[1]), int(match[2])
        # Rows go by account, not by date: look for each later month anywhere in the file.
        while True:
            later = year + month // 12, month % 12 + 1
            probe = needle.format(f"{later[0]:04d}-{later[1]:02d}").encode()
            if not any(probe in block for block in _blocks(path)):
                return year, month
            year, month = later
    raise DeltaError(f"{prev} holds neither payments nor charges: which day does it end on?")


def _charged_services(charges: Path, period: str) -> tuple[set[str], set[str]]:
    """The accounts ever charged for a static IP, and those charged for equipment rent in the
    last month: what the subscriber rows do not tell."""
    ip, rent = set(), set()
    if charges.is_file():
        needles = ((f",{STATIC_IP},".encode(), ip), (f",{period},{RENT},".encode(), rent))
        for block in _blocks(charges):
            for needle, found in needles:
                at = block.find(needle)
                while at >= 0:
                    start = block.rfind(b"\n", 0, at) + 1
                    found.add(block[start : block.find(b",", start)].decode())
                    at = block.find(needle, at + len(needle))
    return ip, rent


def _blocks(path: Path, size: int = 1 << 25) -> Iterator[bytes]:
    """The file in blocks of whole lines, so that a search stays within memory's bounds."""
    with open(path, "rb") as f:
        rest = b""
        while chunk := f.read(size):
            block = rest + chunk
            cut = block.rfind(b"\n") + 1
            if cut:
                yield block[:cut]
            rest = block[cut:]
        if rest:
            yield rest


def _zones(branches: Path) -> dict[str, str]:
    zones = {name: zone for name, zone, *_rest in BRANCHES}
    if branches.is_file():
        with open(branches, encoding="utf-8", newline="") as f:
            zones.update((row["name"], row["time_zone"]) for row in csv.DictReader(f))
    return zones


def _rows(path: Path) -> Iterator[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        next(reader)
        yield from reader


def write_delta(
    prev: Path | str, out_dir: Path | str, *, seed: int = 1, month: bool = False, days: int = 1
) -> DeltaResult:
    """Write into out_dir the delta after prev (a full canonical export or a delta): the next
    `days` days, or the next calendar month. The same prev and seed give the same files."""
    prev, out = Path(prev), Path(out_dir)
    if days < 1:
        raise DeltaError("a delta holds at least one day")
    if out.resolve() == prev.resolve():
        raise DeltaError("the delta must go to another folder than the export it continues")
    state = read_previous(prev)
    first, last = delta_days(state.day, month=month, days=days)
    out.mkdir(parents=True, exist_ok=True)
    # Files of an earlier run here would be imported with the delta.
    for name in ("branches", "buildings", "subscribers", "charges", "payments"):
        (out / f"{name}.csv").unlink(missing_ok=True)
    shutil.rmtree(out / STATE_DIR, ignore_errors=True)
    (out / STATE_DIR).mkdir()
    charges = any(lo == 1 for _y, _m, lo, _hi in month_spans(first, last))
    names = ["subscribers.csv", "payments.csv", f"{STATE_DIR}/subscribers.csv"]
    names += ["charges.csv"] if charges else []
    files = {
        name: open(out / name, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115
        for name in names
    }
    try:
        changed_row = csv.writer(files["subscribers.csv"], lineterminator="\n").writerow
        state_row = csv.writer(files[f"{STATE_DIR}/subscribers.csv"], lineterminator="\n").writerow
        changed_row(SUBSCRIBER)
        state_row(SUBSCRIBER + STATE_COLUMNS)
        for kind in ("payments", "charges"):
            if f"{kind}.csv" in files:
                files[f"{kind}.csv"].write(",".join(COLUMNS[kind]) + "\n")
        delta = Delta(
            seed, first, last, state.zones, files["payments.csv"].write,
            files["charges.csv"].write if charges else None,
        )  # fmt: skip
        n_changed, width = 0, len(SUBSCRIBER)
        ip_accounts, rent_accounts = state.charged or (set(), set())
        for row in _rows(state.subscribers):
            if row[STATUS] == TERMINATED:
                state_row(row if state.charged is None else [*row, "", "", 0, 0])
                continue
            if state.charged is None:
                ip, rent = row[width] == "1", row[width + 1] == "1"
                debt, pause = int(row[width + 2]), int(row[width + 3])
                del row[width:]
            else:
                ip, rent = row[ACCOUNT] in ip_accounts, row[ACCOUNT] in rent_accounts
                debt, pause = inferred_counters(delta, row, ip, rent)
            changed, debt, pause = delta.account(row, ip, rent, debt, pause)
            if changed:
                changed_row(row)
                n_changed += 1
            state_row([*row, "1" if ip else "", "1" if rent else "", debt, pause])
    finally:
        for f in files.values():
            f.close()
    meta = {"version": STATE_VERSION, "day": last.isoformat(), "zones": state.zones}
    (out / STATE_DIR / STATE_FILE).write_text(
        json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    counts = {"subscribers.csv": n_changed, "payments.csv": delta.rows["payments.csv"]}
    if charges:
        counts["charges.csv"] = delta.rows["charges.csv"]
    return DeltaResult(counts, first, last)

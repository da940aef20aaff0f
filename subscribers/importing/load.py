"""Parsing and validating each kind of table into staging tables, resolving names to ids.

Runs inside the import's one transaction: dimension rows (branches, addresses, tariffs,
services) and subscribers are merged as soon as their table is read, so that charges and
payments can be staged with subscriber ids; if any row anywhere is bad, the whole transaction
is rolled back."""

import json
import zoneinfo
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from django.db import connection
from django.utils.translation import gettext as _

from core.models import Branch, Currency
from core.sql import BulkWriter, create_temp_table, fetchall, is_postgres, row_estimate

from ..models import ExtraAttribute, Subscriber
from . import columns, direct, merge, rawcopy
from .errors import ErrorList
from .parse import FieldError, Parsers, narrowest_type, typed_value, value_types
from .readers import COLUMNS, Format, Table, open_tables

CURRENCIES = {c.value for c in Currency}
ZONES = zoneinfo.available_timezones()
PROGRESS_EVERY = 100_000
# A ledger file smaller than this many bytes per subscriber of the base (a day's payments: some
# 25 bytes a row) has its accounts looked up alone rather than the whole base read.
SMALL_FILE_BYTES_PER_ROW = 2
SUBSCRIBER = Subscriber._meta.db_table


def _account_text(value) -> str:
    return value.strip() if isinstance(value, str) else str(value)


def _cell(cells: list, index: int | None):
    if index is None or index >= len(cells):
        return ""
    value = cells[index]
    return value.strip() if isinstance(value, str) else value


class Loader:
    """Reads tables in kind order and stages them; collects every bad row in `errors`."""

    def __init__(
        self,
        *,
        parsers: Parsers,
        errors: ErrorList,
        progress: Callable[[str], None],
        fmt: Format | None = None,
        direct: bool = False,
    ):
        self.p = parsers
        # The ledger is empty and no window exists: charges and payments may go straight to
        # their tables (importing/direct.py).
        self.direct = direct
        self.direct_rows: dict[str, int] = {}
        self.fmt = fmt
        self.errors = errors
        self.progress = progress
        self.stats: dict[str, int] = {}
        self.branches: dict[str, tuple[int, zoneinfo.ZoneInfo]] = {}
        self.bad_accounts: set[str] = set()
        self.account_ids: dict[str, int] = {}  # account → id * 1024 + branch slot (_accounts)
        self.accounts_complete = False
        self.branch_slots: list[zoneinfo.ZoneInfo] = []
        self.branch_slot_of: dict[int, int] = {}
        self.touched_months: list = []
        self.ledger_months: set[date] = set()
        self.sources: list[str] = []
        self.flags_seen: set[str] = set()
        merge.create_staging()

    # -- helpers ---------------------------------------------------------------------------
    def _source(self, table: Table) -> int:
        self.sources.append(table.label)
        return len(self.sources) - 1

    def _index(self, table: Table) -> dict[str, int | None]:
        return {
            name: (table.header.index(name) if name in table.header else None)
            for name in COLUMNS[table.kind]
        }

    def _required(self, table: Table, line: int, column: str, value) -> bool:
        if value in ("", None):
            self.errors.add(table.label, line, column, "", _("required value is missing"))
            return False
        return True

    def _too_long(self, table: Table, line: int, column: str, value: str, limit: int) -> bool:
        if isinstance(value, str) and len(value) > limit:
            self.errors.add(
                table.label,
                line,
                column,
                value,
                _("longer than %(limit)s characters") % {"limit": limit},
            )
            return True
        return False

    def _count(self, kind: str, n: int) -> None:
        self.stats[f"{kind}_rows"] = self.stats.get(f"{kind}_rows", 0) + n

    def _branch_tz(self) -> None:
        self.branches = {b.name: (b.id, b.tz) for b in Branch.objects.all()}

    # -- branches ---------------------------------------------------------------------------
    def load_branches(self, table: Table) -> None:
        ix = self._index(table)
        src = self._source(table)
        n = 0
        with BulkWriter("stg_branch", ["src", "line", "name", "time_zone", "currency"]) as out:
            for line, cells in table.rows:
                n += 1
                name = _cell(cells, ix["name"])
                tz = _cell(cells, ix["time_zone"]) or None
                currency = (_cell(cells, ix["currency"]) or "").upper() or None
                ok = self._required(table, line, "name", name)
                ok = ok and not self._too_long(table, line, "name", name, 120)
                if tz and tz not in ZONES:
                    self.errors.add(table.label, line, "time_zone", tz, _("unknown time zone"))
                    ok = False
                if currency and currency not in CURRENCIES:
                    self.errors.add(table.label, line, "currency", currency, _("unknown currency"))
                    ok = False
                if ok:
                    out.write((src, line, name, tz, currency))
        self._count("branches", n)
        merge.merge_branches(self.errors, self.sources)
        self._branch_tz()

    # -- buildings --------------------------------------------------------------------------
    def load_buildings(self, table: Table) -> None:
        ix = self._index(table)
        src = self._source(table)
        p = self.p
        n = 0
        cols = [
            "src",
            "line",
            "branch",
            "city",
            "street",
            "house",
            "flats",
            "technology",
            "ports",
            "coverage_since",
        ]
        with BulkWriter("stg_building", cols) as out:
            for line, cells in table.rows:
                n += 1
                row = [src, line]
                ok = True
                for column, limit in (
                    ("branch", 120),
                    ("city", 120),
                    ("street", 160),
                    ("house", 20),
                ):
                    value = _cell(cells, ix[column])
                    value = str(value) if value not in (None, "") else ""
                    ok = self._required(table, line, column, value) and ok
                    ok = not self._too_long(table, line, column, value, limit) and ok
                    row.append(value)
                for column, parse in (
                    ("flats", p.whole),
                    ("technology", p.technology),
                    ("ports", p.whole),
                    ("coverage_since", p.date),
                ):
                    raw = _cell(cells, ix[column])
                    if raw in ("", None):
                        row.append("" if column == "technology" else None)
                        continue
                    try:
                        row.append(parse(raw))
                    except FieldError as exc:
                        self.errors.add(table.label, line, column, raw, exc.message)
                        ok = False
                if ok:
                    out.write(tuple(row))
        self._count("buildings", n)

    # -- subscribers ------------------------------------------------------------------------
    def _extra_types(self, table: Table, rows) -> dict[str, str]:
        """Infer each extra column's type over all its values, merged with the stored type."""
        extra = table.extra_columns
        fits = {name: frozenset(("int", "decimal", "date", "bool", "text")) for _, name in extra}
        for _line, cells in rows:
            for i, name in extra:
                value = cells[i] if i < len(cells) else ""
                fits[name] = fits[name] & self._value_types(value, "date" in fits[name])
        stored = dict(ExtraAttribute.objects.values_list("key", "value_type"))
        types = {}
        for name, fit in fits.items():
            kind = narrowest_type(fit)
            if name in stored and stored[name] != kind:
                kind = narrowest_type(fit & value_types_of_type(stored[name]))
            types[name] = kind
        return types

    def _value_types(self, value, may_be_date: bool) -> frozenset[str]:
        """value_types, where a date may also be written in the mapping's date format."""
        if isinstance(value, (date, datetime)):
            return frozenset(("date", "text"))
        text = "" if value is None else str(value)
        fits = value_types(text)
        if may_be_date and "date" not in fits and 6 <= len(text) <= 10:
            try:
                self.p.date(text)
                fits = fits | {"date"}
            except FieldError:
                pass
        return fits

    def _extra_value(self, kind: str, value):
        if kind == "date" and value not in ("", None):
            return (
                self.p.date(value).isoformat()
                if not isinstance(value, str) or "-" not in value
                else value.strip()
            )
        return typed_value(kind, "" if value is None else str(value))

    def load_subscribers(self, table: Table) -> None:
        ix = self._index(table)
        src = self._source(table)
        p = self.p
        extra = table.extra_columns
        extra_types = {}
        rows = table.rows
        if extra:
            # Extra columns are typed by all their values: a first pass over the file, then the
            # file is read again (holding a million rows would cost gigabytes).
            extra_types = self._extra_types(table, table.rows)
            merge.save_extra_attributes(extra_types)
            again = open_tables(table.path, self.fmt or Format())
            rows = next(t for t in again if t.label == table.label).rows
        seen: dict[str, int] = {}
        n = 0
        # The yes/no columns a block above registered (importing/columns.py).
        flags = columns.flag_columns()
        flag_ix = [table.header.index(c) if c in table.header else None for c in flags]
        self.flags_seen.update(c for c, i in zip(flags, flag_ix, strict=True) if i is not None)
        cols = [
            "src",
            "line",
            "account",
            "kind",
            "full_name",
            "phone",
            "phone2",
            "email",
            "branch",
            "city",
            "street",
            "house",
            "flat",
            "technology",
            "tariff",
            "monthly_fee",
            "status",
            "connected_on",
            "terminated_on",
            "balance",
            "birth_date",
            "extra",
            *flags,
        ]
        label = table.label
        with BulkWriter("stg_subscriber", cols) as out:
            for line, cells in rows:
                n += 1
                if n % PROGRESS_EVERY == 0:
                    self.progress(_("%(file)s: %(rows)s rows read") % {"file": label, "rows": n})
                ok = True
                account = str(_cell(cells, ix["account"]) or "")
                if not self._required(table, line, "account", account):
                    continue
                if self._too_long(table, line, "account", account, 32):
                    continue
                if account in seen:
                    self.errors.add(
                        label,
                        line,
                        "account",
                        account,
                        _("duplicate account (first on line %(line)s)") % {"line": seen[account]},
                    )
                    continue
                seen[account] = line
                text = {}
                for column, limit in (
                    ("full_name", 200),
                    ("branch", 120),
                    ("city", 120),
                    ("street", 160),
                    ("house", 20),
                    ("flat", 20),
                    ("tariff", 120),
                ):
                    value = _cell(cells, ix[column])
                    value = "" if value in (None, "") else str(value)
                    if column in ("full_name", "branch", "city", "street", "house", "tariff"):
                        ok = self._required(table, line, column, value) and ok
                    ok = not self._too_long(table, line, column, value, limit) and ok
                    text[column] = value
                parsed = {}
                for column, parse, required in (
                    ("kind", p.kind, False),
                    ("technology", p.technology, False),
                    ("status", p.status, True),
                    ("connected_on", p.date, True),
                    ("terminated_on", p.date, False),
                    ("balance", p.money, True),
                    ("monthly_fee", p.money, False),
                    ("email", p.email, False),
                    ("phone", p.phones, False),
                    ("birth_date", p.date, False),
                ):
                    raw = _cell(cells, ix[column])
                    if raw in ("", None):
                        if required:
                            self._required(table, line, column, raw)
                            ok = False
                        parsed[column] = None
                        continue
                    try:
                        parsed[column] = parse(raw)
                    except FieldError as exc:
                        self.errors.add(label, line, column, raw, exc.message)
                        ok = False
                if ok:
                    ok = self._check_subscriber_dates(table, line, parsed)
                if parsed.get("monthly_fee") is not None and parsed["monthly_fee"] < 0:
                    self.errors.add(
                        label, line, "monthly_fee", parsed["monthly_fee"], _("must not be negative")
                    )
                    ok = False
                if parsed.get("email") and len(parsed["email"]) > 254:
                    ok = not self._too_long(table, line, "email", parsed["email"], 254) and ok
                values = {}
                for i, name in extra:
                    raw = cells[i] if i < len(cells) else ""
                    value = self._extra_value(extra_types[name], raw)
                    if value is not None:
                        values[name] = value
                answers = []
                for name, i in zip(flags, flag_ix, strict=True):
                    raw = _cell(cells, i)
                    if raw in ("", None):
                        answers.append(None)  # the billing says nothing: left as it is
                        continue
                    try:
                        answers.append(p.yes_no(raw))
                    except FieldError as exc:
                        self.errors.add(label, line, name, raw, exc.message)
                        ok = False
                if not ok:
                    self.bad_accounts.add(account)
                    continue
                phones = parsed["phone"] or []
                out.write(
                    (
                        src,
                        line,
                        account,
                        parsed["kind"] or "person",
                        text["full_name"],
                        phones[0] if phones else "",
                        phones[1] if len(phones) > 1 else "",
                        parsed["email"] or "",
                        text["branch"],
                        text["city"],
                        text["street"],
                        text["house"],
                        text["flat"],
                        parsed["technology"] or "",
                        text["tariff"],
                        parsed["monthly_fee"],
                        parsed["status"],
                        parsed["connected_on"],
                        parsed["terminated_on"],
                        parsed["balance"],
                        parsed["birth_date"],
                        json.dumps(values, ensure_ascii=False, sort_keys=True),
                        *answers,
                    )
                )
        self._count("subscribers", n)

    def _check_subscriber_dates(self, table: Table, line: int, parsed: dict) -> bool:
        connected, terminated = parsed["connected_on"], parsed["terminated_on"]
        if parsed["status"] == "terminated" and terminated is None:
            self.errors.add(
                table.label,
                line,
                "terminated_on",
                "",
                _("a terminated subscriber needs the termination date"),
            )
            return False
        if parsed["status"] != "terminated" and terminated is not None:
            self.errors.add(
                table.label,
                line,
                "terminated_on",
                terminated.isoformat(),
                _("a termination date is given but the status is not terminated"),
            )
            return False
        if terminated is not None and terminated < connected:
            self.errors.add(
                table.label,
                line,
                "terminated_on",
                terminated.isoformat(),
                _("terminated before connected (%(date)s)") % {"date": connected.isoformat()},
            )
            return False
        return True

    def finish_subscribers(
        self, batch_id: int | None, *, today: date, data_month: date | None
    ) -> None:
        """Merge the staged dimension rows and subscribers; then learn the account ids."""
        self.progress(_("Saving subscribers"))
        merge.merge_addresses(self.errors, self.sources)
        merge.merge_tariffs()
        self.stats.update(merge.merge_subscribers(batch_id, today=today, data_month=data_month))
        for handler in columns.handlers():
            if self.flags_seen.intersection(handler.columns):
                self.stats.update(handler.apply("stg_subscriber"))
        self._branch_tz()

    def _accounts(self, table: Table, column: int | None) -> dict[str, int]:
        """account → id * 1024 + branch slot, for the accounts the table names. A small file
        against a big base (a day's payments) looks up only its own accounts; otherwise every
        account is read once."""
        if not self.branch_slot_of:
            for branch_id, (_name, tz) in ((v[0], (k, v[1])) for k, v in self.branches.items()):
                self.branch_slot_of[branch_id] = len(self.branch_slots)
                self.branch_slots.append(tz)
        if self.accounts_complete:
            return self.account_ids
        where = ""
        if column is not None and table.path.stat().st_size < SMALL_FILE_BYTES_PER_ROW * (
            row_estimate(SUBSCRIBER)
        ):
            wanted = {
                _account_text(cells[column])
                for _line, cells in self._reopen(table).rows
                if len(cells) > column and cells[column] is not None
            } - self.account_ids.keys()
            create_temp_table("stg_accounts", "account text PRIMARY KEY")
            with BulkWriter("stg_accounts", ["account"]) as out:
                for account in wanted:
                    out.write((account,))
            where = " WHERE account IN (SELECT account FROM stg_accounts)"
        else:
            self.accounts_complete = True
        ids = self.account_ids
        slot_of = self.branch_slot_of
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT account, id, branch_id FROM {SUBSCRIBER}{where}")
            while True:
                chunk = cursor.fetchmany(50_000)
                if not chunk:
                    break
                for account, pk, branch_id in chunk:
                    ids[account] = pk * 1024 + slot_of[branch_id]
        return ids

    def _reopen(self, table: Table) -> Table:
        return next(t for t in open_tables(table.path, self.fmt) if t.kind == table.kind)

    def _unknown_account(self, table: Table, line: int, account: str) -> None:
        if account in self.bad_accounts:
            return  # its subscriber row is already reported
        self.errors.add(
            table.label,
            line,
            "account",
            account,
            _("unknown account: not in the subscribers file nor in the database"),
        )

    def _direct(self, table: Table) -> Table | None:
        """Try the direct path of a first ledger load; None when it did the work, else the
        table to read another way (opened again: the attempt consumed it)."""
        if not (
            self.direct
            and not self.errors
            and self.fmt is not None
            and rawcopy.available(table, self.fmt)
        ):
            return table
        loader = direct.DirectLedger(parsers=self.p, fmt=self.fmt)
        self.progress(_("%(file)s: loading") % {"file": table.label})
        if getattr(loader, table.kind)(table):
            if not self.direct_rows:
                # Every subscriber's balance check and facts are computed again.
                merge.touch_all()
            self.ledger_months |= loader.months
            self._count(table.kind, loader.rows)
            self.direct_rows[table.kind] = self.direct_rows.get(table.kind, 0) + loader.rows
            self.sources.append(table.label)
            return None
        return next(t for t in open_tables(table.path, self.fmt) if t.label == table.label)

    def _raw(self, table: Table) -> Table | None:
        """Try the COPY path; None when it did the work, else the table to read row by row
        (opened again: the COPY attempt consumed it)."""
        if self.fmt is None or not rawcopy.available(table, self.fmt):
            return table
        src = self._source(table)
        raw = rawcopy.RawLoader(
            parsers=self.p,
            fmt=self.fmt,
            errors=self.errors,
            sources=self.sources,
            bad_accounts=self.bad_accounts,
        )
        if raw.load_charges(table, src):
            self.ledger_months |= rawcopy.ledger_months()
            self._count("charges", fetchall("SELECT COUNT(*) FROM raw_charge")[0][0])
            return None
        self.sources.pop()
        return self._reopen(table)

    def _ledger_rows(self, table: Table, kind: str, indexes: tuple):
        """The table's rows padded to the columns used, reporting progress and the count."""
        width = 1 + max(i for i in indexes if i is not None)
        n = 0
        for line, cells in table.rows:
            n += 1
            if n % PROGRESS_EVERY == 0:
                self.progress(_("%(file)s: %(rows)s rows read") % {"file": table.label, "rows": n})
            if len(cells) < width:
                cells = list(cells) + [""] * (width - len(cells))
            yield line, cells
        self._count(kind, n)

    def _account_code(self, table: Table, line: int, account, accounts: dict) -> int | None:
        """id * 1024 + branch slot of the row's account; None (and the error) if unknown."""
        account = _account_text(account)
        if not account:
            self.errors.add(table.label, line, "account", "", _("required value is missing"))
            return None
        code = accounts.get(account)
        if code is None:
            self._unknown_account(table, line, account)
        return code

    # -- charges ----------------------------------------------------------------------------
    def load_charges(self, table: Table) -> None:
        table = self._direct(table)
        if table is None:
            return
        table = self._raw(table)
        if table is None:
            return
        ix = self._index(table)
        src = self._source(table)
        accounts = self._accounts(table, ix["account"])
        period_of, money = self.p.period, self.p.money
        i_acc, i_per, i_srv, i_tar, i_amt = (
            ix["account"],
            ix["period"],
            ix["service"],
            ix["tariff"],
            ix["amount"],
        )
        label = table.label
        months = self.ledger_months
        cols = ["src", "line", "subscriber_id", "period", "service", "tariff", "amount"]
        rows = self._ledger_rows(table, "charges", (i_acc, i_per, i_srv, i_tar, i_amt))
        with BulkWriter("stg_charge", cols) as out:
            for line, cells in rows:
                period, service, amount = cells[i_per], cells[i_srv], cells[i_amt]
                tariff = cells[i_tar] if i_tar is not None else ""
                code = self._account_code(table, line, cells[i_acc], accounts)
                ok = code is not None
                try:
                    month = period_of(period)
                except FieldError as exc:
                    self.errors.add(label, line, "period", period, exc.message)
                    ok = False
                try:
                    value = money(amount)
                except FieldError as exc:
                    self.errors.add(label, line, "amount", amount, exc.message)
                    ok = False
                service = service.strip() if isinstance(service, str) else str(service)
                if not service:
                    self.errors.add(label, line, "service", "", _("required value is missing"))
                    ok = False
                elif len(service) > 120:
                    self._too_long(table, line, "service", service, 120)
                    ok = False
                tariff = tariff.strip() if isinstance(tariff, str) else str(tariff or "")
                if len(tariff) > 120:
                    self._too_long(table, line, "tariff", tariff, 120)
                    ok = False
                if not ok:
                    continue
                months.add(month)
                out.write((src, line, code >> 10, month, service, tariff or None, value))

    # -- payments ---------------------------------------------------------------------------
    def load_payments(self, table: Table) -> None:
        table = self._direct(table)
        if table is None:
            return
        ix = self._index(table)
        src = self._source(table)
        accounts = self._accounts(table, ix["account"])
        slots = self.branch_slots
        moment, money, method_of = self.p.datetime, self.p.money, self.p.method
        i_acc, i_at, i_amt, i_met = ix["account"], ix["paid_at"], ix["amount"], ix["method"]
        label = table.label
        months = self.ledger_months
        offsets: dict[tuple[int, int, int, int], timedelta] = {}
        postgres = is_postgres()
        cols = ["src", "line", "subscriber_id", "paid_at", "month", "amount", "method"]
        rows = self._ledger_rows(table, "payments", (i_acc, i_at, i_amt, i_met))
        with BulkWriter("stg_payment", cols) as out:
            for line, cells in rows:
                code = self._account_code(table, line, cells[i_acc], accounts)
                ok = code is not None
                raw_at = cells[i_at]
                at = None
                if raw_at in ("", None):
                    self.errors.add(label, line, "paid_at", "", _("required value is missing"))
                    ok = False
                else:
                    try:
                        at = moment(raw_at)
                    except FieldError as exc:
                        self.errors.add(label, line, "paid_at", raw_at, exc.message)
                        ok = False
                try:
                    value = money(cells[i_amt])
                    if value == 0:
                        self.errors.add(label, line, "amount", cells[i_amt], _("a payment of zero"))
                        ok = False
                except FieldError as exc:
                    self.errors.add(label, line, "amount", cells[i_amt], exc.message)
                    ok = False
                try:
                    method = method_of(cells[i_met] if i_met is not None else "")
                except FieldError as exc:
                    self.errors.add(label, line, "method", cells[i_met], exc.message)
                    ok = False
                if not ok:
                    continue
                tz = slots[code & 1023]
                if at.tzinfo is None:
                    local = at
                    # The UTC offset of a local hour is cached: zoneinfo lookups are the
                    # slowest step of a payment row.
                    key = (code & 1023, at.year, at.month, at.day * 24 + at.hour)
                    offset = offsets.get(key)
                    if offset is None:
                        offset = at.replace(tzinfo=tz).utcoffset()
                        offsets[key] = offset
                    utc = (at - offset).replace(tzinfo=UTC)
                else:
                    utc = at
                    local = at.astimezone(tz)
                month = date(local.year, local.month, 1)
                months.add(month)
                out.write(
                    (
                        src,
                        line,
                        code >> 10,
                        utc if postgres else _sqlite_dt(utc),
                        month,
                        value,
                        method,
                    )
                )


def _sqlite_dt(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def value_types_of_type(kind: str) -> frozenset[str]:
    """Types compatible with values already stored as `kind` (a widening is allowed)."""
    widen = {
        "int": {"int", "decimal", "text"},
        "decimal": {"decimal", "text"},
        "date": {"date", "text"},
        "bool": {"bool", "text"},
        "text": {"text"},
    }
    return frozenset(widen.get(kind, {"text"}))

"""The first load of a ledger on PostgreSQL, straight into its table.

When the database holds no charges and no payments yet, a charges or payments file is sent to
the server by COPY as text, and one INSERT … SELECT writes the ledger table itself: no staging
copy, no comparison with rows that cannot exist. Its cells are still checked by the parsers of
the row-by-row path, only once per distinct value rather than once per row: periods, services,
tariffs, amounts, payment methods and the shapes of the payment times are few, however long
the file. Each distinct value is parsed in Python and the parsed values are joined back.

Whatever this path is not sure of returns False before anything is kept (the caller's
savepoint is rolled back): a value a parser refuses, an unknown account, a time shape or a time
zone with clock changes it does not handle, two rows with the same key. The caller then takes
the checked path, which names every bad row."""

import zoneinfo
from datetime import date, datetime, timedelta

from django.db import connection, transaction

from core.models import Branch
from core.sql import IndexesDropped, analyze, create_temp_table, execute, fetchall

from ..models import Charge, Payment, Service, Subscriber, Tariff
from .parse import FieldError, Parsers
from .rawcopy import COPY_ERRORS, copy_file
from .readers import Format, Table

BRANCH = Branch._meta.db_table
CHARGE = Charge._meta.db_table
PAYMENT = Payment._meta.db_table
SERVICE = Service._meta.db_table
SUBSCRIBER = Subscriber._meta.db_table
TARIFF = Tariff._meta.db_table
MAX_DISTINCT = 2_000_000  # more distinct amounts than this: the checked path is as quick
# Lengths of the ISO times taken here: YYYY-MM-DD, …[ T]HH:MM, …[ T]HH:MM:SS, and the last with
# Z or ±HH:MM.
NAIVE_LENGTHS = {10, 16, 19}
AWARE_LENGTHS = {20, 25}
AWARE_RE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"


class NotDirect(Exception):
    """Something this path is not sure of: roll back and take the checked path."""


def ledger_is_empty() -> bool:
    return not Charge.objects.exists() and not Payment.objects.exists()


def _text(value) -> str:
    return "" if value is None else value


def _values_table(name: str, kind: str, rows: list[tuple]) -> None:
    """A small mapping table raw text → parsed value, to be joined to the raw rows."""
    create_temp_table(name, f"raw text PRIMARY KEY, value {kind}")
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {name} (raw, value) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    analyze(name)


class DirectLedger:
    def __init__(self, *, parsers: Parsers, fmt: Format):
        self.p = parsers
        self.fmt = fmt
        self.months: set[date] = set()
        self.rows = 0

    def _col(self, table: Table, name: str) -> str:
        """The raw cell as the file has it: the parsers strip it themselves, and the parsed
        values are joined back on the very same text."""
        if name not in table.header:
            return "NULL::text"
        return f"r.c{table.header.index(name)}"

    def _attempt(self, load, table: Table) -> bool:
        try:
            with transaction.atomic():
                load(table)
        except (NotDirect, *COPY_ERRORS):
            return False
        return True

    # -- money ------------------------------------------------------------------------------
    def _amounts(self, raw: list, *, nonzero: bool) -> None:
        rows = []
        for value in raw:
            try:
                amount = self.p.money(_text(value))
            except FieldError:
                raise NotDirect from None
            if nonzero and amount == 0:
                raise NotDirect
            rows.append((value, amount))
        _values_table("dir_amount", "numeric(14,2)", rows)

    # -- charges ----------------------------------------------------------------------------
    def charges(self, table: Table) -> bool:
        return self._attempt(self._charges, table)

    def _charges(self, table: Table) -> None:
        total = copy_file(table, self.fmt, "raw_charge")
        service, tariff = self._col(table, "service"), self._col(table, "tariff")
        period, amount = self._col(table, "period"), self._col(table, "amount")
        groups = fetchall(f"""
            SELECT GROUPING(s, t, p), s, t, p, a FROM (
                SELECT {service} AS s, {tariff} AS t, {period} AS p, {amount} AS a
                FROM raw_charge r) x
            GROUP BY GROUPING SETS ((s, t, p), (a))""")
        amounts = [a for g, _s, _t, _p, a in groups if g]
        dims = [(s, t, p) for g, s, t, p, _a in groups if not g]
        if len(amounts) > MAX_DISTINCT:
            raise NotDirect
        self._amounts(amounts, nonzero=False)
        periods = {}
        for service_name, tariff_name, raw_period in dims:
            if not service_name or len(service_name) > 120 or len(_text(tariff_name)) > 120:
                raise NotDirect
            # Names are joined as they are; the checked path would strip them.
            if any(name != name.strip() for name in (service_name, _text(tariff_name))):
                raise NotDirect
            if raw_period not in periods:
                try:
                    periods[raw_period] = self.p.period(_text(raw_period))
                except FieldError:
                    raise NotDirect from None
        self.months |= set(periods.values())
        _values_table("dir_period", "date", list(periods.items()))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {SERVICE} (name) VALUES (%s) ON CONFLICT (name) DO NOTHING",
                sorted({(s,) for s, _t, _p in dims}),
            )
            cursor.executemany(
                f"""INSERT INTO {TARIFF} (name, monthly_fee, technology) VALUES (%s, 0, '')
                    ON CONFLICT (name) DO NOTHING""",
                sorted({(t,) for _s, t, _p in dims if t}),
            )
        with IndexesDropped(CHARGE):
            written = execute(f"""
                INSERT INTO {CHARGE} (subscriber_id, period, service_id, tariff_id, amount)
                SELECT s.id, p.value, v.id, t.id, a.value
                FROM raw_charge r
                JOIN {SUBSCRIBER} s ON s.account = btrim({self._col(table, "account")})
                JOIN dir_period p ON p.raw = {period}
                JOIN dir_amount a ON a.raw = {amount}
                JOIN {SERVICE} v ON v.name = {service}
                LEFT JOIN {TARIFF} t ON t.name = NULLIF({tariff}, '')""")
            if written != total:
                raise NotDirect  # an unknown account
        self.rows = total

    # -- payments ---------------------------------------------------------------------------
    def payments(self, table: Table) -> bool:
        if not self.p.datetime_format.startswith("%Y-%m-%d"):
            return False
        return self._attempt(self._payments, table)

    def _payments(self, table: Table) -> None:
        total = copy_file(table, self.fmt, "raw_payment")
        at, amount = self._col(table, "paid_at"), self._col(table, "amount")
        method = self._col(table, "method")
        groups = fetchall(f"""
            SELECT GROUPING(a), GROUPING(m), GROUPING(n), a, m, n, MIN(d), MAX(d) FROM (
                SELECT {amount} AS a, {method} AS m, length({at}) AS n, left({at}, 10) AS d
                FROM raw_payment r) x
            GROUP BY GROUPING SETS ((a), (m), (n))""")
        amounts = [row[3] for row in groups if not row[0]]
        methods = [row[4] for row in groups if not row[1]]
        lengths = {row[5] for row in groups if not row[2]}
        if len(amounts) > MAX_DISTINCT or not lengths <= NAIVE_LENGTHS | AWARE_LENGTHS:
            raise NotDirect
        first, last = min(r[6] for r in groups), max(r[7] for r in groups)
        self._check_zones(first, last)
        self._amounts(amounts, nonzero=True)
        mapped = {}
        for value in methods:
            try:
                mapped[_text(value)] = self.p.method(_text(value))
            except FieldError:
                raise NotDirect from None
        _values_table("dir_method", "text", list(mapped.items()))
        # A local time is taken only when PostgreSQL prints it back as it was written, so it
        # is read as datetime.fromisoformat reads it (PostgreSQL alone would also take 24:00,
        # :60 seconds or other date styles). One with a UTC offset must match ISO exactly.
        t = at
        local = f"""CASE WHEN length({t}) IN (10, 16, 19)
                              AND CAST(CAST({t} AS timestamp) AS text)
                                  = replace({t}, 'T', ' ') || substr(' 00:00:00', length({t}) - 9)
                         THEN CAST({t} AS timestamp) END"""
        if lengths <= NAIVE_LENGTHS:
            moment, month = "x.local AT TIME ZONE b.time_zone", "x.local"
            aware = "NULL::timestamptz"
        else:
            aware = f"""CASE WHEN {t} ~ {AWARE_RE!r} AND substr({t}, 12, 2) < '24'
                                  AND substr({t}, 15, 2) < '60' AND substr({t}, 18, 2) < '60'
                             THEN CAST({t} AS timestamptz) END"""
            moment = "COALESCE(x.aware, x.local AT TIME ZONE b.time_zone)"
            month = "COALESCE(x.local, x.aware AT TIME ZONE b.time_zone)"
        account = self._col(table, "account")
        with IndexesDropped(PAYMENT):
            # OFFSET 0 keeps the time computed once per row.
            written = execute(f"""
                INSERT INTO {PAYMENT} (subscriber_id, paid_at, month, amount, method, seq)
                SELECT s.id, {moment}, CAST(date_trunc('month', {month}) AS date),
                       a.value, m.value, 0
                FROM (SELECT btrim({account}) AS account, {amount} AS amount,
                             COALESCE({method}, '') AS method,
                             CASE WHEN length({t}) > 19 THEN NULL ELSE {local} END AS local,
                             CASE WHEN length({t}) > 19 THEN {aware} END AS aware
                      FROM raw_payment r OFFSET 0) x
                JOIN {SUBSCRIBER} s ON s.account = x.account
                JOIN {BRANCH} b ON b.id = s.branch_id
                JOIN dir_amount a ON a.raw = x.amount
                JOIN dir_method m ON m.raw = x.method""")
            if written != total:
                raise NotDirect  # an unknown account
        # (A time refused above is NULL, which the NOT NULL column refuses.)
        first_month, last_month = fetchall(f"SELECT MIN(month), MAX(month) FROM {PAYMENT}")[0]
        if first_month is not None:
            self.months |= {first_month, last_month}
        self.rows = total

    def _check_zones(self, first: str | None, last: str | None) -> None:
        """Local times are converted by PostgreSQL here and by zoneinfo on the checked path;
        they agree except at clock changes, so a branch zone that changes its offset within
        the payments' dates is left to the checked path."""
        try:
            start = date.fromisoformat(first) - timedelta(days=2)
            end = date.fromisoformat(last) + timedelta(days=2)
        except (TypeError, ValueError):
            raise NotDirect from None
        zones = {row[0] for row in fetchall(f"SELECT DISTINCT time_zone FROM {BRANCH}")}
        for name in zones:
            tz = zoneinfo.ZoneInfo(name)
            offset = datetime(start.year, start.month, start.day, 12, tzinfo=tz).utcoffset()
            day = start
            while day <= end:
                if datetime(day.year, day.month, day.day, 12, tzinfo=tz).utcoffset() != offset:
                    raise NotDirect
                day += timedelta(days=1)

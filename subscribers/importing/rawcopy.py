"""The fast path for the biggest table (charges) on PostgreSQL: the file goes to the server by
COPY as text, and every check and conversion of importing/load.py is done there by set-based
SQL, with the same translated reasons. Anything COPY cannot read (a broken quote, a row with too
few cells, bytes not in the file's encoding) falls back to the row-by-row path, which names the
bad line.

Payments stay on the row-by-row path: measured, PostgreSQL's evaluation of their date-time
checks and time-zone conversions costs more per row (about 22 µs) than Python's (about 16 µs)."""

import re
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from core.sql import analyze, create_temp_table, execute, fetchall, is_postgres

from ..models import Subscriber
from .errors import MAX_KEPT, ErrorList
from .parse import Parsers, human_format
from .readers import Format, Table

SUBSCRIBER = Subscriber._meta.db_table
PG_ENCODINGS = {
    "utf-8": "UTF8",
    "utf8": "UTF8",
    "utf-8-sig": "UTF8",
    "cp1251": "WIN1251",
    "windows-1251": "WIN1251",
    "koi8-r": "KOI8R",
    "koi8_r": "KOI8R",
    "cp866": "WIN866",
    "latin-1": "LATIN1",
    "iso-8859-1": "LATIN1",
}
# What a COPY of a file (or a statement over it) raises when the file is not as expected.
COPY_ERRORS = (DatabaseError, psycopg.Error, UnicodeError)
MONEY_RE = r"^-?[0-9]{1,11}(\.[0-9]{0,2})?$"
MONEY_3PLACES_RE = r"^-?[0-9]{1,11}\.[0-9]{3,}$"
DIRECTIVES = {
    "%Y": "([0-9]{4})",
    "%m": "([0-9]{1,2})",
    "%d": "([0-9]{1,2})",
    "%H": "([0-9]{1,2})",
    "%M": "([0-9]{2})",
    "%S": "([0-9]{2})",
}


def available(table: Table, fmt: Format) -> bool:
    return (
        is_postgres()
        and table.path.suffix.lower() in (".csv", ".txt", ".tsv")
        and fmt.encoding.lower() in PG_ENCODINGS
        and len(fmt.delimiter.replace("\\t", "\t")) == 1
    )


@dataclass
class FormatSQL:
    """A strptime format as a regex with groups and the position of each directive."""

    regex: str
    groups: dict[str, int]  # directive → 1-based group index

    @classmethod
    def of(cls, fmt: str) -> "FormatSQL":
        out, groups, i = [], {}, 0
        while i < len(fmt):
            part = fmt[i : i + 2]
            if part in DIRECTIVES:
                out.append(DIRECTIVES[part])
                groups[part] = len(groups) + 1
                i += 2
            else:
                out.append(" +" if fmt[i] in " T" else re.escape(fmt[i]))
                i += 1
        return cls("^" + "".join(out) + "$", groups)


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def copy_file(table: Table, fmt: Format, name: str) -> int:
    """COPY the file's data lines into a text table `name` (n = record number, c0…cK)."""
    width = len(table.source_header)
    columns = ", ".join(f"c{i} text" for i in range(width))
    create_temp_table(name, f"n bigserial, {columns}")
    table.rows.close()  # the row-by-row reader is not used
    delimiter = fmt.delimiter.replace("\\t", "\t")
    encoding = PG_ENCODINGS[fmt.encoding.lower()]
    cols = ", ".join(f"c{i}" for i in range(width))
    options = f"FORMAT csv, DELIMITER {_lit(delimiter)}, QUOTE '\"', ENCODING {_lit(encoding)}"
    with open(table.path, "rb") as handle, connection.cursor() as cursor:
        handle.readline()  # the header, already read
        with cursor.copy(f"COPY {name} ({cols}) FROM STDIN WITH ({options})") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
        rows = cursor.rowcount
    analyze(name)
    return rows


class RawLoader:
    """Loads one charges or payments table through COPY; returns False to ask for the
    row-by-row path (the file is then read again from its start)."""

    def __init__(
        self,
        *,
        parsers: Parsers,
        fmt: Format,
        errors: ErrorList,
        sources: list[str],
        bad_accounts: set[str],
    ):
        self.p = parsers
        self.fmt = fmt
        self.errors = errors
        self.sources = sources
        self.bad_accounts = bad_accounts

    def _col(self, table: Table, name: str) -> str | None:
        return f"r.c{table.header.index(name)}" if name in table.header else None

    def _money(self, expr: str) -> str:
        cleaned = f"replace(replace(btrim({expr}), ' ', ''), chr(160), '')"
        return f"replace({cleaned}, ',', '.')" if self.p.decimal_comma else cleaned

    def _bad_accounts_table(self) -> None:
        create_temp_table("stg_bad_account", "account text PRIMARY KEY")
        if self.bad_accounts:
            with connection.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO stg_bad_account VALUES (%s)", [(a,) for a in self.bad_accounts]
                )

    def _checked_insert(
        self,
        table: Table,
        checks: list[tuple[str, str, str, str]],
        source: str,
        target: str,
        columns: dict[str, str],
        src: int,
    ) -> int:
        """One pass over the raw rows: each row is converted into the staging table `target`
        with a bit per failed check in `flags` (conversions are guarded, so a bad cell gives
        NULL, never an SQL error). checks: (SQL true when bad, column, value SQL, message).
        Adds the errors of every bad row (the first MAX_KEPT listed, all counted)."""
        flags = " + ".join(
            f"(CASE WHEN {sql} THEN {1 << i} ELSE 0 END)" for i, (sql, *_rest) in enumerate(checks)
        )
        names = ", ".join(columns)
        exprs = ", ".join(columns.values())
        execute(
            f"INSERT INTO {target} (src, line, {names}, flags) "
            f"SELECT {src}, r.n + 1, {exprs}, {flags} FROM {source}"
        )
        counts = ", ".join(f"SUM(flags & {1 << i})" for i in range(len(checks)))
        totals = fetchall(
            f"SELECT COUNT(*), {counts} FROM {target} WHERE src = {src} AND flags <> 0"
        )[0]
        if not totals[0]:
            analyze(target)
            return 0
        bad = sum((total or 0) >> i for i, total in enumerate(totals[1:]))
        values = ", ".join(value for _s, _c, value, _m in checks)
        rows = fetchall(f"""SELECT t.line, t.flags, {values} FROM {target} t
                            JOIN {source.split(" ")[0]} r ON r.n = t.line - 1
                            WHERE t.src = {src} AND t.flags <> 0
                            ORDER BY t.line LIMIT {MAX_KEPT}""")
        shown = 0
        for row in rows:
            for i, (_sql, column, _value, message) in enumerate(checks):
                if row[1] & (1 << i):
                    self.errors.add(table.label, row[0], column, row[2 + i] or "", message)
                    shown += 1
        self.errors.count += bad - shown  # errors beyond those listed are still counted
        return bad

    def _account_checks(self, table: Table) -> tuple[str, list]:
        account = f"btrim({self._col(table, 'account')})"
        join = (
            f"LEFT JOIN {SUBSCRIBER} s ON s.account = {account} "
            f"LEFT JOIN stg_bad_account ba ON ba.account = {account}"
        )
        checks = [
            (f"coalesce({account}, '') = ''", "account", "''", _("required value is missing")),
            (
                f"coalesce({account}, '') <> '' AND s.id IS NULL AND ba.account IS NULL",
                "account",
                account,
                _("unknown account: not in the subscribers file nor in the database"),
            ),
        ]
        return join, checks

    def _required(self, table: Table, name: str) -> tuple:
        return (
            f"coalesce(btrim({self._col(table, name)}), '') = ''",
            name,
            "''",
            _("required value is missing"),
        )

    def _money_lateral(self, table: Table, name: str) -> str:
        """The cleaned amount and its two regex tests, computed once per row (OFFSET 0 keeps
        PostgreSQL from inlining the subquery and repeating the regexes at every use)."""
        return (
            f"CROSS JOIN LATERAL (SELECT v AS money, v ~ {_lit(MONEY_RE)} AS money_ok, "
            f"v ~ {_lit(MONEY_3PLACES_RE)} AS money_3 "
            f"FROM (SELECT {self._money(self._col(table, name))} AS v) x OFFSET 0) ma"
        )

    def _money_checks(self, table: Table, name: str) -> list:
        raw = self._col(table, name)
        checks = [
            self._required(table, name),
            (
                f"coalesce(btrim({raw}), '') <> '' AND NOT ma.money_ok AND NOT ma.money_3",
                name,
                raw,
                _("not an amount of money"),
            ),
            ("ma.money_3", name, raw, _("more than two decimal places")),
        ]
        return checks

    def _text_limit(self, table: Table, name: str, limit: int) -> tuple:
        col = self._col(table, name)
        return (
            f"length(btrim({col})) > {limit}",
            name,
            col,
            _("longer than %(limit)s characters") % {"limit": limit},
        )

    # -- charges ----------------------------------------------------------------------------
    def load_charges(self, table: Table, src: int) -> bool:
        if not self._copy(table, "raw_charge"):
            return False
        self._bad_accounts_table()
        period = FormatSQL.of(self.p.period_format)
        lateral = (
            f"CROSS JOIN LATERAL (SELECT regexp_match(btrim("
            f"{self._col(table, 'period')}), {_lit(period.regex)}) AS pm OFFSET 0) mm "
            f"{self._money_lateral(table, 'amount')}"
        )
        pm = "mm.pm"
        year = f"CAST(({pm})[{period.groups.get('%Y', 1)}] AS integer)"
        month = f"CAST(({pm})[{period.groups.get('%m', 2)}] AS integer)"
        join, checks = self._account_checks(table)
        join = f"{lateral} {join}"
        checks += [
            self._required(table, "period"),
            (
                f"coalesce(btrim({self._col(table, 'period')}), '') <> '' AND ({pm} IS NULL OR "
                f"{month} NOT BETWEEN 1 AND 12 OR {year} < 1)",
                "period",
                self._col(table, "period"),
                _("not a month (expected %(format)s)")
                % {"format": human_format(self.p.period_format)},
            ),
            self._required(table, "service"),
            self._text_limit(table, "service", 120),
            *self._money_checks(table, "amount"),
        ]
        tariff = self._col(table, "tariff")
        if tariff:
            checks.append(self._text_limit(table, "tariff", 120))
        columns = {
            "subscriber_id": "s.id",
            "period": f"CASE WHEN {pm} IS NOT NULL AND {month} BETWEEN 1 AND 12 "
            f"AND {year} >= 1 THEN make_date({year}, {month}, 1) END",
            "service": f"btrim({self._col(table, 'service')})",
            "tariff": f"NULLIF(btrim({tariff}), '')" if tariff else "NULL",
            "amount": "CASE WHEN ma.money_ok THEN CAST(ma.money AS numeric(14,2)) END",
        }
        self._checked_insert(table, checks, f"raw_charge r {join}", "stg_charge", columns, src)
        return True

    def _copy(self, table: Table, name: str) -> bool:
        try:
            with transaction.atomic():
                copy_file(table, self.fmt, name)
        except COPY_ERRORS:
            return False
        return True


def ledger_months() -> set:
    return {row[0] for row in fetchall("SELECT DISTINCT period FROM stg_charge")}

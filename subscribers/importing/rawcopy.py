"""The fast path for the big tables (charges, payments) on PostgreSQL: the file goes to the
server by COPY as text, and every check and conversion of importing/load.py is done there by
set-based SQL, with the same translated reasons. Anything COPY cannot read (a broken quote, a
row with too few cells, bytes not in the file's encoding) falls back to the row-by-row path,
which names the bad line."""

import re
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _

from core.sql import analyze, create_temp_table, execute, fetchall, is_postgres

from ..models import Subscriber
from .errors import MAX_KEPT, ErrorList
from .parse import METHODS, Parsers, human_format
from .readers import Format, Table

SUBSCRIBER = Subscriber._meta.db_table
PG_ENCODINGS = {"utf-8": "UTF8", "utf8": "UTF8", "utf-8-sig": "UTF8", "cp1251": "WIN1251",
                "windows-1251": "WIN1251", "koi8-r": "KOI8R", "koi8_r": "KOI8R",
                "cp866": "WIN866", "latin-1": "LATIN1", "iso-8859-1": "LATIN1"}
MONEY_RE = r"^-?[0-9]{1,11}(\.[0-9]{0,2})?$"
MONEY_3PLACES_RE = r"^-?[0-9]{1,11}\.[0-9]{3,}$"
ISO_DATETIME_RE = (r"^([0-9]{4})-([0-9]{2})-([0-9]{2})"
                   r"(?:[ T]([0-9]{1,2}):([0-9]{2})(?::([0-9]{2})(?:\.[0-9]+)?)?)?"
                   r" *(Z|[+-][0-9]{2}(?::?[0-9]{2})?)?$")
DIRECTIVES = {"%Y": "([0-9]{4})", "%m": "([0-9]{1,2})", "%d": "([0-9]{1,2})",
              "%H": "([0-9]{1,2})", "%M": "([0-9]{2})", "%S": "([0-9]{2})"}


def available(table: Table, fmt: Format) -> bool:
    return (is_postgres() and table.path.suffix.lower() in (".csv", ".txt", ".tsv")
            and fmt.encoding.lower() in PG_ENCODINGS and len(fmt.delimiter.replace("\\t", "\t"))
            == 1)


@dataclass
class FormatSQL:
    """A strptime format as a regex with groups and the position of each directive."""

    regex: str
    groups: dict[str, int]  # directive → 1-based group index

    @classmethod
    def of(cls, fmt: str) -> "FormatSQL":
        out, groups, i = [], {}, 0
        while i < len(fmt):
            part = fmt[i:i + 2]
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


def _copy_file(table: Table, fmt: Format, name: str) -> int:
    """COPY the file's data lines into a text table `name` (n = record number, c0…cK)."""
    width = len(table.source_header)
    columns = ", ".join(f"c{i} text" for i in range(width))
    create_temp_table(name, f"n bigserial, {columns}")
    table.rows.close()  # the row-by-row reader is not used
    delimiter = fmt.delimiter.replace("\\t", "\t")
    encoding = PG_ENCODINGS[fmt.encoding.lower()]
    cols = ", ".join(f"c{i}" for i in range(width))
    options = (f"FORMAT csv, DELIMITER {_lit(delimiter)}, QUOTE '\"', ENCODING {_lit(encoding)}")
    with open(table.path, "rb") as handle, connection.cursor() as cursor:
        handle.readline()  # the header, already read
        with cursor.copy(f"COPY {name} ({cols}) FROM STDIN WITH ({options})") as copy:
            while chunk := handle.read(1 << 20):
                copy.write(chunk)
    analyze(name)
    return fetchall(f"SELECT COUNT(*) FROM {name}")[0][0]


class RawLoader:
    """Loads one charges or payments table through COPY; returns False to ask for the
    row-by-row path (the file is then read again from its start)."""

    def __init__(self, *, parsers: Parsers, fmt: Format, errors: ErrorList, sources: list[str],
                 bad_accounts: set[str]):
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
                cursor.executemany("INSERT INTO stg_bad_account VALUES (%s)",
                                   [(a,) for a in self.bad_accounts])

    def _report(self, table: Table, checks: list[tuple[str, str, str, str]], source: str) -> int:
        """checks: (flag SQL true when bad, column, value SQL, message). Adds the errors of
        every bad row (the first MAX_KEPT are kept, all are counted); returns their count."""
        flags = ", ".join(f"({sql}) AS f{i}" for i, (sql, *_rest) in enumerate(checks))
        values = ", ".join(f"{value} AS v{i}" for i, (_s, _c, value, _m) in enumerate(checks))
        any_bad = " OR ".join(f"f{i}" for i in range(len(checks)))
        counts = ", ".join(f"COUNT(*) FILTER (WHERE f{i})" for i in range(len(checks)))
        base = f"SELECT r.n, {flags}, {values} FROM {source}"
        total = fetchall(f"SELECT {counts} FROM ({base}) x WHERE {any_bad}")[0]
        bad = sum(total)
        if not bad:
            return 0
        rows = fetchall(f"SELECT * FROM ({base}) x WHERE {any_bad} ORDER BY n LIMIT {MAX_KEPT}")
        shown = 0
        for row in rows:
            line = row[0] + 1
            for i, (_sql, column, _value, message) in enumerate(checks):
                if row[1 + i]:
                    self.errors.add(table.label, line, column, row[1 + len(checks) + i] or "",
                                    message)
                    shown += 1
        # Errors beyond those listed are still counted.
        self.errors.count += bad - shown
        return bad

    def _account_checks(self, table: Table) -> tuple[str, list]:
        account = f"btrim({self._col(table, 'account')})"
        join = (f"LEFT JOIN {SUBSCRIBER} s ON s.account = {account} "
                f"LEFT JOIN stg_bad_account ba ON ba.account = {account}")
        checks = [
            (f"coalesce({account}, '') = ''", "account", "''",
             _("required value is missing")),
            (f"coalesce({account}, '') <> '' AND s.id IS NULL AND ba.account IS NULL",
             "account", account,
             _("unknown account: not in the subscribers file nor in the database")),
        ]
        return join, checks

    def _required(self, table: Table, name: str) -> tuple:
        return (f"coalesce(btrim({self._col(table, name)}), '') = ''", name, "''",
                _("required value is missing"))

    def _money_checks(self, table: Table, name: str, nonzero: bool) -> list:
        raw = self._col(table, name)
        money = self._money(raw)
        checks = [
            self._required(table, name),
            (f"coalesce(btrim({raw}), '') <> '' AND {money} !~ {_lit(MONEY_RE)} "
             f"AND {money} !~ {_lit(MONEY_3PLACES_RE)}", name, raw, _("not an amount of money")),
            (f"{money} ~ {_lit(MONEY_3PLACES_RE)}", name, raw, _("more than two decimal places")),
        ]
        if nonzero:
            checks.append((f"{money} ~ {_lit(MONEY_RE)} AND CAST({money} AS numeric) = 0",
                           name, raw, _("a payment of zero")))
        return checks

    def _text_limit(self, table: Table, name: str, limit: int) -> tuple:
        col = self._col(table, name)
        return (f"length(btrim({col})) > {limit}", name, col,
                _("longer than %(limit)s characters") % {"limit": limit})

    # -- charges ----------------------------------------------------------------------------
    def load_charges(self, table: Table, src: int) -> bool:
        if not self._copy(table, "raw_charge"):
            return False
        self._bad_accounts_table()
        period = FormatSQL.of(self.p.period_format)
        lateral = (f"CROSS JOIN LATERAL (SELECT regexp_match(btrim("
                   f"{self._col(table, 'period')}), {_lit(period.regex)}) AS pm) mm")
        pm = "mm.pm"
        year = f"CAST(({pm})[{period.groups.get('%Y', 1)}] AS integer)"
        month = f"CAST(({pm})[{period.groups.get('%m', 2)}] AS integer)"
        join, checks = self._account_checks(table)
        join = f"{lateral} {join}"
        checks += [
            self._required(table, "period"),
            (f"coalesce(btrim({self._col(table, 'period')}), '') <> '' AND ({pm} IS NULL OR "
             f"{month} NOT BETWEEN 1 AND 12)", "period", self._col(table, "period"),
             _("not a month (expected %(format)s)")
             % {"format": human_format(self.p.period_format)}),
            self._required(table, "service"),
            self._text_limit(table, "service", 120),
            *self._money_checks(table, "amount", nonzero=False),
        ]
        tariff = self._col(table, "tariff")
        if tariff:
            checks.append(self._text_limit(table, "tariff", 120))
        source = f"raw_charge r {join}"
        if self._report(table, checks, source):
            return True
        execute(f"""
            INSERT INTO stg_charge (src, line, subscriber_id, period, service, tariff, amount)
            SELECT {src}, r.n + 1, s.id, make_date({year}, {month}, 1),
                   btrim({self._col(table, 'service')}),
                   {f"NULLIF(btrim({tariff}), '')" if tariff else 'NULL'},
                   CAST({self._money(self._col(table, 'amount'))} AS numeric(14,2))
            FROM {source}""")
        analyze("stg_charge")
        return True

    # -- payments ---------------------------------------------------------------------------
    def _moment(self, col: str) -> tuple[str, str, str, str]:
        """SQL for (a lateral join matching the formats once, validity, local timestamp, UTC
        offset text or NULL) of a paid_at cell."""
        text = f"btrim({col})"
        lateral = []
        variants = []
        if self.p._iso_datetime:
            variants.append((ISO_DATETIME_RE, {"%Y": 1, "%m": 2, "%d": 3, "%H": 4, "%M": 5,
                                               "%S": 6}, 7))
        for fmt in dict.fromkeys((self.p.datetime_format,
                                  self.p.datetime_format.replace(":%S", ""),
                                  self.p.date_format)):
            spec = FormatSQL.of(fmt)
            variants.append((spec.regex, spec.groups, None))
        parts = {k: [] for k in ("%Y", "%m", "%d", "%H", "%M", "%S")}
        offsets = []
        matched = []
        for k, (regex, groups, offset_group) in enumerate(variants):
            lateral.append(f"regexp_match({text}, {_lit(regex)}) AS m{k}")
            match = f"mm.m{k}"
            matched.append(f"{match} IS NOT NULL")
            for key in parts:
                value = f"({match})[{groups[key]}]" if key in groups else "NULL"
                parts[key].append((f"{match} IS NOT NULL", value))
            offsets.append((f"{match} IS NOT NULL",
                            f"({match})[{offset_group}]" if offset_group else "NULL"))

        def pick(options, default):
            cases = " ".join(f"WHEN {cond} THEN {value}" for cond, value in options)
            return f"coalesce(CASE {cases} END, {default})"

        y, mo, d = (f"CAST({pick(parts[k], 'NULL')} AS integer)" for k in ("%Y", "%m", "%d"))
        h, mi, sec = (f"CAST({pick(parts[k], chr(39) + '0' + chr(39))} AS integer)"
                      for k in ("%H", "%M", "%S"))
        valid = (f"(({' OR '.join(matched)}) AND {mo} BETWEEN 1 AND 12 AND {d} BETWEEN 1 AND 31 "
                 f"AND {h} < 24 AND {mi} < 60 AND {sec} < 60 "
                 f"AND extract(month FROM make_date({y}, {mo}, 1) + ({d} - 1)) = {mo})")
        local = f"make_timestamp({y}, {mo}, {d}, {h}, {mi}, {sec})"
        offset = pick(offsets, "NULL")
        return f"CROSS JOIN LATERAL (SELECT {', '.join(lateral)}) mm", valid, local, offset

    def load_payments(self, table: Table, src: int) -> bool:
        if not self._copy(table, "raw_payment"):
            return False
        self._bad_accounts_table()
        paid_at = self._col(table, "paid_at")
        lateral, valid, local, offset = self._moment(paid_at)
        method_col = self._col(table, "method")
        method_in = f"lower(btrim(coalesce({method_col}, '')))" if method_col else "''"
        mapped = " ".join(f"WHEN {_lit(k)} THEN {_lit(v)}"
                          for k, v in self.p.method_values.items())
        method = (f"CASE {method_in} WHEN '' THEN 'other' "
                  + (f"{mapped} " if mapped else "") + f"ELSE {method_in} END")
        allowed = ", ".join(_lit(m) for m in sorted(METHODS))
        join, checks = self._account_checks(table)
        checks += [
            self._required(table, "paid_at"),
            (f"coalesce(btrim({paid_at}), '') <> '' AND NOT coalesce({valid}, false)", "paid_at",
             paid_at, _("not a date and time (expected %(format)s)")
             % {"format": human_format(self.p.datetime_format)}),
            *self._money_checks(table, "amount", nonzero=True),
        ]
        if method_col:
            checks.append((f"({method}) NOT IN ({allowed})", "method", method_col,
                           _("unknown payment method")))
        source = (f"raw_payment r {lateral} {join} "
                  f"LEFT JOIN core_branch b ON b.id = s.branch_id")
        if self._report(table, checks, source):
            return True
        # With an offset the moment is absolute; without one it is the branch's local time.
        normalized = (f"regexp_replace(replace({offset}, 'Z', '+00:00'), "
                      f"'^([+-][0-9]{{2}})([0-9]{{2}})$', '\\1:\\2')")
        moment = (f"CASE WHEN {offset} IS NULL THEN {local} AT TIME ZONE b.time_zone "
                  f"ELSE CAST(CAST({local} AS text) || {normalized} AS timestamptz) END")
        execute(f"""
            INSERT INTO stg_payment (src, line, subscriber_id, paid_at, month, amount, method)
            SELECT {src}, n + 1, subscriber_id, moment,
                   CAST(date_trunc('month', moment AT TIME ZONE tz) AS date), amount, method
            FROM (SELECT r.n, s.id AS subscriber_id, b.time_zone AS tz, {moment} AS moment,
                         CAST({self._money(self._col(table, 'amount'))} AS numeric(14,2))
                             AS amount, {method} AS method
                  FROM {source}) p""")
        analyze("stg_payment")
        return True

    def _copy(self, table: Table, name: str) -> bool:
        try:
            with transaction.atomic():
                _copy_file(table, self.fmt, name)
        except (DatabaseError, psycopg.Error, UnicodeError):
            return False
        return True


def ledger_months(kind: str) -> set:
    column = "period" if kind == "charges" else "month"
    table = "stg_charge" if kind == "charges" else "stg_payment"
    return {row[0] for row in fetchall(f"SELECT DISTINCT {column} FROM {table}")}


"""Small helpers for set-based SQL that runs on both SQLite and PostgreSQL."""

import contextlib
from datetime import UTC

from django.db import connection
from django.db.models import BooleanField, CharField, F, Func, Q, QuerySet

FOLD = "AB_FOLD"  # registered on every SQLite connection (core.apps)


def fold(text: str | None) -> str | None:
    return text.casefold() if text is not None else None


class Folded(Func):
    """Text case-folded as Python does it: SQLite's own LOWER and LIKE fold ASCII only."""

    function = FOLD
    output_field = CharField()


def text_contains(rows: QuerySet, field: str, text: str) -> tuple[QuerySet, Q]:
    """(rows, condition): `field` contains `text` in any letter case, Cyrillic included.
    PostgreSQL's ILIKE does that (and a trigram index serves it); SQLite compares folded text."""
    if not is_postgres():
        alias = f"{field}_folded"
        return rows.alias(**{alias: Folded(field)}), Q(**{f"{alias}__contains": fold(text)})
    return rows, Q(**{f"{field}__icontains": text})


def db_datetime(value):
    """An aware datetime as a raw statement (COPY, executemany) must write it: as it is on
    PostgreSQL; on SQLite as Django stores it there, naive UTC text, so that the ORM's
    comparisons with it hold."""
    if value is None or is_postgres():
        return value
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def month_of(expr: str) -> str:
    """SQL for the first day of the month of a date expression."""
    if is_postgres():
        return f"CAST(date_trunc('month', {expr}) AS date)"
    return f"date({expr}, 'start of month')"


def greatest(*exprs: str) -> str:
    return f"{'GREATEST' if is_postgres() else 'MAX'}({', '.join(exprs)})"


def least(*exprs: str) -> str:
    return f"{'LEAST' if is_postgres() else 'MIN'}({', '.join(exprs)})"


def month_index(expr: str) -> str:
    """year * 12 + month − 1 of a date expression, for month arithmetic."""
    if is_postgres():
        return (
            f"(CAST(EXTRACT(YEAR FROM {expr}) AS integer) * 12 "
            f"+ CAST(EXTRACT(MONTH FROM {expr}) AS integer) - 1)"
        )
    return (
        f"(CAST(strftime('%%Y', {expr}) AS integer) * 12 "
        f"+ CAST(strftime('%%m', {expr}) AS integer) - 1)"
    )


def json_cast(expr: str) -> str:
    return f"CAST({expr} AS jsonb)" if is_postgres() else expr


def execute(sql: str, params=None) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or ())
        return cursor.rowcount


def fetchall(sql: str, params=None) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or ())
        return cursor.fetchall()


def analyze(*tables: str) -> None:
    """Give PostgreSQL's planner the statistics of freshly filled work tables (it has none for
    temporary tables otherwise, and would plan joins of millions of rows as if they were tiny)."""
    if is_postgres():
        for table in tables:
            execute(f"ANALYZE {table}")


def create_temp_table(name: str, columns: str) -> None:
    execute(f"DROP TABLE IF EXISTS {name}")
    suffix = " ON COMMIT DROP" if is_postgres() else ""
    execute(f"CREATE TEMP TABLE {name} ({columns}){suffix}")


class BulkWriter:
    """Writes many rows into a table: COPY on PostgreSQL, executemany in batches on SQLite."""

    def __init__(self, table: str, columns: list[str], batch: int = 20_000):
        self.table = table
        self.columns = columns
        self.batch = batch
        self.rows: list[tuple] = []
        self.count = 0
        self._copy_cm = None
        self._copy = None
        self._cursor = None

    def __enter__(self):
        self._cursor = connection.cursor()
        if is_postgres():
            cols = ", ".join(self.columns)
            self._copy_cm = self._cursor.copy(f"COPY {self.table} ({cols}) FROM STDIN")
            self._copy = self._copy_cm.__enter__()
        return self

    def write(self, row: tuple) -> None:
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            cols = ", ".join(self.columns)
            marks = ", ".join(["%s"] * len(self.columns))
            self._cursor.executemany(
                f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", self.rows
            )
            self.rows = []

    def __exit__(self, exc_type, exc, tb):
        try:
            if self._copy_cm is not None:
                self._copy_cm.__exit__(exc_type, exc, tb)
            elif exc_type is None:
                self.flush()
        finally:
            self._cursor.close()
        if exc_type is None and self.table.startswith("stg_"):
            analyze(self.table)
        return False


class IndexesDropped:
    """For a bulk INSERT of many rows on PostgreSQL: drop the table's indexes and constraints
    and build them again afterwards, which is several times faster than maintaining them row by
    row — a foreign key, checked row by row at commit, is checked again by one query. Only
    worth it when the rows added are many compared with those there; the caller decides.

    keep_primary: the primary key stays (other tables' foreign keys hang on it), and with it
    the table's own identity. Inside the caller's transaction, so a failure restores
    everything."""

    def __init__(self, table: str, enabled: bool = True, *, keep_primary: bool = False):
        self.table = table
        # A table whose plain indexes wait for the end of indexes_deferred() has only its keys:
        # writing to it as it is costs less than dropping and adding them again.
        self.enabled = enabled and is_postgres() and not (_deferred or {}).get(table)
        self.keep_primary = keep_primary
        self.constraints: list[tuple[str, str]] = []  # (name, definition), re-added in order
        self.indexes: list[str] = []

    def __enter__(self):
        if not self.enabled:
            return self
        _fire_deferred_checks()
        kinds = "('u', 'f')" if self.keep_primary else "('p', 'u', 'f')"
        # Indexes that back a key or unique constraint go and come with their constraint.
        backing = {
            row[0].strip('"')
            for row in fetchall(
                "SELECT conindid::regclass::text FROM pg_constraint "
                "WHERE conrelid = %s::regclass AND contype IN ('p', 'u')",
                [self.table],
            )
        }
        for name, definition in fetchall(
            f"""SELECT conname, pg_get_constraintdef(oid)
                FROM pg_constraint WHERE conrelid = %s::regclass AND contype IN {kinds}
                ORDER BY contype DESC""",
            [self.table],
        ):
            self.constraints.append((name, definition))
            execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        for name, definition in fetchall(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [self.table]
        ):
            if name in backing:
                continue
            self.indexes.append(definition)
            execute(f'DROP INDEX "{name}"')
        return self

    def __exit__(self, exc_type, exc, tb):
        if not self.enabled or exc_type is not None:
            return False
        execute("SET LOCAL maintenance_work_mem = '512MB'")
        # Keys and unique constraints first (p, u sort after f above, so reversed), then the
        # plain indexes, then the foreign keys, which are checked by one query each.
        for name, definition in reversed(self.constraints):
            if not definition.startswith("FOREIGN KEY"):
                execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        if _deferred is not None and self.table in _deferred:
            _deferred[self.table] += self.indexes
        else:
            for definition in self.indexes:
                execute(definition)
        if any(d.startswith("FOREIGN KEY") for _n, d in self.constraints):
            _fire_deferred_checks()
        for name, definition in reversed(self.constraints):
            if definition.startswith("FOREIGN KEY"):
                execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')
        return False


_deferred: dict[str, list[str]] | None = None  # table → plain indexes to build on leaving


@contextlib.contextmanager
def indexes_deferred(*tables: str, enabled: bool = True):
    """Inside, the plain indexes (not keys) that IndexesDropped drops on these tables are built
    once, on leaving, instead of each time: a first load writes the subscriber table three times
    (the rows, then their balance discrepancies, then their ARPU and debt), and the registry's
    indexes need building only after the last. Keys and foreign keys come back as usual, so
    the import's own lookups (by id, by account) are served meanwhile."""
    global _deferred
    if not enabled or not is_postgres() or _deferred is not None:
        yield
        return
    _deferred = {table: [] for table in tables}
    try:
        yield
        pending = _deferred
    finally:
        _deferred = None
    if not any(pending.values()):
        return
    _fire_deferred_checks()  # an index cannot be built while row checks wait for the commit
    execute("SET LOCAL maintenance_work_mem = '512MB'")
    for definitions in pending.values():
        for definition in definitions:
            execute(definition)


def _fire_deferred_checks() -> None:
    """A table cannot be altered while checks of rows written earlier in the transaction wait
    for the commit: run them now (a failing one fails here), then defer again."""
    execute("SET CONSTRAINTS ALL IMMEDIATE")
    execute("SET CONSTRAINTS ALL DEFERRED")


@contextlib.contextmanager
def by_index(enabled: bool = True):
    """Within: PostgreSQL joins by nested loops (an index probe per row of the small side), not
    by hashing or merging whole tables. For a few thousand staged rows against a ledger of tens
    of millions, where the planner misjudges how many rows a join on subscriber and month keeps
    and would read the ledger whole. Only where the big side has an index on the join key."""
    if not enabled or not is_postgres():
        yield
        return
    execute("SET LOCAL enable_hashjoin = off")
    execute("SET LOCAL enable_mergejoin = off")
    try:
        yield
    finally:
        execute("SET LOCAL enable_hashjoin = on")
        execute("SET LOCAL enable_mergejoin = on")


def vacuum(*tables: str) -> None:
    """VACUUM (ANALYZE) the tables on PostgreSQL, where it may run: outside any transaction."""
    if not is_postgres() or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")


def row_estimate(table: str) -> int:
    """The planner's idea of a table's size: cheap, and good enough to choose a load method."""
    if is_postgres():
        return int(
            fetchall("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])[0][0]
        )
    return fetchall(f"SELECT COUNT(*) FROM {table}")[0][0]


def bulk_worthwhile(new_rows: int, table: str) -> bool:
    return is_postgres() and new_rows >= 100_000 and new_rows * 3 >= max(row_estimate(table), 0)


class AnyOf(Func):
    """`column IN (values)` written for PostgreSQL as `column = ANY(%s)`, the list as one array
    parameter: a street's few thousand buildings cost the planner one value, not thousands.
    A condition: filter(AnyOf("building", ids)), or within Q(...) | Q(...)."""

    output_field = BooleanField()

    def __init__(self, column: str, values):
        super().__init__(F(column))
        self.values = list(values)

    def as_sql(self, compiler, connection, **extra_context):
        column, params = compiler.compile(self.get_source_expressions()[0])
        if not self.values:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{column} = ANY(%s)", [*params, self.values]
        marks = ", ".join(["%s"] * len(self.values))
        return f"{column} IN ({marks})", [*params, *self.values]

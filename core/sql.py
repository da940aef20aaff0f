"""Small helpers for set-based SQL that runs on both SQLite and PostgreSQL."""

from django.db import connection


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
        return f"(CAST(EXTRACT(YEAR FROM {expr}) AS integer) * 12 + CAST(EXTRACT(MONTH FROM {expr}) AS integer) - 1)"
    return (f"(CAST(strftime('%%Y', {expr}) AS integer) * 12 "
            f"+ CAST(strftime('%%m', {expr}) AS integer) - 1)")


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
        return False

"""What the benchmark compares Abonent with, measured in the same run on the same files:
plain COPY (or executemany on SQLite) into bare tables, and DuckDB straight over the files."""

import csv
import sqlite3
import time
from pathlib import Path

BARE_TABLES = {
    "branches": "name text, time_zone text, currency text",
    "buildings": "branch text, city text, street text, house text, flats integer, "
    "technology text, ports integer, coverage_since date",
    "charges": "account text, period text, service text, tariff text, amount numeric(14,2)",
    "payments": "account text, paid_at timestamptz, amount numeric(14,2), method text",
}


def _subscribers_columns(path: Path) -> str:
    with open(path, encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    typed = {
        "monthly_fee": "numeric(14,2)",
        "balance": "numeric(14,2)",
        "connected_on": "date",
        "terminated_on": "date",
    }
    return ", ".join(f'"{c}" {typed.get(c, "text")}' for c in header)


def copy_reference(pg_dsn: str, data: Path) -> float:
    """Seconds to load the canonical files with plain COPY into bare typed tables (those of
    the five kinds that the folder has: a delta may hold only some)."""
    import psycopg

    kinds = [
        k
        for k in ("branches", "buildings", "subscribers", "charges", "payments")
        if (data / f"{k}.csv").exists()
    ]
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        for kind in kinds:
            conn.execute(f"DROP TABLE IF EXISTS bare_{kind}")
        started = time.perf_counter()
        with conn.transaction():
            for kind in kinds:
                path = data / f"{kind}.csv"
                columns = _subscribers_columns(path) if kind == "subscribers" else BARE_TABLES[kind]
                conn.execute(f"CREATE TABLE bare_{kind} ({columns})")
                with (
                    conn.cursor().copy(
                        f"COPY bare_{kind} FROM STDIN WITH (FORMAT csv, HEADER true)"
                    ) as copy,
                    open(path, "rb") as handle,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
        elapsed = time.perf_counter() - started
        for kind in kinds:
            conn.execute(f"DROP TABLE IF EXISTS bare_{kind}")
    return elapsed


def sqlite_reference(db_path: Path, data: Path) -> float:
    """Seconds to load the files with executemany into bare SQLite tables (one transaction)."""
    db_path.unlink(missing_ok=True)
    conn = sqlite3.connect(db_path)
    started = time.perf_counter()
    with conn:
        for kind in ("branches", "buildings", "subscribers", "charges", "payments"):
            path = data / f"{kind}.csv"
            columns = _subscribers_columns(path) if kind == "subscribers" else BARE_TABLES[kind]
            conn.execute(f"CREATE TABLE bare_{kind} ({columns})")
            with open(path, encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                width = len(next(reader))
                marks = ", ".join("?" * width)
                conn.executemany(f"INSERT INTO bare_{kind} VALUES ({marks})", reader)
    elapsed = time.perf_counter() - started
    conn.close()
    db_path.unlink(missing_ok=True)
    return elapsed


def duckdb_churn_inflow(data: Path) -> tuple[float, list[tuple]]:
    """The churn–inflow table (docs/metrics.md) computed by DuckDB directly over the files.
    Returns (seconds, rows of month, active_start, connected, terminated, active_end, charged,
    paid, debtors, debt)."""
    import duckdb

    d = str(data)
    sql = f"""
    WITH branches AS (SELECT name, time_zone FROM read_csv('{d}/branches.csv', all_varchar=true)),
    subs AS (
        SELECT s.account, CAST(s.connected_on AS DATE) AS c,
               CAST(NULLIF(s.terminated_on, '') AS DATE) AS t,
               CAST(s.balance AS DECIMAL(18,2)) AS bal, b.time_zone AS tz
        FROM read_csv('{d}/subscribers.csv', all_varchar=true) s
        JOIN branches b ON b.name = s.branch),
    ch AS (
        SELECT account, CAST(period || '-01' AS DATE) AS m,
               SUM(CAST(amount AS DECIMAL(18,2))) AS charged
        FROM read_csv('{d}/charges.csv', all_varchar=true) GROUP BY ALL),
    pay AS (
        SELECT p.account,
               CAST(date_trunc('month', CASE
                   WHEN regexp_matches(p.paid_at, '[+-][0-9][0-9]:?[0-9][0-9]$')
                   THEN timezone(s.tz, CAST(p.paid_at AS TIMESTAMPTZ))
                   ELSE CAST(p.paid_at AS TIMESTAMP) END) AS DATE) AS m,
               SUM(CAST(p.amount AS DECIMAL(18,2))) AS paid
        FROM read_csv('{d}/payments.csv', all_varchar=true) p JOIN subs s USING (account)
        GROUP BY ALL),
    ledger AS (
        SELECT account, m, SUM(charged) AS charged, SUM(paid) AS paid FROM (
            SELECT account, m, charged, 0 AS paid FROM ch
            UNION ALL SELECT account, m, 0, paid FROM pay) GROUP BY ALL),
    window_ AS (SELECT MIN(m) AS first, MAX(m) AS last FROM ledger),
    span AS (
        SELECT s.*, l.first_m, l.last_m FROM subs s
        LEFT JOIN (SELECT account, MIN(m) AS first_m, MAX(m) AS last_m FROM ledger
                   GROUP BY account) l USING (account)),
    ranges AS (
        SELECT account, c, t, bal,
               LEAST(GREATEST(CAST(date_trunc('month', c) AS DATE), w.first),
                     COALESCE(first_m, DATE '9999-12-01')) AS r0,
               LEAST(w.last, GREATEST(CASE WHEN t IS NULL OR bal <> 0 THEN w.last
                                           ELSE CAST(date_trunc('month', t) AS DATE) END,
                                      COALESCE(last_m, DATE '0001-01-01'))) AS r1
        FROM span, window_ w),
    months AS (
        SELECT CAST(m AS DATE) AS m, CAST(m + INTERVAL 1 MONTH AS DATE) AS d1
        FROM window_, range(window_.first, window_.last + INTERVAL 1 DAY, INTERVAL 1 MONTH) r(m)),
    facts AS (
        SELECT r.account, mo.m, mo.d1, r.c, r.t,
               r.bal - COALESCE(SUM(COALESCE(l.paid, 0) - COALESCE(l.charged, 0)) OVER (
                   PARTITION BY r.account ORDER BY mo.m DESC
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS balance_end,
               COALESCE(l.charged, 0) AS charged, COALESCE(l.paid, 0) AS paid
        FROM ranges r JOIN months mo ON mo.m BETWEEN r.r0 AND r.r1
        LEFT JOIN ledger l ON l.account = r.account AND l.m = mo.m)
    SELECT m,
           COUNT(*) FILTER (WHERE c < m AND (t IS NULL OR t >= m)),
           COUNT(*) FILTER (WHERE c >= m AND c < d1),
           COUNT(*) FILTER (WHERE t >= m AND t < d1),
           COUNT(*) FILTER (WHERE c < d1 AND (t IS NULL OR t >= d1)),
           SUM(charged), SUM(paid),
           COUNT(*) FILTER (WHERE balance_end < 0),
           COALESCE(-SUM(balance_end) FILTER (WHERE balance_end < 0), 0)
    FROM facts GROUP BY m ORDER BY m"""
    conn = duckdb.connect()
    started = time.perf_counter()
    rows = conn.sql(sql).fetchall()
    elapsed = time.perf_counter() - started
    conn.close()
    return elapsed, rows


RESULT_TABLES = (
    "subscribers_subscriber",
    "subscribers_statusevent",
    "subscribers_charge",
    "subscribers_payment",
    "subscribers_monthlyfact",
)


def result_floor(source_dsn: str, target_dsn: str, workdir: Path) -> float:
    """Seconds to write what the import wrote, and nothing else: the rows of its big tables,
    already in their final form, loaded by COPY into bare copies of the tables, then the same
    indexes and keys built on them. No import that keeps this result can write it faster."""
    import psycopg

    workdir.mkdir(parents=True, exist_ok=True)
    plans = []
    with psycopg.connect(source_dsn) as src:
        for table in RESULT_TABLES:
            columns = src.execute(
                """SELECT string_agg(format('%%I %%s', attname,
                                            format_type(atttypid, atttypmod)), ', '
                                     ORDER BY attnum)
                   FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0
                     AND NOT attisdropped""",
                [table],
            ).fetchone()[0]
            indexes = [
                definition.replace(f" ON public.{table} ", f" ON floor_{table} ").replace(
                    f"INDEX {name} ", f"INDEX floor_{name} "
                )
                for name, definition in src.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s", [table]
                )
            ]
            dump = workdir / f"floor-{table}.bin"
            with (
                open(dump, "wb") as out,
                src.cursor().copy(f"COPY {table} TO STDOUT (FORMAT binary)") as copy,
            ):
                for chunk in copy:
                    out.write(chunk)
            plans.append((table, columns, indexes, dump))
    with psycopg.connect(target_dsn, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # the name search's index
        for table, *_rest in plans:
            conn.execute(f"DROP TABLE IF EXISTS floor_{table}")
        started = time.perf_counter()
        with conn.transaction():
            for table, columns, indexes, dump in plans:
                conn.execute(f"CREATE TABLE floor_{table} ({columns})")
                with (
                    conn.cursor().copy(f"COPY floor_{table} FROM STDIN (FORMAT binary)") as copy,
                    open(dump, "rb") as handle,
                ):
                    while chunk := handle.read(1 << 20):
                        copy.write(chunk)
                for definition in indexes:
                    conn.execute(definition)
        elapsed = time.perf_counter() - started
        for table, *_rest in plans:
            conn.execute(f"DROP TABLE IF EXISTS floor_{table}")
    for *_rest, dump in plans:
        dump.unlink(missing_ok=True)
    return elapsed

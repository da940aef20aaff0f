"""`make bench`: generate an operator, import it, run the reports — each figure printed beside
the reference it is compared with, measured in the same run.

    python -m bench --subscribers 100000 --months 36 --database postgres
    python -m bench --subscribers 50000 --months 24 --database sqlite

The searches and filters of the subscriber registry alone, on the database already imported:
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abonent_bench python -m bench.search
and likewise `bench.outbox`, `bench.schedule` (the installation board) and `bench.applications`
(the registry of applications at 500,000 applications).
"""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def run_measured(cmd: list[str], env: dict) -> tuple[float, int]:
    """Run a command; return (seconds, peak resident memory in bytes of it and its children)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env)
    peak = 0
    ps = psutil.Process(proc.pid)
    stop = threading.Event()

    def sample():
        nonlocal peak
        while not stop.is_set():
            try:
                rss = ps.memory_info().rss + sum(
                    c.memory_info().rss for c in ps.children(recursive=True)
                )
                peak = max(peak, rss)
            except psutil.Error:
                pass
            stop.wait(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    code = proc.wait()
    stop.set()
    thread.join()
    if code != 0:
        sys.exit(f"failed: {' '.join(cmd)} (exit {code})")
    return time.perf_counter() - started, peak


def median_time(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--end", default="2026-10")
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--workdir", type=Path, default=ROOT / "var" / "bench")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-reimport",
        action="store_true",
        help="skip the daily sync: the same files again, a day's delta, a new month",
    )
    parser.add_argument("--search-samples", type=int, default=40, help="values per search")
    parser.add_argument("--outbox-messages", type=int, default=5000, help="SMS to hand over")
    parser.add_argument("--schedule-samples", type=int, default=30, help="board requests timed")
    parser.add_argument("--applications", type=int, default=500_000, help="applications made")
    parser.add_argument("--applications-samples", type=int, default=30, help="values per case")
    args = parser.parse_args()

    n, m = args.subscribers, args.months
    label = f"{n}x{m}-s{args.seed}"
    data = args.workdir / f"operator-{label}"
    python = sys.executable
    env = dict(os.environ)
    results: list[tuple[str, str, str, str]] = []

    # 1. Generate (reused when the files are already there).
    if not (data / "payments.csv").exists():
        seconds, _ = run_measured(
            [
                python,
                "manage.py",
                "generate_operator",
                "--subscribers",
                str(n),
                "--months",
                str(m),
                "--seed",
                str(args.seed),
                "--end",
                args.end,
                "--out",
                str(data),
            ],
            env,
        )
        results.append(("generate_operator", f"{seconds:.1f} s", "—", ""))
    size = sum(p.stat().st_size for p in data.glob("*.csv"))
    rows = {p.stem: sum(1 for _ in open(p, "rb")) - 1 for p in data.glob("*.csv")}

    # 2. Reference load and the import into a fresh database.
    from bench import references

    if args.database == "postgres":
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            for db in ("abonent_bench", "abonent_bench_copy"):
                conn.execute(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
                conn.execute(f"CREATE DATABASE {db}")
        reference = references.copy_reference(f"{PG_SERVER}/abonent_bench_copy", data)
        reference_name = "plain COPY into bare tables"
        env["DATABASE_URL"] = f"{PG_SERVER}/abonent_bench"
    else:
        args.workdir.mkdir(parents=True, exist_ok=True)
        reference = references.sqlite_reference(args.workdir / "bare.sqlite3", data)
        reference_name = "executemany into bare tables"
        db_file = args.workdir / f"bench-{label}.sqlite3"
        db_file.unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{db_file}"
    env.setdefault("DEBUG", "0")
    env.setdefault("SECRET_KEY", "bench")
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    seconds, peak = run_measured([python, "manage.py", "import_billing", str(data)], env)
    results.append(
        (
            "billing import (first, whole history)",
            f"{seconds:.1f} s",
            f"{reference:.1f} s ({reference_name})",
            f"{seconds / reference:.2f}×",
        )
    )
    if args.database == "postgres":
        # What any import must spend at least: read the files (the reference) and write its
        # result (the floor).
        floor = references.result_floor(
            f"{PG_SERVER}/abonent_bench", f"{PG_SERVER}/abonent_bench_copy", args.workdir
        )
        results.append(
            (
                "writing the import's result alone (its final rows by COPY, then their keys)",
                f"{floor:.1f} s",
                f"{reference:.1f} s ({reference_name})",
                f"{floor / reference:.2f}×",
            )
        )
        results.append(
            (
                "lower bound of any import: read the files + write the result",
                f"{reference + floor:.1f} s",
                f"{reference:.1f} s ({reference_name})",
                f"{(reference + floor) / reference:.2f}×",
            )
        )
    results.append(("billing import peak memory (RSS)", f"{peak / 2**20:.0f} MiB", "1024 MiB", ""))
    if not args.no_reimport and args.database == "postgres":
        # The daily sync: the unchanged export again, a day's delta, a new month (bench.sync).
        from bench import sync

        results.extend(sync.run(data, env, f"{PG_SERVER}/abonent_bench_copy"))
    elif not args.no_reimport:
        re_seconds, _ = run_measured([python, "manage.py", "import_billing", str(data)], env)
        results.append(("billing import again (nothing changed)", f"{re_seconds:.1f} s", "—", ""))

    # 3. Reports, in this process, against the imported database.
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")
    import django

    django.setup()
    from analytics import queries

    filters = queries.ReportFilters()
    ours = median_time(lambda: queries.churn_inflow(filters=filters), args.repeat)
    duck_times, duck_rows = [], None
    for _ in range(max(1, args.repeat // 2)):
        elapsed, duck_rows = references.duckdb_churn_inflow(data)
        duck_times.append(elapsed)
    duck = statistics.median(duck_times)
    results.append(
        (
            "report churn_inflow, whole base, all months",
            f"{ours * 1000:.0f} ms",
            f"{duck * 1000:.0f} ms (DuckDB over the files)",
            f"{duck / ours:.0f}× faster",
        )
    )
    mine = [
        (
            r.month,
            r.active_start,
            r.connected,
            r.terminated,
            r.active_end,
            r.charged,
            r.paid,
            r.debtors,
            r.debt,
        )
        for r in queries.churn_inflow(filters=filters)
    ]
    same = [tuple(x) for x in mine] == [tuple(x) for x in duck_rows]
    at = queries.data_month()
    base = median_time(lambda: queries.base(filters=filters, at=at), args.repeat)
    results.append(("report base at the data month", f"{base * 1000:.0f} ms", "—", ""))
    tariffs = median_time(lambda: queries.tariffs(filters=filters), args.repeat)
    results.append(("report tariffs, all months", f"{tariffs * 1000:.0f} ms", "—", ""))

    print()
    print(
        f"Operator {n:,} subscribers × {m} months (seed {args.seed}) on {args.database}; "
        f"files {size / 2**20:.0f} MiB: " + ", ".join(f"{k} {v:,}" for k, v in sorted(rows.items()))
    )
    print(
        f"Machine: {os.cpu_count()} cores, "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, {platform.platform()}"
    )
    print(f"churn_inflow equals DuckDB's table: {'yes' if same else 'NO'}")
    print()
    print("| measure | Abonent | reference | ratio |")
    print("|---|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")
    if not same:
        for a, b in zip(mine, duck_rows, strict=False):
            if tuple(a) != tuple(b):
                print("differs:", a, b)
                break

    # 4. The subscriber registry's searches and filters, as the server answers the page.
    from bench import search

    print()
    search.run(args.search_samples)

    # 5. The outbox: SMS handed over to a local Kannel's fake SMSC (PostgreSQL: many at once).
    if args.database == "postgres":
        from bench import outbox

        print()
        outbox.run(args.outbox_messages)
        print()
        outbox.queue_run()

    # 6. The installation schedule's board: a branch with 50 teams for a week.
    from bench import schedule

    print()
    schedule.run(args.schedule_samples)

    # 7. The registry of applications: its searches and filters at 500,000 applications.
    from bench import applications

    print()
    applications.run(args.applications_samples, args.applications)


if __name__ == "__main__":
    main()

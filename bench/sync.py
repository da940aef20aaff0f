"""The daily sync at scale: on a database that holds the generated operator's first import,
import the unchanged full export again, a whole new month, then the next day twice (the first
of a month, with its charges; then an ordinary day), each timed beside plain COPY of the same
files in the same run (docs/billing-sync.md).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abonent_bench \\
        python -m bench.sync --data var/bench/operator-1000000x36-s42
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

from bench import references
from bench.__main__ import PG_SERVER, ROOT, run_measured

TARGETS = {
    "unchanged": ("2× plain COPY", 2.0, None),
    "day": ("15 s", None, 15.0),
    "month": ("60 s", None, 60.0),
}


def _delta(python: str, env: dict, prev: Path, out: Path, flag: str) -> Path:
    """The generator's next day or month after prev (reused when already written)."""
    if not (out / ".state" / "meta.json").exists():
        subprocess.run(
            [
                python,
                "manage.py",
                "generate_operator",
                flag,
                "--from",
                str(prev),
                "--out",
                str(out),
            ],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return out


def _rows(directory: Path) -> str:
    counts = {p.stem: sum(1 for _ in open(p, "rb")) - 1 for p in sorted(directory.glob("*.csv"))}
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())


def run(data: Path, env: dict, copy_dsn: str) -> list[tuple[str, str, str, str]]:
    python = sys.executable
    results = []

    def measure(label: str, directory: Path, target: str) -> None:
        reference = references.copy_reference(copy_dsn, directory)
        seconds, _peak = run_measured([python, "manage.py", "import_billing", str(directory)], env)
        name, ratio_limit, seconds_limit = TARGETS[target]
        ratio = seconds / reference
        met = (ratio <= ratio_limit) if ratio_limit else (seconds <= seconds_limit)
        results.append(
            (
                f"{label} ({_rows(directory)})",
                f"{seconds:.1f} s",
                f"{reference:.1f} s (plain COPY of the same files)",
                f"{ratio:.2f}× — target {name}{'' if met else ' **not met**'}",
            )
        )

    workdir = data.parent
    tag = data.name.removeprefix("operator-")
    measure("billing import again, the unchanged full export", data, "unchanged")
    month = _delta(python, env, data, workdir / f"delta-{tag}-month", "--next-month")
    measure("a new month (its charges and payments)", month, "month")
    first = _delta(python, env, month, workdir / f"delta-{tag}-day1", "--next-day")
    measure("the next day, the first of a month (its charges)", first, "month")
    second = _delta(python, env, first, workdir / f"delta-{tag}-day2", "--next-day")
    measure("a day's delta (the next ordinary day)", second, "day")
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="the operator's full export")
    args = parser.parse_args()
    env = dict(os.environ)
    env.setdefault("DEBUG", "0")
    env.setdefault("SECRET_KEY", "bench")
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS abonent_bench_copy WITH (FORCE)")
        conn.execute("CREATE DATABASE abonent_bench_copy")
    rows = run(args.data, env, f"{PG_SERVER}/abonent_bench_copy")
    print("| measure | Abonent | reference | ratio |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()

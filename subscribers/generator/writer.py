"""Writing an operator's files: the small tables directly, the accounts in chunks by workers."""

from __future__ import annotations

import csv
import math
import multiprocessing
import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from .accounts import CHUNK, ChunkResult, simulate_chunk
from .flavors import FLAVOR_SPECS, FLAVORS, KINDS, Flavor, Tables, header
from .world import World, default_end

# The world of the operator being written: a forked worker inherits it, a spawned one builds it.
_STATE: dict[str, object] = {}


def _init_worker(subscribers: int, months: int, seed: int, end: date, flavor: str) -> None:
    args = (subscribers, months, seed, end, flavor)
    if _STATE.get("args") != args:
        world = World(subscribers, months, seed, end)
        _STATE.update(args=args, world=world, tables=Tables(world, FLAVOR_SPECS[flavor]))


def _run_chunk(chunk: int) -> ChunkResult:
    return simulate_chunk(_STATE["world"], _STATE["tables"], chunk)


def generate_operator(
    out_dir: Path | str,
    *,
    subscribers: int,
    months: int,
    seed: int = 1,
    end: date | None = None,
    flavor: str = "canonical",
    workers: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, int]:
    """Write the operator's files into out_dir; return the data rows per file name.

    The same (subscribers, months, seed, end, flavor) gives byte-identical files, whatever the
    number of workers."""
    if flavor not in FLAVOR_SPECS:
        raise ValueError(f"unknown flavor {flavor!r}; expected one of {', '.join(FLAVORS)}")
    spec = FLAVOR_SPECS[flavor]
    end = date(end.year, end.month, 1) if end else default_end()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    world = World(subscribers, months, seed, end)
    tables = Tables(world, spec)
    counts = {spec.file(kind): 0 for kind in KINDS}

    def write_table(kind: str, rows: list[tuple]) -> None:
        with open(out / spec.file(kind), "w", encoding=spec.encoding, newline="") as f:
            writer = csv.writer(f, delimiter=spec.delimiter, lineterminator=spec.eol)
            writer.writerow(spec.headers[kind])
            writer.writerows(rows)
        counts[spec.file(kind)] = len(rows)

    write_table("branches", [(name, tz, "RUB") for name, tz, *_rest in world.branches])
    write_table("buildings", [
        (world.branches[b.branch][0], b.city, b.street, b.house, b.flats, b.tech, b.ports,
         tables.date(b.coverage))
        for b in world.buildings
    ])  # fmt: skip

    chunks = range(math.ceil(subscribers / CHUNK))
    workers = workers or os.cpu_count() or 1
    files = {
        kind: open(out / spec.file(kind), "wb") for kind in ("subscribers", "charges", "payments")
    }
    try:
        for kind, f in files.items():
            f.write(header(spec, kind))
        args = (subscribers, months, seed, end, flavor)
        if workers > 1 and len(chunks) > 1:
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            _STATE.update(args=args, world=world, tables=tables)
            with multiprocessing.get_context(method).Pool(
                min(workers, len(chunks)), _init_worker, args
            ) as pool:
                results = pool.imap(_run_chunk, chunks)
                _drain(results, files, counts, spec, len(chunks), progress)
        else:
            results = (simulate_chunk(world, tables, chunk) for chunk in chunks)
            _drain(results, files, counts, spec, len(chunks), progress)
    finally:
        _STATE.clear()
        for f in files.values():
            f.close()
    return counts


def _drain(results, files, counts, spec: Flavor, total: int, progress) -> None:
    for done, result in enumerate(results, start=1):
        files["subscribers"].write(result.subscribers)
        files["charges"].write(result.charges)
        files["payments"].write(result.payments)
        for kind, rows in zip(("subscribers", "charges", "payments"), result.rows, strict=True):
            counts[spec.file(kind)] += rows
        if progress:
            progress(done, total)

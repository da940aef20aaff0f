"""Writes to the subscriber base: the billing import."""

import contextlib
import fcntl
import os
import time
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import job_update
from core.models import Job
from core.sql import analyze, execute, fetchall, indexes_deferred, is_postgres, vacuum

from . import facts
from .importing import merge
from .importing.direct import ledger_is_empty as direct_ledger_is_empty
from .importing.errors import ErrorList
from .importing.load import Loader
from .importing.parse import Parsers
from .importing.readers import KINDS, FileError, Format, open_tables
from .models import (
    Building,
    Charge,
    City,
    ImportBatch,
    ImportedFile,
    ImportMapping,
    MonthlyFact,
    Payment,
    StatusEvent,
    Street,
    Subscriber,
    SubscriberMoney,
    Tariff,
)
from .signals import batch_imported

IMPORT_LOCK_KEY = 4_172_001  # pg advisory lock id of the billing import


class ImportBusy(Exception):
    """Another billing import is running."""


class _Rollback(Exception):
    pass


@dataclass
class ImportResult:
    ok: bool
    errors: list = field(default_factory=list)
    error_count: int = 0
    stats: dict = field(default_factory=dict)
    batch_id: int | None = None

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "errors": [e.as_dict() for e in self.errors],
            "error_count": self.error_count,
            "stats": self.stats,
            "batch": self.batch_id,
        }


@contextlib.contextmanager
def _import_lock():
    """One import at a time: a second one is refused at once, never interleaved."""
    # Taken before the import's transaction begins: on SQLite that transaction's write lock
    # would otherwise make a second import wait instead of being told.
    if is_postgres():
        got = fetchall("SELECT pg_try_advisory_lock(%s)", [IMPORT_LOCK_KEY])[0][0]
        if not got:
            raise ImportBusy(_("Another billing import is running; try again when it ends."))
        try:
            yield
        finally:
            fetchall("SELECT pg_advisory_unlock(%s)", [IMPORT_LOCK_KEY])
        return
    lock_dir = Path(settings.VAR_DIR)
    lock_dir.mkdir(parents=True, exist_ok=True)
    name = Path(str(connection.settings_dict["NAME"] or "memory")).name
    if "memory" in name:  # an in-memory database belongs to this process alone
        name = f"{name}-{os.getpid()}"
    with open(lock_dir / f"billing-import-{name}.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ImportBusy(
                _("Another billing import is running; try again when it ends.")
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _parsers(mapping: ImportMapping | None) -> Parsers:
    if mapping is None:
        return Parsers()
    return Parsers(
        date_format=mapping.date_format,
        datetime_format=mapping.datetime_format,
        period_format=mapping.period_format,
        decimal_comma=mapping.decimal_comma,
        status_values=mapping.status_values,
        method_values=mapping.method_values,
    )


def current_window() -> facts.Window | None:
    batch = ImportBatch.objects.exclude(as_of=None).order_by("-created_at", "-id").first()
    if batch is None or batch.window_start is None:
        return None
    return facts.Window(start=batch.window_start, end=batch.as_of)


def billing_import(
    *,
    paths: list[Path],
    mapping: ImportMapping | None = None,
    job: Job | None = None,
    by=None,
    today: date | None = None,
) -> ImportResult:
    """Import billing export files: validate every row, then apply all of it in one
    transaction, or nothing if any row is bad. Raises ImportBusy if an import is running."""
    errors = ErrorList()
    fmt = Format.from_mapping(mapping)
    started = time.monotonic()
    tables = []
    total_bytes = 0
    for path in paths:
        path = Path(path)
        try:
            found = open_tables(path, fmt)
        except FileError as exc:
            errors.add(path.name, None, exc.column, "", exc.message)
            continue
        except OSError as exc:
            errors.add(
                path.name,
                None,
                "",
                "",
                _("cannot read the file: %(error)s") % {"error": exc.strerror or exc},
            )
            continue
        tables.extend(found)
        total_bytes += path.stat().st_size
    if errors:
        return ImportResult(ok=False, errors=errors.items, error_count=errors.count)
    if not tables:
        errors.add("", None, "", "", _("no files to import"))
        return ImportResult(ok=False, errors=errors.items, error_count=errors.count)
    tables.sort(key=lambda t: KINDS.index(t.kind))
    # A file whose bytes (read through the same mapping) are those of the last file of its kind
    # already imported has nothing new: skipped, and when every file is, nothing is written.
    digests = {table.path: file_digest(table.path, mapping) for table in tables}
    unchanged = [t for t in tables if _already_imported(t.kind, digests[t.path])]
    tables = [t for t in tables if all(t is not u for u in unchanged)]
    if not tables:
        return ImportResult(
            ok=True,
            stats={
                "unchanged_files": len(unchanged),
                "seconds": round(time.monotonic() - started, 1),
            },
        )

    timings: dict[str, float] = {}
    clock = [time.monotonic()]

    def lap(name: str) -> None:
        now = time.monotonic()
        timings[f"time_{name}"] = round(timings.get(f"time_{name}", 0) + now - clock[0], 1)
        clock[0] = now

    def progress(stage: str, share: float | None = None) -> None:
        if job is not None:
            job_update(job, stage=stage, progress=None if share is None else int(share * 100))

    today = today or timezone.localdate()
    result = ImportResult(ok=False)
    try:
        with _import_lock(), transaction.atomic(), contextlib.ExitStack() as stack:
            if is_postgres():
                execute("SET LOCAL work_mem = '256MB'")
                # The planner's row guesses for joins of staged rows are far off, and JIT
                # compiling each such statement costs more than running it (a day's delta).
                execute("SET LOCAL jit = off")
            old_window = current_window()
            # A first load: the registry's indexes on subscribers are built once, at the end.
            stack.enter_context(
                indexes_deferred(Subscriber._meta.db_table, enabled=old_window is None)
            )
            batch = ImportBatch.objects.create(
                job=job,
                source=mapping.slug if mapping else "",
                files=[str(Path(p).name) for p in paths],
                created_by=by,
            )
            loader = Loader(
                parsers=_parsers(mapping),
                errors=errors,
                progress=progress,
                fmt=fmt,
                direct=old_window is None and is_postgres() and direct_ledger_is_empty(),
            )
            subscribers_done = False
            done_bytes = 0
            for table in tables:
                progress(
                    _("Reading %(file)s") % {"file": table.label},
                    0.7 * done_bytes / max(total_bytes, 1),
                )
                lap("other")
                if table.kind in ("charges", "payments") and not subscribers_done:
                    loader.finish_subscribers(
                        batch.pk, today=today, data_month=old_window.end if old_window else None
                    )
                    subscribers_done = True
                    lap("subscribers_merge")
                try:
                    # A file that breaks midway must not abort the import's transaction: its
                    # rows are dropped with the savepoint and the other files still checked.
                    with transaction.atomic():
                        getattr(loader, f"load_{table.kind}")(table)
                except FileError as exc:
                    errors.add(table.label, None, exc.column, "", exc.message)
                lap(f"read_{table.kind}")
                done_bytes += table.path.stat().st_size if table.kind != "subscribers" else 0
            if not subscribers_done:
                loader.finish_subscribers(
                    batch.pk, today=today, data_month=old_window.end if old_window else None
                )
            stats = dict(loader.stats)
            lap("subscribers_merge")  # when no ledger file came
            if not errors:
                progress(_("Saving charges and payments"), 0.75)
                stats.update(merge.merge_charges(errors, loader.sources))
                lap("charges_merge")
            if errors:
                raise _Rollback
            stats.update(merge.merge_payments())
            for kind, rows in loader.direct_rows.items():
                stats[f"{kind}_created"] = stats.get(f"{kind}_created", 0) + rows
                stats[f"{kind}_direct"] = rows
            lap("payments_merge")
            if not loader.direct_rows:
                merge.update_discrepancies()
            lap("discrepancies")
            window = _new_window(old_window, loader.ledger_months)
            if window is not None:
                progress(_("Updating monthly facts"), 0.85)
                facts.touch_for_window(old_window, window)
                moved = old_window is None or window.end != old_window.end
                refreshed = facts.facts_refresh(window, profiles_after=not moved)
                staged = bool(refreshed.pop("staged", False))
                stats.update(refreshed)
                lap("facts")
                stats.update(facts.profiles_refresh(window, everyone=moved, staged=staged))
                lap("profiles")
                if loader.direct_rows:
                    merge.discrepancies_from_facts()
                batch.as_of, batch.window_start = window.end, window.start
                lap("facts")
            stats.update(timings)
            if unchanged:
                stats["unchanged_files"] = len(unchanged)
            stats["seconds"] = round(time.monotonic() - started, 1)
            batch.stats = _plain(stats)
            batch.save(update_fields=["as_of", "window_start", "stats"])
            ImportedFile.objects.bulk_create(
                ImportedFile(
                    kind=t.kind,
                    digest=digests[t.path],
                    name=t.label[:255],
                    size=t.path.stat().st_size,
                    batch=batch,
                )
                for t in tables
            )
            result = ImportResult(ok=True, stats=batch.stats, batch_id=batch.pk)
            # The event messages of what it brought (comms), once it is committed.
            transaction.on_commit(partial(batch_imported.send, sender=ImportBatch, batch=batch))
    except _Rollback:
        result = ImportResult(
            ok=False, errors=_as_in_files(errors.items, tables), error_count=errors.count
        )
    except FileError as exc:
        errors.add("", None, exc.column, "", exc.message)
        result = ImportResult(ok=False, errors=errors.items, error_count=errors.count)
    if result.ok and _rewrote_much(result.stats):
        # After the commit: the visibility map lets the registry count and filter from the
        # indexes alone (an index-only scan), several times faster on a big base; and fresh
        # statistics of the address tables let the planner see how big a city is (a server
        # may run without autovacuum). A day's delta leaves that to autovacuum: vacuuming the
        # base's indexes would cost more than the delta itself.
        vacuum(*(m._meta.db_table for m in (City, Street, Building, Tariff, Subscriber)))
        # The ledger's and the facts' statistics (a sample: about a second at a million
        # subscribers): without them every later delta is planned as a whole-table read.
        analyze(*(m._meta.db_table for m in (Charge, Payment, MonthlyFact, StatusEvent)))
    if result.ok and _money_changed(result.stats):
        # A day's balances touch most pages of the narrow money table, and the registry's
        # balance sort and filters read its indexes alone only where the pages are marked
        # all-visible: vacuumed after every import that wrote it (a second at a million).
        vacuum(SubscriberMoney._meta.db_table)
    return result


SUBSCRIBER_WRITES = ("subscribers_created", "subscribers_updated", "profiles_changed")


def _money_changed(stats: dict) -> bool:
    """Did the import write money rows (a payment moves a discrepancy)?"""
    return any(stats.get(k, 0) for k in (*SUBSCRIBER_WRITES, "payments_created"))


def _rewrote_much(stats: dict) -> bool:
    """Did the import write a tenth of the subscribers or more (a first load, a new month)?"""
    written = sum(stats.get(k, 0) for k in SUBSCRIBER_WRITES)
    return written * 10 >= max(Subscriber.objects.count(), 1)


def file_digest(path: Path, mapping: ImportMapping | None) -> str:
    """SHA-256 of the file's bytes and of the mapping that reads them."""
    import hashlib
    import json

    digest = hashlib.sha256()
    if mapping is not None:
        spec = {
            f.attname: getattr(mapping, f.attname)
            for f in ImportMapping._meta.concrete_fields
            if f.attname != "id"
        }
        digest.update(json.dumps(spec, sort_keys=True, default=str).encode())
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _already_imported(kind: str, digest: str) -> bool:
    last = ImportedFile.objects.filter(kind=kind).order_by("-imported_at", "-id").first()
    return last is not None and last.digest == digest


def _as_in_files(items: list, tables: list) -> list:
    """Name each bad column as the file names it, where a mapping renamed it:
    «Дата подключения (connected_on)»."""
    names = {}
    for table in tables:
        for canonical, source in zip(table.header, table.source_header, strict=False):
            if canonical and source.strip() and source.strip().lower() != canonical:
                names[table.label, canonical] = f"{source.strip()} ({canonical})"
    if not names:
        return items
    return [replace(e, column=names.get((e.file, e.column), e.column)) for e in items]


def _new_window(old: facts.Window | None, months: set[date]) -> facts.Window | None:
    if not months and old is None:
        return None
    starts = [m for m in (old.start if old else None, min(months) if months else None) if m]
    ends = [m for m in (old.end if old else None, max(months) if months else None) if m]
    return facts.Window(start=min(starts), end=max(ends))


def _plain(stats: dict) -> dict:
    return {k: (v if isinstance(v, (int, float, str)) else str(v)) for k, v in stats.items()}


MAPPINGS_DIR = Path(__file__).resolve().parent / "mappings"


def mappings_install(*, using: str = "default") -> int:
    """Create the shipped column mappings (subscribers/mappings/*.json) that are missing;
    an operator's edits to an existing one are kept."""
    import json

    created = 0
    for path in sorted(MAPPINGS_DIR.glob("*.json")):
        spec = json.loads(path.read_text(encoding="utf-8"))
        _, was_created = ImportMapping.objects.using(using).get_or_create(
            slug=spec["slug"], defaults={k: v for k, v in spec.items() if k != "slug"}
        )
        created += was_created
    return created


class UploadNotSaved(Exception):
    """The uploaded files could not be written to the server's disk; no job was left."""


def import_dir(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(job.pk)


def import_job_start(*, files, mapping: ImportMapping | None, user, source=None) -> Job:
    """Save uploaded export files and start their import as a background job (the page and the
    API both). The job's messages are written in the language of the person who started it.
    Nothing half-written: when the files cannot be saved, the job is removed (UploadNotSaved)."""
    import shutil

    from django.utils.translation import get_language

    from core.jobs import job_start

    from .forms import safe_name
    from .tasks import billing_import_task

    job = Job.objects.create(
        kind=Job.Kind.BILLING_IMPORT,
        params={
            "paths": [],
            "mapping": mapping.slug if mapping else None,
            "language": get_language(),
            "source": source.pk if source else None,
        },
        created_by=user,
    )
    target = import_dir(job)
    try:
        target.mkdir(parents=True, exist_ok=True)
        paths = []
        for upload in files:
            path = target / safe_name(upload.name)
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            paths.append(str(path))
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)
        job.delete()
        raise UploadNotSaved from exc
    job.params["paths"] = paths
    job.save(update_fields=["params"])
    job_start(job, billing_import_task)
    return job

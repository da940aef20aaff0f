"""Running a billing source: a background import job per run, its outcome kept on the source,
the administrators told by e-mail when it fails."""

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.jobs import job_start
from core.models import Job

from ..importing.readers import Format
from ..models import BillingSource, ImportMapping
from . import folder, schedule
from .errors import SourceError


def source_sync_start(*, source: BillingSource, by=None) -> Job:
    """Queue a run of the source as a billing-import job (the page's "Run now", beat, cron)."""
    from ..tasks import billing_sync_task

    if source.kind == BillingSource.Kind.UPLOAD:
        raise SourceError(_("A web upload source has nothing to fetch: upload its files."))
    job = Job.objects.create(
        kind=Job.Kind.BILLING_IMPORT,
        params={"source": source.pk, "paths": [], "language": get_language()},
        created_by=by,
    )
    BillingSource.objects.filter(pk=source.pk).update(last_run_at=timezone.now(), last_job=job)
    job_start(job, billing_sync_task)
    return job


def source_sync(*, source: BillingSource, job: Job) -> dict:
    """Fetch the source's files and import them; the import job's result. Nothing is written
    when the source cannot be read; a folder's files are moved aside once imported."""
    from ..services import ImportBusy, billing_import, import_dir

    fmt = Format.from_mapping(source.mapping)
    mapping = source.mapping
    try:
        if source.kind == BillingSource.Kind.FOLDER:
            where = Path(source.folder)
            groups = folder.ready_groups(where, fmt)
            if not groups:
                raise SourceError(
                    _("No new files in the folder %(folder)s since the last import.")
                    % {"folder": where}
                )
        else:
            from .sql import sql_export

            written = sql_export(
                url=source.connection_url(),
                queries=source.queries,
                out_dir=import_dir(job),
                renames=source.mapping.columns if source.mapping else None,
            )
            groups = [list(written.values())]
            mapping = _as_written(source.mapping)
        outcome: dict = {"ok": True, "stats": {}}
        archived = 0
        for paths in groups:
            result = billing_import(paths=paths, mapping=mapping, job=job, by=job.created_by)
            outcome = result.as_dict()
            if not result.ok:
                break
            if source.kind == BillingSource.Kind.FOLDER:
                folder.archive(paths, where, f"{timezone.now():%Y%m%d-%H%M%S}-{job.pk}")
                archived += len(paths)
        if archived:
            outcome["stats"]["files_archived"] = archived
    except (SourceError, ImportBusy) as exc:
        outcome = {"ok": False, "error": str(exc)}
    outcome.setdefault("stats", {})["source"] = source.name
    source_record(source=source, ok=outcome["ok"], error=failure_text(outcome), job=job)
    return outcome


def _as_written(mapping: ImportMapping | None) -> ImportMapping | None:
    """How the files a SQL source wrote are read: canonical CSV (UTF-8, commas, ISO dates), with
    the mapping's column names and status and method words (an unsaved copy)."""
    if mapping is None:
        return None
    return ImportMapping(
        slug=mapping.slug,
        name=mapping.name,
        columns=mapping.columns,
        status_values=mapping.status_values,
        method_values=mapping.method_values,
    )


def failure_text(outcome: dict) -> str:
    if outcome["ok"]:
        return ""
    if outcome.get("error"):
        return outcome["error"]
    errors = outcome.get("errors") or []
    lines = [str(e) if not isinstance(e, dict) else _error_line(e) for e in errors[:20]]
    more = (outcome.get("error_count") or len(errors)) - len(lines)
    if more > 0:
        lines.append(_("… and %(n)s more") % {"n": more})
    return _("Nothing was imported: %(n)s bad rows.") % {
        "n": outcome.get("error_count") or len(errors)
    } + ("\n" + "\n".join(lines) if lines else "")


def _error_line(error: dict) -> str:
    where = ":".join(str(error[k]) for k in ("file", "line") if error.get(k) not in (None, ""))
    column = f" [{error['column']}]" if error.get("column") else ""
    return f"{where}{column} {error.get('message', '')}".strip()


def source_record(*, source: BillingSource, ok: bool, error: str = "", job: Job | None = None):
    """Keep a run's outcome on the source (no history row: it is not an edit) and tell the
    administrators when it failed."""
    now = timezone.now()
    changes = {"last_error": error[:4000], "last_run_at": now}
    if ok:
        changes["last_success_at"] = now
    if job is not None:
        changes["last_job"] = job
    BillingSource.objects.filter(pk=source.pk).update(**changes)
    for name, value in changes.items():
        setattr(source, name, value)
    if not ok:
        failure_notify(source=source, error=error, job=job)


def failure_recipients(source: BillingSource) -> list[str]:
    named = [a.strip() for a in source.notify_email.replace(";", ",").split(",") if a.strip()]
    if named:
        return named
    users = get_user_model().objects.filter(
        Q(is_superuser=True) | Q(groups__name="administrator"), is_active=True
    )
    return sorted({email for email in users.values_list("email", flat=True) if email})


def failure_notify(*, source: BillingSource, error: str, job: Job | None) -> bool:
    to = failure_recipients(source)
    if not to:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Billing sync failed: %(source)s") % {"source": source.name}
        link = f"{settings.ABONENT_PUBLIC_URL.rstrip('/')}/jobs/{job.pk}/" if job else ""
        body = "\n\n".join(
            part
            for part in (
                _(
                    "The billing source «%(source)s» could not be synchronised; the data of the "
                    "department's pages stays as of the last successful sync."
                )
                % {"source": source.name},
                error,
                _("The job's report: %(link)s") % {"link": link} if link else "",
                _("The next run will try again."),
            )
            if part
        )
    EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to).send(fail_silently=True)
    return True


def sources_run_due(now: datetime | None = None) -> list[Job]:
    """Start every source whose time has come (beat, and `manage.py sync_billing`)."""
    now = now or timezone.now()
    return [
        source_sync_start(source=source)
        for source in BillingSource.objects.filter(enabled=True).exclude(
            kind=BillingSource.Kind.UPLOAD
        )
        if schedule.is_due(source, now)
    ]

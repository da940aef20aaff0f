"""Start page and background-job progress."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from . import myday
from .jobs import job_live
from .models import Job

JOB_ERRORS_SHOWN = 500
# The page a job of each kind was started from (URL names, so core imports nothing below it).
JOB_PAGES = {Job.Kind.BILLING_IMPORT: "subscribers:import_list"}

# Labels of the counters jobs put in result["stats"]; an unknown key is shown humanised.
STAT_LABELS = {
    "rows": _("Rows written"),
    "branches_rows": _("Branch rows read"),
    "buildings_rows": _("Building rows read"),
    "subscribers_rows": _("Subscriber rows read"),
    "charges_rows": _("Charge rows read"),
    "payments_rows": _("Payment rows read"),
    "subscribers_created": _("Subscribers added"),
    "subscribers_updated": _("Subscribers updated"),
    "events": _("Status events"),
    "charges_created": _("Charges added"),
    "charges_updated": _("Charges updated"),
    "payments_created": _("Payments added"),
    "facts_subscribers": _("Subscribers recounted"),
    "facts_written": _("Monthly facts written"),
    "facts_removed": _("Monthly facts removed"),
    "unchanged_files": _("Files unchanged since the last import (skipped)"),
    "source": _("Billing source"),
    "files_archived": _("Files moved to the imported folder"),
    "seconds": _("Time, s"),
}


def stat_rows(stats: dict | None) -> list[tuple[str, object]]:
    """(label, value) pairs of a job's or an import's counters, in the order they were written."""
    rows = []
    for key, value in (stats or {}).items():
        if isinstance(value, dict | list):
            continue
        label = STAT_LABELS.get(key) or key.replace("_", " ").capitalize()
        rows.append((label, value))
    return rows


def _duration(job: Job) -> str | None:
    if not (job.started_at and job.finished_at):
        return None
    seconds = (job.finished_at - job.started_at).total_seconds()
    if seconds < 60:
        return _("%(seconds)s s") % {"seconds": formats.number_format(round(seconds, 1))}
    minutes, seconds = divmod(round(seconds), 60)
    return _("%(minutes)s min %(seconds)s s") % {"minutes": minutes, "seconds": seconds}


def _greeting(now) -> str:
    hour = timezone.localtime(now).hour
    if 5 <= hour < 12:
        return _("Good morning")
    if 12 <= hour < 18:
        return _("Good afternoon")
    if 18 <= hour < 23:
        return _("Good evening")
    return _("Good night")


@login_required
@require_safe
def home(request):
    """My day: the widgets the department blocks registered for the user's roles."""
    widgets = [
        (widget, render_to_string(widget.template, context, request=request))
        for widget, context in myday.widgets_for(request)
    ]
    context = {
        "greeting": _greeting(timezone.now()),
        "today": timezone.localdate(),
        "widgets": widgets,
    }
    return render(request, "core/home.html", context)


def _may_view_job(user, job: Job) -> bool:
    return job.created_by_id == user.pk or user.has_perm("core.view_job")


@login_required
@require_safe
def job_detail(request, pk: int):
    job = get_object_or_404(Job.objects.select_related("created_by"), pk=pk)
    if not _may_view_job(request.user, job):
        raise PermissionDenied
    job_live(job)
    result = job.result or {}
    errors = list(result.get("errors") or [])
    error_count = result.get("error_count") or len(errors)
    shown = errors[:JOB_ERRORS_SHOWN]
    context = {
        "job": job,
        "stats": stat_rows(result.get("stats")),
        "duration": _duration(job),
        "errors": shown,
        "errors_more": max(0, error_count - len(shown)),
        "error_count": error_count,
        # An exception (not a list of bad rows) that stopped the job.
        "failure": result.get("error"),
        "trace": result.get("trace") if request.user.is_superuser else None,
        "back_url": JOB_PAGES.get(job.kind),
    }
    template = "core/_job_progress.html" if request.htmx else "core/job_detail.html"
    return render(request, template, context)


@login_required
@require_safe
def job_download(request, pk: int):
    """The file a finished download job wrote, for whoever may see the job."""
    from .registry import export_path

    job = get_object_or_404(Job, pk=pk, kind=Job.Kind.REGISTRY_EXPORT, status=Job.Status.DONE)
    if job.created_by_id != request.user.pk:  # the rows of their branches, their columns
        raise PermissionDenied
    path = export_path(job)
    if not path.exists():
        raise Http404
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)

"""Pages of the subscriber block: the billing import."""

import shutil
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.jobs import job_start
from core.models import Job
from core.views import stat_rows

from . import queries
from .forms import ImportUploadForm, safe_name
from .tasks import billing_import_task

# The counters of a past import worth a glance in the history; the job page shows them all.
BATCH_SUMMARY = (
    "subscribers_rows",
    "subscribers_created",
    "charges_rows",
    "payments_rows",
    "seconds",
)


def import_dir(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "imports" / str(job.pk)


def _save_uploads(job: Job, files) -> list[str]:
    target = import_dir(job)
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload in files:
        path = target / safe_name(upload.name)
        with path.open("wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        paths.append(str(path))
    return paths


@require_http_methods(["GET", "POST"])
@permission_required("subscribers.add_importbatch", raise_exception=True)
def import_list(request):
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
    else:
        form = ImportUploadForm()
    if form.is_bound and form.is_valid():
        mapping = form.cleaned_data["mapping"]
        job = Job.objects.create(
            kind=Job.Kind.BILLING_IMPORT,
            # The job's messages are written in the language of the person who started it.
            params={
                "paths": [],
                "mapping": mapping.slug if mapping else None,
                "language": get_language(),
            },
            created_by=request.user,
        )
        try:
            job.params["paths"] = _save_uploads(job, form.cleaned_data["files"])
        except OSError:
            # Nothing half-written: no job without its files.
            shutil.rmtree(import_dir(job), ignore_errors=True)
            job.delete()
            form.add_error(None, _("The files could not be saved on the server; try again."))
        else:
            job.save(update_fields=["params"])
            job_start(job, billing_import_task)
            return redirect("job_detail", pk=job.pk)

    batches = [
        {
            "batch": batch,
            "files": [PurePath(name).name for name in batch.files or []],
            "stats": stat_rows({k: batch.stats[k] for k in BATCH_SUMMARY if k in batch.stats}),
        }
        for batch in queries.import_batches()
    ]
    return render(
        request,
        "subscribers/import_list.html",
        {"form": form, "batches": batches, "jobs": queries.import_jobs()},
    )

"""Pages of the subscriber block: the billing import."""

import shutil
from pathlib import Path, PurePath

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import audit
from core.access import scoped
from core.jobs import job_start
from core.models import AuditEvent, Job
from core.views import stat_rows

from . import card as card_data
from . import privacy, queries
from .forms import ImportUploadForm, safe_name
from .models import Subscriber
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


@require_http_methods(["GET", "POST"])
def card(request, pk: int):
    """The subscriber card. Opening it is audited; so is revealing the personal data, which
    only a role with the right may do (the others see it masked)."""
    if not request.user.has_perm("subscribers.view_subscriber"):
        raise PermissionDenied
    rows = scoped(
        Subscriber.objects.select_related("branch", "tariff", "building__street__city"),
        request.user,
        "branch",
    )
    subscriber = get_object_or_404(rows, pk=pk)
    allowed = privacy.may_see(request.user)
    revealed = False
    if request.method == "POST":
        if request.POST.get("action") != "reveal" or not allowed:
            raise PermissionDenied
        audit.record(
            request, AuditEvent.Action.PERSONAL_DATA_REVEALED, subscriber, branch=subscriber.branch
        )
        revealed = True
    else:
        audit.record(request, AuditEvent.Action.CARD_OPENED, subscriber, branch=subscriber.branch)
    s = subscriber
    profile = {
        "phone": s.phone if revealed else privacy.mask_phone(s.phone),
        "phone2": s.phone2 if revealed else privacy.mask_phone(s.phone2),
        "email": s.email if revealed else privacy.mask_email(s.email),
        "flat": s.flat if revealed else privacy.mask_flat(s.flat),
    }
    context = {
        "subscriber": s,
        "profile": profile,
        "revealed": revealed,
        "may_reveal": allowed and not revealed,
        "ledger": card_data.ledger(s),
        "chart": card_data.months_chart(s),
        "timeline": card_data.timeline(s),
        "extra": card_data.extra_attributes(s),
        "changes": card_data.changes(s),
        "tabs": [
            (tab, render_to_string(tab.template, ctx, request=request))
            for tab, ctx in card_data.tabs_for(request, s)
        ],
    }
    return render(request, "subscribers/card.html", context)

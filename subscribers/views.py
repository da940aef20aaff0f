"""Pages of the subscriber block: the billing import."""

from pathlib import PurePath

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core import audit
from core.access import scoped
from core.models import AuditEvent
from core.views import stat_rows

from . import card as card_data
from . import privacy, queries, services
from .forms import ImportUploadForm
from .models import Subscriber

# The counters of a past import worth a glance in the history; the job page shows them all.
BATCH_SUMMARY = (
    "subscribers_rows",
    "subscribers_created",
    "charges_rows",
    "payments_rows",
    "seconds",
)


@require_http_methods(["GET", "POST"])
@permission_required("subscribers.add_importbatch", raise_exception=True)
def import_list(request):
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES)
    else:
        form = ImportUploadForm()
    if form.is_bound and form.is_valid():
        try:
            job = services.import_job_start(
                files=form.cleaned_data["files"],
                mapping=form.cleaned_data["mapping"],
                user=request.user,
            )
        except services.UploadNotSaved:
            form.add_error(None, _("The files could not be saved on the server; try again."))
        else:
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
    profile = privacy.personal_data({key: getattr(s, key) for key in privacy.MASKS}, shown=revealed)
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

"""Pages of the subscriber block: the billing import, the subscriber card, the building card and
the coverage check."""

from pathlib import PurePath

from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from core import audit
from core.access import scoped
from core.models import AuditEvent
from core.views import stat_rows

from . import buildings, coverage, privacy, queries, services
from . import card as card_data
from .forms import ImportUploadForm
from .models import Building, Subscriber

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


@require_GET
@permission_required("subscribers.view_building", raise_exception=True)
def building(request, pk: int):
    """The building card: its coverage and figures, and the subscribers in it (for a role that
    sees subscribers; phones and flats masked as in the registry). Another branch's: 404."""
    rows = scoped(
        Building.objects.select_related("street__city__branch"),
        request.user,
        "street__city__branch",
    )
    b = get_object_or_404(buildings.with_figures(rows), pk=pk)
    sees_subscribers = request.user.has_perm("subscribers.view_subscriber")
    residents = buildings.residents(b, request.user) if sees_subscribers else None
    return render(
        request,
        "subscribers/building.html",
        {
            "building": b,
            "address": buildings.address(b),
            "coverage": coverage.of_building(b),
            "penetration": buildings.penetration(b),
            "residents": residents,
            "statuses": buildings.status_counts(b, request.user),
            "registry_query": buildings.registry_query(b),
        },
    )


@require_GET
@permission_required("subscribers.view_building", raise_exception=True)
@vary_on_headers("HX-Request")  # the same URL is a page or its answer: never mix them in a cache
def coverage_check(request):
    """The coverage check by address: a form and the answer (HTMX swaps only the answer)."""
    text = request.GET.get("address")
    answer = error = None
    if text is not None:
        try:
            answer = coverage.check(request.user, text)
        except coverage.AddressError as problem:
            error = str(problem)
    context = {"text": text or "", "answer": answer, "error": error}
    partial = request.htmx and not request.htmx.history_restore_request
    template = "subscribers/_coverage_answer.html" if partial else "subscribers/coverage.html"
    return render(request, template, context)

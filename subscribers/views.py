"""Pages of the subscriber block: the billing import and its sources, the subscriber card, the
building card and the coverage check."""

from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from core import audit
from core.access import scoped
from core.history import changes
from core.models import AuditEvent
from core.views import stat_rows

from . import buildings, coverage, privacy, queries, services
from . import card as card_data
from .forms import BillingSourceForm, ImportUploadForm
from .models import BillingSource, Building, Subscriber
from .sources import schedule
from .sources.errors import SourceError
from .sources.sync import source_sync_start

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
        source = form.cleaned_data.get("source")
        try:
            job = services.import_job_start(
                files=form.cleaned_data["files"],
                mapping=form.cleaned_data["mapping"] or (source.mapping if source else None),
                user=request.user,
                source=source,
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
        Subscriber.objects.select_related("branch", "tariff", "building__street__city", "money"),
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


# -- billing sources ----------------------------------------------------------------------------
@require_GET
@permission_required("subscribers.view_billingsource", raise_exception=True)
def sources(request):
    now = timezone.now()
    rows = [
        {
            "source": source,
            "late": schedule.is_late(source, now),
            "due": schedule.is_due(source, now),
            "next_run": schedule.next_scheduled(source, now),
        }
        for source in BillingSource.objects.select_related("mapping", "last_job")
    ]
    return render(
        request,
        "subscribers/sources.html",
        {"rows": rows, "may_edit": request.user.has_perm("subscribers.change_billingsource")},
    )


@require_http_methods(["GET", "POST"])
def source_edit(request, pk: int | None = None):
    """Add or change a source; "Check the connection" tries a SQL source's URL without saving."""
    source = get_object_or_404(BillingSource, pk=pk) if pk else BillingSource()
    if not request.user.has_perm(
        "subscribers.change_billingsource" if pk else "subscribers.add_billingsource"
    ):
        raise PermissionDenied
    form = BillingSourceForm(request.POST or None, instance=source)
    checked = None
    if request.method == "POST" and form.is_valid():
        if "check" in request.POST:
            candidate = form.save(commit=False)
            from .sources.sql import sql_check

            try:
                sql_check(url=candidate.connection_url())
                checked = (True, _("The billing database answers; the connection works."))
            except SourceError as exc:
                checked = (False, str(exc))
        else:
            saved = form.save()
            messages.success(request, _("The source “%(name)s” is saved.") % {"name": saved.name})
            return redirect("subscribers:sources")
    status = 400 if request.method == "POST" and not form.is_valid() else 200
    history = changes(source.history.all(), BillingSource, limit=30) if pk else []
    return render(
        request,
        "subscribers/source_form.html",
        {"form": form, "source": source, "history": history, "checked": checked},
        status=status,
    )


@require_POST
@permission_required("subscribers.change_billingsource", raise_exception=True)
def source_run(request, pk: int):
    source = get_object_or_404(BillingSource, pk=pk)
    try:
        job = source_sync_start(source=source, by=request.user)
    except SourceError as exc:
        messages.error(request, str(exc))
        return redirect("subscribers:sources")
    return redirect("job_detail", pk=job.pk)


@require_POST
@permission_required("subscribers.delete_billingsource", raise_exception=True)
def source_delete(request, pk: int):
    source = get_object_or_404(BillingSource, pk=pk)
    name = source.name
    source.delete()
    messages.success(request, _("The source “%(name)s” is deleted.") % {"name": name})
    return redirect("subscribers:sources")

"""Outages and planned works: enter one (with the count of those affected before saving), its
page with what it sent, restored and cancel."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import scoped
from core.forms import add_errors
from core.registry import Action

from ..models import Message, Outage
from ..outage_forms import OutageForm
from ..outages import (
    affected,
    outage_cancel,
    outage_create,
    outage_messages,
    outage_progress,
    outage_restore,
)


def new_outage_action(request, query: str) -> Action | None:
    if not request.user.has_perm("comms.add_outage"):
        return None
    return Action(
        gettext_lazy("Enter outage or works"), reverse("comms:outage_new"), name="new-outage"
    )


def _outage(request, pk: int) -> Outage:
    return get_object_or_404(scoped(Outage.objects.select_related("branch"), request.user), pk=pk)


@permission_required("comms.add_outage", raise_exception=True)
@require_http_methods(["GET", "POST"])
def outage_new(request):
    form = OutageForm(request.POST or None, user=request.user)
    context = {"form": form}
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            count = affected(
                branch=data["branch"], buildings=data["buildings"], streets=data["streets"]
            ).count()
            context["affected"] = count
            if request.POST.get("save"):
                try:
                    outage = outage_create(
                        branch=data["branch"], kind=data["kind"], title=data["title"],
                        starts_at=data["starts_at"], ends_at=data["ends_at"],
                        buildings=data["buildings"], streets=data["streets"],
                        note=data["note"], by=request.user,
                    )  # fmt: skip
                except ValidationError as e:
                    add_errors(form, e)
                else:
                    messages.success(
                        request,
                        _("Entered: %(count)s subscribers affected are being told.")
                        % {"count": count},
                    )
                    return redirect("comms:outage", pk=outage.pk)
        status = 200 if form.is_valid() and not form.errors else 400
        return render(request, "comms/outage_form.html", context, status=status)
    return render(request, "comms/outage_form.html", context)


@permission_required("comms.view_outage", raise_exception=True)
@require_safe
def outage_detail(request, pk: int):
    outage = _outage(request, pk)
    sent = outage_messages(outage).select_related("subscriber").order_by("-created_at")
    context = {
        "outage": outage,
        "buildings": outage.buildings.select_related("street__city").order_by("street__name"),
        "streets": outage.streets.select_related("city").order_by("name"),
        "counts": outage.counts,
        "restored": outage.counts.get("restored"),
        "progress": outage_progress(outage),
        "started": outage.starts_at <= timezone.now(),
        "messages_sent": sent[:50],
        "messages_total": sent.count(),
        "by_status": {Message.Status(status).label: n for status, n in _statuses(sent)},
        "may_change": request.user.has_perm("comms.change_outage"),
        "may_see_phones": request.user.has_perm("subscribers.view_personal_data"),
    }
    return render(request, "comms/outage.html", context)


def _statuses(sent):
    return sent.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n")


@permission_required("comms.view_outage", raise_exception=True)
@require_safe
def outage_progress_part(request, pk: int):
    """The progress fragment the outage's page polls while its messages are queued; when they
    are, it tells the page to reload for the counts."""
    outage = _outage(request, pk)
    progress = outage_progress(outage)
    response = render(
        request, "comms/_outage_progress.html", {"outage": outage, "progress": progress}
    )
    if not progress["sending"] and request.GET.get("was") == "sending":
        response["HX-Refresh"] = "true"
    return response


@permission_required("comms.change_outage", raise_exception=True)
@require_POST
def outage_act(request, pk: int, action: str):
    outage = _outage(request, pk)
    try:
        if action == "restore":
            outage_restore(outage=outage, by=request.user)
            messages.success(
                request, _("Restored: those told of the outage are being told it is over.")
            )
        elif action == "cancel":
            taken = outage_cancel(outage=outage, by=request.user)
            messages.success(
                request, _("Cancelled: %(count)s messages taken back.") % {"count": taken}
            )
        else:
            messages.error(request, _("Unknown action."))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("comms:outage", pk=outage.pk)

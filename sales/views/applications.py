"""Pages of applications: registering one (coverage and duplicates shown before saving), an
application with its workflow buttons and history, the coordinator's queue with the call for
the next step, and the demand registry of addresses outside coverage."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import scoped
from core.forms import add_errors

from .. import services
from ..forms import ApplicationForm
from ..models import Application, ApplicationCall, Reason, ReasonKind, Source, Visit
from ..queue import coordinator_queue
from ..workflow import APPLICATION


def _application(request, pk: int) -> Application:
    rows = scoped(
        Application.objects.select_related("branch", "tariff", "agent", "building"), request.user
    )
    application = rows.filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


@permission_required("sales.add_application", raise_exception=True)
@require_http_methods(["GET", "POST"])
def application_new(request):
    """Registering: "Check" shows the coverage and the duplicates; "Save" registers (linked to
    a duplicate when one was chosen)."""
    form = ApplicationForm(
        request.POST or None, user=request.user,
        initial={"source": Source.INBOUND_CALL, "agent": request.user.pk},
    )  # fmt: skip
    check = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check = services.application_check(
                user=request.user, phone=data["phone"], address=data["address"],
                flat=data["flat"],
            )  # fmt: skip
            if request.POST.get("save"):
                application = services.application_create(
                    by=request.user, source=data["source"], full_name=data["full_name"],
                    phone=data["phone"], address=data["address"], flat=data["flat"],
                    email=data["email"], tariff=data["tariff"], agent=data["agent"],
                    paid=data["paid"], note=data["note"], branch=data["branch"],
                    duplicate_of=data["duplicate_of"], building=data["building"],
                    referral_code=data["referral_code"],
                )  # fmt: skip
                messages.success(
                    request,
                    _("Application %(number)s is registered.") % {"number": application.number},
                )
                return redirect("sales:application", pk=application.pk)
        except ValidationError as e:
            add_errors(form, e)
    return render(request, "sales/application_form.html", {"form": form, "check": check})


@permission_required("sales.view_application", raise_exception=True)
@require_safe
def application_detail(request, pk: int):
    application = _application(request, pk)
    steps = [
        (t, list(Reason.objects.filter(kind=t.reason, active=True)) if t.reason else [])
        for t in APPLICATION.allowed(application.state, request.user)
    ]
    visits = list(application.visits.select_related("slot__team", "reason"))
    # Moving and cancelling a booked visit (sales.views.schedule): one list of reasons for all.
    may_move = request.user.has_perms(("sales.change_visit", "sales.change_application"))
    booked = may_move and any(v.state == Visit.State.BOOKED for v in visits)
    context = {
        "application": application,
        "steps": steps,
        "events": application.events.select_related("by", "reason"),
        "visits": visits,
        "may_move": may_move,
        "visit_reasons": (
            list(Reason.objects.filter(kind=ReasonKind.RESCHEDULED, active=True)) if booked else []
        ),
        "duplicates": scoped(application.duplicates.all(), request.user),
        "calls": application.calls.select_related("call__operator", "call__script_version__script"),
    }
    return render(request, "sales/application.html", context)


@permission_required("sales.change_application", raise_exception=True)
@require_POST
def application_act(request, pk: int, action: str):
    application = _application(request, pk)
    reason = Reason.objects.filter(pk=request.POST.get("reason") or 0).first()
    try:
        services.application_step(
            application=application, action=action, by=request.user, reason=reason,
            note=request.POST.get("note", ""),
        )  # fmt: skip
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("Done."))
    return redirect(request.POST.get("next") or reverse("sales:application", kwargs={"pk": pk}))


@permission_required("sales.change_application", raise_exception=True)
@require_safe
def queue(request):
    items = coordinator_queue(request.user)
    return render(request, "sales/queue.html", {"items": items})


@permission_required("sales.change_application", raise_exception=True)
@require_POST
def queue_call(request, pk: int):
    """Call about the application with the script of its next step, in the script player;
    the call's outcome moves the application (sales.outcomes)."""
    from comms.models import Script
    from comms.player import call_start

    application = _application(request, pk)
    script = Script.objects.filter(code=request.POST.get("script", ""), active=True).first()
    if script is None:
        messages.error(request, _("Choose a script."))
        return redirect("sales:queue")
    try:
        call = call_start(
            script=script, operator=request.user, subscriber=application.subscriber,
            phone=application.phone,
        )  # fmt: skip
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("sales:queue")
    ApplicationCall.objects.create(application=application, call=call)
    return redirect("comms:call", pk=call.pk)


@permission_required("sales.view_application", raise_exception=True)
@require_safe
def demand(request):
    """Addresses asked for outside coverage, by street and house, most asked first."""
    asked = scoped(Application.objects.filter(state=Application.State.NO_COVERAGE), request.user)
    known = (
        asked.exclude(building=None)
        .values("branch__name", "building__street__name", "building__house")
        .annotate(n=Count("id"))
    )
    unknown = asked.filter(building=None).values("branch__name", "address").annotate(n=Count("id"))
    rows = sorted([*known[:300], *unknown[:300]], key=lambda r: -r["n"])
    streets = (
        asked.exclude(building=None)
        .values("building__street__city__name", "building__street__name")
        .annotate(n=Count("id"), buildings=Count("building", distinct=True))
        .order_by("-n")[:100]
    )
    return render(request, "sales/demand.html", {"rows": rows, "streets": streets})

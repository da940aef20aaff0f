"""Pages of calls: the script player, the call record, the call lists with "next call", and
the conversion of a script by step (the registries of calls and call lists are in
comms.registries)."""

import zoneinfo
from datetime import datetime

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.access import scoped
from subscribers.models import Subscriber
from subscribers.privacy import mask_phone, may_see

from .. import calllists, graph, player
from ..models import (
    Call,
    CallList,
    CallListEntry,
    CallResult,
    CallStep,
    Message,
    Objection,
    Script,
    ScriptVersion,
)


def _call(request, pk: int) -> Call:
    """A call of the user's branches (a call with no branch is seen by its operator only)."""
    rows = Call.objects.select_related(
        "script_version__script", "subscriber__branch", "subscriber__tariff", "operator", "entry"
    )
    call = get_object_or_404(rows, pk=pk)
    visible = scoped(Call.objects.filter(pk=pk), request.user).exists()
    if not visible and call.operator_id != request.user.pk:
        raise Http404
    return call


def _values(call: Call) -> dict:
    """What the call knows beyond the subscriber: its campaign's values ({offer}, …)."""
    values = {"agent": call.operator.first_name or call.operator.get_username()}
    if call.entry_id and call.entry.call_list.campaign_id:
        values |= call.entry.call_list.campaign.values or {}
    return values


def _survey_context(node: dict, answers=None, errors=None) -> dict:
    """The survey step's questions as fields (comms/_survey_questions.html)."""
    from ..models import Survey
    from ..surveys.forms import question_fields

    survey = Survey.objects.filter(code=node.get("survey") or "").first()
    if survey is None:
        return {"survey": None}
    questions = list(survey.questions.all())
    return {
        "survey": survey,
        "survey_fields": question_fields(
            questions, prefix=SURVEY_PREFIX, answers=answers, errors=errors
        ),
    }


SURVEY_PREFIX = "survey-"


def _player_context(request, call: Call) -> dict:
    here = player.position(call)
    version_graph = call.script_version.graph
    values = _values(call)
    node = here.node
    titles = {n["id"]: n.get("title", n["id"]) for n in graph.nodes(version_graph)}
    linked = list(
        Objection.objects.filter(code__in=node.get("objections") or []).prefetch_related("answers")
    )
    subscriber = call.subscriber
    return {
        "call": call,
        "here": here,
        "node": node,
        "text": player.say(node.get("text") or "", subscriber, values),
        "answers": [
            {**a, "text": player.say(a.get("label") or "", subscriber, values)}
            for a in node.get("answers") or []
        ],
        "path": [(s, titles.get(s.node, s.node)) for s in here.steps],
        "linked": linked,
        "met": list(call.objections.select_related("objection")),
        "results": [c for c in CallResult.choices if c[0] != CallResult.REACHED],
        "phone": call.phone if may_see(request.user) else mask_phone(call.phone),
        "ongoing": call.ended_at is None and call.operator_id == request.user.pk,
        "values": values,
        "needed": player.values_needed(node, values) if node.get("kind") == graph.END else [],
        **(_survey_context(node) if node.get("kind") == graph.SURVEY else {}),
    }


@permission_required("comms.view_call", raise_exception=True)
@require_safe
def call_detail(request, pk: int):
    """The player while the operator's call goes on; the call record once it is recorded."""
    call = _call(request, pk)
    context = _player_context(request, call)
    if context["ongoing"]:
        return render(request, "comms/call_player.html", context)
    context["steps"] = context["path"]
    context["duration"] = player.duration_text(call)
    context |= _sent_after(call)
    return render(request, "comms/call.html", context)


WAITING = (
    Message.Status.QUEUED,
    Message.Status.DEFERRED,
    Message.Status.SENDING,
    Message.Status.SENT,
)


def _sent_after(call: Call) -> dict:
    """The messages to the subscriber since the call began (its SMS after the call among
    them), and whether any still waits for its delivery report."""
    if call.subscriber_id is None:
        return {"sent": [], "sent_waiting": False}
    sent = list(
        Message.objects.filter(subscriber=call.subscriber_id, created_at__gte=call.started_at)
        .select_related("template")
        .order_by("created_at")[:10]
    )
    return {"sent": sent, "sent_waiting": any(m.status in WAITING for m in sent)}


@permission_required("comms.view_call", raise_exception=True)
@require_safe
def call_messages(request, pk: int):
    """The fragment of the call record that follows its messages until they are delivered."""
    call = _call(request, pk)
    return render(request, "comms/_call_messages.html", {"call": call} | _sent_after(call))


def _moved(request, call: Call):
    """After a move: the step again (HTMX swaps the player) or the page."""
    if request.htmx:
        call.refresh_from_db()
        return render(request, "comms/_call_step.html", _player_context(request, call))
    return redirect("comms:call", pk=call.pk)


def _position(request) -> int:
    try:
        return int(request.POST.get("at", ""))
    except ValueError:
        return -1


@permission_required("comms.add_call", raise_exception=True)
@require_POST
def call_step(request, pk: int):
    call = _call(request, pk)
    if request.POST.get("survey"):
        return _survey_step(request, call)
    try:
        player.call_advance(
            call=call, by=request.user, at=_position(request), answer=request.POST.get("answer", "")
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return _moved(request, call)


def _survey_step(request, call: Call):
    """The answers to a survey step: recorded and on, or the questions again with the errors
    beside them and the answers kept."""
    from ..models import Survey
    from ..surveys.forms import answers_from

    node = player.position(call).node
    survey = Survey.objects.filter(code=node.get("survey") or "").first()
    questions = list(survey.questions.all()) if survey else []
    answers = answers_from(request.POST, questions, prefix=SURVEY_PREFIX)
    try:
        player.call_survey_answer(
            call=call, by=request.user, at=_position(request), answers=answers
        )
    except ValidationError as e:
        errors = e.message_dict if hasattr(e, "error_dict") else {}
        if not errors:
            messages.error(request, " ".join(e.messages))
        context = _player_context(request, call) | _survey_context(node, answers, errors)
        template = "comms/_call_step.html" if request.htmx else "comms/call_player.html"
        return render(request, template, context, status=400 if errors else 200)
    return _moved(request, call)


@permission_required("comms.add_call", raise_exception=True)
@require_POST
def call_back(request, pk: int):
    call = _call(request, pk)
    try:
        player.call_back(call=call, by=request.user, at=_position(request))
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return _moved(request, call)


@permission_required("comms.add_call", raise_exception=True)
@require_POST
def call_objection(request, pk: int):
    """The operator notes an objection the subscriber raised (from the step or the search)."""
    call = _call(request, pk)
    objection = Objection.objects.filter(code=request.POST.get("objection", "")).first()
    if objection is None:
        return HttpResponse(_("There is no such objection."), status=400)
    try:
        player.call_objection_add(call=call, by=request.user, objection=objection)
    except ValidationError as e:
        return HttpResponse(" ".join(e.messages), status=400)
    if request.htmx:
        return render(
            request, "comms/_call_objections.html",
            {"met": list(call.objections.select_related("objection")), "call": call},
        )  # fmt: skip
    return redirect("comms:call", pk=call.pk)


def _callback_at(request, call: Call) -> datetime | None:
    """The agreed time to call back, entered in the subscriber's local time."""
    raw = request.POST.get("callback_at", "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ValidationError(_("Enter the time to call back as a date and a time.")) from None
    branch = call.branch or (call.subscriber.branch if call.subscriber else None)
    zone = zoneinfo.ZoneInfo(branch.time_zone) if branch else timezone.get_current_timezone()
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


def _entered(request) -> dict:
    """The values the operator typed for the SMS after the call (value_due_date=…)."""
    return {
        key.removeprefix("value_"): value.strip()
        for key, value in request.POST.items()
        if key.startswith("value_") and value.strip()
    }


@permission_required("comms.add_call", raise_exception=True)
@require_POST
def call_finish(request, pk: int):
    call = _call(request, pk)
    try:
        player.call_finish(
            call=call,
            by=request.user,
            result=request.POST.get("result", ""),
            note=request.POST.get("note", ""),
            callback_at=_callback_at(request, call),
            values=_values(call) | _entered(request),
        )
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect("comms:call", pk=call.pk)
    messages.success(request, _("The call is recorded."))
    if call.entry_id and request.POST.get("then") == "next":
        return call_list_next(request)
    return redirect("comms:call", pk=call.pk)


@permission_required("comms.add_call", raise_exception=True)
@require_POST
def call_start(request):
    """A call with a script to a subscriber of the user's branches (from the card)."""
    script = Script.objects.filter(pk=request.POST.get("script") or 0).first()
    subscriber = None
    if request.POST.get("subscriber"):
        subscriber = (
            scoped(Subscriber.objects.select_related("branch"), request.user)
            .filter(pk=request.POST["subscriber"])
            .first()
        )
        if subscriber is None:
            raise Http404
    back = request.POST.get("back") or reverse("home")
    if script is None:
        messages.error(request, _("Choose a script."))
        return redirect(back)
    try:
        call = player.call_start(
            script=script, operator=request.user, subscriber=subscriber,
            phone=request.POST.get("phone", "").strip(),
        )  # fmt: skip
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect(back)
    return redirect("comms:call", pk=call.pk)


# -- call lists ---------------------------------------------------------------------------------
def _open_call(entry: CallListEntry, user) -> Call:
    """The call the operator has going for the entry, or a new one."""
    call = Call.objects.filter(entry=entry, operator=user, ended_at=None).first()
    if call is None:
        call = player.call_start(
            script=entry.call_list.script, operator=user, subscriber=entry.subscriber,
            phone=entry.phone, entry=entry,
        )  # fmt: skip
    return call


@permission_required("comms.add_call", raise_exception=True)
@require_POST
def call_list_next(request):
    """Take the next call due (of one list, or of any) and open it in the player."""
    call_list = None
    if request.POST.get("call_list"):
        call_list = get_object_or_404(CallList, pk=request.POST["call_list"])
    entry = calllists.entry_take_next(user=request.user, call_list=call_list)
    if entry is None:
        messages.info(request, _("No calls are due now."))
        return redirect(
            reverse("comms:call_list", kwargs={"pk": call_list.pk}) if call_list else
            reverse("registry", kwargs={"name": "call_lists"})
        )  # fmt: skip
    try:
        call = _open_call(entry, request.user)
    except ValidationError as e:
        calllists.entry_release(entry=entry, by=request.user)
        messages.error(request, " ".join(e.messages))
        return redirect("comms:call_list", pk=entry.call_list_id)
    return redirect("comms:call", pk=call.pk)


@permission_required("comms.view_calllist", raise_exception=True)
@require_safe
def call_list_detail(request, pk: int):
    call_list = get_object_or_404(
        CallList.objects.select_related("script", "campaign", "created_by"), pk=pk
    )
    entries = scoped(call_list.entries.all(), request.user, "subscriber__branch")
    User = get_user_model()
    operators = (
        User.objects.filter(is_active=True)
        .filter(Q(groups__permissions__codename="add_call") | Q(is_superuser=True))
        .distinct()
        .order_by("username")
    )
    by_operator = list(
        entries.exclude(assigned_to=None)
        .filter(status__in=calllists.OPEN)
        .values("assigned_to__username")
        .annotate(n=Count("id"))
        .order_by("assigned_to__username")
    )
    context = {
        "call_list": call_list,
        "progress": {"calls": True, "call_list": None} | calllists.call_list_progress(call_list),
        "due": entries.filter(status__in=calllists.OPEN, not_before__lte=timezone.now()).count(),
        "operators": operators,
        "by_operator": by_operator,
        "held": calllists.entry_current(request.user),
    }
    return render(request, "comms/call_list.html", context)


@permission_required("comms.change_calllistentry", raise_exception=True)
@require_POST
def call_list_assign(request, pk: int):
    call_list = get_object_or_404(CallList, pk=pk)
    operator = get_user_model().objects.filter(pk=request.POST.get("operator") or 0).first()
    try:
        count = int(request.POST.get("count") or 0)
    except ValueError:
        count = 0
    try:
        if operator is None:
            raise ValidationError(_("Choose an operator."))
        if request.POST.get("unassign"):
            n = calllists.entries_unassign(call_list=call_list, operator=operator, by=request.user)
            messages.success(request, _("%(n)s entries are back in the shared queue.") % {"n": n})
        else:
            n = calllists.entries_assign(
                call_list=call_list, operator=operator, count=count, by=request.user
            )
            messages.success(request, _("%(n)s entries assigned.") % {"n": n})
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect("comms:call_list", pk=pk)


# -- conversion ---------------------------------------------------------------------------------
@permission_required("comms.view_call", raise_exception=True)
@require_safe
def script_conversion(request, pk: int):
    """Where calls with a script version go and where they stop: per step, the calls that
    reached it, the calls that ended there without an outcome, and, at each end, how many."""
    version = get_object_or_404(ScriptVersion.objects.select_related("script"), pk=pk)
    calls = scoped(Call.objects.filter(script_version=version), request.user)
    total = calls.count()
    finished = calls.exclude(ended_at=None)
    reached = dict(
        CallStep.objects.filter(call__in=calls.values("pk"))
        .values_list("node")
        .annotate(n=Count("call", distinct=True))
        .values_list("node", "n")
    )
    # The step each finished call stood at when it was recorded: its last.
    last = dict(
        CallStep.objects.filter(call__in=finished.values("pk"))
        .filter(order=_last_order())
        .values_list("node")
        .annotate(n=Count("id"))
        .values_list("node", "n")
    )
    rows = []
    for n in graph.nodes(version.graph):
        came = reached.get(n["id"], 0)
        stopped = last.get(n["id"], 0)
        rows.append(
            {
                "node": n,
                "reached": came,
                "share": round(100 * came / total) if total else 0,
                "stopped": stopped if n.get("kind") != graph.END else 0,
                "ended": stopped if n.get("kind") == graph.END else 0,
            }
        )
    context = {
        "version": version,
        "versions": version.script.versions.order_by("-number"),
        "total": total,
        "rows": rows,
        "by_result": dict(
            finished.values_list("result").annotate(n=Count("id")).values_list("result", "n")
        ),
    }
    return render(request, "comms/script_conversion.html", context)


def _last_order():
    """The order of the last step of the step's own call (a correlated subquery)."""
    from django.db.models import Max, OuterRef, Subquery

    return Subquery(
        CallStep.objects.filter(call=OuterRef("call"))
        .values("call")
        .annotate(m=Max("order"))
        .values("m")[:1]
    )


@permission_required("comms.view_call", raise_exception=True)
@require_safe
def script_conversion_latest(request, script_pk: int):
    version = ScriptVersion.objects.filter(script_id=script_pk).order_by("-number").first()
    if version is None:
        raise Http404
    return redirect("comms:script_conversion", pk=version.pk)


def card_calls_context(request, subscriber) -> dict:
    """The card's calls: the recent ones and the scripts to start one with."""
    if not request.user.has_perm("comms.view_call"):
        return {}
    return {
        "calls": list(
            Call.objects.filter(subscriber=subscriber)
            .select_related("script_version__script", "operator")
            .order_by("-started_at")[:10]
        ),
        "scripts": list(Script.objects.filter(active=True, versions__isnull=False).distinct())
        if request.user.has_perm("comms.add_call")
        else [],
    }

"""Pages of the call scripts (their list is the "scripts" registry, comms.registries): a script
with its current version laid out as a flow and its versions, the editor of its draft step by
step with the graph's problems beside the steps, publishing, and a walk through the draft or a
version as a call goes, with sample values or a subscriber's."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.registry import Action

from .. import graph
from .. import scripts as services
from ..models import Script
from ..script_forms import (
    AnswerFormSet,
    PublishForm,
    ScriptForm,
    StartForm,
    StepForm,
    add_errors,
    step_choices,
)
from .messaging import _subscriber


def new_script_action(request, query: str) -> Action | None:
    """The script registry's header button."""
    if not request.user.has_perm("comms.add_script"):
        return None
    return Action(gettext_lazy("New script"), reverse("comms:script_new"), name="new-script")


def _draft_url(script: Script, step: str = "") -> str:
    url = reverse("comms:script_draft", kwargs={"pk": script.pk})
    return f"{url}#step-{step}" if step else url


def _errors_to_messages(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


# -- the script and its versions -------------------------------------------------------------
@permission_required("comms.view_script", raise_exception=True)
@require_safe
def script_detail(request, pk: int, number: int | None = None):
    """The current version as a flow (or the version `number`), the list of versions and
    whether the draft has changes not yet published."""
    script = get_object_or_404(Script, pk=pk)
    all_versions = list(services.versions(script))
    current = all_versions[0] if all_versions else None
    if number is None:
        shown = current
    else:
        shown = next((v for v in all_versions if v.number == number), None)
        if shown is None:
            raise Http404
    return render(
        request,
        "comms/script.html",
        {
            "script": script,
            "versions": all_versions,
            "current": current,
            "shown": shown,
            "steps": services.flow(shown.graph) if shown else [],
            "draft_differs": services.draft_differs(script, current),
        },
    )


def _properties_page(request, script: Script | None):
    form = ScriptForm(request.POST or None, instance=script, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = form.save()
        except ValidationError as e:  # the same name saved meanwhile
            add_errors(form, e)
        else:
            if script is None:
                messages.success(request, _("The script is made: write its steps."))
                return redirect("comms:script_draft", pk=saved.pk)
            messages.success(request, _("The script is saved."))
            return redirect("comms:script", pk=saved.pk)
    return render(
        request,
        "comms/script_form.html",
        {"form": form, "script": script},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.add_script", raise_exception=True)
@require_http_methods(["GET", "POST"])
def script_new(request):
    return _properties_page(request, None)


@permission_required("comms.change_script", raise_exception=True)
@require_http_methods(["GET", "POST"])
def script_edit(request, pk: int):
    return _properties_page(request, get_object_or_404(Script, pk=pk))


# -- the draft -------------------------------------------------------------------------------
@permission_required("comms.change_script", raise_exception=True)
@require_safe
def script_draft(request, pk: int):
    """The editor: the draft's steps with their problems, the start, publishing."""
    script = get_object_or_404(Script, pk=pk)
    found = graph.problems(script.draft)
    current = services.current_version(script)
    return render(
        request,
        "comms/script_draft.html",
        {
            "script": script,
            "steps": services.flow(script.draft, problems=found),
            "problems": found,
            "current": current,
            "draft_differs": services.draft_differs(script, current),
            "start_form": StartForm(draft=script.draft),
            "publish_form": PublishForm(),
            "kinds": list(services.KIND_LABELS.items()),
        },
    )


def _step_initial(node: dict | None) -> dict:
    if node is None:
        return {}
    return {
        "title": node.get("title") or "",
        "text": node.get("text") or "",
        "next": node.get("next") or "",
        "outcome": node.get("outcome") or "",
        "success": bool(node.get("success")),
        "action": node.get("action") or "",
        "message": node.get("message") or None,
        "objections": node.get("objections") or [],
    }


def _step_page(request, script: Script, *, kind: str, node: dict | None):
    step = node.get("id") if node else None
    data = request.POST if request.method == "POST" else None
    initial = _step_initial(node) if node else {"success": True, "outcome": ""}
    form = StepForm(data, kind=kind, draft=script.draft, step=step, initial=initial)
    answers = None
    if kind == graph.ASK:
        answers = AnswerFormSet(
            data,
            prefix="answers",
            initial=[
                {"label": a.get("label") or "", "next": a.get("next") or ""}
                for a in (node or {}).get("answers") or []
            ],
            form_kwargs={"choices": step_choices(script.draft)},
        )
    if data is not None and form.is_valid() and (answers is None or answers.is_valid()):
        values = form.values()
        if answers is not None:
            values["answers"] = [a.cleaned_data for a in answers.forms if a.cleaned_data]
        try:
            saved = services.script_draft_step_save(
                script=script, by=request.user, step=step, kind=kind, **values
            )
        except ValidationError as e:
            add_errors(form, e)
        else:
            messages.success(request, _("The step is saved."))
            return redirect(_draft_url(script, saved))
    return render(
        request,
        "comms/script_step_form.html",
        {
            "script": script,
            "form": form,
            "answers": answers,
            "node": node,
            "kind": kind,
            "kind_label": services.KIND_LABELS[kind],
        },
        status=400 if data is not None else 200,
    )


@permission_required("comms.change_script", raise_exception=True)
@require_http_methods(["GET", "POST"])
def step_add(request, pk: int, kind: str):
    if kind not in graph.KINDS:
        raise Http404
    return _step_page(request, get_object_or_404(Script, pk=pk), kind=kind, node=None)


@permission_required("comms.change_script", raise_exception=True)
@require_http_methods(["GET", "POST"])
def step_edit(request, pk: int, step: str):
    script = get_object_or_404(Script, pk=pk)
    node = graph.node(script.draft, step)
    if node is None or node.get("kind") not in graph.KINDS:
        raise Http404
    return _step_page(request, script, kind=node["kind"], node=node)


@permission_required("comms.change_script", raise_exception=True)
@require_POST
def step_delete(request, pk: int, step: str):
    script = get_object_or_404(Script, pk=pk)
    try:
        services.script_draft_step_delete(script=script, by=request.user, step=step)
    except ValidationError as e:
        _errors_to_messages(request, e)  # at the top of the page: no anchor to scroll past it
        return redirect(_draft_url(script))
    messages.success(request, _("The step is deleted."))
    return redirect(_draft_url(script))


@permission_required("comms.change_script", raise_exception=True)
@require_POST
def step_move(request, pk: int, step: str):
    script = get_object_or_404(Script, pk=pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("to", ""))
    if offset is None:
        messages.error(request, _("Say whether the step moves up or down."))
    else:
        try:
            services.script_draft_step_move(
                script=script, by=request.user, step=step, offset=offset
            )
        except ValidationError as e:
            _errors_to_messages(request, e)
    return redirect(_draft_url(script, step))


@permission_required("comms.change_script", raise_exception=True)
@require_POST
def draft_start(request, pk: int):
    script = get_object_or_404(Script, pk=pk)
    form = StartForm(request.POST, draft=script.draft)
    if form.is_valid():
        services.script_draft_start(script=script, by=request.user, step=form.cleaned_data["step"])
        messages.success(request, _("The call now starts with this step."))
        return redirect(_draft_url(script, form.cleaned_data["step"]))
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect(_draft_url(script))


@permission_required("comms.change_script", raise_exception=True)
@require_POST
def script_publish(request, pk: int):
    """Publish the draft as the next version, or say what stops it (nothing is written)."""
    script = get_object_or_404(Script, pk=pk)
    form = PublishForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect(_draft_url(script))
    try:
        version = services.script_publish(
            script=script, by=request.user, note=form.cleaned_data["note"]
        )
    except ValidationError as e:
        messages.error(request, _("The draft is not published."))
        _errors_to_messages(request, e)
        return redirect(_draft_url(script))
    messages.success(request, _("Version %(number)s is published.") % {"number": version.number})
    return redirect("comms:script", pk=script.pk)


# -- a walk through it -----------------------------------------------------------------------
@permission_required("comms.view_script", raise_exception=True)
@require_safe
def script_preview(request, pk: int):
    """The draft (`version=draft`, for those who edit it) or a version, one step at a time as
    in a call: answers as buttons, back along the way taken (`trail`), placeholders filled
    with samples or the values of the subscriber whose account is given."""
    script = get_object_or_404(Script, pk=pk)
    wanted = request.GET.get("version", "")
    if wanted == "draft":
        if not request.user.has_perm("comms.change_script"):
            raise PermissionDenied
        script_graph, version = script.draft, None
    else:
        rows = script.versions.all()
        version = (
            rows.filter(number=int(wanted)).first() if wanted.isdigit() else rows.first()
        )  # the newest first (ScriptVersion's ordering)
        if version is None:
            raise Http404
        script_graph = version.graph
    account = request.GET.get("account", "")
    subscriber, missing = _subscriber(request, account)
    trail = [s for s in request.GET.get("trail", "").split(",") if s]
    step_id = request.GET.get("step") or script_graph.get("start") or ""
    walked = services.walk_step(script_graph, step_id, subscriber=subscriber)
    base = {"version": "draft" if version is None else version.number, "account": account}

    def url(step: str, steps: list[str]) -> str:
        query = {**base, "step": step, "trail": ",".join(steps)}
        return "?" + urlencode(query)

    context = {
        "script": script,
        "version": version,
        "walked": walked,
        "step_id": step_id,
        "subscriber": subscriber,
        "missing": missing,
        "account": account,
        "trail": ",".join(trail),
        "back_url": url(trail[-1], trail[:-1]) if trail else "",
        "restart_url": url("", []),
        "next_url": (
            url(walked.step.next.id, [*trail, step_id])
            if walked and walked.step.next and not walked.step.next.missing
            else ""
        ),
        "answer_urls": [
            (label, url(target.id, [*trail, step_id]) if target and not target.missing else "")
            for label, target in (walked.answers if walked else [])
        ],
    }
    partial = request.htmx and not request.htmx.history_restore_request
    template = "comms/_script_player.html" if partial else "comms/script_preview.html"
    return render(request, template, context)

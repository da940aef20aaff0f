"""The page Event messages: every trigger, on or off in each branch, its days and values,
edited per trigger and branch, with the changes' history and the last 30 days' firings."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from core.access import branches_of

from .. import queries, triggers
from ..trigger_forms import TriggerSettingForm


@permission_required("comms.view_triggersetting", raise_exception=True)
@require_safe
def trigger_list(request):
    branches = list(branches_of(request.user))
    labels = {t.code: t.label for t in triggers.registered()}
    return render(
        request,
        "comms/triggers.html",
        {
            "branches": branches,
            "rows": queries.trigger_rows(branches),
            "history": [
                {"change": h, "trigger": labels.get(h.trigger, h.trigger)}
                for h in queries.trigger_history(branches)
            ],
        },
    )


@permission_required("comms.change_triggersetting", raise_exception=True)
@require_http_methods(["GET", "POST"])
def trigger_edit(request, code: str, branch: int):
    trigger = triggers.get(code)
    if trigger is None:
        raise Http404
    branch = get_object_or_404(branches_of(request.user), pk=branch)
    config = triggers.setting(trigger, branch.pk)
    initial = {"enabled": config.enabled, "days": config.days, **(config.values or {})}
    form = TriggerSettingForm(request.POST or None, trigger=trigger, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            triggers.trigger_setting_save(
                trigger=trigger,
                branch=branch,
                enabled=form.cleaned_data["enabled"],
                days=form.cleaned_data.get("days"),
                values=form.values(),
                by=request.user,
            )
        except ValidationError as e:
            for field, errors in e.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(
                request,
                _("%(trigger)s in %(branch)s is saved.")
                % {"trigger": trigger.label, "branch": branch.name},
            )
            return redirect("comms:triggers")
    return render(
        request,
        "comms/trigger_form.html",
        {
            "form": form,
            "trigger": trigger,
            "branch": branch,
            "template": triggers.template_of(trigger),
        },
        status=400 if request.method == "POST" else 200,
    )

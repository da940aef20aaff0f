"""Pages of the daily sales report (2.3.2) with its chart and XLSX, the head's plans and the
report's e-mail recipients, and the refer-a-friend programme (3.3.5) with the rewards' export
for billing."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.access import branch_ids, scoped
from core.money import money_text, user_currency
from subscribers.models import Subscriber

from .. import plans as sales_plans
from .. import referrals
from ..models import ReportRecipient
from ..report_forms import DailySalesForm, MonthForm, RecipientForm
from ..reports import XLSX_CONTENT_TYPE, DailySales, daily_sales, report_xlsx

BLUE, GREEN, GREY = "#2f6db5", "#2e9d5b", "#6c757d"


def _percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{number_format(round(value * 100, 1), 1, use_l10n=True)}%"


def _xlsx_response(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# -- the daily report ---------------------------------------------------------------------------
def _charts(report: DailySales) -> dict | None:
    """The funnel of the period and the registered and connected by source, side by side."""
    if not report.total.registered and not report.total.connected:
        return None
    funnel = go.Figure(
        go.Funnel(
            y=[str(s.label) for s in report.funnel],
            x=[s.count for s in report.funnel],
            textinfo="value+percent initial",
            marker={"color": [BLUE, BLUE, BLUE, GREEN]},
        )
    )
    funnel.update_layout(
        title=_("Funnel of the applications registered"),
        height=340,
        margin={"l": 20, "r": 20, "t": 50, "b": 30},
        template="plotly_white",
    )
    sources = report.by_source
    bars = go.Figure(
        [
            go.Bar(
                name=_("Registered"),
                x=list(sources),
                y=[a for a, _b in sources.values()],
                marker_color=BLUE,
            ),
            go.Bar(
                name=_("Connected"),
                x=list(sources),
                y=[b for _a, b in sources.values()],
                marker_color=GREEN,
            ),
        ]
    )
    bars.update_layout(
        title=_("By source"),
        barmode="group",
        height=340,
        margin={"l": 40, "r": 20, "t": 50, "b": 60},
        template="plotly_white",
        legend={"orientation": "h", "y": -0.2},
    )
    return {"funnel": json.loads(funnel.to_json()), "sources": json.loads(bars.to_json())}


@permission_required("sales.view_salesplan", raise_exception=True)
@require_safe
def report_daily(request):
    form = DailySalesForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "sales/report_daily.html", {"form": form}, status=400)
    data = form.cleaned_data
    report = daily_sales(
        user=request.user,
        date_from=data["date_from"],
        date_to=data["date_to"],
        branch=data["branch"],
        channel=data["channel"] or None,
        source=data["source"] or None,
        agent=data["agent"],
    )
    if request.GET.get("format") == "xlsx":
        name = f"sales-{report.date_from:%Y-%m-%d}-{report.date_to:%Y-%m-%d}.xlsx"
        return _xlsx_response(report_xlsx(report), name)
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "sales/report_daily.html",
        {
            "form": form,
            "report": report,
            "rows": [(r, _percent(r.conversion)) for r in report.rows],
            "total_conversion": _percent(report.total.conversion),
            "plans": [(p, _percent(p.percent)) for p in report.plans],
            "funnel": [(s, _percent(s.of_first), _percent(s.of_previous)) for s in report.funnel],
            "charts": _charts(report),
            "query": query.urlencode(),
            "may_plan": request.user.has_perm("sales.change_salesplan"),
        },
    )


# -- the plans ----------------------------------------------------------------------------------
@permission_required("sales.change_salesplan", raise_exception=True)
@require_http_methods(["GET", "POST"])
def plans(request):
    """The month's grid: each branch's plan and its agents'; empty removes a plan."""
    month_form = MonthForm(request.GET)
    if not month_form.is_valid():  # a month typed wrong: this month
        month_form = MonthForm({})
        month_form.is_valid()
    month = month_form.cleaned_data["month"]
    grid = sales_plans.plans_grid(user=request.user, month=month)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values: dict[tuple[int, int | None], int | None] = {}
        for row in grid:
            for cell in row.cells:
                text = request.POST.get(cell.name, "").strip()
                if not text:
                    values[(cell.branch_id, cell.agent_id)] = None
                    continue
                if not text.isdigit() or int(text) > sales_plans.MOST:
                    errors[cell.name] = _("A whole number from 0 to %(most)s.") % {
                        "most": sales_plans.MOST
                    }
                    continue
                values[(cell.branch_id, cell.agent_id)] = int(text)
        if not errors:
            changed = sales_plans.plans_save(month=month, values=values, by=request.user)
            messages.success(request, _("Plans saved: %(n)s changed.") % {"n": changed})
            return redirect(f"{reverse('sales:plans')}?month={month:%Y-%m}")
        messages.error(request, _("Correct the plans marked below; nothing was saved."))
    shown = request.POST if request.method == "POST" else {}
    for row in grid:
        for cell in row.cells:
            cell.entered = shown.get(cell.name, "" if cell.value is None else str(cell.value))
            cell.error = errors.get(cell.name, "")
    return render(
        request,
        "sales/plans.html",
        {"grid": grid, "month": month, "errors": errors},
        status=400 if errors else 200,
    )


# -- the report's recipients --------------------------------------------------------------------
@permission_required("sales.change_reportrecipient", raise_exception=True)
@require_http_methods(["GET", "POST"])
def report_recipients(request):
    recipients = ReportRecipient.objects.select_related("branch")
    if branch_ids(request.user) is not None:  # every-branch recipients: only for every branch
        recipients = scoped(recipients, request.user)
    form = RecipientForm(request.POST or None, user=request.user)
    if request.method == "POST":
        toggle = request.POST.get("toggle")
        if toggle:
            recipient = recipients.filter(pk=toggle).first() if toggle.isdigit() else None
            if recipient is None:
                raise Http404
            recipient.active = not recipient.active
            recipient.save(update_fields=["active"])
            return redirect("sales:report_recipients")
        if form.is_valid():
            form.save()
            messages.success(request, _("The recipient was added."))
            return redirect("sales:report_recipients")
    return render(
        request,
        "sales/report_recipients.html",
        {"form": form, "recipients": recipients.order_by("branch__name", "email")},
        status=400 if form.errors else 200,
    )


# -- refer a friend -----------------------------------------------------------------------------
@permission_required("sales.view_referralreward", raise_exception=True)
@require_safe
def referral_programme(request):
    pending = referrals.rewards_pending(user=request.user)
    rules = referrals.programme_rules()
    return render(
        request,
        "sales/referrals.html",
        {
            "programme": referrals.programme(user=request.user),
            "rules": rules,
            "reward": money_text(rules.referrer_reward, user_currency(request.user)),
            "pending": pending[:200],
            "may_export": request.user.has_perm("sales.change_referralreward"),
        },
    )


@permission_required("sales.view_referralreward", raise_exception=True)
@require_safe
def referral_export(request):
    """The rewards not yet handed to billing, as XLSX (reading marks nothing)."""
    content = referrals.rewards_xlsx(referrals.rewards_pending(user=request.user))
    return _xlsx_response(content, "referral-rewards.xlsx")


@permission_required("sales.change_referralreward", raise_exception=True)
@require_POST
def referral_export_mark(request):
    """Mark the rewards of the downloaded file (their ids come with the form) as exported."""
    ids = [int(i) for i in request.POST.getlist("reward") if i.isdigit()]
    marked = referrals.rewards_mark_exported(user=request.user, ids=ids)
    messages.success(request, _("Marked as exported: %(n)s.") % {"n": marked})
    return redirect("sales:referrals")


@permission_required("sales.add_application", raise_exception=True)
@require_POST
def referral_code_issue(request, pk: int):
    subscriber = scoped(Subscriber.objects.all(), request.user).filter(pk=pk).first()
    if subscriber is None:
        raise Http404
    code = referrals.referral_code_for(subscriber)
    messages.success(request, _("The referral code is %(code)s.") % {"code": code.code})
    return redirect(f"{reverse('subscribers:card', kwargs={'pk': subscriber.pk})}#tab-referrals")

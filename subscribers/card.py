"""The subscriber card: the profile, the status timeline, the ledger with its running balance,
the chart of the months, the extra attributes and the change history. Later blocks add their
tabs (applications, calls, debt, retention) with `register_tab` in their AppConfig.ready(),
as they add widgets to "my day"; this module never imports them."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import plotly.graph_objects as go
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from .models import Charge, ExtraAttribute, MonthlyFact, Payment, StatusEvent, Subscriber


@dataclass(frozen=True)
class Tab:
    code: str
    title: Promise | str
    template: str
    context: Callable[[object, Subscriber], dict | None] = lambda request, subscriber: {}
    permission: str | None = None
    order: int = 100


_TABS: dict[str, Tab] = {}


def register_tab(tab: Tab) -> Tab:
    _TABS[tab.code] = tab
    return tab


def tabs_for(request, subscriber: Subscriber) -> list[tuple[Tab, dict]]:
    shown = []
    for tab in sorted(_TABS.values(), key=lambda t: (t.order, t.code)):
        if tab.permission and not request.user.has_perm(tab.permission):
            continue
        context = tab.context(request, subscriber)
        if context is not None:
            shown.append((tab, context))
    return shown


@dataclass
class LedgerLine:
    day: date
    kind: str  # "charge" or "payment"
    what: str
    amount: Decimal  # + payment, − charge
    balance: Decimal  # after this line


def ledger(subscriber: Subscriber) -> list[LedgerLine]:
    """Every charge and payment, newest first, with the balance after each. The balance ends at
    the billing's reported balance; what the ledger does not explain is the discrepancy, carried
    from the start."""
    tz = subscriber.branch.tz
    lines = [
        LedgerLine(c.period, "charge", c.service.name, -c.amount, Decimal(0))
        for c in Charge.objects.filter(subscriber=subscriber).select_related("service")
    ] + [
        LedgerLine(
            timezone.localtime(p.paid_at, tz).date(),
            "payment",
            p.get_method_display(),
            p.amount,
            Decimal(0),
        )
        for p in Payment.objects.filter(subscriber=subscriber)
    ]
    lines.sort(key=lambda line: (line.day, line.kind != "charge"))
    balance = subscriber.balance_discrepancy
    for line in lines:
        balance += line.amount
        line.balance = balance
    return lines[::-1]


def months_chart(subscriber: Subscriber) -> str | None:
    facts = list(
        MonthlyFact.objects.filter(subscriber=subscriber)
        .order_by("month")
        .values_list("month", "charged", "paid", "balance_end")
    )
    if not facts:
        return None
    months = [f[0] for f in facts]
    fig = go.Figure()
    fig.add_bar(x=months, y=[float(f[1]) for f in facts], name=_("Charged"), marker_color="#d64545")
    fig.add_bar(x=months, y=[float(f[2]) for f in facts], name=_("Paid"), marker_color="#2e9d5b")
    fig.add_scatter(
        x=months,
        y=[float(f[3]) for f in facts],
        name=_("Balance at month end"),
        mode="lines+markers",
        line={"color": "#2f6db5"},
    )
    fig.update_layout(
        height=340,
        margin={"l": 50, "r": 20, "t": 20, "b": 40},
        legend={"orientation": "h", "y": -0.18},
        template="plotly_white",
        barmode="group",
    )
    return fig.to_html(
        full_html=False, include_plotlyjs=False, config={"displaylogo": False, "responsive": True}
    )


def extra_attributes(subscriber: Subscriber) -> list[tuple[str, object]]:
    labels = dict(ExtraAttribute.objects.values_list("key", "label"))

    def shown(value):
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        return value

    return [(labels.get(k) or k, shown(v)) for k, v in sorted(subscriber.extra.items())]


def timeline(subscriber: Subscriber):
    return StatusEvent.objects.filter(subscriber=subscriber).order_by("-happened_on", "-id")


def changes(subscriber: Subscriber, limit: int = 50) -> list[dict]:
    """The subscriber's change history (django-simple-history): when, by whom, which fields."""
    records = list(
        subscriber.history.select_related("history_user").order_by("-history_date")[: limit + 1]
    )
    out = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        fields = []
        if older is not None:
            fields = [c.field for c in newer.diff_against(older).changes]
        out.append({"record": newer, "fields": fields})
    return out[:limit]

"""The memo on applications paid but not connected (2.2.1): its shipped Word template (the
operator may upload their own, core.documents) and its context, made from the rows of the
registry "paid_not_connected" with the same filters."""

from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.roles import user_roles
from subscribers.privacy import mask_phone

CODE = "sales.paid_not_connected"
TITLE = gettext_lazy("Memo: paid but not connected")
ROWS_MAX = 5000  # a memo is read by a person; more rows mean the filter is too wide


def memo_template() -> bytes:
    from core.documents import table_template

    return table_template(
        heading=_("Memo on applications paid but not connected"),
        lines=[
            _("Date: {{ date }}"),
            _("To: {{ addressee }}"),
            _(
                "{{ count }} applications with a payment taken ({{ total }} in all) are not "
                "connected {{ days }} or more days after the payment. {{ filters }}"
            ),
        ],
        columns=[
            (_("No."), "row.n"),
            (_("Application"), "row.number"),
            (_("Date"), "row.date"),
            (_("Branch"), "row.branch"),
            (_("Name"), "row.name"),
            (_("Phone"), "row.phone"),
            (_("Address"), "row.address"),
            (_("Paid"), "row.paid"),
            (_("State"), "row.state"),
            (_("Days waiting"), "row.days"),
        ],
        loop="rows",
        footer=[
            "",
            _("{{ position }} ____________________ {{ author }}"),
        ],
        landscape=True,
    )


def memo_sample() -> dict:
    """A context an uploaded template must render with."""
    row = {
        "n": 1, "number": "26-000001", "date": "01.02.2026", "branch": "Центр",
        "name": "Иванов Иван", "phone": "+79120000000", "address": "ул. Ленина, 1, кв. 5",
        "paid": "500,00", "state": _("Scheduled"), "days": 5,
    }  # fmt: skip
    return {
        "date": "01.02.2026", "addressee": _("Head of department"), "count": 1,
        "total": "500,00", "days": 3, "filters": "", "rows": [row],
        "position": _("Coordinator"), "author": "И. Иванов",
    }  # fmt: skip


def _money(value: Decimal) -> str:
    return formats.number_format(value, 2, use_l10n=True, force_grouping=True)


def memo_context(rows, *, user, days: int, shown_personal: bool, filters: str = "") -> dict:
    """Plain values for the template: the rows (at most ROWS_MAX) and their totals."""
    from .registries import days_waiting

    items = []
    total = Decimal("0")
    for n, application in enumerate(rows[:ROWS_MAX], start=1):
        address = application.address
        if application.flat:
            address = f"{address}, {application.flat if shown_personal else '**'}"
        items.append(
            {
                "n": n,
                "number": application.number,
                "date": formats.date_format(
                    timezone.localdate(application.created_at), "SHORT_DATE_FORMAT"
                ),
                "branch": application.branch.name,
                "name": application.full_name,
                "phone": application.phone if shown_personal else mask_phone(application.phone),
                "address": address,
                "paid": _money(application.paid),
                "state": str(application.get_state_display()),
                "days": days_waiting(application),
            }
        )
        total += application.paid
    roles = [str(role.name) for role in user_roles(user)]
    return {
        "date": formats.date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
        "addressee": _("Head of department"),
        "count": len(items),
        "total": _money(total),
        "days": days,
        "filters": filters,
        "rows": items,
        "position": roles[0] if roles else "",
        "author": user.get_full_name() or user.get_username(),
    }


def register() -> None:
    from core.documents import register_template

    register_template(CODE, TITLE, memo_template, sample=memo_sample)

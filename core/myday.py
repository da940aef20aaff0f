"""The start page of every role ("my day") is made of widgets that the department blocks
register here; core never imports them.

A block registers its widgets in its AppConfig.ready():

    from core.myday import Widget, register
    register(Widget("analytics.reports", _("Reports"), "analytics/widgets/reports.html",
                    context=reports_context, permission="subscribers.view_monthlyfact"))

A widget is shown to a user who has one of its roles (all roles when it names none) and its
permission (when it names one); its context function gets the request and returns the
template's context, or None to hide the widget for this user today."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.functional import Promise

from .roles import user_roles


@dataclass(frozen=True)
class Widget:
    code: str  # unique, "<app>.<name>"
    title: Promise | str
    template: str
    context: Callable[[object], dict | None] = lambda request: {}
    roles: frozenset[str] = field(default_factory=frozenset)  # role codes; empty: every role
    permission: str | None = None
    order: int = 100  # smaller first
    width: str = "full"  # "full" or "half" of the page's width


_WIDGETS: dict[str, Widget] = {}


def register(widget: Widget) -> Widget:
    """Add (or replace, by code) a widget of the start page."""
    _WIDGETS[widget.code] = widget
    return widget


def registered() -> list[Widget]:
    return sorted(_WIDGETS.values(), key=lambda w: (w.order, w.code))


def widgets_for(request) -> list[tuple[Widget, dict]]:
    """The widgets this user sees today, each with its rendered context."""
    user = request.user
    codes = {role.code for role in user_roles(user)}
    shown = []
    for widget in registered():
        if widget.roles and not (widget.roles & codes) and not user.is_superuser:
            continue
        if widget.permission and not user.has_perm(widget.permission):
            continue
        context = widget.context(request)
        if context is None:
            continue
        shown.append((widget, context))
    return shown

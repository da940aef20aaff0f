"""Reads of the coordination block for pages and widgets."""

from django.db.models import Count, Q
from django.utils import timezone

from core.access import scoped

from .models import Application
from .registries import overdue_q
from .workflow import OPEN


def queue_figures(user) -> dict:
    """Open applications, the new ones and those past an SLA clock, in one query."""
    figures = scoped(Application.objects.filter(state__in=OPEN), user).aggregate(
        open=Count("id"),
        new=Count("id", filter=Q(state=Application.State.NEW)),
        overdue=Count("id", filter=overdue_q(timezone.now())),
    )
    return figures

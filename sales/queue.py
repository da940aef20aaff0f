"""The coordinator's queue (3.2.2): every open application with what the algorithm says to do
next, when it is due, and the script for it; one list, the most urgent first."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.access import scoped

from .models import Application, Visit

S = Application.State

# What to do next in each state, and the script the operator runs for it (comms.Script code).
NEXT = {
    S.NEW: (_("Call to qualify"), "prospects"),
    S.QUALIFIED: (_("Book a visit"), ""),
    S.RESCHEDULED: (_("Book the visit again"), ""),
    S.SCHEDULED: (_("Remind and confirm the visit"), "installation-reminder"),
    S.INSTALLING: (_("Follow the installation"), ""),
}


@dataclass
class Item:
    application: Application
    action: str
    script: str
    due: datetime | None
    visit: Visit | None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due < timezone.now()


def _due(application: Application, visit: Visit | None) -> datetime | None:
    if application.state == S.NEW:
        return application.contact_due
    if application.state == S.SCHEDULED and visit is not None:
        # The reminder is due the evening before the visit.
        day = datetime.combine(visit.slot.date, visit.slot.starts, tzinfo=application.branch.tz)
        return day - timedelta(hours=15)
    if application.state in (S.QUALIFIED, S.RESCHEDULED):
        return application.state_changed_at + timedelta(hours=4)
    return application.install_due


def coordinator_queue(user, *, branch=None, limit: int = 200) -> list[Item]:
    visits = Visit.objects.filter(state=Visit.State.BOOKED).select_related("slot")
    rows = (
        scoped(Application.objects.filter(state__in=list(NEXT)), user)
        .select_related("branch", "tariff")
        .prefetch_related(Prefetch("visits", queryset=visits, to_attr="booked"))
    )
    if branch is not None:
        rows = rows.filter(branch=branch)
    items = []
    for application in rows.order_by("contact_due", "pk")[:limit]:
        visit = application.booked[0] if application.booked else None
        action, script = NEXT[application.state]
        items.append(Item(application, str(action), script, _due(application, visit), visit))
    far = timezone.now() + timedelta(days=3650)
    items.sort(key=lambda i: (i.due or far, i.application.pk))
    return items

"""What the history of a setting says (django-simple-history): who changed it, when and what,
as a settings page shows it under its form."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Change:
    at: datetime
    by: object  # the user, or None (the system, an import)
    what: str


def shown(value) -> str:
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return "—" if value in (None, "") else str(value)


def changes(records, model, *, limit: int = 50, label=None) -> list[Change]:
    """The records (a history queryset of one object or of several, newest first) as changes:
    each field that changed, its old and new value; the first record of an object "added".
    `label(record)` names the object when the records are of several (a list's reasons)."""
    labels = {f.name: str(f.verbose_name) for f in model._meta.fields}
    rows = list(records.select_related("history_user").order_by("-history_date", "-pk"))
    previous: dict = {}
    for record in reversed(rows):  # oldest first: each record's predecessor of its object
        previous[record.pk] = previous.get(("last", record.id))
        previous[("last", record.id)] = record
    out = []
    for record in rows[:limit]:
        before = previous.get(record.pk)
        if record.history_type == "+" or before is None:
            what = _("added")
        else:
            what = "; ".join(
                f"{labels.get(c.field, c.field)}: {shown(c.old)} → {shown(c.new)}"
                for c in record.diff_against(before).changes
            )
        if label is not None:
            what = f"{label(record)}: {what}"
        out.append(Change(record.history_date, record.history_user, what or _("saved unchanged")))
    return out

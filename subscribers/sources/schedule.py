"""When a billing source is due, and when its data counts as late."""

import zoneinfo
from datetime import datetime, timedelta

from ..models import BillingSource

# A failed run is tried again this long after it, until the day's sync succeeds.
RETRY_AFTER = timedelta(minutes=30)
# How long after its scheduled time a day's sync may take before the data counts as late.
GRACE = timedelta(hours=2)


def last_scheduled(source: BillingSource, now: datetime) -> datetime:
    """The latest scheduled moment at or before now (daily at run_at, the source's time)."""
    zone = zoneinfo.ZoneInfo(source.time_zone)
    local = now.astimezone(zone)
    today = datetime.combine(local.date(), source.run_at, tzinfo=zone)
    return today if today <= local else today - timedelta(days=1)


def is_due(source: BillingSource, now: datetime) -> bool:
    """A folder or SQL source runs once its scheduled time has come and the day's sync has not
    yet succeeded, a failed run being retried every RETRY_AFTER."""
    if not source.enabled or source.kind == BillingSource.Kind.UPLOAD:
        return False
    due = last_scheduled(source, now)
    if source.created_at and source.created_at > due and source.last_run_at is None:
        return False  # made after today's time: from the next one (or "Run now")
    if source.last_success_at and source.last_success_at >= due:
        return False
    return not (
        source.last_run_at and source.last_run_at >= due and now - source.last_run_at < RETRY_AFTER
    )


def is_late(source: BillingSource, now: datetime) -> bool:
    """No successful sync since the scheduled time that should have brought the data (with
    GRACE for the run itself)."""
    if not source.enabled:
        return False
    expected = last_scheduled(source, now - GRACE)
    if source.created_at and source.created_at > expected and source.last_success_at is None:
        return False  # its first scheduled run is still to come
    return source.last_success_at is None or source.last_success_at < expected


def next_scheduled(source: BillingSource, now: datetime) -> datetime:
    return last_scheduled(source, now) + timedelta(days=1)

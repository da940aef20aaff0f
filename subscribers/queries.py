"""Reads of the subscriber base for other blocks: the start page's overview, import history."""

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Sum
from django.utils import timezone

from core.models import Job

from .models import ZERO, BillingSource, ImportBatch, Status, Subscriber


def has_subscribers() -> bool:
    return Subscriber.objects.exists()


def base_overview(branches: frozenset[int] | None = None) -> dict:
    """The base right now: active subscribers, debtors and their debt per currency, last import;
    of the given branches only (None: all).

    Debt is read from the balances the billing reported at the last import (negative = debt)."""
    base = Subscriber.objects.all()
    if branches is not None:
        base = base.filter(branch__in=branches)
    active = base.filter(status=Status.ACTIVE).count()
    debt_rows = (
        base.filter(money__reported_balance__lt=0)
        .values("branch__currency")
        .annotate(debtors=Count("id"), total=Sum("money__reported_balance"))
        .order_by("branch__currency")
    )
    debt = [
        {
            "currency": row["branch__currency"],
            "debtors": row["debtors"],
            "amount": -(row["total"] or ZERO),
        }
        for row in debt_rows
    ]
    last = ImportBatch.objects.order_by("-created_at").only("as_of", "created_at").first()
    return {
        "active": active,
        "debtors": sum(row["debtors"] for row in debt),
        "debt": debt,
        "as_of": last.as_of if last else None,
        "imported_at": last.created_at if last else None,
    }


def import_batches(limit: int = 20):
    """The latest imports that changed the base, newest first."""
    return ImportBatch.objects.select_related("created_by", "job").order_by("-created_at")[:limit]


def import_jobs(limit: int = 20):
    """The latest billing-import jobs (also the failed ones that changed nothing)."""
    return (
        Job.objects.filter(kind=Job.Kind.BILLING_IMPORT)
        .select_related("created_by")
        .order_by("-created_at")[:limit]
    )


@dataclass
class Freshness:
    """How fresh the billing data is: the last successful sync (an import, or a source's run
    that found nothing new), the data month, and the sources whose day's sync is late."""

    synced_at: datetime | None
    as_of: date | None
    late: list = field(default_factory=list)  # BillingSource


def data_freshness(now: datetime | None = None) -> Freshness:
    from .sources.schedule import is_late

    now = now or timezone.now()
    sources = list(BillingSource.objects.filter(enabled=True))
    last = ImportBatch.objects.order_by("-created_at").values("created_at", "as_of").first()
    moments = [s.last_success_at for s in sources if s.last_success_at]
    if last:
        moments.append(last["created_at"])
    return Freshness(
        synced_at=max(moments) if moments else None,
        as_of=last["as_of"] if last else None,
        late=[s for s in sources if is_late(s, now)],
    )

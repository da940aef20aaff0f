"""Background work of the communications block; every task calls comms.outbox."""

from celery import shared_task


@shared_task
def outbox_dispatch_task() -> dict:
    from .outbox import dispatch_all, reconcile

    settled = reconcile()
    return {"sent": dispatch_all(), **settled}


@shared_task
def campaign_launch_task(campaign_id: int, by_id: int | None) -> None:
    from .campaigns import campaign_launch_background

    campaign_launch_background(campaign_id, by_id)


@shared_task
def triggers_daily_task() -> dict:
    """Each branch's daily event messages (payment due, low balance, birthday), once a day."""
    from .triggers import daily_run

    return daily_run()


@shared_task
def triggers_import_task(batch_id: int) -> dict:
    """The event messages of what a billing import brought (welcome, payment, tariff)."""
    from .triggers import batch_imported

    return batch_imported(batch_id=batch_id)


@shared_task
def outage_notify_task(outage_id: int, trigger: str) -> dict:
    """Tell everyone an outage or planned works affect, or that the service is back."""
    from .outages import outage_notify

    return outage_notify(outage_id, trigger)

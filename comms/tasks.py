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

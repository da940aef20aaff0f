"""Background work of the communications block; every task calls comms.outbox."""

from celery import shared_task


@shared_task
def outbox_dispatch_task() -> dict:
    from .outbox import dispatch_all, reconcile

    settled = reconcile()
    return {"sent": dispatch_all(), **settled}

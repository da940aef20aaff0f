"""Hand the outbox over in a process of its own: what Celery's workers and beat do with Redis,
for an installation without it (and the process the tests kill mid-batch)."""

import time

from django.core.management.base import BaseCommand

from comms.outbox import BATCH, dispatch, reconcile


class Command(BaseCommand):
    help = "Hand queued messages to their gateways, settle dead workers' claims; loop or once."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="until nothing is due, then stop")
        parser.add_argument("--batch", type=int, default=BATCH)
        parser.add_argument("--idle", type=float, default=2.0, help="seconds between looks")

    def handle(self, *args, **options):
        while True:
            reconcile()
            counts = dispatch(limit=options["batch"])
            if any(counts.values()):
                self.stdout.write(" ".join(f"{k} {v}" for k, v in counts.items()))
                continue
            if options["once"]:
                return
            time.sleep(options["idle"])

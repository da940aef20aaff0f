"""The demo's SMS: a local Kannel with its fake SMSC (when Debian's kannel and kannel-extras
are installed), the demo gateway pointed at it, and the outbox worker, until stopped.
`make demo` runs it beside the web server."""

import signal
import sys
import time

from django.core.management.base import BaseCommand

from comms.kannel import LocalKannel, available
from comms.models import Gateway
from comms.outbox import dispatch, mo_url, reconcile
from comms.services import demo_gateway_ensure


class Command(BaseCommand):
    help = "Run a local Kannel (fake SMSC) for the demo gateway, and hand the outbox over."

    def add_arguments(self, parser):
        parser.add_argument("--dir", default="var/demo/kannel")

    def handle(self, *args, **options):
        if not available():
            self.stdout.write(
                "Kannel is not installed (apt-get install kannel kannel-extras): the demo's "
                "SMS stay in the outbox."
            )
            return
        kannel = LocalKannel(options["dir"], mo_url=mo_url()).start()
        gateway = demo_gateway_ensure()
        Gateway.objects.filter(pk=gateway.pk).update(
            url=kannel.sendsms_url,
            status_url=kannel.status_url,
            username="abonent",
            password="abonent",
            active=True,
        )
        self.stdout.write(f"Kannel: {kannel.sendsms_url}, fake SMSC log in {kannel.dir}")
        # `make demo` stops it with SIGTERM: leave through `finally`, stopping Kannel too.
        signal.signal(signal.SIGTERM, lambda *args: sys.exit(0))
        try:
            while True:
                reconcile()
                counts = dispatch()
                if not any(counts.values()):
                    time.sleep(2)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            kannel.stop()

"""Take the delivery receipts (and what subscribers write) that the SMSCs of the active SMPP
gateways send over a receiver bind, one link per gateway, for as long as it runs: an SMSC
sends a receipt whenever the phone answers, often after the worker that submitted the message
has unbound. Reconnects with backoff; SIGTERM or SIGINT unbinds and stops."""

import logging
import signal
import threading

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections, connection

from comms.gateways import Smpp, SmppError
from comms.models import Gateway

log = logging.getLogger("comms.smpp")

BACKOFF_MAX = 60.0  # seconds between attempts to bind, doubling from 1 up to this


def receive(gateway_id: int, stop: threading.Event, out=None) -> None:
    """Keep a receiver bind to one gateway's SMSC until `stop` is set."""
    delay = 1.0
    try:
        while not stop.is_set():
            close_old_connections()
            gateway = Gateway.objects.filter(pk=gateway_id, active=True).first()
            if gateway is None:  # switched off meanwhile
                return
            link = Smpp(gateway, mode="receiver")
            try:
                link._link()
                if out:
                    out(f"{gateway.name}: bound to {link.host}:{link.port}")
                delay = 1.0
                link.listen(stop)
            except SmppError as e:
                log.warning("%s: %s; binding again in %.0f s", gateway.name, e, delay)
            finally:
                link.close()
            if stop.wait(delay):
                break
            delay = min(delay * 2, BACKOFF_MAX)
    finally:
        connection.close()


class Command(BaseCommand):
    help = "Receive SMPP delivery receipts for the active SMPP gateways until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--gateway", help="the name of one gateway (default: every one)")

    def handle(self, *args, **options):
        gateways = Gateway.objects.filter(kind=Gateway.Kind.SMPP, active=True)
        if options["gateway"]:
            gateways = gateways.filter(name=options["gateway"])
        ids = list(gateways.values_list("pk", flat=True))
        if not ids:
            raise CommandError("no active SMPP gateway")
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        threads = [
            threading.Thread(target=receive, args=(pk, stop, self.stdout.write), name=f"smpp-{pk}")
            for pk in ids
        ]
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            for thread in threads:
                thread.join(0.5)  # short joins: the main thread must run the signal handler
        self.stdout.write("stopped")

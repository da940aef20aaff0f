"""`python -m bench.outbox`: SMS from the outbox to Kannel's fake SMSC, on a database with the
migrations applied (PostgreSQL; the outbox hands over on several connections at once).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abonent_bench python -m bench.outbox

It starts a local Kannel (Debian's bearerbox, smsbox and fakesmsc, comms.kannel) and a sink
for its delivery reports, then measures in the same run:

- the reference: the same number of `sendsms` requests, with the same parameters (a report
  URL of each kind, UTF-8 Cyrillic text), sent straight to Kannel on as many connections as the
  outbox uses — what Kannel takes without any bookkeeping;
- the outbox: the messages written to it, then handed over by `comms.outbox.dispatch_all`
  (claim, send, mark each) until the fake SMSC has every one; the rate is messages a second
  from the first hand-over to the last message at the SMSC. Target: 200 a second or more."""

import argparse
import http.client
import os
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

TARGET_PER_SECOND = 200
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "abonent.settings")
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()
    run(args.messages)


def _wait(kannel, count: int, seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while len(kannel.received()) < count:
        if time.monotonic() > deadline:
            raise RuntimeError(f"the fake SMSC got {len(kannel.received())} of {count}")
        time.sleep(0.05)


def reference(kannel, sink_url: str, count: int, connections: int) -> float:
    """Messages a second Kannel takes straight, on `connections` kept-alive connections."""

    def send(numbers: range) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", kannel.sendsms)
        for n in numbers:
            query = urlencode(
                {
                    "username": "abonent",
                    "password": "abonent",
                    "to": f"+7914{n:07d}",
                    "text": f"Сообщение {n}",
                    "charset": "UTF-8",
                    "coding": 2,
                    "dlr-mask": 27,
                    "dlr-url": f"{sink_url}/reference/?type=%d",  # answered, not recorded
                }
            )
            connection.request("GET", f"/cgi-bin/sendsms?{query}")
            connection.getresponse().read()
        connection.close()

    before = len(kannel.received())
    started = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(send, [range(i, count, connections) for i in range(connections)]))
    _wait(kannel, before + count)
    return count / (time.monotonic() - started)


def run(count: int) -> dict:
    from django.conf import settings
    from django.db import connection
    from django.utils import timezone

    from comms import outbox
    from comms.kannel import LocalKannel, ReportSink, available
    from comms.models import Gateway, Message

    if not available():
        print("Kannel is not installed (apt-get install kannel kannel-extras): skipped")
        return {}
    threads = settings.ABONENT_OUTBOX_THREADS
    kannel = LocalKannel(ROOT / "var" / "bench" / "kannel").start()
    sink = ReportSink().start()
    settings.ABONENT_PUBLIC_URL = sink.url
    try:
        straight = reference(kannel, sink.url, count, threads)
        gateway, _ = Gateway.objects.update_or_create(
            name="bench-kannel",
            defaults={
                "kind": Gateway.Kind.KANNEL,
                "url": kannel.sendsms_url,
                "username": "abonent",
                "password": "abonent",
                "status_url": kannel.status_url,
                "active": True,
            },
        )
        Gateway.objects.exclude(pk=gateway.pk).update(active=False)
        Message.objects.filter(gateway=gateway).delete()
        now = timezone.now()
        Message.objects.bulk_create(
            Message(
                channel="sms",
                purpose="service",
                to=f"+7915{n:07d}",
                body=f"Сообщение {n}",
                gateway=gateway,
                not_before=now,
                expires_at=now + timedelta(days=1),
            )
            for n in range(count)
        )
        before = len(kannel.received())
        started = time.monotonic()
        handed = outbox.dispatch_all()
        _wait(kannel, before + count)
        rate = count / (time.monotonic() - started)
        reported = Message.objects.filter(gateway=gateway, status="delivered")
        deadline = time.monotonic() + 60
        while reported.count() < count and time.monotonic() < deadline:
            time.sleep(0.5)
        delivered = reported.count()
    finally:
        sink.stop()
        kannel.stop()
    print(
        f"Outbox to Kannel's fake SMSC on {connection.vendor}: {count:,} SMS, {threads} connections"
    )
    print("| measure | Abonent | reference | target |")
    print("|---|---|---|---|")
    print(
        f"| SMS handed over to Kannel and at its fake SMSC | {rate:,.0f} a second "
        f"({handed:,} handed over, {delivered:,} reported delivered) | {straight:,.0f} a second "
        f"(sendsms straight, no outbox) | ≥ {TARGET_PER_SECOND} a second |"
    )
    return {"rate": rate, "reference": straight, "handed": handed, "delivered": delivered}


if __name__ == "__main__":
    main()

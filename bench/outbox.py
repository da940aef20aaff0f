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
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

TARGET_PER_SECOND = 200
TARGET_QUEUE_SECONDS = 10
QUEUE_RECIPIENTS = 100_000
ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=5000, help="SMS to hand over")
    parser.add_argument("--recipients", type=int, default=QUEUE_RECIPIENTS, help="of a campaign")
    args = parser.parse_args()
    from bench import django_setup

    django_setup()
    run(args.messages)
    print()
    queue_run(args.recipients)


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


def queue_run(recipients: int = QUEUE_RECIPIENTS) -> dict:
    """A campaign's launch to a segment of at least `recipients` subscribers (the active
    subscribers of the smallest tariff that has so many), timed; beside it, the same number of
    outbox rows written by one INSERT … SELECT (no rules, no texts) in the same run."""

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.db.models import Count

    from comms.campaigns import campaign_launch
    from comms.models import Campaign, Gateway, Message, MessageTemplate
    from segments.models import Segment
    from subscribers.models import Subscriber

    by_tariff = (
        Subscriber.objects.filter(status="active", phone__gt="")
        .values("tariff")
        .annotate(n=Count("id"))
    )
    enough = [row for row in by_tariff if row["n"] >= recipients]
    tariff = (
        min(enough, key=lambda row: row["n"]) if enough else max(by_tariff, key=lambda r: r["n"])
    )
    if not tariff["n"]:
        print("no subscribers: import an operator first")
        return {}
    head, _ = get_user_model().objects.get_or_create(username="bench_campaigns", is_superuser=True)
    gateway, _ = Gateway.objects.get_or_create(
        name="bench-campaigns", defaults={"kind": Gateway.Kind.KANNEL, "active": True}
    )
    Gateway.objects.exclude(pk=gateway.pk).update(active=False)
    Gateway.objects.filter(pk=gateway.pk).update(active=True)
    template, _ = MessageTemplate.objects.get_or_create(
        name="bench: balance reminder",
        defaults={
            "channel": "sms",
            "purpose": "service",
            "body": "{addressed}, баланс счёта {account}: {balance} {operator}",
        },
    )
    query = f"status=active&tariff={tariff['tariff']}"
    segment, _ = Segment.objects.get_or_create(
        name="bench: one tariff", defaults={"name_key": "bench: one tariff", "query": query}
    )
    Segment.objects.filter(pk=segment.pk).update(query=query)
    campaign = Campaign.objects.create(name="bench", template=template, segment=segment)
    started = time.monotonic()
    counts = campaign_launch(campaign=campaign, by=head)
    took = time.monotonic() - started
    # The reference: as many outbox rows, written by one statement.
    with transaction.atomic():
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute(
                f"""INSERT INTO {Message._meta.db_table} (channel, purpose, subscriber_id, "to",
                        subject, body, parts, status, not_before, expires_at, attempts, error,
                        claim, gateway_ref, created_at)
                    SELECT 'sms', 'service', id, phone, '', 'x', 1, 'cancelled', now(), now(),
                           0, '', '', '', now()
                    FROM subscribers_subscriber
                    WHERE status = 'active' AND tariff_id = %s AND phone <> ''""",
                [tariff["tariff"]],
            )
        floor = time.monotonic() - started
        transaction.set_rollback(True)
    Message.objects.filter(campaign=campaign).delete()
    campaign.delete()
    print(f"Campaign launch on {connection.vendor}: a segment of {counts['recipients']:,}")
    print("| measure | Abonent | reference | target |")
    print("|---|---|---|---|")
    print(
        f"| a campaign's SMS queued (rules, texts, contacts reserved) | {took:.1f} s for "
        f"{counts['queued'] + counts['deferred']:,} | {floor:.1f} s (the same rows by one "
        f"INSERT … SELECT) | < {TARGET_QUEUE_SECONDS} s for {QUEUE_RECIPIENTS:,} |"
    )
    return {"seconds": took, "floor": floor, **counts}


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

"""The outbox: messages written in the business event's own transaction, handed to their
gateways by workers at most once, and none lost.

A worker **claims** a batch of due messages (status sending, its claim token, the time) in one
short transaction, then hands each to its gateway and marks it sent in a statement of its own,
only while the message is still its claim. A worker killed mid-batch leaves the messages it
claimed as sending. `reconcile` settles them once their claim is older than the lease
(ABONENT_OUTBOX_LEASE_SECONDS): a delivery report for one (every Kannel message asks for one,
"accepted by the SMSC" included) already moved it on; one without a report when the gateway
holds nothing in flight was never handed over, and goes back to the queue. A gateway that
cannot say what it holds (SMPP, SMTP) gets each message marked just before its hand-over
(`handing_at`): a dead worker's message without the mark goes back to the queue, one with it
fails with the reason rather than perhaps reach the subscriber twice. So nothing is handed over
twice, and nothing is dropped unseen.

Without Redis the same functions run in a thread of the web process (`kick`); with it, in the
Celery workers (comms.tasks), and `manage.py outbox_worker` runs them in a process of its own."""

import logging
import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import close_old_connections, connection, transaction
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from subscribers.importing.parse import FieldError, phone_normalize
from subscribers.models import Subscriber

from . import placeholders
from .consent import consent_withdraw
from .gateways import adapter_for
from .models import (
    Campaign,
    Channel,
    Consent,
    ContactKind,
    Gateway,
    IncomingMessage,
    Message,
    MessageTemplate,
    OptOut,
)
from .queries import gateway_for
from .services import contact_plan, opt_out_set
from .sms import segments

log = logging.getLogger(__name__)

BATCH = 200  # messages a worker claims at a time
EXPIRY = timedelta(hours=48)  # a message not handed over by then is not worth sending
BACKOFF = [timedelta(seconds=s) for s in (30, 120, 600, 1800, 3600)]
MAX_ATTEMPTS = len(BACKOFF) + 1
DLR_SALT = "comms.dlr"

# Kannel's report kinds: delivered, not delivered, buffered, accepted by the SMSC, rejected.
DLR_DELIVERED, DLR_FAILED, DLR_BUFFERED, DLR_ACCEPTED, DLR_REJECTED = 1, 2, 4, 8, 16


class OutboxError(ValueError):
    """A message that cannot be queued (no gateway for its channel, a text with a hole)."""


def gateway_of(channel: str) -> Gateway:
    gateway = gateway_for(channel)
    if gateway is None:
        raise OutboxError(f"no active gateway for {channel}")
    return gateway


def _public_url(path: str) -> str:
    """An address of this server as the gateways reach it (ABONENT_PUBLIC_URL)."""
    return f"{settings.ABONENT_PUBLIC_URL.rstrip('/')}{path}"


def message_queue(
    *,
    to: str,
    channel: str,
    purpose: str,
    body: str,
    subject: str = "",
    subscriber=None,
    template: MessageTemplate | None = None,
    not_before=None,
    expires_at=None,
) -> Message:
    """Write a message to the outbox, in the caller's transaction: it goes when that commits,
    and not at all when it rolls back. With a subscriber the contact rules decide its moment
    (comms.services.contact_plan); a message they refuse is written as failed, with the reason,
    so the event that wanted it can show why."""
    now = timezone.now()
    gateway = gateway_of(channel)
    not_before = not_before or now
    status, error = Message.Status.QUEUED, ""
    if subscriber is not None:
        verdict = contact_plan(
            subscriber=subscriber,
            kind=ContactKind.MESSAGE,
            purpose=purpose,
            channel=channel,
            asked=not_before,
        )
        if verdict.at is None:
            status, error = Message.Status.FAILED, f"contact rules: {verdict.reason}"
        elif verdict.at > not_before:
            status, not_before = Message.Status.DEFERRED, verdict.at
    message = Message.objects.create(
        channel=channel,
        purpose=purpose,
        subscriber=subscriber,
        to=to,
        subject=subject,
        body=body,
        parts=segments(body).parts if channel == Channel.SMS else 1,
        template=template,
        gateway=gateway,
        status=status,
        error=error,
        not_before=not_before,
        expires_at=expires_at or not_before + EXPIRY,
    )
    if status != Message.Status.FAILED:
        transaction.on_commit(kick)
    return message


def template_queue(*, template: MessageTemplate, subscriber, values=None, not_before=None):
    """A template's message to a subscriber, filled with their values and the caller's."""
    to = subscriber.email if template.channel == Channel.EMAIL else subscriber.phone
    if not to:
        raise OutboxError(f"subscriber {subscriber.account} has no {template.channel} address")
    try:
        body = placeholders.render(template.body, subscriber, values)
        subject = placeholders.render(template.subject, subscriber, values)
    except placeholders.TextError as e:
        raise OutboxError(str(e)) from e
    return message_queue(
        to=to,
        channel=template.channel,
        purpose=template.purpose,
        body=body,
        subject=subject,
        subscriber=subscriber,
        template=template,
        not_before=not_before,
    )


# -- handing over ---------------------------------------------------------------------------------
def _due():
    """Due messages, but none of a paused or cancelled campaign."""
    held = [Campaign.Status.PAUSED, Campaign.Status.CANCELLED, Campaign.Status.DRAFT]
    return Message.objects.filter(
        status__in=[Message.Status.QUEUED, Message.Status.DEFERRED],
        not_before__lte=timezone.now(),
    ).exclude(campaign__status__in=held)


def claim(token: str, limit: int = BATCH) -> list[Message]:
    """Take up to `limit` due messages for this worker, committed before any is handed over;
    two workers never take the same one (SKIP LOCKED; SQLite lets one writer at a time)."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            _due()
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("not_before", "id")
            .values_list("id", flat=True)[:limit]
        )
        # Only those still waiting: where the database has no row locks to skip (SQLite), a
        # worker that read the same ids first has already taken them.
        Message.objects.filter(
            id__in=ids, status__in=[Message.Status.QUEUED, Message.Status.DEFERRED]
        ).update(status=Message.Status.SENDING, claim=token, claimed_at=now)
    return list(Message.objects.filter(id__in=ids, claim=token).select_related("gateway"))


def dlr_url(message: Message) -> str:
    token = signing.dumps(message.pk, salt=DLR_SALT)
    return _public_url(reverse("comms:dlr", kwargs={"token": token})) + "?type=%d"


def hand_over(messages: list[Message], token: str) -> dict[str, int]:
    """Hand each claimed message to its gateway and record the outcome, one statement each."""
    counts = {"sent": 0, "retry": 0, "failed": 0, "expired": 0}
    adapters = {}
    try:
        for message in messages:
            now = timezone.now()
            mine = Message.objects.filter(pk=message.pk, status=Message.Status.SENDING, claim=token)
            if message.expires_at <= now:
                mine.update(status=Message.Status.EXPIRED, claim="")
                counts["expired"] += 1
                continue
            if message.gateway_id not in adapters:
                adapters[message.gateway_id] = adapter_for(message.gateway)
            adapter = adapters[message.gateway_id]
            if not adapter.knows_in_flight:
                # From here a dead worker may have handed it over: reconcile will not resend.
                mine.update(handing_at=now)
            result = adapter.send(message, dlr_url(message))
            attempts = message.attempts + 1
            if result.ok:
                # Only if still ours: a report that came first has moved it on already.
                if not mine.update(
                    status=Message.Status.SENT,
                    handed_at=Coalesce("handed_at", Value(now)),
                    gateway_ref=result.ref,
                    attempts=attempts,
                    claim="",
                ):
                    Message.objects.filter(pk=message.pk).update(
                        gateway_ref=result.ref, attempts=attempts
                    )
                counts["sent"] += 1
            elif result.retry and attempts < MAX_ATTEMPTS:
                mine.update(
                    status=Message.Status.QUEUED,
                    not_before=now + BACKOFF[attempts - 1],
                    attempts=attempts,
                    error=result.error,
                    claim="",
                )
                counts["retry"] += 1
            else:
                mine.update(
                    status=Message.Status.FAILED, attempts=attempts, error=result.error, claim=""
                )
                counts["failed"] += 1
    finally:
        for adapter in adapters.values():
            adapter.close()
    return counts


def dispatch(limit: int = BATCH, token: str | None = None) -> dict[str, int]:
    """One round: claim a batch and hand it over, on ABONENT_OUTBOX_THREADS connections at
    once (each thread with its own gateway connection and database connection)."""
    token = token or uuid.uuid4().hex
    claimed = claim(token, limit)
    threads = max(1, min(settings.ABONENT_OUTBOX_THREADS, len(claimed)))
    if threads == 1:
        return hand_over(claimed, token)

    def run(chunk: list[Message]) -> dict[str, int]:
        try:
            return hand_over(chunk, token)
        finally:
            connection.close()

    counts: Counter[str] = Counter({"sent": 0, "retry": 0, "failed": 0, "expired": 0})
    with ThreadPoolExecutor(threads, thread_name_prefix="outbox") as pool:
        for done in pool.map(run, [claimed[i::threads] for i in range(threads)]):
            counts.update(done)
    return dict(counts)


def dispatch_all(max_rounds: int = 1000) -> int:
    """Rounds until nothing is due; the number handed over."""
    total = 0
    for _ in range(max_rounds):
        counts = dispatch()
        total += counts["sent"]
        if not any(counts.values()):
            break
    return total


def reconcile() -> dict[str, int]:
    """Settle the messages of workers that died holding them (see the module's docstring)."""
    counts = {"requeued": 0, "waiting": 0, "uncertain": 0}
    stale = Message.objects.filter(
        status=Message.Status.SENDING,
        claimed_at__lt=timezone.now() - timedelta(seconds=settings.ABONENT_OUTBOX_LEASE_SECONDS),
    ).select_related("gateway")
    settled: dict[int, bool] = {}
    for message in stale:
        if message.handing_at is not None:
            # Its worker died handing it to a gateway that cannot tell whether it arrived:
            # failed, rather than perhaps sent twice.
            counts["uncertain"] += Message.objects.filter(
                pk=message.pk, status=Message.Status.SENDING, claim=message.claim
            ).update(status=Message.Status.FAILED, claim="", error=UNCERTAIN)
            continue
        if message.gateway_id not in settled:
            adapter = adapter_for(message.gateway)
            settled[message.gateway_id] = adapter.settled()
            adapter.close()
        if settled[message.gateway_id]:
            counts["requeued"] += Message.objects.filter(
                pk=message.pk, status=Message.Status.SENDING, claim=message.claim
            ).update(status=Message.Status.QUEUED, claim="", claimed_at=None)
        else:
            counts["waiting"] += 1
    return counts


UNCERTAIN = "the worker stopped while handing it over; not sent again, so as not to send it twice"


def dlr_record(message_id: int, kind: int) -> bool:
    """A delivery report from the gateway: the message was handed over (whatever its status
    says, if its worker died before writing it), and maybe delivered or not."""
    now = timezone.now()
    rows = Message.objects.filter(pk=message_id)
    handed = {"handed_at": Coalesce("handed_at", Value(now)), "claim": ""}
    if kind & DLR_DELIVERED:
        return bool(rows.update(status=Message.Status.DELIVERED, delivered_at=now, **handed))
    if kind & (DLR_FAILED | DLR_REJECTED):
        failed = rows.exclude(status=Message.Status.DELIVERED)
        return bool(
            failed.update(status=Message.Status.FAILED, error=f"delivery report {kind}", **handed)
        )
    # Accepted by the SMSC, or buffered: handed over, not delivered yet.
    waiting = [Message.Status.SENDING, Message.Status.QUEUED, Message.Status.SENT]
    return bool(rows.filter(status__in=waiting).update(status=Message.Status.SENT, **handed))


# -- running in-process -------------------------------------------------------------------------
_running = threading.Lock()


def kick() -> None:
    """Have the queue handed over now: a Celery task with Redis, else a thread of this process
    (one at a time), else — in tests that ask for it — inline."""
    runner = settings.ABONENT_JOB_RUNNER
    if runner == "celery":
        from .tasks import outbox_dispatch_task

        outbox_dispatch_task.delay()
    elif runner == "sync":
        if settings.ABONENT_OUTBOX_INLINE:
            dispatch_all()
    elif _running.acquire(blocking=False):

        def run():
            close_old_connections()
            try:
                dispatch_all()
            except Exception:
                log.exception("the outbox thread failed")
            finally:
                _running.release()
                connection.close()

        threading.Thread(target=run, daemon=True, name="outbox").start()


# -- incoming ---------------------------------------------------------------------------------
STOP_WORDS = {"STOP", "СТОП", "ОТПИСАТЬСЯ", "ОТПИСКА", "UNSUBSCRIBE"}
MO_SALT = "comms.mo"


def mo_url() -> str:
    """Where Kannel sends what subscribers write (its sms-service get-url), signed."""
    token = signing.dumps("mo", salt=MO_SALT)
    return _public_url(reverse("comms:mo", kwargs={"token": token}))


@transaction.atomic
def incoming_record(*, sender: str, receiver: str, text: str):
    """Keep a message from a subscriber; "STOP" (or "СТОП") opts every subscriber with that
    phone out of marketing and withdraws their consent to advertising by SMS."""
    try:
        phone = phone_normalize(sender)
    except FieldError:
        phone = ""
    subscribers = list(Subscriber.objects.filter(Q(phone=phone) | Q(phone2=phone))) if phone else []
    message = IncomingMessage.objects.create(
        sender=sender[:32],
        receiver=receiver[:32],
        text=text,
        subscriber=subscribers[0] if len(subscribers) == 1 else None,
    )
    if " ".join(text.upper().split()) in STOP_WORDS:
        for subscriber in subscribers:
            opt_out_set(subscriber=subscriber, source=OptOut.Source.STOP)
            consent_withdraw(
                subscriber=subscriber,
                channel=Consent.Channel.SMS,
                withdrawal=Consent.Withdrawal.STOP,
            )
    return message

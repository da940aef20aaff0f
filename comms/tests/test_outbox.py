"""The outbox without a gateway process: written in the caller's transaction, deferred or
refused by the contact rules, claimed by one worker at a time, retried with backoff, expired,
moved on by delivery reports, and settled after a worker died. (The real Kannel is in
test_kannel.py; the adapter here is a stand-in for the unit under test, the outbox.)"""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from comms import outbox
from comms.gateways import Result
from comms.models import Gateway, Message
from comms.services import opt_out_set
from core.tests.factories import BranchFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


class Recorder:
    """Takes every message handed to it, answering as told."""

    def __init__(self, answers=()):
        self.got, self.answers = [], list(answers)

    def __call__(self, gateway):
        return self

    def send(self, message, dlr_url):
        self.got.append(message.pk)
        return self.answers.pop(0) if self.answers else Result(True, ref="ok")

    def settled(self):
        return self.is_settled

    is_settled = True
    knows_in_flight = True

    def close(self):
        pass


@pytest.fixture
def gateway(db):
    return GatewayFactory(kind=Gateway.Kind.KANNEL)


@pytest.fixture
def recorder(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(outbox, "adapter_for", recorder)
    return recorder


def queue(**kwargs):
    fields = {"to": "+79123456789", "channel": "sms", "purpose": "service", "body": "Привет"}
    return outbox.message_queue(**{**fields, **kwargs})


def test_a_message_of_a_transaction_that_rolls_back_is_never_written(gateway):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue()
        raise RuntimeError("the business event failed")
    assert not Message.objects.exists()


def test_without_an_active_gateway_nothing_is_queued(db):
    GatewayFactory(kind=Gateway.Kind.KANNEL, active=False)
    with pytest.raises(outbox.OutboxError):
        queue()
    assert not Message.objects.exists()


def test_a_message_at_night_is_deferred_to_the_morning_and_not_handed_over_before(
    gateway, recorder
):
    subscriber = SubscriberFactory(branch=BranchFactory(time_zone="Europe/Moscow"))
    night = datetime(2026, 11, 25, 23, 30, tzinfo=MOSCOW)
    message = queue(subscriber=subscriber, purpose="debt", not_before=night)
    assert message.status == "deferred"
    assert message.not_before == datetime(2026, 11, 26, 8, tzinfo=MOSCOW)
    assert message.parts == 1 and message.gateway == gateway


def test_marketing_to_an_opted_out_subscriber_is_written_as_refused(gateway, recorder):
    subscriber = SubscriberFactory()
    opt_out_set(subscriber=subscriber, source="card")
    message = queue(subscriber=subscriber, purpose="marketing")
    assert (message.status, message.error) == ("failed", "contact rules: opt_out")
    outbox.dispatch()
    assert recorder.got == []


def test_each_due_message_is_handed_over_once(gateway, recorder):
    due = [queue(to=f"+7912000000{i}") for i in range(5)]
    later = queue(not_before=timezone.now() + timedelta(hours=1))
    assert outbox.dispatch_all() == 5
    assert sorted(recorder.got) == sorted(m.pk for m in due)
    assert outbox.dispatch_all() == 0
    assert Message.objects.get(pk=later.pk).status == "queued"
    sent = Message.objects.exclude(pk=later.pk)
    assert {m.status for m in sent} == {"sent"} and all(m.handed_at for m in sent)


def test_two_claims_never_take_the_same_message(gateway):
    ids = {queue(to=f"+7912000000{i}").pk for i in range(6)}
    first = {m.pk for m in outbox.claim("a", limit=4)}
    second = {m.pk for m in outbox.claim("b", limit=4)}
    assert len(first) == 4 and len(second) == 2 and first | second == ids


def test_a_gateway_failing_for_now_is_tried_again_later_then_given_up(gateway, monkeypatch):
    busy = Result(False, error="Kannel 503: queue full", retry=True)
    recorder = Recorder([busy] * 10)
    monkeypatch.setattr(outbox, "adapter_for", recorder)
    message = queue()
    outbox.dispatch()
    message.refresh_from_db()
    assert (message.status, message.attempts, message.error) == ("queued", 1, busy.error)
    assert message.not_before > timezone.now() + timedelta(seconds=25)
    for _ in range(outbox.MAX_ATTEMPTS - 1):
        Message.objects.filter(pk=message.pk).update(not_before=timezone.now())
        outbox.dispatch()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert len(recorder.got) == outbox.MAX_ATTEMPTS


def test_a_refused_message_fails_at_once(gateway, monkeypatch):
    monkeypatch.setattr(outbox, "adapter_for", Recorder([Result(False, error="Kannel 400")]))
    message = queue()
    outbox.dispatch()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)


def test_a_message_past_its_expiry_is_not_sent(gateway, recorder):
    message = queue(expires_at=timezone.now() - timedelta(seconds=1))
    outbox.dispatch()
    assert Message.objects.get(pk=message.pk).status == "expired" and recorder.got == []


def test_delivery_reports_move_a_message_on(gateway, recorder, client):
    message = queue()
    outbox.dispatch()
    url = outbox.dlr_url(message).replace("http://127.0.0.1:8000", "")
    assert client.get(url.replace("%d", "8")).status_code == 200
    assert Message.objects.get(pk=message.pk).status == "sent"
    client.get(url.replace("%d", "1"))
    message.refresh_from_db()
    assert message.status == "delivered" and message.delivered_at
    client.get(url.replace("%d", "16"))  # a late failure does not undo a delivery
    assert Message.objects.get(pk=message.pk).status == "delivered"


def test_a_report_with_a_forged_token_changes_nothing(gateway, client):
    message = queue()
    forged = reverse("comms:dlr", kwargs={"token": f"{message.pk}:forged"})
    assert client.get(forged, {"type": "1"}).status_code == 400
    good = outbox.dlr_url(message).replace("http://127.0.0.1:8000", "").split("?")[0]
    assert client.get(good, {"type": "x"}).status_code == 400
    assert Message.objects.get(pk=message.pk).status == "queued"


def test_a_dead_worker_s_messages_are_requeued_only_when_the_gateway_is_settled(
    gateway, recorder, settings
):
    settings.ABONENT_OUTBOX_LEASE_SECONDS = 0
    handed, never = queue(to="+79120000001"), queue(to="+79120000002")
    outbox.claim("dead-worker")  # the worker dies right after its claim
    outbox.dlr_record(handed.pk, outbox.DLR_ACCEPTED)  # …having handed one over
    recorder.is_settled = False
    assert outbox.reconcile() == {"requeued": 0, "waiting": 1, "uncertain": 0}
    recorder.is_settled = True
    assert outbox.reconcile() == {"requeued": 1, "waiting": 0, "uncertain": 0}
    outbox.dispatch()
    assert recorder.got == [never.pk]
    assert set(Message.objects.values_list("status", flat=True)) == {"sent"}


def test_a_message_a_dead_worker_was_handing_to_a_blind_gateway_fails_rather_than_twice(
    gateway, recorder, settings, monkeypatch
):
    """SMPP and SMTP cannot say what they hold: once the hand-over began, resending could
    reach the subscriber twice."""
    settings.ABONENT_OUTBOX_LEASE_SECONDS = 0
    recorder.knows_in_flight = False
    began, waiting = queue(to="+79120000001"), queue(to="+79120000002")

    def dies(message, dlr_url):
        raise SystemExit  # killed in the middle of the first hand-over

    monkeypatch.setattr(recorder, "send", dies)
    with pytest.raises(SystemExit):
        outbox.dispatch()
    assert outbox.reconcile() == {"requeued": 1, "waiting": 0, "uncertain": 1}
    began.refresh_from_db()
    assert began.status == "failed" and "not sent again" in began.error
    assert Message.objects.get(pk=waiting.pk).status == "queued"


def test_a_live_worker_s_claim_is_left_alone(gateway, recorder):
    queue()
    outbox.claim("busy-worker")
    assert outbox.reconcile() == {"requeued": 0, "waiting": 0, "uncertain": 0}


def test_an_incoming_message_with_a_bad_token_or_no_sender_is_refused(client, db):
    from comms.models import IncomingMessage

    good = outbox.mo_url().replace("http://127.0.0.1:8000", "")
    bad = reverse("comms:mo", kwargs={"token": "forged"})
    assert client.get(bad, {"from": "+79123456789", "text": "STOP"}).status_code == 400
    assert client.get(good, {"text": "STOP"}).status_code == 400
    assert not IncomingMessage.objects.exists()
    assert client.get(good, {"from": "not a phone", "text": "STOP"}).status_code == 200
    assert IncomingMessage.objects.get().subscriber is None


def test_stop_opts_out_every_subscriber_of_that_phone_and_other_words_do_not(db):
    from comms.models import OptOut

    first = SubscriberFactory(phone="+79123456789")
    second = SubscriberFactory(phone2="+79123456789")
    outbox.incoming_record(sender="+79123456789", receiver="0000", text="спасибо")
    assert not OptOut.objects.exists()
    outbox.incoming_record(sender="8 912 345-67-89", receiver="0000", text=" стоп ")
    assert set(OptOut.objects.values_list("subscriber", flat=True)) == {first.pk, second.pk}


def test_the_messages_registry_shows_the_user_s_branches_with_phones_masked(client, gateway):
    from core.tests.factories import UserFactory

    tver = BranchFactory(name="Тверь")
    ours = SubscriberFactory(account="111", branch=tver, phone="+79123456789")
    theirs = SubscriberFactory(account="222", branch=BranchFactory(name="Урал"))
    queue(subscriber=ours, to=ours.phone, not_before=datetime(2026, 11, 25, 12, tzinfo=MOSCOW))
    queue(subscriber=theirs, to="+79990000000")
    queue(to="+79990000001")  # to no subscriber: only for those who see every branch
    url = reverse("registry", kwargs={"name": "messages"})

    def rows(**params):
        """(account, to) of each row shown."""
        response = client.get(url, params)
        assert response.status_code == 200
        return sorted((row[1][1] or "", row[2][1]) for row in response.context["cells"])

    client.force_login(UserFactory(roles=["trainer"], branches=[tver]))
    assert rows() == [("111", "+7 912 ***-**-89")]
    client.force_login(UserFactory(roles=["head"]))
    assert ("111", "+79123456789") in rows(status="queued")
    assert ("", "+79990000001") in rows(status="queued")
    client.force_login(UserFactory(roles=["installer"]))
    assert client.get(url).status_code == 403

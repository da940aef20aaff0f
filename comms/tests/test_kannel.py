"""The outbox through a real Kannel (Debian's bearerbox and smsbox, its fake SMSC): each
message reaches the SMSC once, Cyrillic intact, and comes back delivered through the report
URL; a letter through a real SMTP server. Skipped where Kannel is not installed, unless
ABONENT_KANNEL_REQUIRED=1 (as in .ci/run)."""

import os
import time

import pytest

from comms import outbox
from comms.kannel import LocalKannel, available
from comms.models import Gateway, Message
from core.tests.conftest import smtp_server  # noqa: F401 — a fixture

from .factories import GatewayFactory

REQUIRED = os.environ.get("ABONENT_KANNEL_REQUIRED") == "1"
pytestmark = pytest.mark.skipif(
    not available() and not REQUIRED, reason="Kannel (apt-get install kannel kannel-extras)"
)


@pytest.fixture(scope="module")
def kannel(tmp_path_factory):
    local = LocalKannel(tmp_path_factory.mktemp("kannel")).start()
    yield local
    local.stop()


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_each_message_reaches_the_smsc_once_and_comes_back_delivered(kannel, live_server, settings):
    settings.ABONENT_PUBLIC_URL = live_server.url
    settings.ABONENT_OUTBOX_THREADS = 4  # committed rows: the threads see them
    GatewayFactory(
        kind=Gateway.Kind.KANNEL,
        url=kannel.sendsms_url,
        username="abonent",
        password="abonent",
        sender="Abonent",
        status_url=kannel.status_url,
    )
    before = len(kannel.received())
    texts = {f"+7912555{i:04d}": f"Долг {i},50 руб. Оплатите до 25.11 {{}} €" for i in range(20)}
    texts["+79125559999"] = "Plain GSM-7 text"
    for to, text in texts.items():
        outbox.message_queue(to=to, channel="sms", purpose="debt", body=text)
    assert outbox.dispatch_all() == len(texts)
    assert wait_for(lambda: len(kannel.received()) - before >= len(texts))
    got = kannel.received()[before:]
    assert sorted((to, text) for _sender, to, text in got) == sorted(texts.items())
    assert {sender for sender, _to, _text in got} == {"Abonent"}
    delivered = lambda: Message.objects.filter(status="delivered").count() == len(texts)  # noqa: E731
    assert wait_for(delivered), list(Message.objects.values_list("status", flat=True))
    assert kannel.received()[before:] == got  # nothing handed over twice
    assert outbox.reconcile() == {"requeued": 0, "waiting": 0, "uncertain": 0}


@pytest.mark.django_db
def test_kannel_settles_when_it_holds_nothing_in_flight(kannel):
    gateway = GatewayFactory(kind=Gateway.Kind.KANNEL, status_url=kannel.status_url)
    from comms.gateways import Kannel

    assert Kannel(gateway).settled()
    assert not Kannel(GatewayFactory(kind=Gateway.Kind.KANNEL, status_url="")).settled()


@pytest.mark.django_db
def test_a_kannel_that_is_down_is_tried_again_later(settings):
    GatewayFactory(kind=Gateway.Kind.KANNEL, url="http://127.0.0.1:9/cgi-bin/sendsms")
    message = outbox.message_queue(to="+79120000000", channel="sms", purpose="service", body="x")
    outbox.dispatch()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.error.startswith("Kannel:")


@pytest.mark.django_db
def test_a_letter_goes_through_a_real_smtp_server(smtp_server):  # noqa: F811
    from django.conf import settings

    GatewayFactory(
        kind=Gateway.Kind.SMTP,
        url=f"smtp://127.0.0.1:{settings.EMAIL_PORT}",
        sender="Abonent <noreply@abonent.example>",
    )
    message = outbox.message_queue(
        to="ivanov@example.ru",
        channel="email",
        purpose="debt",
        subject="Задолженность по счёту 30000001",
        body="Здравствуйте!\n\nДолг 550,00 руб.",
    )
    assert outbox.dispatch_all() == 1
    (delivery,) = smtp_server.deliveries
    assert delivery.rcpt_tos == ["ivanov@example.ru"]
    assert delivery.message["Subject"] == "Задолженность по счёту 30000001"
    assert "Долг 550,00 руб." in delivery.message.get_content()
    assert Message.objects.get(pk=message.pk).status == "sent"


@pytest.mark.django_db(transaction=True)
def test_a_stop_written_from_a_subscriber_s_phone_stops_marketing(live_server, settings, tmp_path):
    from comms.models import IncomingMessage, OptOut
    from subscribers.tests.factories import SubscriberFactory

    settings.ABONENT_PUBLIC_URL = live_server.url
    subscriber = SubscriberFactory(phone="+79123456789")
    local = LocalKannel(tmp_path / "kannel", mo_url=outbox.mo_url()).start()
    try:
        local.send_mo("89123456789", "Stop")
        assert wait_for(lambda: IncomingMessage.objects.exists())
        assert wait_for(lambda: OptOut.objects.filter(subscriber=subscriber).exists())
        local.send_mo("+79123456789", "Когда придёт мастер?")
        assert wait_for(lambda: IncomingMessage.objects.count() == 2)
    finally:
        local.stop()
    assert OptOut.objects.get().source == "stop"
    first, second = IncomingMessage.objects.order_by("pk")
    assert (first.text, first.subscriber) == ("Stop", subscriber)
    assert second.text == "Когда придёт мастер?"
    assert local.received() == []  # no reply SMS

"""The outbox through a real SMPP server: comms/tests/smsc.pl, a fake SMSC on Debian's Net::SMPP
(libnet-smpp-perl) in a process of its own, which records every submit_sm and sends a delivery
receipt back for each. Each message reaches it once, in GSM-7 or UCS-2 parts with their
headers, and comes back delivered through the receipts, read by the sending link or by the
receiver (`manage.py smpp_receiver`). Skipped where Net::SMPP is not installed, unless
ABONENT_SMPP_REQUIRED=1 (as in .ci/run)."""

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from comms import outbox
from comms.gateways import Smpp, sms_parts, sms_text
from comms.kannel import free_port
from comms.management.commands.smpp_receiver import receive
from comms.models import Gateway, Message
from comms.sms import segments

from .factories import GatewayFactory

SCRIPT = Path(__file__).with_name("smsc.pl")
ROOT = Path(django_settings.BASE_DIR)
USER, PASSWORD = "abonent", "secret"


def available() -> bool:
    if not shutil.which("perl"):
        return False
    return (
        subprocess.run(
            ["perl", "-MNet::SMPP", "-MJSON::PP", "-e", "1"], capture_output=True
        ).returncode
        == 0
    )


REQUIRED = os.environ.get("ABONENT_SMPP_REQUIRED") == "1"
needs_smsc = pytest.mark.skipif(
    not available() and not REQUIRED, reason="Net::SMPP (apt-get install libnet-smpp-perl)"
)


class LocalSmsc:
    """smsc.pl on a free port, writing what it got to a JSON-lines file."""

    def __init__(self, directory: Path, *options: str):
        self.port = free_port()
        self.record = Path(directory) / f"smsc-{self.port}.jsonl"
        self.log = Path(directory) / f"smsc-{self.port}.log"
        self.options = options
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"smpp://127.0.0.1:{self.port}"

    def start(self) -> "LocalSmsc":
        command = ["perl", str(SCRIPT), "--port", str(self.port), "--record", str(self.record)]
        command += ["--system-id", USER, "--password", PASSWORD, *self.options]
        self.process = subprocess.Popen(
            command, stdout=self.log.open("w"), stderr=subprocess.STDOUT
        )
        assert wait_for(lambda: "listening" in self.log.read_text(), 10), self.log.read_text()
        return self

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(10)

    def events(self, event: str) -> list[dict]:
        if not self.record.exists():
            return []
        lines = self.record.read_text().splitlines()
        return [e for e in map(json.loads, lines) if e["event"] == event]

    def taken(self) -> list[dict]:
        """The submits it answered with a message id."""
        return [e for e in self.events("submit") if e["status"] == 0]

    def texts(self) -> list[tuple[str, str]]:
        """(to, text) of each message it took, its parts put together."""
        got, parts = [], {}
        for e in self.taken():
            octets = bytes.fromhex(e["short_message"])
            text = sms_text(octets, e["data_coding"], e["esm_class"])
            key = e["destination_addr"]
            parts[key] = parts.get(key, "") + text
            if e["registered_delivery"]:  # the last part asks for the receipt
                got.append((key, parts.pop(key)))
        return got


@pytest.fixture
def smsc_factory(tmp_path):
    started = []

    def make(*options: str) -> LocalSmsc:
        started.append(LocalSmsc(tmp_path, *options).start())
        return started[-1]

    yield make
    for smsc in started:
        smsc.stop()


def wait_for(condition, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def smpp_gateway(smsc: LocalSmsc, **fields) -> Gateway:
    fields = {"url": smsc.url, "username": USER, "password": PASSWORD, "sender": "Abonent"} | fields
    return GatewayFactory(kind=Gateway.Kind.SMPP, **fields)


def queue(to: str, body: str) -> Message:
    return outbox.message_queue(to=to, channel="sms", purpose="service", body=body)


def statuses() -> Counter:
    return Counter(Message.objects.values_list("status", flat=True))


@needs_smsc
@pytest.mark.django_db(transaction=True)
def test_each_message_reaches_the_smsc_once_and_comes_back_delivered(smsc_factory, settings):
    settings.ABONENT_OUTBOX_THREADS = 4  # committed rows: the threads see them
    smsc = smsc_factory()
    smpp_gateway(smsc)
    texts = {f"+7912555{i:04d}": f"Долг {i},50 руб. Оплатите до 25.11 {{}} €" for i in range(20)}
    texts["+79125559998"] = "Plain GSM-7 text with § and € and [brackets]"
    texts["+79125559999"] = "Emoji 🙂 too"
    for to, text in texts.items():
        queue(to, text)

    assert outbox.dispatch_all() == len(texts)

    expected = sorted((to.removeprefix("+"), text) for to, text in texts.items())
    assert sorted(smsc.texts()) == expected  # each once, intact
    assert {e["source_addr"] for e in smsc.taken()} == {"Abonent"}
    codings = {e["destination_addr"]: e["data_coding"] for e in smsc.taken()}
    assert codings["79125559998"] == 0 and codings["79125550001"] == codings["79125559999"] == 8
    assert wait_for(lambda: statuses() == {"delivered": len(texts)}), statuses()
    ids = {e["destination_addr"]: e["message_id"] for e in smsc.taken()}
    for message in Message.objects.all():
        assert message.gateway_ref == ids[message.to.removeprefix("+")]
        assert message.handed_at and message.delivered_at
    assert outbox.reconcile() == {"requeued": 0, "waiting": 0, "uncertain": 0}


@needs_smsc
@pytest.mark.django_db
def test_a_long_cyrillic_message_goes_as_ucs2_parts_with_concatenation_headers(smsc_factory):
    smsc = smsc_factory()
    smpp_gateway(smsc)
    body = "Уважаемый абонент! " * 10  # 190 characters: three parts of 67
    message = queue("+79121234567", body)
    assert message.parts == 3

    assert outbox.dispatch_all() == 1

    parts = smsc.taken()
    assert len(parts) == 3
    assert {(p["data_coding"], p["esm_class"]) for p in parts} == {(8, 0x40)}
    headers = [bytes.fromhex(p["short_message"])[:6] for p in parts]
    assert {h[:3] for h in headers} == {b"\x05\x00\x03"}  # concatenated, 8-bit reference
    assert len({h[3] for h in headers}) == 1  # one reference
    assert [(h[4], h[5]) for h in headers] == [(3, 1), (3, 2), (3, 3)]
    assert [p["registered_delivery"] for p in parts] == [0, 0, 1]
    assert all(len(bytes.fromhex(p["short_message"])) <= 140 for p in parts)
    assert smsc.texts() == [("79121234567", body)]
    message.refresh_from_db()
    assert (message.status, message.gateway_ref) == ("delivered", parts[-1]["message_id"])


@needs_smsc
@pytest.mark.django_db
def test_a_throttled_message_is_tried_again_later_and_delivered_once(smsc_factory):
    smsc = smsc_factory("--throttle", "1")
    smpp_gateway(smsc)
    message = queue("+79121234567", "Ваш платёж получен")

    outbox.dispatch()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert "Throttling" in message.error
    assert message.not_before > timezone.now() + timedelta(seconds=25)
    assert smsc.taken() == []
    Message.objects.filter(pk=message.pk).update(not_before=timezone.now())

    outbox.dispatch()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 2)
    assert smsc.texts() == [("79121234567", "Ваш платёж получен")]


@needs_smsc
@pytest.mark.django_db
def test_a_later_part_refused_for_now_is_tried_again_on_the_spot(smsc_factory, monkeypatch):
    monkeypatch.setattr("comms.gateways.time.sleep", lambda seconds: None)
    smsc = smsc_factory("--throttle", "1", "--throttle-after", "1")  # the second part
    smpp_gateway(smsc)
    body = "Уважаемый абонент! " * 10
    message = queue("+79121234567", body)

    outbox.dispatch()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("delivered", 1)
    assert [e["status"] for e in smsc.events("submit")] == [0, 0x58, 0, 0]
    assert smsc.texts() == [("79121234567", body)]


@needs_smsc
@pytest.mark.django_db
def test_a_later_part_still_refused_fails_the_message_without_repeating_the_first(
    smsc_factory, monkeypatch
):
    monkeypatch.setattr("comms.gateways.time.sleep", lambda seconds: None)
    smsc = smsc_factory("--throttle", "10", "--throttle-after", "1")
    smpp_gateway(smsc)
    message = queue("+79121234567", "Уважаемый абонент! " * 10)

    outbox.dispatch()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.error == (
        "SMPP: 1 of 3 parts handed over, then the SMSC refused it: 0x00000058 Throttling "
        "error (ESME has exceeded allowed message limits)"
    )
    assert len(smsc.taken()) == 1


@needs_smsc
@pytest.mark.django_db
def test_a_message_the_smsc_refuses_fails_at_once_with_its_reason(smsc_factory):
    smsc = smsc_factory("--reject", "79990000000")
    smpp_gateway(smsc)
    refused = queue("+79990000000", "x")
    taken = queue("+79121234567", "y")

    outbox.dispatch()

    refused.refresh_from_db()
    assert (refused.status, refused.attempts) == ("failed", 1)
    assert refused.error == ("SMPP: the SMSC refused it: 0x0000000B Invalid Destination Address")
    assert Message.objects.get(pk=taken.pk).status == "delivered"
    assert smsc.texts() == [("79121234567", "y")]


@needs_smsc
@pytest.mark.django_db
def test_a_receipt_that_it_was_not_delivered_fails_the_message(smsc_factory):
    smsc = smsc_factory("--undeliverable", "79121234567")
    smpp_gateway(smsc)
    message = queue("+79121234567", "x")

    outbox.dispatch()

    message.refresh_from_db()
    assert message.status == "failed" and message.handed_at


@needs_smsc
@pytest.mark.django_db
def test_a_refused_bind_is_tried_again_later(smsc_factory):
    smsc = smsc_factory()
    smpp_gateway(smsc, password="wrong")
    message = queue("+79121234567", "x")

    outbox.dispatch()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.error.startswith("SMPP: cannot bind to the SMSC at 127.0.0.1:")
    assert "Bind Failed" in message.error


@pytest.mark.django_db
def test_an_smsc_that_is_down_is_tried_again_later():
    GatewayFactory(kind=Gateway.Kind.SMPP, url="smpp://127.0.0.1:9")
    message = queue("+79121234567", "x")

    outbox.dispatch()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.error.startswith("SMPP: cannot bind")


@pytest.mark.django_db
def test_a_fresh_link_is_settled():
    assert Smpp(GatewayFactory(kind=Gateway.Kind.SMPP)).settled()


@needs_smsc
@pytest.mark.django_db(transaction=True)
def test_the_receiver_takes_the_receipts_the_sending_link_left(smsc_factory):
    smsc = smsc_factory("--receipt-delay", "0.3")  # after the sending link has unbound
    gateway = smpp_gateway(smsc)
    stop = threading.Event()
    receiver = threading.Thread(target=receive, args=(gateway.pk, stop))
    receiver.start()
    try:
        assert wait_for(lambda: any(e["kind"] == "rx" for e in smsc.events("bind")))
        for i in range(5):
            queue(f"+7912000000{i}", f"Сообщение {i}")
        assert outbox.dispatch_all() == 5
        assert statuses() == {"sent": 5}
        assert wait_for(lambda: statuses() == {"delivered": 5}), statuses()
    finally:
        stop.set()
        receiver.join(10)
    assert not receiver.is_alive()
    assert len(smsc.taken()) == 5
    assert Counter(e["status"] for e in smsc.events("receipt"))[0] == 5


@needs_smsc
@pytest.mark.django_db(transaction=True)
def test_what_a_subscriber_writes_comes_in_through_the_receiver(smsc_factory):
    from comms.models import IncomingMessage

    smsc = smsc_factory("--mo", "79123456789:Когда придёт мастер?")
    gateway = smpp_gateway(smsc)
    stop = threading.Event()
    receiver = threading.Thread(target=receive, args=(gateway.pk, stop))
    receiver.start()
    try:
        assert wait_for(lambda: IncomingMessage.objects.exists())
    finally:
        stop.set()
        receiver.join(10)
    incoming = IncomingMessage.objects.get()
    assert (incoming.sender, incoming.text) == ("79123456789", "Когда придёт мастер?")
    assert [e["status"] for e in smsc.events("mo")] == [0]


@needs_smsc
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the receiver process needs a shared database"
)
@pytest.mark.django_db(transaction=True)
def test_the_receiver_command_binds_again_after_the_smsc_restarts_and_stops_on_sigterm(
    smsc_factory, tmp_path
):
    smsc = smsc_factory("--receipt-delay", "0.3")
    smpp_gateway(smsc)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
    }
    log = tmp_path / "receiver.log"
    process = subprocess.Popen(
        [sys.executable, "manage.py", "smpp_receiver"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_for(lambda: "bound to" in log.read_text()), log.read_text()
        queue("+79120000001", "Первое")
        assert outbox.dispatch_all() == 1
        assert wait_for(lambda: statuses() == {"delivered": 1}), log.read_text()

        smsc.stop()  # the link breaks; the receiver binds again when the SMSC is back
        smsc.start()
        assert wait_for(lambda: log.read_text().count("bound to") == 2), log.read_text()
        queue("+79120000002", "Второе")
        assert outbox.dispatch_all() == 1
        assert wait_for(lambda: statuses() == {"delivered": 2}), log.read_text()
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(15)
    assert process.returncode == 0, log.read_text()
    assert log.read_text().rstrip().endswith("stopped")


# Any text: its parts are as many as comms.sms counts (and bills), each fits 140 octets, and put
# together they are the text again.
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_a_text_is_cut_into_the_parts_comms_sms_counts(text):
    coding, esm_class, parts = sms_parts(text)
    assert len(parts) == max(1, segments(text).parts)
    assert all(len(part) <= 140 for part in parts)
    assert "".join(sms_text(part, coding, esm_class) for part in parts) == text

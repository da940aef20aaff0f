"""A real worker process (`manage.py outbox_worker`) killed with SIGKILL in the middle of a
batch, then started again: every message reaches Kannel's fake SMSC exactly once. On
PostgreSQL (the worker process shares the test database) with Kannel installed."""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from comms import outbox
from comms.kannel import ReportSink
from comms.models import Gateway, Message

from .factories import GatewayFactory
from .test_kannel import REQUIRED, kannel, wait_for  # noqa: F401 — kannel is a fixture

ROOT = Path(django_settings.BASE_DIR)
COUNT = 1500

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the worker process needs a shared database"
    ),
]


def worker(log: Path, public_url: str) -> subprocess.Popen:
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "ABONENT_PUBLIC_URL": public_url,
        "ABONENT_OUTBOX_LEASE_SECONDS": "1",
        "ABONENT_JOB_RUNNER": "sync",
    }
    env.pop("REDIS_URL", None)
    # One batch holds every message: from its claim until the kill, all not yet sent are in
    # flight, so the kill lands mid-batch however fast or slow the machine is.
    batch = str(COUNT)
    command = [sys.executable, "manage.py", "outbox_worker", "--batch", batch, "--idle", "0.2"]
    return subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT
    )


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_hands_every_message_over_exactly_once(
    kannel,  # noqa: F811
    tmp_path,
):
    sink = ReportSink().start()
    GatewayFactory(
        kind=Gateway.Kind.KANNEL,
        url=kannel.sendsms_url,
        username="abonent",
        password="abonent",
        status_url=kannel.status_url,
    )
    before = len(kannel.received())
    numbers = [f"+7913{i:07d}" for i in range(COUNT)]
    for to in numbers:
        outbox.message_queue(to=to, channel="sms", purpose="service", body=f"Сообщение {to}")

    first = worker(tmp_path / "first.log", sink.url)
    sent = Message.objects.filter(status__in=["sent", "delivered"])
    assert wait_for(lambda: sent.count() >= COUNT // 5, seconds=60), (
        tmp_path / "first.log"
    ).read_text()
    first.send_signal(signal.SIGKILL)
    first.wait()
    in_flight = Message.objects.filter(status="sending").count()
    assert 0 < sent.count() < COUNT and in_flight > 0, "killed mid-batch"

    second = worker(tmp_path / "second.log", sink.url)
    try:
        assert wait_for(lambda: sent.count() == COUNT, seconds=120), Counter(
            Message.objects.values_list("status", flat=True)
        )
        assert wait_for(lambda: len(kannel.received()) - before >= COUNT, seconds=30)
        time.sleep(1)  # anything handed over twice would arrive by now
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=10)
        sink.stop()
    got = Counter(to for _sender, to, _text in kannel.received()[before:])
    assert set(got) == set(numbers)  # none lost
    assert max(got.values()) == 1  # none twice

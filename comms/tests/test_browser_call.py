"""The operator's call journey in a real browser (Debian's chromium) against a real Kannel:
an operator takes the next call from a call list, runs the shipped payment-reminder script step
by step, records the outcome, and the SMS sent after the call shows as delivered, its delivery
report come back from Kannel's fake SMSC. Screenshots go to var/screenshots/.

Runs on PostgreSQL; skipped where chromium or Kannel is missing, unless
ABONENT_BROWSER_REQUIRED=1 and ABONENT_KANNEL_REQUIRED=1 (as in .ci/run)."""

import os
from collections import deque
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.conf import settings

from comms.campaigns import campaign_launch
from comms.kannel import LocalKannel, available
from comms.models import Campaign, Gateway, Message, Script
from comms.services import standard_install
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory
from subscribers.tests.test_browser import CHROMIUM, Journey

from .factories import GatewayFactory

REQUIRED = os.environ.get("ABONENT_BROWSER_REQUIRED") == "1"
KANNEL_REQUIRED = os.environ.get("ABONENT_KANNEL_REQUIRED") == "1"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM and not REQUIRED, reason="no chromium on this machine"),
    pytest.mark.skipif(not available() and not KANNEL_REQUIRED, reason="no Kannel here"),
    # The live server's threads, the outbox's and Kannel's reports write at once; SQLite's
    # in-memory test database locks whole tables between threads (no waiting), so the
    # journey runs on PostgreSQL (the second half of .ci/run). A demo's file database waits.
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="threads writing at once need PostgreSQL in tests",
    ),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def kannel(tmp_path):
    local = LocalKannel(tmp_path / "kannel").start()
    yield local
    local.stop()


def midday_zone() -> str:
    """A time zone where it is about noon now, so the contact rules allow a debt call
    whenever the test runs."""
    offset = 12 - datetime.now(UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


def path_to_promise(graph: dict) -> list[tuple[dict, str]]:
    """The steps from the start to the first successful end that sends an SMS, each with the
    answer to choose there ("" for a step that only says)."""
    nodes = {n["id"]: n for n in graph["nodes"]}
    came_from = {graph["start"]: None}
    todo = deque([graph["start"]])
    goal = None
    while todo:
        here = nodes[todo.popleft()]
        if here["kind"] == "end" and here.get("success") and here.get("message"):
            goal = here["id"]
            break
        ways = (
            [(a["next"], a["label"]) for a in here["answers"]]
            if here["kind"] == "ask"
            else [(here["next"], "")]
            if here["kind"] == "say"
            else []
        )
        for target, label in ways:
            if target not in came_from:
                came_from[target] = (here["id"], label)
                todo.append(target)
    assert goal, "the payment reminder has a successful end with an SMS"
    steps, node = [], goal
    while came_from[node] is not None:
        previous, label = came_from[node]
        steps.append((nodes[previous], label))
        node = previous
    return list(reversed(steps))


@pytest.mark.django_db(transaction=True)
def test_an_operator_calls_from_a_call_list_and_the_sms_after_it_is_delivered(
    browser, live_server, kannel, settings
):
    from comms.standard_scripts import objections_install, scripts_install

    settings.ABONENT_PUBLIC_URL = live_server.url
    settings.ABONENT_JOB_RUNNER = "thread"  # the outbox hands over in the server's thread
    GatewayFactory(
        kind=Gateway.Kind.KANNEL, url=kannel.sendsms_url, username="abonent",
        password="abonent", sender="Abonent", status_url=kannel.status_url,
    )  # fmt: skip
    standard_install(language="ru")
    objections_install(language="ru")
    scripts_install(language="ru")
    branch = BranchFactory(name="Тверь", time_zone=midday_zone())
    subscriber = SubscriberFactory(
        account="70000001", branch=branch, full_name="Сидорова Мария Ивановна",
        phone="+79127770001", reported_balance=Decimal("-640.00"),
    )  # fmt: skip
    UserFactory(username="operator", roles=["operator"], branches=[branch])
    head = UserFactory(username="head", roles=["head"])
    script = Script.objects.get(code="payment-reminder")
    campaign = Campaign.objects.create(
        name="Напоминание об оплате", script=script, accounts=subscriber.account,
        starts_at=datetime.now(UTC) - timedelta(minutes=1),
    )  # fmt: skip
    campaign_launch(campaign=campaign, by=head)
    before = len(kannel.received())

    journey = Journey(browser, live_server, "call-journey")
    page = journey.page
    journey.log_in("operator")
    page.goto(f"{live_server.url}/comms/call-lists/{campaign.call_list.pk}/")
    journey.shot("call-list")
    page.click("#take-next")
    page.wait_for_selector("#step-text")
    assert "Сидорова" in page.inner_text("#call-subscriber")
    journey.shot("first-step")
    for node, answer in path_to_promise(script.versions.get().graph):
        assert page.inner_text("#step-title") == node["title"]
        if node["kind"] == "say":
            page.click("#step-next")
        else:
            page.locator("#step-answers button", has_text=answer).first.click()
        page.wait_for_function(
            "title => document.querySelector('#step-title').innerText !== title", arg=node["title"]
        )
    journey.shot("outcome")
    for field in page.locator("input[name^=value_]").all():
        field.fill("30.11")
    page.click("#call-finish")
    page.wait_for_selector("#call-steps")
    journey.shot("recorded")
    assert "promise" in page.inner_text("#call-outcome") or page.inner_text("#call-outcome")
    # The SMS after the call: handed to Kannel, its delivery report back, the badge updated.
    page.wait_for_selector("#call-messages [data-status=delivered]", timeout=30_000)
    journey.shot("delivered")
    message = Message.objects.get(subscriber=subscriber)
    assert message.status == Message.Status.DELIVERED
    got = kannel.received()[before:]
    # The SMS reached the SMSC once, whole: a Cyrillic text over 70 characters goes in two
    # parts, which received() joins.
    assert message.parts == 2
    assert [(to, text) for _sender, to, text in got] == [(subscriber.phone, message.body)]
    entry = campaign.call_list.entries.get()
    assert (entry.status, entry.last_result) == ("done", "reached")

"""A promise to pay in a call: the end step's promised-payment reminder goes the day before the
promised date at 10:00, once per call; a past date is refused and nothing is written."""

import copy
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comms import player
from comms.models import Call, Message, TriggerFiring
from comms.services import standard_install
from subscribers.tests.factories import SubscriberFactory

from .factories import REMINDER, GatewayFactory, script_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db, tver, operator):
    GatewayFactory()
    standard_install(language="en")
    graph = copy.deepcopy(REMINDER)
    for node in graph["nodes"]:
        if node["id"] == "promise":
            node["message"] = "promise_reminder"
    subscriber = SubscriberFactory(branch=tver, phone="+79120000001")
    call = player.call_start(
        script=script_published(graph=graph), operator=operator, subscriber=subscriber
    )
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=1, answer="Today")
    return call


def finish(call, operator, due: str):
    return player.call_finish(
        call=call, by=operator, result="reached", values={"due_date": due, "amount": "550"}
    )


def test_the_reminder_waits_for_the_eve_of_the_promised_date(call, operator, tver):
    due = timezone.localdate(timezone=tver.tz) + timedelta(days=4)
    finish(call, operator, due.strftime("%d.%m.%Y"))
    [message] = Message.objects.filter(template__code="promise_reminder")
    eve = datetime.combine(due - timedelta(days=1), datetime.min.time(), tzinfo=tver.tz)
    assert message.not_before >= eve.replace(hour=10)
    assert due.strftime("%d.%m.%Y") in message.body
    assert TriggerFiring.objects.get(trigger="promise_reminder").key == f"call:{call.pk}"
    call.refresh_from_db()
    assert "Promised payment reminder" in call.action_result


def test_an_iso_date_is_read_too(call, operator, tver):
    due = timezone.localdate(timezone=tver.tz) + timedelta(days=10)
    finish(call, operator, due.isoformat())
    assert Message.objects.get().not_before.date() >= due - timedelta(days=2)


def test_a_promise_for_tomorrow_reminds_at_once(call, operator, tver):
    due = timezone.localdate(timezone=tver.tz) + timedelta(days=1)
    before = timezone.now()
    finish(call, operator, due.strftime("%d.%m"))
    message = Message.objects.get()
    assert message.not_before <= max(
        before + timedelta(minutes=1),
        datetime.combine(due - timedelta(days=1), datetime.min.time(), tzinfo=tver.tz).replace(
            hour=10
        ),
    )


def test_a_past_date_is_refused_and_nothing_is_written(call, operator, tver):
    past = timezone.localdate(timezone=tver.tz) - timedelta(days=3)
    with pytest.raises(ValidationError) as e:
        finish(call, operator, past.strftime("%d.%m.%Y"))
    assert "already passed" in " ".join(e.value.messages)
    call.refresh_from_db()
    assert call.ended_at is None and call.outcome == ""
    assert not Message.objects.exists() and not TriggerFiring.objects.exists()


def test_a_date_that_does_not_read_as_one_is_sent_at_once_as_typed(call, operator):
    finish(call, operator, "next Friday")
    message = Message.objects.get()
    assert "next Friday" in message.body
    assert not TriggerFiring.objects.exists()


def test_the_call_finished_twice_queues_one_reminder(call, operator, tver):
    due = (timezone.localdate(timezone=tver.tz) + timedelta(days=4)).strftime("%d.%m.%Y")
    finish(call, operator, due)
    Call.objects.filter(pk=call.pk).update(ended_at=None)  # as if the form came again
    finish(Call.objects.get(pk=call.pk), operator, due)
    assert Message.objects.count() == 1


def test_the_reminder_off_in_the_branch_sends_nothing(call, operator, tver):
    from comms.models import TriggerSetting

    TriggerSetting.objects.create(trigger="promise_reminder", branch=tver, enabled=False)
    due = (timezone.localdate(timezone=tver.tz) + timedelta(days=4)).strftime("%d.%m.%Y")
    finish(call, operator, due)
    assert not Message.objects.exists()
    call.refresh_from_db()
    assert "turned off" in call.action_result

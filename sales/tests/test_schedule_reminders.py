"""The eve and morning SMS of an installation visit: due from 18:00 and 08:00 local time, once,
within the quiet hours."""

import datetime

import pytest
from django.core.management import call_command

from comms.models import Message
from comms.tests.factories import GatewayFactory, MessageTemplateFactory
from sales import schedule
from sales.models import Application, Slot
from sales.tests.factories import ApplicationFactory, TeamFactory

S = Application.State
DAY = datetime.date(2030, 3, 13)  # a Wednesday, no holiday


@pytest.fixture
def templates(db):
    GatewayFactory()
    MessageTemplateFactory(
        code="installation_reminder", body="{operator}: завтра, {slot}, мастер придёт."
    )
    MessageTemplateFactory(code="installation_today", body="{operator}: сегодня, {slot}.")


@pytest.fixture
def visit(ural, lenina, coordinator, templates):
    team = TeamFactory(branch=ural, name="Бригада 1")
    slot = Slot.objects.create(
        team=team, date=DAY, starts=datetime.time(14), ends=datetime.time(16)
    )
    application = ApplicationFactory(building=lenina, state=S.SCHEDULED, phone="+79120000001")
    from sales.models import Visit

    return Visit.objects.create(application=application, slot=slot)


def at(ural, day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=ural.tz)


def test_no_reminder_before_the_eve(visit, ural):
    assert schedule.visit_reminders_send(at(ural, DAY - datetime.timedelta(1), 17, 45)) == 0
    assert not Message.objects.exists()


def test_the_eve_reminder_goes_once(visit, ural):
    eve = at(ural, DAY - datetime.timedelta(1), 18, 5)
    assert schedule.visit_reminders_send(eve) == 1
    assert schedule.visit_reminders_send(eve + datetime.timedelta(minutes=15)) == 0
    message = Message.objects.get()
    assert message.to == "+79120000001"
    assert "завтра, 13.03, 14:00–16:00" in message.body
    visit.refresh_from_db()
    assert visit.reminded == ["eve"]


def test_the_morning_reminder_goes_once(visit, ural):
    schedule.visit_reminders_send(at(ural, DAY - datetime.timedelta(1), 18, 5))
    morning = at(ural, DAY, 8, 0)
    assert schedule.visit_reminders_send(morning) == 1
    assert schedule.visit_reminders_send(morning + datetime.timedelta(minutes=15)) == 0
    bodies = list(Message.objects.order_by("id").values_list("body", flat=True))
    assert len(bodies) == 2 and "сегодня, 13.03, 14:00–16:00" in bodies[1]
    visit.refresh_from_db()
    assert visit.reminded == ["eve", "morning"]


def test_the_quiet_hours_hold_a_late_eve_reminder_for_the_morning(visit, ural):
    from comms.models import ContactKind, ContactPolicy, Purpose

    ContactPolicy.objects.create(
        purpose=Purpose.SERVICE, kind=ContactKind.MESSAGE,
        workday_from=datetime.time(9), workday_to=datetime.time(18, 30),
        dayoff_from=datetime.time(10), dayoff_to=datetime.time(18),
    )  # fmt: skip
    # 18:45 on the eve: the rules allow nothing before 09:00 on the visit's day, so the eve's
    # message is not sent; the morning one goes at 09:00, not at 08:00.
    assert schedule.visit_reminders_send(at(ural, DAY - datetime.timedelta(1), 18, 45)) == 0
    assert schedule.visit_reminders_send(at(ural, DAY, 8, 0)) == 1
    message = Message.objects.get()
    assert message.not_before == at(ural, DAY, 9, 0)
    assert message.status == Message.Status.QUEUED


def test_the_command_sends_them_without_a_broker(visit, ural, monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "now", lambda: at(ural, DAY, 9, 0))
    call_command("visit_reminders")
    assert Message.objects.count() == 1

"""Campaigns (comms.campaigns): the preview after the contact rules, launch all or nothing,
the throttle, pause, resume and cancel, progress."""

import zoneinfo
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comms import outbox
from comms.campaigns import (
    campaign_cancel,
    campaign_launch,
    campaign_pause,
    campaign_preview,
    campaign_progress,
    campaign_resume,
)
from comms.consent import consent_give
from comms.models import Campaign, Contact, ContactRefusal, Gateway, Message
from comms.services import opt_out_set
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory, MessageTemplateFactory
from .test_outbox import Recorder

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture
def setup(db, monkeypatch):
    GatewayFactory(kind=Gateway.Kind.KANNEL, part_price=Decimal("2.50"))
    recorder = Recorder()
    monkeypatch.setattr(outbox, "adapter_for", recorder)
    tver = BranchFactory(name="Тверь", time_zone="Europe/Moscow")
    people = [
        SubscriberFactory(account=str(100 + i), branch=tver, phone=f"+7912000000{i}")
        for i in range(4)
    ]
    people[3].phone = ""
    people[3].save()
    for person in people:  # advertising needs prior consent (38-FZ, art. 18)
        consent_give(subscriber=person, channel="sms", source="contract")
    opt_out_set(subscriber=people[2], source="card")
    template = MessageTemplateFactory(purpose="marketing", body="{addressed}, {offer}. {operator}")
    head = UserFactory(roles=["head"])
    return {"recorder": recorder, "people": people, "template": template, "head": head}


def campaign(setup, **kwargs):
    fields = {
        "name": "Скорость",
        "template": setup["template"],
        "accounts": "100\n101, 102\n103\n999",
        "values": {"offer": "200 Мбит/с за 500 руб."},
        "starts_at": datetime(2030, 3, 5, 12, tzinfo=MOSCOW),  # a Tuesday, by day
    }
    return Campaign.objects.create(**{**fields, **kwargs})


def test_the_preview_counts_who_gets_it_after_the_rules_and_what_it_costs(setup):
    preview = campaign_preview(campaign(setup), setup["head"])
    assert (preview.recipients, preview.going, preview.refused, preview.no_address) == (
        4,
        2,
        1,
        1,
    )
    assert preview.parts == 2 and preview.cost == Decimal("5.00")


def test_a_launch_queues_each_message_with_its_values_and_reserves_the_contacts(setup):
    c = campaign(setup)
    counts = campaign_launch(campaign=c, by=setup["head"])
    assert counts["queued"] == 2 and counts["refused"] == 1 and counts["no_address"] == 1
    c.refresh_from_db()
    assert c.status == "running" and c.counts == counts
    going = Message.objects.filter(campaign=c, status="queued").order_by("to")
    assert [m.to for m in going] == ["+79120000000", "+79120000001"]
    assert going[0].body.endswith("200 Мбит/с за 500 руб.. Abonent")
    assert Message.objects.get(campaign=c, status="failed").error == "contact rules: opt_out"
    assert Contact.objects.filter(campaign=c).count() == 2
    assert ContactRefusal.objects.get().reason == "opt_out"
    with pytest.raises(ValidationError):
        campaign_launch(campaign=c, by=setup["head"])  # launched twice
    assert Message.objects.filter(campaign=c).count() == 3


def test_a_campaign_launched_at_night_is_deferred_to_the_morning_and_throttled(setup):
    night = datetime(2030, 3, 5, 23, tzinfo=MOSCOW)
    c = campaign(setup, starts_at=night, per_minute=1)
    campaign_launch(campaign=c, by=setup["head"])
    moments = sorted(
        Message.objects.filter(campaign=c, status="deferred").values_list("not_before", flat=True)
    )
    # Marketing waits for 10:00 on a working day.
    assert moments[0] == datetime(2030, 3, 6, 10, tzinfo=MOSCOW)
    assert ContactRefusal.objects.filter(reason="quiet_hours").count() == 2


def test_the_throttle_spreads_the_moments(setup):
    c = campaign(setup, per_minute=2)
    campaign_launch(campaign=c, by=setup["head"])
    moments = sorted(
        Message.objects.filter(campaign=c)
        .exclude(status="failed")
        .values_list("not_before", flat=True)
    )
    assert moments[1] - moments[0] == timedelta(seconds=30)


def test_pause_holds_resume_releases_and_cancel_takes_back(setup):
    c = campaign(setup, starts_at=timezone.now() - timedelta(minutes=1))
    campaign_launch(campaign=c, by=setup["head"])
    waiting = Message.objects.filter(campaign=c).exclude(status="failed")
    # Whatever the hour now, make the messages due.
    waiting.update(not_before=timezone.now() - timedelta(seconds=1))
    campaign_pause(campaign=c, by=setup["head"])
    outbox.dispatch()
    assert setup["recorder"].got == []
    with pytest.raises(ValidationError):
        campaign_pause(campaign=c, by=setup["head"])
    campaign_resume(campaign=c, by=setup["head"])
    Message.objects.filter(pk=waiting.first().pk).update(
        not_before=timezone.now() + timedelta(days=1)
    )
    outbox.dispatch()
    assert len(setup["recorder"].got) == 1
    progress = campaign_progress(c)
    assert progress["total"] == 3 and progress["sent"] == 1 and progress["percent"] == 67
    campaign_cancel(campaign=c, by=setup["head"])
    assert Message.objects.filter(campaign=c, status="cancelled").count() == 1
    assert Contact.objects.filter(campaign=c).count() == 1  # the one made stays counted
    with pytest.raises(ValidationError):
        campaign_resume(campaign=c, by=setup["head"])


def test_a_campaign_without_recipients_or_with_an_inactive_template_is_not_launched(setup):
    with pytest.raises(ValidationError):
        campaign_launch(campaign=campaign(setup, accounts=""), by=setup["head"])
    setup["template"].active = False
    setup["template"].save()
    with pytest.raises(ValidationError):
        campaign_launch(campaign=campaign(setup, name="x"), by=setup["head"])
    assert not Message.objects.exists()


def test_a_user_launches_to_their_own_branches_only(setup):
    SubscriberFactory(account="999", branch=BranchFactory(name="Урал"), phone="+79990000000")
    tver_only = UserFactory(roles=["head"], branches=[setup["people"][0].branch])
    preview = campaign_preview(campaign(setup), tver_only)
    assert preview.recipients == 4
    assert campaign_preview(campaign(setup, name="y"), setup["head"]).recipients == 5

"""A marketing campaign or call list reaches only those who consented to advertising on its
channel: the reach counts those left out apart from the opt-outs, a launch writes them no
message, and one to nobody who consented sends nothing and says so."""

import zoneinfo
from datetime import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comms import calllists, outbox
from comms.campaigns import campaign_launch, campaign_preview
from comms.consent import consent_give, consent_withdraw
from comms.models import CallList, CallListEntry, Campaign, ContactRefusal, Gateway, Message
from comms.services import opt_out_set
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory, MessageTemplateFactory, script_published
from .test_outbox import Recorder

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
NOON = datetime(2030, 3, 5, 12, tzinfo=MOSCOW)  # a Tuesday


@pytest.fixture
def world(db, monkeypatch):
    GatewayFactory(kind=Gateway.Kind.KANNEL, part_price=Decimal("2.50"))
    monkeypatch.setattr(outbox, "adapter_for", Recorder())
    tver = BranchFactory(name="Тверь", time_zone="Europe/Moscow")
    people = [
        SubscriberFactory(account=str(700 + i), branch=tver, phone=f"+7912700000{i}")
        for i in range(5)
    ]
    # 700, 701 consented by SMS and calls; 702 consented but opted out; 703 withdrew; 704 never.
    for person in people[:4]:
        for channel in ("sms", "call"):
            consent_give(subscriber=person, channel=channel, source="contract")
    opt_out_set(subscriber=people[2], source="card")
    for channel in ("sms", "call"):
        consent_withdraw(subscriber=people[3], channel=channel, withdrawal="card")
    return {"people": people, "head": UserFactory(roles=["head"]), "branch": tver}


def sms_campaign(purpose="marketing", accounts="700\n701\n702\n703\n704"):
    template = MessageTemplateFactory(purpose=purpose, body="Скорость вдвое. {operator}")
    return Campaign.objects.create(
        name="Акция", template=template, accounts=accounts, starts_at=NOON
    )


def call_campaign(purpose="marketing"):
    return Campaign.objects.create(
        name="Обзвон",
        script=script_published(purpose=purpose),
        accounts="700\n701\n702\n703\n704",
        starts_at=NOON,
    )


def test_the_reach_counts_those_without_consent_apart_from_the_opt_outs(world):
    preview = campaign_preview(sms_campaign(), world["head"])
    assert (preview.recipients, preview.going, preview.refused, preview.no_consent) == (5, 2, 1, 2)


def test_a_service_campaign_needs_no_consent(world):
    preview = campaign_preview(sms_campaign(purpose="service"), world["head"])
    assert (preview.going, preview.no_consent) == (5, 0)


def test_a_launch_sends_only_to_those_who_consented_and_keeps_the_count(world):
    campaign = sms_campaign()
    counts = campaign_launch(campaign=campaign, by=world["head"])
    assert counts["no_consent"] == 2 and counts["refused"] == 1
    assert counts["queued"] + counts["deferred"] == 2
    going = Message.objects.filter(campaign=campaign).exclude(status="failed")
    assert set(going.values_list("subscriber__account", flat=True)) == {"700", "701"}
    # Those without consent get no message at all, only a line in the log of refusals.
    assert not Message.objects.filter(subscriber__account__in=["703", "704"]).exists()
    assert ContactRefusal.objects.filter(reason="no_consent").count() == 2
    campaign.refresh_from_db()
    assert campaign.counts["no_consent"] == 2


def test_the_launch_reads_the_consents_in_one_query(world):
    campaign_launch(campaign=sms_campaign(accounts="701"), by=world["head"])  # warms caches
    with CaptureQueriesContext(connection) as few:  # one who consented, one who did not
        campaign_launch(campaign=sms_campaign(accounts="700\n704"), by=world["head"])
    for person in range(30):
        SubscriberFactory(account=f"8{person:02d}", branch=world["branch"], phone="+79127000001")
    accounts = "\n".join(["700"] + [f"8{person:02d}" for person in range(30)])
    with CaptureQueriesContext(connection) as many:
        campaign_launch(campaign=sms_campaign(accounts=accounts), by=world["head"])
    assert len(many) == len(few)


def test_a_campaign_to_nobody_who_consented_sends_nothing_and_says_so(world, client):
    campaign = sms_campaign(accounts="703\n704")
    client.force_login(world["head"])
    page = client.get(reverse("comms:campaign", kwargs={"pk": campaign.pk}))
    assert 'id="preview-nobody-consented"' in page.content.decode()
    counts = campaign_launch(campaign=campaign, by=world["head"])
    assert (counts["queued"], counts["deferred"], counts["no_consent"]) == (0, 0, 2)
    assert not Message.objects.filter(campaign=campaign).exists()
    page = client.get(reverse("comms:campaign", kwargs={"pk": campaign.pk}))
    html = page.content.decode()
    assert 'id="counts-nobody-consented"' in html
    assert 'id="counts-no-consent">2<' in html


# -- call lists --------------------------------------------------------------------------------
def test_a_marketing_call_list_preview_counts_those_without_consent(world):
    preview = campaign_preview(call_campaign(), world["head"])
    assert (preview.going, preview.refused, preview.no_consent) == (2, 1, 2)


def test_a_marketing_call_list_takes_only_those_who_consented(world):
    campaign = call_campaign()
    counts = campaign_launch(campaign=campaign, by=world["head"])
    assert (counts["queued"], counts["no_consent"], counts["no_address"]) == (3, 2, 0)
    entries = CallListEntry.objects.filter(call_list__campaign=campaign)
    assert set(entries.values_list("subscriber__account", flat=True)) == {"700", "701", "702"}


def test_a_debt_call_list_takes_everyone_with_a_phone(world):
    counts = campaign_launch(campaign=call_campaign(purpose="debt"), by=world["head"])
    assert (counts["queued"], counts["no_consent"]) == (5, 0)


def test_a_consent_withdrawn_after_the_launch_takes_the_entry_off_the_list(world):
    campaign = call_campaign()
    campaign_launch(campaign=campaign, by=world["head"])
    consent_withdraw(subscriber=world["people"][0], channel="call", withdrawal="card")
    operator = UserFactory(roles=["operator"], branches=[world["branch"]])
    taken = calllists.entry_take_next(user=operator, now=NOON)
    assert taken.subscriber.account == "701"
    gone = CallList.objects.get(campaign=campaign).entries.get(subscriber__account="700")
    assert (gone.status, gone.outcome) == (CallListEntry.Status.REFUSED, "no_consent")

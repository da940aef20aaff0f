"""Consent to advertising (comms.consent, 38-FZ art. 18): given, withdrawn and given again with
its history; the contact rules refuse marketing without it on the contact's channel, an
opt-out still refuses, service and debt contacts need none; an incoming STOP withdraws the SMS
consent."""

import zoneinfo
from datetime import datetime

import pytest
from django.core.exceptions import ValidationError

from comms import outbox
from comms.consent import consent_give, consent_withdraw, consenting, has_consent
from comms.models import Consent, ContactRefusal, Gateway, Message
from comms.services import contact_plan, opt_out_set
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
NOON = datetime(2030, 3, 5, 12, tzinfo=MOSCOW)  # a Tuesday, within every rule's hours


@pytest.fixture
def person(db):
    return SubscriberFactory(
        branch=BranchFactory(name="Тверь", time_zone="Europe/Moscow"),
        phone="+79123456789",
        email="ivanov@mail.ru",
    )


def plan(subscriber, *, purpose="marketing", kind="message", channel="sms"):
    return contact_plan(
        subscriber=subscriber, kind=kind, purpose=purpose, channel=channel, asked=NOON
    )


def test_it_gives_a_consent_with_how_and_by_whom(person):
    clerk = UserFactory()
    consent = consent_give(
        subscriber=person, channel="sms", source="contract", by=clerk, note="Договор 17/2030"
    )
    assert (consent.source, consent.given_by, consent.note, consent.active) == (
        "contract",
        clerk,
        "Договор 17/2030",
        True,
    )
    assert has_consent(subscriber=person, channel="sms")
    assert not has_consent(subscriber=person, channel="email")


def test_giving_twice_while_it_holds_changes_nothing(person):
    first = consent_give(subscriber=person, channel="sms", source="contract", note="Д-1")
    again = consent_give(subscriber=person, channel="sms", source="web", note="другое")
    again.refresh_from_db()
    assert (again.pk, again.given_at, again.source, again.note) == (
        first.pk,
        first.given_at,
        "contract",
        "Д-1",
    )
    assert first.history.count() == 1


def test_it_withdraws_and_a_second_withdrawal_changes_nothing(person):
    clerk = UserFactory()
    consent_give(subscriber=person, channel="call", source="call")
    withdrawn = consent_withdraw(subscriber=person, channel="call", withdrawal="card", by=clerk)
    assert (withdrawn.active, withdrawn.withdrawal, withdrawn.withdrawn_by) == (
        False,
        "card",
        clerk,
    )
    moment = withdrawn.withdrawn_at
    consent_withdraw(subscriber=person, channel="call", withdrawal="stop")
    withdrawn.refresh_from_db()
    assert (withdrawn.withdrawn_at, withdrawn.withdrawal) == (moment, "card")
    assert withdrawn.history.count() == 2


def test_withdrawing_a_consent_never_given_writes_nothing(person):
    assert consent_withdraw(subscriber=person, channel="sms", withdrawal="card") is None
    assert not Consent.objects.exists()


def test_giving_again_after_a_withdrawal_reopens_it(person):
    consent_give(subscriber=person, channel="sms", source="billing")
    consent_withdraw(subscriber=person, channel="sms", withdrawal="stop")
    clerk = UserFactory()
    again = consent_give(subscriber=person, channel="sms", source="web", by=clerk, note="сайт")
    assert (again.active, again.withdrawal, again.withdrawn_by, again.source, again.given_by) == (
        True,
        "",
        None,
        "web",
        clerk,
    )
    assert Consent.objects.count() == 1
    kinds = list(again.history.order_by("history_id").values_list("withdrawal", "source"))
    assert kinds == [("", "billing"), ("stop", "billing"), ("", "web")]


def test_an_unknown_channel_or_source_is_refused(person):
    with pytest.raises(ValidationError):
        consent_give(subscriber=person, channel="fax", source="card")
    with pytest.raises(ValidationError):
        consent_give(subscriber=person, channel="sms", source="rumour")
    assert not Consent.objects.exists()


def test_consenting_lists_only_active_consents_of_the_channel(person):
    other = SubscriberFactory()
    gone = SubscriberFactory()
    consent_give(subscriber=person, channel="sms", source="card")
    consent_give(subscriber=other, channel="email", source="card")
    consent_give(subscriber=gone, channel="sms", source="card")
    consent_withdraw(subscriber=gone, channel="sms", withdrawal="card")
    ids = set(consenting(channel="sms").values_list("subscriber_id", flat=True))
    assert ids == {person.pk}


# -- the contact rules -------------------------------------------------------------------------
def test_marketing_without_consent_is_refused_and_logged(person):
    verdict = plan(person)
    assert verdict.at is None and verdict.reason == "no_consent"
    refusal = ContactRefusal.objects.get()
    assert (refusal.decision, refusal.reason, refusal.purpose) == (
        "refused",
        "no_consent",
        "marketing",
    )


def test_marketing_asks_the_consent_of_its_own_channel(person):
    consent_give(subscriber=person, channel="sms", source="contract")
    assert plan(person, channel="sms").at == NOON
    assert plan(person, channel="email").reason == "no_consent"
    assert plan(person, kind="call", channel="").reason == "no_consent"
    consent_give(subscriber=person, channel="call", source="call")
    assert plan(person, kind="call", channel="").at == NOON


def test_a_withdrawn_consent_refuses_marketing(person):
    consent_give(subscriber=person, channel="sms", source="contract")
    consent_withdraw(subscriber=person, channel="sms", withdrawal="card")
    assert plan(person).reason == "no_consent"


def test_an_opt_out_still_refuses_marketing_to_one_who_consented(person):
    consent_give(subscriber=person, channel="sms", source="contract")
    opt_out_set(subscriber=person, source="card")
    assert plan(person).reason == "opt_out"


@pytest.mark.parametrize("purpose", ["service", "debt", "survey"])
def test_other_purposes_need_no_consent(person, purpose):
    assert plan(person, purpose=purpose).at == NOON
    assert not ContactRefusal.objects.filter(reason="no_consent").exists()


def test_the_outbox_writes_a_marketing_message_without_consent_as_failed(person):
    GatewayFactory(kind=Gateway.Kind.KANNEL)
    common = {"subscriber": person, "to": person.phone, "body": "Скидка", "not_before": NOON}
    refused = outbox.message_queue(channel="sms", purpose="marketing", **common)
    assert (refused.status, refused.error) == (Message.Status.FAILED, "contact rules: no_consent")
    service = outbox.message_queue(channel="sms", purpose="service", **common)
    assert service.status == Message.Status.QUEUED
    consent_give(subscriber=person, channel="sms", source="contract")
    assert outbox.message_queue(channel="sms", purpose="marketing", **common).status == "queued"


def test_an_e_mail_advert_asks_the_e_mail_consent(person):
    GatewayFactory(name="SMTP", kind=Gateway.Kind.SMTP)
    consent_give(subscriber=person, channel="sms", source="contract")
    letter = outbox.message_queue(
        channel="email",
        purpose="marketing",
        subscriber=person,
        to=person.email,
        subject="Акция",
        body="Скидка",
        not_before=NOON,
    )
    assert letter.status == Message.Status.FAILED and "no_consent" in letter.error


# -- STOP --------------------------------------------------------------------------------------
def test_stop_withdraws_the_sms_consent_and_opts_out(person):
    from comms.models import OptOut

    consent_give(subscriber=person, channel="sms", source="contract")
    consent_give(subscriber=person, channel="email", source="contract")
    outbox.incoming_record(sender="8 912 345-67-89", receiver="0000", text="STOP")
    sms = Consent.objects.get(channel="sms")
    assert (sms.active, sms.withdrawal) == (False, "stop")
    assert Consent.objects.get(channel="email").active  # STOP by SMS speaks for SMS only
    assert OptOut.objects.filter(subscriber=person).exists()


def test_another_word_withdraws_nothing(person):
    consent_give(subscriber=person, channel="sms", source="contract")
    outbox.incoming_record(sender="+79123456789", receiver="0000", text="спасибо")
    assert Consent.objects.get().active


def test_stop_through_kannel_s_address_withdraws_the_consent(client, person):
    consent_give(subscriber=person, channel="sms", source="contract")
    url = outbox.mo_url().replace("http://127.0.0.1:8000", "")
    assert client.get(url, {"from": "+79123456789", "text": "СТОП"}).status_code == 200
    assert Consent.objects.get().withdrawal == "stop"

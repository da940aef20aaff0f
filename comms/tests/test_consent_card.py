"""The card's Communications tab shows each channel's consent to advertising and lets those who
talk to subscribers give it (how, with a note) or withdraw it: POST only, audited, a form
sent twice changes nothing, another branch's subscriber is not found, a role without the
right is refused."""

import pytest
from django.urls import reverse

from comms.consent import consent_give
from comms.models import Consent
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tver(db):
    return BranchFactory(name="Тверь", time_zone="Europe/Moscow")


@pytest.fixture
def subscriber(tver):
    return SubscriberFactory(branch=tver)


@pytest.fixture
def operator(tver):
    return UserFactory(username="olga", roles=["operator"], branches=[tver])


def url(subscriber):
    return reverse("comms:consent", kwargs={"pk": subscriber.pk})


def card(client, subscriber) -> str:
    return client.get(reverse("subscribers:card", kwargs={"pk": subscriber.pk})).content.decode()


def test_an_operator_records_a_consent_with_its_source_and_note(client, operator, subscriber):
    client.force_login(operator)
    assert 'id="consent-sms-give"' in card(client, subscriber)
    data = {"action": "give", "channel": "sms", "source": "contract", "note": "Договор 17/2030"}
    response = client.post(url(subscriber), data)
    assert response.status_code == 302 and response["Location"].endswith("#tab-comms")
    consent = Consent.objects.get()
    assert (consent.channel, consent.source, consent.note, consent.given_by, consent.active) == (
        "sms",
        "contract",
        "Договор 17/2030",
        operator,
        True,
    )
    assert consent.history.get().history_user == operator
    html = card(client, subscriber)
    assert "Договор 17/2030" in html and 'id="consent-sms-withdraw"' in html


def test_a_consent_given_twice_is_recorded_once(client, operator, subscriber):
    client.force_login(operator)
    data = {"action": "give", "channel": "call", "source": "call", "note": "запись 1"}
    client.post(url(subscriber), data)
    client.post(url(subscriber), {**data, "note": "запись 2"})  # the form sent twice
    consent = Consent.objects.get()
    assert consent.note == "запись 1" and consent.history.count() == 1


def test_an_operator_withdraws_a_consent_and_the_card_says_when_and_by_whom(
    client, operator, subscriber
):
    consent_give(subscriber=subscriber, channel="email", source="web")
    client.force_login(operator)
    data = {"action": "withdraw", "channel": "email"}
    assert client.post(url(subscriber), data).status_code == 302
    client.post(url(subscriber), data)  # the form sent twice
    consent = Consent.objects.get()
    assert (consent.active, consent.withdrawal, consent.withdrawn_by) == (False, "card", operator)
    assert consent.history.count() == 2
    html = card(client, subscriber)
    assert 'id="consent-email-give"' in html and "olga" in html


def test_a_consent_without_how_it_was_given_is_refused_with_the_reason(
    client, operator, subscriber
):
    client.force_login(operator)
    response = client.post(
        url(subscriber), {"action": "give", "channel": "sms", "source": ""}, follow=True
    )
    assert "Say how the subscriber gave the consent." in response.content.decode()
    assert not Consent.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "give", "channel": "fax", "source": "card"},
        {"action": "give", "channel": "sms", "source": "billing"},  # only the import says so
        {"action": "maybe", "channel": "sms", "source": "card"},
        {"action": "give", "channel": "sms", "source": "card", "note": "x" * 201},
    ],
)
def test_a_bad_form_writes_nothing(client, operator, subscriber, data):
    client.force_login(operator)
    response = client.post(url(subscriber), data, follow=True)
    assert response.status_code == 200 and 'class="alert' in response.content.decode()
    assert not Consent.objects.exists()


def test_it_takes_only_a_post(client, operator, subscriber):
    client.force_login(operator)
    assert client.get(url(subscriber)).status_code == 405
    assert not Consent.objects.exists()


def test_another_branch_s_subscriber_is_not_found(client, operator):
    stranger = SubscriberFactory(branch=BranchFactory(name="Урал"))
    client.force_login(operator)
    data = {"action": "give", "channel": "sms", "source": "card"}
    assert client.post(url(stranger), data).status_code == 404
    assert not Consent.objects.exists()


def test_a_role_that_only_reads_the_rules_sees_the_consents_but_may_not_change_them(
    client, tver, subscriber
):
    consent_give(subscriber=subscriber, channel="sms", source="contract", note="Д-5")
    trainer = UserFactory(roles=["trainer"], branches=[tver])
    client.force_login(trainer)
    data = {"action": "withdraw", "channel": "sms"}
    assert client.post(url(subscriber), data).status_code == 403
    assert Consent.objects.get().active
    html = card(client, subscriber)
    assert "Д-5" in html and 'id="consent-sms-withdraw"' not in html


def test_the_form_needs_its_csrf_token(operator, subscriber):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(operator)
    data = {"action": "give", "channel": "sms", "source": "card"}
    assert strict.post(url(subscriber), data).status_code == 403
    assert not Consent.objects.exists()

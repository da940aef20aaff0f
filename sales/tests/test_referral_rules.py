"""The refer-a-friend rules' page: the head changes them, others read them, bad input changes
nothing, the history says who changed what; the reward recorded on a friend's connection and
the script's placeholders read them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comms import placeholders
from core.tests.factories import UserFactory
from sales.models import ReferralProgramme, ReferralReward
from sales.referrals import programme_rules, referral_reward_record, reward_amount
from subscribers.tests.factories import SubscriberFactory

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("sales:settings")
RULES = reverse("sales:settings_referral")
PROGRAMME = reverse("sales:referrals")


def rules(**fields):
    return {
        "active": "on", "referrer_reward": "500", "friend_bonus": "a month free",
        "conditions": "", **fields,
    }  # fmt: skip


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


def test_the_defaults_hold_until_the_rules_are_saved(settings):
    settings.ABONENT_REFERRAL_REWARD = "250"
    rules_now = programme_rules()
    assert rules_now.pk is None and rules_now.active and rules_now.friend_bonus
    assert reward_amount() == Decimal("250")


def test_the_rules_are_saved_with_their_history(head_client, head):
    head_client.post(RULES, rules())
    head_client.post(RULES, rules(referrer_reward="600", friend_bonus="a free router"))
    saved = ReferralProgramme.objects.get()
    assert (saved.referrer_reward, saved.friend_bonus) == (Decimal("600"), "a free router")
    html = head_client.get(PAGE).content.decode()
    assert "500.00 → 600.00" in html and "a month free → a free router" in html
    assert head.username in html


def test_the_programme_page_states_the_rules_and_links_to_them(head_client):
    head_client.post(RULES, rules())
    html = head_client.get(PROGRAMME).content.decode()
    assert 'id="referral-rules"' in html and "a month free" in html and "500" in html
    head_client.post(RULES, rules(active=""))
    assert "switched off" in head_client.get(PROGRAMME).content.decode()


@pytest.mark.parametrize("role", ["coordinator", "supervisor"])
def test_others_read_but_may_not_change(client, ural, role):
    client.force_login(UserFactory(username=role, roles=[role], branches=[ural]))
    assert 'id="settings-referral"' in client.get(PAGE).content.decode()
    assert client.post(RULES, rules()).status_code == 403
    assert not ReferralProgramme.objects.exists()


def test_saving_posts_only(head_client):
    assert head_client.get(RULES).status_code == 405
    assert not ReferralProgramme.objects.exists()


def test_a_double_submit_saves_one_row_of_rules(head_client):
    head_client.post(RULES, rules())
    head_client.post(RULES, rules())
    assert ReferralProgramme.objects.count() == 1
    assert ReferralProgramme.history.count() == 1


def test_a_negative_reward_is_refused(head_client):
    response = head_client.post(RULES, rules(referrer_reward="-1"))
    assert response.status_code == 400
    assert "The reward cannot be negative." in response.content.decode()
    assert not ReferralProgramme.objects.exists()


def test_a_programme_on_must_say_what_the_friend_gets(head_client):
    response = head_client.post(RULES, rules(friend_bonus=" "))
    assert response.status_code == 400
    assert "Say what the friend gets" in response.content.decode()
    assert not ReferralProgramme.objects.exists()


def test_the_reward_recorded_on_connection_is_the_rules_one(head_client, ural):
    head_client.post(RULES, rules())
    referrer = SubscriberFactory(branch=ural)
    friend = ApplicationFactory(referrer=referrer, state="connected")
    assert referral_reward_record(friend).amount == Decimal("500")
    head_client.post(RULES, rules(referrer_reward="700"))
    assert referral_reward_record(friend).amount == Decimal("500")  # earned once, kept
    assert ReferralReward.objects.get().amount == Decimal("500")


def test_the_reward_is_earned_on_the_friends_connection_only(ural):
    referrer = SubscriberFactory(branch=ural)
    friend = ApplicationFactory(referrer=referrer, state="new")
    assert referral_reward_record(friend) is None
    assert not ReferralReward.objects.exists()


def test_the_script_reads_the_rules_to_callers(head_client, ural):
    head_client.post(RULES, rules(friend_bonus="a month free"))
    subscriber = SubscriberFactory(branch=ural)
    text = placeholders.render("{referrer_reward}; {friend_bonus}; {referral_code}", subscriber)
    reward, bonus, code = text.split("; ")
    assert reward.startswith("500") and bonus == "a month free" and len(code) == 6
    assert code == subscriber.referral_code.code  # made on first use, kept

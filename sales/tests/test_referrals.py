"""Refer a friend: unique codes, the reward recorded once on connection, the export for billing
marked once, the programme's page and the card's tab."""

import io

import openpyxl
import pytest
from django.urls import reverse

from core.tests.factories import BranchFactory, UserFactory
from sales import referrals
from sales.models import ReferralCode, ReferralReward
from sales.referrals import (
    ALPHABET,
    referral_code_for,
    referral_reward_record,
    referrer_by_code,
    rewards_mark_exported,
    rewards_pending,
    rewards_xlsx,
)
from subscribers.tests.factories import BuildingFactory, SubscriberFactory

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def branch(db):
    return BranchFactory(name="Moscow")


@pytest.fixture
def friend_of(branch):
    def make(referrer, state="connected"):
        return ApplicationFactory(
            building=BuildingFactory(street__city__branch=branch), referrer=referrer, state=state
        )

    return make


@pytest.fixture
def head(db):
    return UserFactory(username="ref-head", roles=["head"])


def test_each_subscriber_gets_one_short_unambiguous_code(branch):
    people = SubscriberFactory.create_batch(30, branch=branch)
    codes = [referral_code_for(p).code for p in people]
    assert len(set(codes)) == 30
    assert all(len(c) == 6 and set(c) <= set(ALPHABET) for c in codes)
    assert referral_code_for(people[0]).code == codes[0]
    assert ReferralCode.objects.count() == 30


def test_a_clash_of_codes_is_retried(branch, monkeypatch):
    first, second = SubscriberFactory.create_batch(2, branch=branch)
    drawn = iter(["AAAAAA", "AAAAAA", "BBBBBB"])
    monkeypatch.setattr(referrals, "code_new", lambda: next(drawn))
    assert referral_code_for(first).code == "AAAAAA"
    assert referral_code_for(second).code == "BBBBBB"


def test_a_code_finds_its_subscriber_as_typed(branch):
    person = SubscriberFactory(branch=branch)
    code = referral_code_for(person).code
    assert referrer_by_code(f" {code[:3].lower()}-{code[3:]} ") == person
    assert referrer_by_code("ZZZZZZ") is None and referrer_by_code("") is None


def test_the_reward_is_recorded_once_on_connection(branch, friend_of, settings):
    settings.ABONENT_REFERRAL_REWARD = 500
    referrer = SubscriberFactory(branch=branch)
    application = friend_of(referrer)
    reward = referral_reward_record(application)
    assert (reward.referrer, reward.amount) == (referrer, 500)
    assert referral_reward_record(application) == reward
    assert ReferralReward.objects.count() == 1


def test_the_default_reward_is_300(branch, friend_of, settings):
    del settings.ABONENT_REFERRAL_REWARD
    assert referral_reward_record(friend_of(SubscriberFactory(branch=branch))).amount == 300


def test_no_reward_before_connection_or_without_a_referrer(branch, friend_of):
    assert referral_reward_record(friend_of(SubscriberFactory(branch=branch), "new")) is None
    assert referral_reward_record(friend_of(None)) is None
    assert not ReferralReward.objects.exists()


def test_the_export_lists_the_pending_and_marking_is_idempotent(branch, friend_of, head):
    referrer = SubscriberFactory(branch=branch, account="777001")
    rewards = [referral_reward_record(friend_of(referrer)) for _i in range(2)]
    book = openpyxl.load_workbook(io.BytesIO(rewards_xlsx(rewards_pending(user=head))))
    lines = list(book.active.values)
    assert len(lines) == 3 and lines[1][1] == "777001"
    ids = [r.pk for r in rewards]
    assert rewards_mark_exported(user=head, ids=ids) == 2
    first = ReferralReward.objects.get(pk=ids[0]).exported_at
    assert rewards_mark_exported(user=head, ids=ids) == 0
    assert ReferralReward.objects.get(pk=ids[0]).exported_at == first
    assert not rewards_pending(user=head).exists()


def test_marking_stays_in_the_users_branches(branch, friend_of):
    other = UserFactory(username="other", branches=[BranchFactory(name="Elsewhere")])
    reward = referral_reward_record(friend_of(SubscriberFactory(branch=branch)))
    assert rewards_mark_exported(user=other, ids=[reward.pk]) == 0


# -- the pages ----------------------------------------------------------------------------------
def test_the_programme_page_shows_the_figures(client, head, branch, friend_of):
    referrer = SubscriberFactory(branch=branch)
    referral_code_for(referrer)
    referral_reward_record(friend_of(referrer))
    friend_of(referrer, "new")
    client.force_login(head)
    response = client.get(reverse("sales:referrals"))
    assert response.status_code == 200
    programme = response.context["programme"]
    assert (programme.codes, programme.referred, programme.connected, programme.pending) == (
        1, 2, 1, 1,
    )  # fmt: skip


def test_the_programme_page_is_the_heads(client, branch):
    client.force_login(UserFactory(username="agent", roles=["sales_agent"], branches=[branch]))
    assert client.get(reverse("sales:referrals")).status_code == 403
    assert client.get(reverse("sales:referral_export")).status_code == 403


def test_the_export_downloads_and_is_marked_by_post(client, branch, friend_of):
    accountant = UserFactory(
        username="acc", perms=["sales.view_referralreward", "sales.change_referralreward"]
    )
    reward = referral_reward_record(friend_of(SubscriberFactory(branch=branch)))
    client.force_login(accountant)
    response = client.get(reverse("sales:referral_export"))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert client.get(reverse("sales:referral_export_mark")).status_code == 405
    assert (
        client.post(reverse("sales:referral_export_mark"), {"reward": reward.pk}).status_code == 302
    )
    reward.refresh_from_db()
    assert reward.exported_at is not None


def test_the_card_tab_issues_and_shows_the_code(client, head, branch, friend_of):
    person = SubscriberFactory(branch=branch)
    client.force_login(head)
    card = reverse("subscribers:card", kwargs={"pk": person.pk})
    assert "referral-issue" in client.get(card).text
    response = client.post(reverse("sales:referral_code_issue", kwargs={"pk": person.pk}))
    assert response.status_code == 302
    friend_of(person)
    page = client.get(card).text
    assert person.referral_code.code in page and "Friends brought" in page

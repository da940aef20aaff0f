"""The contact rules' pages: the rules and the calendar, editing a rule, the opt-out on the
card, the registry of refused and deferred contacts; who may; bad input changes nothing."""

import zoneinfo
from datetime import date, datetime, time

import pytest
from django.urls import reverse

from comms.models import CalendarDay, ContactPolicy, ContactRefusal, OptOut
from comms.services import contact_plan
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
RULES = reverse("comms:rules")
DEBT_CALLS = reverse("comms:rule_edit", kwargs={"purpose": "debt", "kind": "call"})
REFUSALS = reverse("registry", kwargs={"name": "contact_refusals"})


def rule(**data):
    return {
        "workday_from": "09:00",
        "workday_to": "21:00",
        "dayoff_from": "10:00",
        "dayoff_to": "18:00",
        "per_day": "1",
        "per_week": "3",
        "per_month": "10",
        **data,
    }


def test_the_rules_page_shows_the_230_fz_defaults(client, operator):
    client.force_login(operator)
    response = client.get(RULES)
    html = response.content.decode()
    assert response.status_code == 200
    debt_calls = html[html.index('id="rule-debt-call"') :].split("</tr>")[0]
    assert "08:00–22:00" in debt_calls and "09:00–20:00" in debt_calls
    assert ">1<" in debt_calls and ">2<" in debt_calls and ">8<" in debt_calls
    assert DEBT_CALLS not in html  # an operator may not change them


def test_the_head_changes_a_rule_and_it_applies(client, head, tver):
    client.force_login(head)
    assert client.post(DEBT_CALLS, rule()).status_code == 302
    policy = ContactPolicy.objects.get(purpose="debt", kind="call")
    assert (policy.workday_from, policy.per_week) == (time(9), 3)
    assert client.post(DEBT_CALLS, rule(per_day="2")).status_code == 302
    assert ContactPolicy.objects.get().per_day == 2  # saved again, not twice
    subscriber = SubscriberFactory(branch=tver)
    asked = datetime(2026, 11, 25, 8, 30, tzinfo=MOSCOW)
    verdict = contact_plan(subscriber=subscriber, kind="call", purpose="debt", asked=asked)
    assert verdict.at == datetime(2026, 11, 25, 9, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    "data, field",
    [
        ({"workday_to": "08:00"}, "workday_to"),
        ({"per_week": "0"}, "per_week"),
        ({"per_month": "2"}, "per_month"),
        ({"per_day": "-1"}, "per_day"),
        ({"dayoff_from": "25:00"}, "dayoff_from"),
    ],
)
def test_a_bad_rule_is_refused_and_nothing_changes(client, head, data, field):
    client.force_login(head)
    response = client.post(DEBT_CALLS, rule(**data))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not ContactPolicy.objects.exists()


def test_an_unknown_purpose_is_not_found_and_an_operator_may_not_edit(client, head, operator):
    client.force_login(head)
    url = reverse("comms:rule_edit", kwargs={"purpose": "spam", "kind": "call"})
    assert client.get(url).status_code == 404
    client.force_login(operator)
    assert client.post(DEBT_CALLS, rule()).status_code == 403
    assert client.post(reverse("comms:calendar_add"), {"date": "2026-12-31"}).status_code == 403
    assert not ContactPolicy.objects.exists() and not CalendarDay.objects.exists()


def test_the_head_corrects_the_calendar(client, head):
    client.force_login(head)
    add = reverse("comms:calendar_add")
    client.post(add, {"date": "2026-12-31", "working": "False", "note": "перенос"})
    assert CalendarDay.objects.get().working is False
    response = client.post(add, {"date": "2026-12-31", "working": "True"}, follow=True)
    assert "already exists" in response.content.decode()
    assert client.post(add, {"date": "31/31/2026", "working": "True"}).status_code == 302
    assert CalendarDay.objects.count() == 1
    day = CalendarDay.objects.get()
    client.post(reverse("comms:calendar_delete", kwargs={"pk": day.pk}))
    assert not CalendarDay.objects.exists()


def test_an_operator_stops_marketing_from_the_card(client, operator, tver):
    subscriber = SubscriberFactory(branch=tver)
    client.force_login(operator)
    card = reverse("subscribers:card", kwargs={"pk": subscriber.pk})
    assert 'id="opt-out-toggle"' in client.get(card).content.decode()
    url = reverse("comms:opt_out", kwargs={"pk": subscriber.pk})
    assert client.post(url, {"opt_out": "1"}).status_code == 302
    opt_out = OptOut.objects.get()
    assert (opt_out.subscriber, opt_out.source, opt_out.created_by) == (
        subscriber,
        "card",
        operator,
    )
    client.post(url, {"opt_out": "1"})  # a form sent twice
    assert OptOut.objects.count() == 1
    assert client.post(url, {"opt_out": "maybe"}).status_code == 400
    assert OptOut.objects.count() == 1
    client.post(url, {"opt_out": "0"})
    assert not OptOut.objects.exists()
    assert client.get(url).status_code == 405


def test_the_opt_out_of_another_branch_s_subscriber_is_not_found(client, operator):
    stranger = SubscriberFactory(branch=BranchFactory(name="Урал"))
    client.force_login(operator)
    url = reverse("comms:opt_out", kwargs={"pk": stranger.pk})
    assert client.post(url, {"opt_out": "1"}).status_code == 404
    trainer = UserFactory(roles=["trainer"])
    client.force_login(trainer)
    assert client.post(url, {"opt_out": "1"}).status_code == 403
    assert not OptOut.objects.exists()


def test_the_registry_lists_the_refusals_of_the_user_s_branches(client, operator, tver):
    ours = SubscriberFactory(account="111", branch=tver)
    theirs = SubscriberFactory(account="222", branch=BranchFactory(name="Урал"))
    night = datetime(2026, 11, 25, 23, 30, tzinfo=MOSCOW)
    for subscriber in (ours, theirs):
        contact_plan(subscriber=subscriber, kind="message", purpose="debt", asked=night)
    assert ContactRefusal.objects.count() == 2
    client.force_login(operator)
    response = client.get(REFUSALS, {"reason": "quiet_hours"})
    html = response.content.decode()
    assert response.status_code == 200 and "111" in html and "222" not in html
    assert date(2026, 11, 26) == ContactRefusal.objects.get(subscriber=ours).until.date()

"""Planning a contact under the rules (comms.services.contact_plan): the subscriber's local
time, the limits counted from what is already planned, the opt-out, the log of every deferral
and refusal, the operator's own rules and calendar."""

import zoneinfo
from datetime import date, datetime, time

import pytest

from comms.consent import consent_give
from comms.models import CalendarDay, Contact, ContactPolicy, ContactRefusal, OptOut
from comms.services import contact_plan, opt_out_clear, opt_out_set
from core.tests.factories import BranchFactory
from subscribers.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
YEKATERINBURG = zoneinfo.ZoneInfo("Asia/Yekaterinburg")


def at(y, m, d, hh, mm=0, zone=MOSCOW):
    return datetime(y, m, d, hh, mm, tzinfo=zone)


@pytest.fixture
def debtor(db):
    return SubscriberFactory(branch=BranchFactory(name="Центр", time_zone="Europe/Moscow"))


def plan(subscriber, asked, kind="call", purpose="debt"):
    return contact_plan(subscriber=subscriber, kind=kind, purpose=purpose, asked=asked)


def test_a_debt_call_by_day_is_planned_as_asked_and_counted(debtor):
    verdict = plan(debtor, at(2026, 11, 25, 12))
    assert verdict.at == at(2026, 11, 25, 12) and verdict.reason == ""
    assert Contact.objects.get().local_date == date(2026, 11, 25)
    assert not ContactRefusal.objects.exists()


def test_the_second_debt_call_of_a_day_is_deferred_and_logged(debtor):
    plan(debtor, at(2026, 11, 25, 12))
    verdict = plan(debtor, at(2026, 11, 25, 15))
    assert verdict.at == at(2026, 11, 26, 8)
    refusal = ContactRefusal.objects.get()
    assert (refusal.decision, refusal.reason, refusal.until) == (
        "deferred",
        "day_limit",
        at(2026, 11, 26, 8),
    )


def test_the_quiet_hours_are_the_subscriber_s_local_ones(db):
    ural = SubscriberFactory(branch=BranchFactory(name="Урал", time_zone="Asia/Yekaterinburg"))
    # 20:30 in Moscow is 22:30 in Yekaterinburg: too late there.
    verdict = plan(ural, at(2026, 11, 25, 20, 30))
    assert verdict.at == at(2026, 11, 26, 8, zone=YEKATERINBURG)
    assert ContactRefusal.objects.get().reason == "quiet_hours"


def test_a_public_holiday_has_the_day_off_hours(debtor):
    # 4 November, Unity Day, a Wednesday in 2026: not before 9.
    assert plan(debtor, at(2026, 11, 4, 8, 30)).at == at(2026, 11, 4, 9)


def test_the_operator_s_calendar_corrects_the_country_s(debtor):
    CalendarDay.objects.create(date=date(2026, 11, 25), working=False, note="перенос")
    CalendarDay.objects.create(date=date(2026, 11, 28), working=True, note="рабочая суббота")
    assert plan(debtor, at(2026, 11, 25, 8, 30)).at == at(2026, 11, 25, 9)
    assert plan(debtor, at(2026, 11, 28, 8, 30), kind="message").at == at(2026, 11, 28, 8, 30)


def test_an_opted_out_subscriber_gets_no_marketing_but_still_hears_about_the_debt(debtor):
    consent_give(subscriber=debtor, channel="sms", source="contract")
    opt_out_set(subscriber=debtor, source=OptOut.Source.CARD)
    opt_out_set(subscriber=debtor, source=OptOut.Source.STOP)  # twice is once
    refused = plan(debtor, at(2026, 11, 25, 12), kind="message", purpose="marketing")
    assert refused.at is None and refused.reason == "opt_out"
    assert ContactRefusal.objects.get().decision == "refused"
    assert plan(debtor, at(2026, 11, 25, 12), kind="message", purpose="debt").at is not None
    assert OptOut.objects.get().source == "card"
    opt_out_clear(subscriber=debtor)
    assert plan(debtor, at(2026, 11, 25, 12), kind="message", purpose="marketing").at
    assert Contact.objects.filter(purpose="marketing").count() == 1


def test_the_operator_s_own_rules_replace_the_defaults(debtor):
    ContactPolicy.objects.create(
        purpose="debt",
        kind="call",
        workday_from=time(10),
        workday_to=time(18),
        dayoff_from=time(12),
        dayoff_to=time(14),
        per_day=3,
    )
    assert plan(debtor, at(2026, 11, 25, 9)).at == at(2026, 11, 25, 10)
    assert plan(debtor, at(2026, 11, 25, 11)).at == at(2026, 11, 25, 11)
    assert plan(debtor, at(2026, 11, 25, 12)).at == at(2026, 11, 25, 12)
    assert plan(debtor, at(2026, 11, 25, 13)).at == at(2026, 11, 26, 10)


def test_the_limits_count_each_purpose_and_kind_apart(debtor):
    plan(debtor, at(2026, 11, 25, 12))
    assert plan(debtor, at(2026, 11, 25, 12), kind="message").at == at(2026, 11, 25, 12)
    assert plan(debtor, at(2026, 11, 25, 12), purpose="service").at == at(2026, 11, 25, 12)

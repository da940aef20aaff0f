"""Event messages (comms.triggers): each fires once per event, only where it is on; the key
holds against a second call and a concurrent one; a rolled-back event leaves nothing."""

import threading
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.utils import timezone

from comms import triggers
from comms.models import Consent, Message, TriggerFiring, TriggerSetting
from comms.services import standard_install
from comms.triggers import events
from core.tests.factories import BranchFactory
from subscribers.tests.factories import SubscriberFactory, TariffFactory

from .factories import GatewayFactory

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


@pytest.fixture(autouse=True)
def shipped(db):
    GatewayFactory(name="sms")
    GatewayFactory(name="mail", kind="smtp")
    standard_install(language="en")


PHONES = iter(range(10**6))


def person(**fields):
    """A subscriber with a phone of their own (Тверь's tariff of 500 a month by default)."""
    fields.setdefault("phone", f"+7912{next(PHONES):07d}")
    return SubscriberFactory(**fields)


def at(day: date, hour: int = 11, tz=MSK) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=tz)


def sent(code: str) -> list[Message]:
    return list(Message.objects.filter(template__code=code).order_by("pk"))


def turn(code: str, branch, enabled: bool = True, **fields) -> None:
    TriggerSetting.objects.update_or_create(
        trigger=code, branch=branch, defaults={"enabled": enabled, **fields}
    )


# -- fire ----------------------------------------------------------------------------------------
def test_a_key_fires_once_however_often_it_is_called(tver):
    s = SubscriberFactory(branch=tver, phone="+79120000001")
    first = triggers.fire("welcome", subscriber=s, key="subscriber:1")
    again = triggers.fire("welcome", subscriber=s, key="subscriber:1")
    assert first.message is not None and again.skipped == triggers.ALREADY
    assert len(sent("welcome")) == 1


def test_a_trigger_off_in_the_branch_sends_nothing_there(tver):
    s = SubscriberFactory(branch=tver, phone="+79120000001")
    turn("welcome", tver, enabled=False)
    assert triggers.fire("welcome", subscriber=s, key="k").skipped == triggers.OFF
    assert sent("welcome") == [] and not TriggerFiring.objects.exists()


def test_a_rolled_back_event_leaves_no_firing_and_no_message(tver):
    s = SubscriberFactory(branch=tver, phone="+79120000001")
    with pytest.raises(RuntimeError), transaction.atomic():
        triggers.fire("welcome", subscriber=s, key="k")
        raise RuntimeError
    assert not TriggerFiring.objects.exists() and sent("welcome") == []
    assert triggers.fire("welcome", subscriber=s, key="k").message is not None


def test_without_a_gateway_the_event_is_not_spent(tver):
    from comms.models import Gateway

    s = SubscriberFactory(branch=tver, phone="+79120000001")
    Gateway.objects.filter(kind="kannel").update(active=False)
    assert triggers.fire("welcome", subscriber=s, key="k").skipped == triggers.NO_GATEWAY
    Gateway.objects.update(active=True)
    assert triggers.fire("welcome", subscriber=s, key="k").message is not None


def test_a_subscriber_without_a_phone_spends_the_event_with_the_reason(tver):
    s = SubscriberFactory(branch=tver, phone="")
    fired = triggers.fire("welcome", subscriber=s, key="k")
    assert fired.message is None and "no sms address" in fired.skipped
    assert TriggerFiring.objects.get().note


@pytest.mark.django_db(transaction=True)
def test_two_calls_at_once_send_one_message():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite takes one writer at a time: nothing runs at once")
    s = SubscriberFactory(phone="+79120000001")
    barrier = threading.Barrier(2)
    results = []

    def one():
        try:
            with transaction.atomic():
                barrier.wait()
                results.append(triggers.fire("welcome", subscriber=s, key="same"))
        finally:
            connection.close()

    threads = [threading.Thread(target=one) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(bool(r.message) for r in results) == [False, True]
    assert Message.objects.filter(template__code="welcome").count() == 1


# -- the daily scan ------------------------------------------------------------------------------
def test_payment_due_goes_days_before_the_billing_date_to_those_short_of_the_fee(tver):
    fee = TariffFactory(name="Home", monthly_fee=Decimal("500.00"))
    short = person(branch=tver, tariff=fee, reported_balance=Decimal("100.00"))
    covered = person(branch=tver, tariff=fee, reported_balance=Decimal("800.00"))
    person(branch=tver, tariff=fee, status="suspended", reported_balance=0)
    assert triggers.daily_run(at(date(2026, 12, 27)))["payment_due"] == 0  # 5 days before
    counts = triggers.daily_run(at(date(2026, 12, 29)))
    assert counts["payment_due"] == 1
    [message] = sent("payment_due")
    assert message.subscriber == short and "01.01.2027" in message.body
    assert covered.pk != message.subscriber_id
    assert TriggerFiring.objects.get(trigger="payment_due").key == f"{short.pk}:2027-01"


def test_the_scan_sends_once_however_often_it_runs(tver):
    person(branch=tver, reported_balance=Decimal("100.00"))
    day = date(2026, 12, 29)
    triggers.daily_run(at(day, 11))
    triggers.daily_run(at(day, 11) + timedelta(minutes=15))
    triggers.daily_run(at(day + timedelta(days=1), 12))  # the next day: the same month's fee
    assert len(sent("payment_due")) == 1


def test_the_scan_waits_for_ten_o_clock_branch_time(tver):
    far = BranchFactory(name="Владивосток", time_zone="Asia/Vladivostok")  # UTC+10
    person(branch=tver, reported_balance=Decimal("1.00"))
    person(branch=far, reported_balance=Decimal("1.00"))
    moment = datetime(2026, 12, 29, 1, tzinfo=ZoneInfo("UTC"))  # 04:00 Moscow, 11:00 there
    assert triggers.daily_run(moment)["payment_due"] == 1
    assert sent("payment_due")[0].subscriber.branch == far


def test_a_trigger_off_in_a_branch_is_not_scanned_there(tver):
    other = BranchFactory(name="Псков")
    person(branch=tver, reported_balance=Decimal("1.00"))
    person(branch=other, reported_balance=Decimal("1.00"))
    turn("payment_due", tver, enabled=False)
    triggers.daily_run(at(date(2026, 12, 30)))
    assert [m.subscriber.branch for m in sent("payment_due")] == [other]


def test_turned_on_later_in_the_day_it_still_runs_that_day(tver):
    person(branch=tver, reported_balance=Decimal("1.00"))
    turn("payment_due", tver, enabled=False)
    day = date(2026, 12, 30)
    triggers.daily_run(at(day, 10))
    turn("payment_due", tver, enabled=True)
    triggers.daily_run(at(day, 14))
    assert len(sent("payment_due")) == 1


def test_low_balance_is_off_by_default_and_counts_the_days_the_balance_lasts(tver):
    fee = TariffFactory(name="Fee 600", monthly_fee=Decimal("600.00"))  # 20 a day
    low = person(branch=tver, tariff=fee, reported_balance=Decimal("59.00"))
    person(branch=tver, tariff=fee, reported_balance=Decimal("60.00"))  # 3 days
    person(branch=tver, tariff=fee, reported_balance=Decimal("-10.00"))  # a debt
    day = date(2026, 12, 10)
    triggers.daily_run(at(day))
    assert sent("low_balance") == []
    turn("low_balance", tver, days=3)
    triggers.daily_run(at(day + timedelta(days=1)))
    triggers.daily_run(at(day + timedelta(days=2)))
    assert [m.subscriber for m in sent("low_balance")] == [low]


def consented(subscriber):
    Consent.objects.create(
        subscriber=subscriber, channel="sms", given_at=timezone.now(), source="card"
    )
    return subscriber


def test_birthday_greets_on_the_day_with_the_offer(tver):
    turn("birthday", tver, values={"offer": "a month of 500 Mbit/s"})
    born = consented(person(branch=tver, birth_date=date(1980, 12, 10)))
    consented(person(branch=tver, birth_date=date(1980, 12, 11)))
    person(branch=tver, birth_date=None)
    triggers.daily_run(at(date(2026, 12, 10)))
    triggers.daily_run(at(date(2026, 12, 10), 15))
    [message] = sent("birthday")
    assert message.subscriber == born and "a month of 500 Mbit/s" in message.body
    assert message.status != Message.Status.FAILED
    assert TriggerFiring.objects.get(trigger="birthday").key == f"{born.pk}:2026"


def test_birthday_is_off_by_default(tver):
    consented(person(branch=tver, birth_date=date(1980, 12, 10)))
    triggers.daily_run(at(date(2026, 12, 10)))
    assert sent("birthday") == []


def test_a_29_february_birthday_is_greeted_on_28_february_of_other_years(tver):
    turn("birthday", tver, values={"offer": "a gift"})
    leapling = consented(person(branch=tver, birth_date=date(1980, 2, 29)))
    triggers.daily_run(at(date(2027, 2, 28)))
    assert [m.subscriber for m in sent("birthday")] == [leapling]
    triggers.daily_run(at(date(2028, 2, 28)))  # a leap year: on the 29th
    assert len(sent("birthday")) == 1
    triggers.daily_run(at(date(2028, 2, 29)))
    assert len(sent("birthday")) == 2


def test_birthday_without_consent_is_refused_by_the_contact_rules(tver):
    turn("birthday", tver, values={"offer": "a gift"})
    person(branch=tver, birth_date=date(1980, 12, 10))
    triggers.daily_run(at(date(2026, 12, 10)))
    assert [m.status for m in sent("birthday")] == [Message.Status.FAILED]


def test_the_scan_selects_its_candidates_in_one_query(tver, django_assert_max_num_queries):
    for n in range(5):
        SubscriberFactory(branch=tver, reported_balance=Decimal("1.00"), phone=f"+7912000000{n}")
    candidates, suffix, _values = events._payment_due(tver, date(2026, 12, 30), 3, None)
    with django_assert_max_num_queries(1):
        ids = list(
            candidates.filter(events._not_fired("payment_due", suffix=suffix)).values_list(
                "pk", flat=True
            )
        )
    assert len(ids) == 5


def test_triggers_run_command_sends_the_due_ones(tver, capsys):
    from django.core.management import call_command

    person(branch=tver, reported_balance=Decimal("1.00"))
    now = timezone.now().astimezone(MSK)
    call_command("triggers_run")
    assert "payment_due" in capsys.readouterr().out
    if now.hour >= 10 and now.day >= 26:
        assert len(sent("payment_due")) == 1


# -- a promise ------------------------------------------------------------------------------------
def test_the_promise_reminder_goes_the_day_before_at_ten(tver):
    s = SubscriberFactory(branch=tver, phone="+79120000001")
    due = timezone.localdate() + timedelta(days=5)
    fired = triggers.promise_reminder_schedule(
        subscriber=s, due=due, amount=Decimal("550.00"), key="promise:1"
    )
    eve = datetime.combine(due - timedelta(days=1), datetime.min.time(), tzinfo=MSK)
    assert fired.message.not_before >= eve.replace(hour=10)
    assert fired.message.not_before > timezone.now()  # waits in the outbox till then
    assert due.strftime("%d.%m.%Y") in fired.message.body and "550,00" in fired.message.body
    again = triggers.promise_reminder_schedule(subscriber=s, due=due, amount=1, key="promise:1")
    assert again.skipped == triggers.ALREADY


def test_a_promise_for_tomorrow_reminds_now(tver):
    s = SubscriberFactory(branch=tver, phone="+79120000001")
    before = timezone.now()
    fired = triggers.promise_reminder_schedule(
        subscriber=s, due=timezone.localdate() + timedelta(days=1), amount=1, key="p"
    )
    assert fired.message.not_before >= before - timedelta(seconds=1)


@pytest.mark.parametrize(
    "typed,expected",
    [
        ("15.12", date(2026, 12, 15)),
        ("05.01", date(2027, 1, 5)),  # typed in December: next January
        ("15.12.2026", date(2026, 12, 15)),
        ("2027-01-31", date(2027, 1, 31)),
        ("tomorrow", None),
        ("31.02.2027", None),
        ("", None),
    ],
)
def test_the_promised_date_reads_as_operators_type_it(typed, expected):
    assert triggers.due_date_parse(typed, today=date(2026, 12, 7)) == expected


@pytest.mark.parametrize("typed", ["06.12", "01.12.2026", "2026-11-30"])
def test_a_promised_date_in_the_past_is_refused(typed):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        triggers.due_date_parse(typed, today=date(2026, 12, 7))
    assert "has already passed" in " ".join(e.value.messages)

"""The database itself refuses a subscriber base that breaks its rules, whoever writes it."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from subscribers.models import Charge, MonthlyFact, Payment, Service, Tariff
from subscribers.tests.factories import SubscriberFactory, TariffFactory

pytestmark = pytest.mark.django_db

JAN = datetime.date(2025, 1, 1)


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def test_it_refuses_a_termination_before_the_connection():
    s = SubscriberFactory(connected_on=datetime.date(2024, 5, 1))
    s.status, s.terminated_on = "terminated", datetime.date(2024, 4, 30)
    assert refused(s.save)


def test_it_accepts_a_termination_on_the_day_of_the_connection():
    s = SubscriberFactory(connected_on=datetime.date(2024, 5, 1))
    s.status, s.terminated_on = "terminated", datetime.date(2024, 5, 1)
    assert not refused(s.save)


def test_it_refuses_a_terminated_subscriber_without_a_date():
    s = SubscriberFactory()
    s.status = "terminated"
    assert refused(s.save)


def test_it_refuses_an_unknown_status():
    s = SubscriberFactory()
    s.status = "closed"
    assert refused(s.save)


def test_it_refuses_a_duplicate_account():
    SubscriberFactory(account="1001")
    assert refused(lambda: SubscriberFactory(account="1001"))


def test_it_refuses_a_negative_tariff_fee():
    assert refused(lambda: Tariff.objects.create(name="Минус", monthly_fee=Decimal("-0.01")))


def test_it_accepts_a_free_tariff():
    assert not refused(lambda: TariffFactory(monthly_fee=Decimal("0.00")))


def test_it_refuses_a_tariff_that_ends_before_it_starts():
    assert refused(
        lambda: TariffFactory(
            active_from=datetime.date(2025, 2, 1), active_to=datetime.date(2025, 1, 31)
        )
    )


def test_it_refuses_a_second_charge_for_the_same_period_and_service():
    s, internet = SubscriberFactory(), Service.objects.create(name="Интернет")
    Charge.objects.create(subscriber=s, period=JAN, service=internet, amount=Decimal("550"))
    assert refused(
        lambda: Charge.objects.create(
            subscriber=s, period=JAN, service=internet, amount=Decimal("100")
        )
    )


def test_it_accepts_charges_of_another_service_in_the_same_period():
    s = SubscriberFactory()
    for name in ("Интернет", "Телевидение"):
        Charge.objects.create(
            subscriber=s,
            period=JAN,
            service=Service.objects.create(name=name),
            amount=Decimal("100"),
        )
    assert Charge.objects.count() == 2


def test_it_refuses_the_same_payment_twice_with_the_same_sequence_number():
    s = SubscriberFactory()
    paid = {
        "subscriber": s,
        "paid_at": datetime.datetime(2025, 1, 5, 9, tzinfo=datetime.UTC),
        "month": JAN,
        "amount": Decimal("500"),
        "method": "cash",
    }
    Payment.objects.create(**paid, seq=0)
    assert refused(lambda: Payment.objects.create(**paid, seq=0))
    assert not refused(lambda: Payment.objects.create(**paid, seq=1))


def test_it_refuses_a_second_fact_for_the_same_subscriber_and_month():
    s = SubscriberFactory()
    fact = {"subscriber": s, "month": JAN, "branch": s.branch, "status": "active"}
    MonthlyFact.objects.create(**fact)
    assert refused(lambda: MonthlyFact.objects.create(**fact))

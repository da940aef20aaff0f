"""Factories of the subscriber base; minimal, extended as the block grows."""

import datetime
from decimal import Decimal

import factory

from core.tests.factories import BranchFactory
from subscribers.models import (
    Building,
    City,
    ImportBatch,
    ImportMapping,
    Status,
    Street,
    Subscriber,
    SubscriberMoney,
    Tariff,
)


class CityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = City
        django_get_or_create = ("branch", "name")

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"City {n}")


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("city", "name")

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Street {n}")


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Building

    street = factory.SubFactory(StreetFactory)
    house = factory.Sequence(lambda n: str(n + 1))
    flats = 60
    technology = "FTTB"


class TariffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tariff
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tariff {n}")
    monthly_fee = Decimal("500.00")


class SubscriberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscriber

    account = factory.Sequence(lambda n: f"{100000 + n}")
    full_name = factory.Sequence(lambda n: f"Subscriber {n}")
    branch = factory.SubFactory(BranchFactory)
    building = factory.SubFactory(
        BuildingFactory, street__city__branch=factory.SelfAttribute("....branch")
    )
    flat = "1"
    technology = "FTTB"
    tariff = factory.SubFactory(TariffFactory)
    status = Status.ACTIVE
    connected_on = datetime.date(2024, 1, 15)

    # The subscriber's money row (SubscriberMoney), saved with the subscriber.
    reported_balance = Decimal("0.00")
    balance_discrepancy = Decimal("0.00")
    arpu = None
    debt_months = 0

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        money = {name: kwargs.pop(name) for name in MONEY_FIELDS}
        subscriber = super()._create(model_class, *args, **kwargs)
        SubscriberMoney.objects.filter(subscriber=subscriber).update(**money)
        subscriber.money.refresh_from_db()
        return subscriber


MONEY_FIELDS = ("reported_balance", "balance_discrepancy", "arpu", "debt_months")


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    source = "billing"
    files = factory.LazyFunction(lambda: ["subscribers.csv"])
    as_of = datetime.date(2026, 10, 1)
    stats = factory.LazyFunction(lambda: {"subscribers": 1})


class ImportMappingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportMapping
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"billing-{n}")
    name = factory.Sequence(lambda n: f"Billing {n}")

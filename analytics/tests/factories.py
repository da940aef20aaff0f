"""Factories for the analytics tests: the base's geography, tariffs, subscribers and the monthly
facts and summaries that the reports read."""

from datetime import date
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from core.models import Branch
from subscribers.models import (
    Building,
    City,
    MonthlyFact,
    MonthlySummary,
    Street,
    Subscriber,
    Tariff,
    TariffMigrationSummary,
)


class BranchFactory(DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Branch {n}")
    time_zone = "Europe/Moscow"


class CityFactory(DjangoModelFactory):
    class Meta:
        model = City

    branch = factory.SubFactory(BranchFactory)
    name = factory.Sequence(lambda n: f"City {n}")


class StreetFactory(DjangoModelFactory):
    class Meta:
        model = Street

    city = factory.SubFactory(CityFactory)
    name = factory.Sequence(lambda n: f"Street {n}")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    street = factory.SubFactory(StreetFactory)
    house = factory.Sequence(lambda n: str(n + 1))
    flats = 100
    technology = "FTTB"


class TariffFactory(DjangoModelFactory):
    class Meta:
        model = Tariff
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Tariff {n}")
    monthly_fee = Decimal("500.00")


class SubscriberFactory(DjangoModelFactory):
    class Meta:
        model = Subscriber

    account = factory.Sequence(lambda n: f"A{n:06d}")
    full_name = factory.Sequence(lambda n: f"Subscriber {n}")
    branch = factory.SubFactory(BranchFactory)
    technology = "FTTB"
    status = "active"
    connected_on = date(2024, 1, 15)


class MonthlyFactFactory(DjangoModelFactory):
    class Meta:
        model = MonthlyFact

    subscriber = factory.SubFactory(SubscriberFactory)
    month = date(2025, 6, 1)
    branch = factory.SelfAttribute("subscriber.branch")
    technology = "FTTB"
    status = "active"
    active_start = True
    active_end = True


class MonthlySummaryFactory(DjangoModelFactory):
    class Meta:
        model = MonthlySummary

    month = date(2025, 6, 1)
    branch = factory.SubFactory(BranchFactory)
    technology = "FTTB"
    tariff = factory.SubFactory(TariffFactory)


class TariffMigrationSummaryFactory(DjangoModelFactory):
    class Meta:
        model = TariffMigrationSummary

    month = date(2025, 6, 1)
    branch = factory.SubFactory(BranchFactory)
    from_tariff = factory.SubFactory(TariffFactory)
    to_tariff = factory.SubFactory(TariffFactory)
    subscribers = 1

"""Factories of the coordination block (each engineer appends theirs)."""

import datetime

import factory
from django.utils import timezone

from sales.models import Application, Source
from subscribers.tests.factories import BuildingFactory


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    number = factory.Sequence(lambda n: f"F-{n:06d}")
    building = factory.SubFactory(BuildingFactory)
    branch = factory.SelfAttribute("building.street.city.branch")
    source = Source.INBOUND_CALL
    channel = "passive"
    state = Application.State.NEW
    state_changed_at = factory.LazyFunction(timezone.now)
    full_name = factory.Sequence(lambda n: f"Prospect {n}")
    phone = factory.Sequence(lambda n: f"+7912700{n:04d}")
    address = factory.LazyAttribute(lambda a: f"{a.building.street.name}, {a.building.house}")
    flat = "5"
    technology = "FTTB"
    contact_due = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(minutes=30))
    install_due = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=5))


# -- the installation schedule (the installer's day) ---------------------------------------------
class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Team"
        django_get_or_create = ("branch", "name")

    branch = factory.SubFactory("core.tests.factories.BranchFactory")
    name = factory.Sequence(lambda n: f"Team {n}")
    technologies = ["FTTB"]
    weekdays = [1, 2, 3, 4, 5, 6, 7]
    slot_times = ["09:00-11:00", "11:00-13:00", "14:00-16:00"]


class InstallerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Installer"

    user = factory.SubFactory(
        "core.tests.factories.UserFactory", roles=["installer"], branches=None
    )
    team = factory.SubFactory(TeamFactory)


class SlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Slot"

    team = factory.SubFactory(TeamFactory)
    date = factory.LazyAttribute(lambda s: timezone.localdate(timezone=s.team.branch.tz))
    starts = factory.Sequence(lambda n: datetime.time(8 + n % 10, 0))
    ends = factory.LazyAttribute(lambda s: datetime.time(s.starts.hour + 2, 0))
    capacity = 2
    booked = 1


class VisitFactory(factory.django.DjangoModelFactory):
    """A booked installation: its application scheduled, in a slot of today."""

    class Meta:
        model = "sales.Visit"

    slot = factory.SubFactory(SlotFactory)
    application = factory.SubFactory(
        ApplicationFactory,
        state=Application.State.SCHEDULED,
        building__street__city__branch=factory.SelfAttribute("....slot.team.branch"),
    )


class ReasonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.Reason"
        django_get_or_create = ("kind", "code")

    kind = "failed"
    code = factory.Sequence(lambda n: f"reason-{n}")
    name = factory.Sequence(lambda n: f"Reason {n}")


# -- the daily sales report and refer a friend (sales.reports, sales.referrals) ------------------
class SalesPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.SalesPlan"

    month = datetime.date(2026, 3, 1)
    branch = factory.SubFactory("core.tests.factories.BranchFactory")
    connections = 10


class ReportRecipientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "sales.ReportRecipient"

    email = factory.Sequence(lambda n: f"boss{n}@example.com")


# -- relocation (sales.relocation) ---------------------------------------------------------------
class RelocationFactory(factory.django.DjangoModelFactory):
    """A relocation registered to a served building of the subscriber's branch."""

    class Meta:
        model = "sales.Relocation"

    subscriber = factory.SubFactory("subscribers.tests.factories.SubscriberFactory")
    building = factory.SubFactory(
        BuildingFactory,
        street__city__branch=factory.SelfAttribute("....subscriber.branch"),
        technology="FTTB",
        coverage_since=datetime.date(2020, 1, 1),
    )
    address = factory.LazyAttribute(lambda r: f"{r.building.street.name}, {r.building.house}")
    flat = "9"
    old_building = factory.SelfAttribute("subscriber.building")
    old_flat = factory.SelfAttribute("subscriber.flat")
    state = "new"

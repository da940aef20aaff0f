import datetime

import pytest
from django.utils import translation

from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import BuildingFactory, CityFactory, StreetFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def background_inline(settings):
    settings.ABONENT_JOB_RUNNER = "sync"
    settings.ABONENT_OUTBOX_INLINE = False
    settings.ABONENT_OUTBOX_THREADS = 1


@pytest.fixture
def ural(db):
    return BranchFactory(name="Уральский филиал", time_zone="Asia/Yekaterinburg")


@pytest.fixture
def lenina(ural):
    """A served building: Екатеринбург, ул. Ленина, 12 (FTTB)."""
    city = CityFactory(name="Екатеринбург", branch=ural)
    street = StreetFactory(city=city, name="Ленина")
    return BuildingFactory(
        street=street, house="12", technology="FTTB", coverage_since=datetime.date(2020, 1, 1)
    )


@pytest.fixture
def coordinator(ural):
    return UserFactory(username="coordinator", roles=["coordinator"], branches=[ural])


@pytest.fixture
def head(db):
    return UserFactory(username="head", roles=["head"])


@pytest.fixture
def team(ural):
    """An installation team of the branch: FTTB, two visits a slot."""
    from sales.tests.factories import TeamFactory

    return TeamFactory(branch=ural, name="Бригада 1", technologies=["FTTB"], slot_capacity=2)


@pytest.fixture
def day(ural):
    """Tomorrow in the branch's time."""
    from sales import schedule

    return schedule.local_now(ural).date() + datetime.timedelta(days=1)

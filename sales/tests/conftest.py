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

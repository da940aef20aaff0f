import pytest
from django.core.cache import cache
from django.utils import translation

from core.tests.factories import BranchFactory, UserFactory


@pytest.fixture(autouse=True)
def fresh_counts():
    """Counts are cached; every test starts without them."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tver():
    return BranchFactory(name="Тверь")


@pytest.fixture
def ural():
    return BranchFactory(name="Урал")


@pytest.fixture
def head(db):
    """May make, change and delete segments; sees every branch."""
    return UserFactory(username="head", roles=["head"])


@pytest.fixture
def operator(db, tver):
    """May see segments (of Тверь), not make them."""
    return UserFactory(username="operator", roles=["operator"], branches=[tver])


@pytest.fixture
def client(client):
    """Pages in English (the messages the tests read)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client

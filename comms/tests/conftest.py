import pytest
from django.utils import translation

from core.tests.factories import BranchFactory, UserFactory


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def tver(db):
    return BranchFactory(name="Тверь")


@pytest.fixture
def head(db):
    """Writes the templates; sees every branch and personal data."""
    return UserFactory(username="head", roles=["head"])


@pytest.fixture
def operator(db, tver):
    """Reads the templates; sees Тверь."""
    return UserFactory(username="operator", roles=["operator"], branches=[tver])


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture(autouse=True)
def outbox_by_hand(settings):
    """Tests hand the outbox over themselves (no thread, no Celery task) unless they say."""
    settings.ABONENT_JOB_RUNNER = "sync"
    settings.ABONENT_OUTBOX_INLINE = False
    # Threads have database connections of their own, which see no test transaction.
    settings.ABONENT_OUTBOX_THREADS = 1

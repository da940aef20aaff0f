from decimal import Decimal

import pytest
from django.urls import reverse

from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import Status
from subscribers.tests.factories import ImportBatchFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_it_greets_the_user_and_links_the_reports(client):
    client.force_login(UserFactory(first_name="Мария"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Мария" in html
    for name in ("churn_inflow", "base", "tariffs"):
        assert reverse("analytics:report", kwargs={"name": name}) in html


def test_it_shows_the_base_overview(client, django_assert_max_num_queries):
    branch = BranchFactory()
    SubscriberFactory.create_batch(3, branch=branch)
    SubscriberFactory(branch=branch, reported_balance=Decimal("-250.00"))
    SubscriberFactory(branch=branch, status=Status.SUSPENDED, reported_balance=Decimal("-1000.50"))
    ImportBatchFactory()
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("home"))
    overview = response.context["overview"]
    assert overview["active"] == 4
    assert overview["debtors"] == 2
    assert overview["debt"] == [{"currency": "RUB", "debtors": 2, "amount": Decimal("1250.50")}]
    html = response.content.decode()
    assert 'id="stat-active">4<' in html


def test_it_offers_the_import_when_the_base_is_empty(client):
    client.force_login(
        UserFactory(perms=["subscribers.view_subscriber", "subscribers.add_importbatch"])
    )
    html = client.get(reverse("home")).content.decode()
    assert reverse("subscribers:import_list") in html


def test_it_hides_the_base_from_a_user_without_the_permission(client):
    client.force_login(UserFactory())
    response = client.get(reverse("home"))
    assert response.context["overview"] is None
    assert reverse("subscribers:import_list") not in response.content.decode()


def test_it_rejects_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("home")).status_code == 405

from decimal import Decimal

import pytest
from django.urls import reverse

from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import Status
from subscribers.tests.factories import ImportBatchFactory, SubscriberFactory

pytestmark = pytest.mark.django_db


def test_it_greets_the_user_and_links_the_reports(client):
    client.force_login(UserFactory(first_name="Мария", roles=["head"]))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Мария" in html
    for name in ("churn_inflow", "base", "tariffs"):
        assert reverse("analytics:report", kwargs={"name": name}) in html


def test_a_role_with_nothing_to_show_yet_is_told_so(client):
    client.force_login(UserFactory(roles=["recruiter"]))
    html = client.get(reverse("home")).content.decode()
    assert 'id="no-widgets"' in html
    assert reverse("analytics:report", kwargs={"name": "base"}) not in html


def test_it_shows_the_base_overview(client, django_assert_max_num_queries):
    branch = BranchFactory()
    SubscriberFactory.create_batch(3, branch=branch)
    SubscriberFactory(branch=branch, reported_balance=Decimal("-250.00"))
    SubscriberFactory(branch=branch, status=Status.SUSPENDED, reported_balance=Decimal("-1000.50"))
    ImportBatchFactory()
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    # A constant few: session (read; written at most once a minute as the idle timeout
    # slides), user, roles, permissions, branches, then three counts of the base, and the
    # billing data's freshness (the sources, the last import).
    with django_assert_max_num_queries(14):
        response = client.get(reverse("home"))
    html = response.content.decode()
    assert 'id="stat-active">4<' in html
    assert 'id="stat-debtors">2<' in html


def test_the_overview_counts_the_user_s_branches_only(client):
    mine, other = BranchFactory(), BranchFactory()
    SubscriberFactory.create_batch(2, branch=mine)
    SubscriberFactory.create_batch(5, branch=other)
    ImportBatchFactory()
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"], branches=[mine]))
    assert 'id="stat-active">2<' in client.get(reverse("home")).content.decode()


def test_it_offers_the_import_when_the_base_is_empty(client):
    client.force_login(
        UserFactory(perms=["subscribers.view_subscriber", "subscribers.add_importbatch"])
    )
    html = client.get(reverse("home")).content.decode()
    assert reverse("subscribers:import_list") in html


def test_it_hides_the_base_from_a_user_without_the_permission(client):
    client.force_login(UserFactory())
    html = client.get(reverse("home")).content.decode()
    assert 'id="stat-active"' not in html
    assert reverse("subscribers:import_list") not in html


def test_it_rejects_post(client):
    client.force_login(UserFactory())
    assert client.post(reverse("home")).status_code == 405

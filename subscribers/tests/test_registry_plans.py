"""The subscriber registry's pages and counts are the same whichever plan finds their rows
(core.registry._first_rows): few rows found by the filter and sorted (counted with them), many
walked along the sort key, and each plan given up for the next when it runs out of its time
budget."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from core import registry as core_registry
from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import Status, Subscriber, SubscriberMoney

pytestmark = pytest.mark.django_db
URL = reverse("registry", kwargs={"name": "subscribers"})
MANY = core_registry.COUNT_CAP + 150


@pytest.fixture
def base():
    """Accounts in connection order, as billings number them: the newest subscribers (the
    last 150) are at the far end of the default sort by account."""
    branch = BranchFactory(name="Тверь")
    rows = [
        Subscriber(
            account=f"{n:08d}",
            full_name=f"Абонент {n}",
            branch=branch,
            status=Status.ACTIVE,
            connected_on=date(2026, 10, 1) if n >= MANY - 150 else date(2015, 1, 1),
        )
        for n in range(MANY)
    ]
    Subscriber.objects.bulk_create(rows)
    return branch


def walk_pages(client, **params) -> list[str]:
    """Every account the pages show, following the next-page links."""
    seen, url = [], URL
    query = dict(params)
    while True:
        response = client.get(url, query, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        seen += [row[0][1] for row in response.context["cells"]]
        if not response.context["next_url"]:
            return seen
        url, query = URL + response.context["next_url"], {}


def expected(**filters) -> list[str]:
    return list(
        Subscriber.objects.filter(**filters).order_by("account").values_list("account", flat=True)
    )


@pytest.fixture
def clerk(client, base):
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"], branches=[base]))


def test_a_filter_of_few_rows_bunched_at_the_end_pages_them_all_in_order(client, clerk):
    shown = walk_pages(client, connected_from="2026-09-01")
    assert shown == expected(connected_on__gte=date(2026, 9, 1))
    assert len(shown) == 150


def test_many_rows_page_the_same_when_the_walk_gives_up(client, clerk, monkeypatch):
    walked = walk_pages(client, status="active", sort="-full_name")
    within = core_registry._within
    monkeypatch.setattr(  # every budget as if run out of
        core_registry,
        "_within",
        lambda budget, run, **o: None if budget else within(budget, run, **o),
    )
    assert walk_pages(client, status="active", sort="-full_name") == walked
    assert len(walked) == MANY and len(set(walked)) == MANY


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL time budget")
def test_a_plan_over_its_budget_is_given_up_and_leaves_the_connection_as_it_was(base):
    slow = Subscriber.objects.extra(where=["pg_sleep(0.05) IS NOT NULL"]).values_list(
        "pk", flat=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        before = cursor.fetchone()[0]
    budget = core_registry.WALK_BUDGET_MS
    assert core_registry._within(budget, lambda: list(slow.order_by("account"))) is None
    quick = Subscriber.objects.values_list("pk", flat=True)[:3]
    assert core_registry._within(budget, lambda: list(quick)) == list(quick)
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('statement_timeout')")
        assert cursor.fetchone()[0] == before
    assert Subscriber.objects.count() == MANY


@pytest.mark.parametrize("share", [0, 2])
def test_the_pages_are_the_same_whether_walked_or_found_for_a_sparse_filter(
    client, clerk, monkeypatch, share
):
    """WALK_SHARE 2: every filter counts as sparse (found and sorted at once); 0: none (walked
    first)."""
    monkeypatch.setattr(core_registry, "WALK_SHARE", share)
    first = client.get(URL, {"status": "active"}, HTTP_ACCEPT_LANGUAGE="en").context["page"]
    assert (first.count, first.count_capped) == (core_registry.COUNT_CAP, True)
    assert walk_pages(client, status="active", sort="-full_name") == list(
        Subscriber.objects.order_by("-full_name", "-pk").values_list("account", flat=True)
    )


def test_a_key_in_the_money_row_pages_the_same_whichever_plan(client, clerk, monkeypatch):
    """Sorted by the balance (a column of the subscriber's money row, joined): the walk along
    its index and the find-and-sort by index joins give the same pages."""
    SubscriberMoney.objects.bulk_create(
        SubscriberMoney(subscriber_id=pk, reported_balance=Decimal(-1 - pk % 97))
        for pk in Subscriber.objects.values_list("pk", flat=True)
    )
    walked = walk_pages(client, debtors="on", sort="-reported_balance")
    within = core_registry._within
    monkeypatch.setattr(
        core_registry,
        "_within",
        lambda budget, run, **o: None if budget else within(budget, run, **o),
    )
    assert walk_pages(client, debtors="on", sort="-reported_balance") == walked
    expected = Subscriber.objects.order_by("-money__reported_balance", "-pk")
    assert walked == list(expected.values_list("account", flat=True))
    assert len(walked) == MANY

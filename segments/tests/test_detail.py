"""A segment's page: its filter in words, its count for the user, and the way into the
registry."""

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from subscribers.models import Status
from subscribers.tests.factories import SubscriberFactory, TariffFactory

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db


def url(segment) -> str:
    return reverse("segments:detail", kwargs={"pk": segment.pk})


def test_it_shows_the_filter_in_words_and_the_count(client, operator, tver, ural):
    tariff = TariffFactory(name="Гигабит")
    SubscriberFactory.create_batch(2, branch=tver, tariff=tariff, status=Status.ACTIVE)
    SubscriberFactory(branch=ural, tariff=tariff, status=Status.ACTIVE)
    segment = SegmentFactory(
        name="Гигабит",
        query=f"q=Иван&tariff={tariff.pk}&status=active&status=suspended&arpu_from=1000"
        "&tenure_from=36&connected_to=2024-12-31&debtors=on",
    )
    client.force_login(operator)
    response = client.get(url(segment))
    assert response.status_code == 200
    assert response.context["filters"] == [
        ("Search", "«Иван»", True),
        ("Status", "Active, Suspended", True),
        ("Tariff", "Гигабит", True),
        ("Debtors only", "yes", True),
        ("ARPU from", "1000", True),
        ("Tenure from, months", "36", True),
        ("Connected to", "12/31/2024", True),
    ]
    assert response.context["count"] == 0  # nobody is named Иван


def test_the_count_is_of_the_users_branches(client, operator, tver, ural):
    SubscriberFactory.create_batch(2, branch=tver)
    SubscriberFactory(branch=ural)
    segment = SegmentFactory(query="status=active")
    client.force_login(operator)
    response = client.get(url(segment))
    assert response.context["count"] == 2
    html = response.content.decode()
    assert (
        f'href="{reverse("registry", kwargs={"name": "subscribers"})}?segment={segment.pk}"' in html
    )


def test_a_filter_the_user_may_not_use_is_shown_as_not_applied(client, operator, ural):
    segment = SegmentFactory(query=f"branch={ural.pk}&status=active")
    client.force_login(operator)
    filters = client.get(url(segment)).context["filters"]
    assert filters[0][0] == "Branch" and filters[0][2] is False
    assert filters[1] == ("Status", "Active", True)


def test_a_segment_without_a_filter_says_so(client, head):
    segment = SegmentFactory(query="")
    client.force_login(head)
    assert "No filter: every subscriber" in client.get(url(segment)).content.decode()


def test_edit_and_delete_are_offered_to_those_allowed(client, head, operator):
    segment = SegmentFactory()
    client.force_login(head)
    html = client.get(url(segment)).content.decode()
    assert 'id="segment-edit"' in html and 'id="segment-delete"' in html
    client.force_login(operator)
    html = client.get(url(segment)).content.decode()
    assert 'id="segment-edit"' not in html and 'id="segment-delete"' not in html


def test_it_needs_the_permission(client):
    segment = SegmentFactory()
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    assert client.get(url(segment)).status_code == 403


def test_an_unknown_segment_is_404(client, head):
    client.force_login(head)
    assert client.get(reverse("segments:detail", kwargs={"pk": 999})).status_code == 404


def test_it_rejects_post(client, head):
    client.force_login(head)
    assert client.post(url(SegmentFactory())).status_code == 405

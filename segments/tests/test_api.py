"""Segments in the REST API: the count per caller, the same checks and permissions as the
pages, and the members masked and scoped like /api/subscribers/."""

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from segments.models import Segment
from subscribers.models import Status
from subscribers.tests.factories import SubscriberFactory

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db
SEGMENTS = reverse("api:segment-list")


def detail(segment) -> str:
    return reverse("api:segment-detail", args=[segment.pk])


def members(segment) -> str:
    return reverse("api:segment-member-list", kwargs={"segment_pk": segment.pk})


def test_it_lists_the_segments_with_the_callers_count(client, operator, tver, ural):
    SubscriberFactory.create_batch(2, branch=tver)
    SubscriberFactory(branch=ural)
    segment = SegmentFactory(name="Активные", query="status=active")
    client.force_login(operator)
    response = client.get(SEGMENTS)
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["name"], row["query"], row["count"]) == (
        segment.pk,
        "Активные",
        "status=active",
        2,
    )
    assert row["subscribers_url"].endswith(members(segment))
    client.force_login(UserFactory(roles=["head"]))
    assert client.get(detail(segment)).json()["count"] == 3


def test_it_creates_a_segment_with_the_filter_cleaned(client, head):
    client.force_login(head)
    response = client.post(
        SEGMENTS,
        {"name": "GPON", "query": "technology=GPON&sort=account&street=", "description": "Работы"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    segment = Segment.objects.get()
    assert (segment.query, segment.created_by) == ("technology=GPON", head)
    assert response.json()["count"] == 0


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "Занято", "query": ""}, "name", "already exists"),
        ({"name": "Новое", "query": "status=sleeping"}, "query", "Status: Select a valid choice"),
        ({"name": "Новое", "query": "colour=red"}, "query", "Unknown filters: colour"),
        ({"query": "status=active"}, "name", "required"),
    ],
    ids=["name taken", "bad value", "unknown filter", "no name"],
)
def test_bad_input_is_a_400_naming_the_field_and_writes_nothing(client, head, data, field, message):
    SegmentFactory(name="занято")
    client.force_login(head)
    response = client.post(SEGMENTS, data, content_type="application/json")
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    assert Segment.objects.count() == 1


def test_it_changes_and_deletes_a_segment(client, head):
    segment = SegmentFactory(name="Старое", query="status=active")
    client.force_login(head)
    response = client.patch(
        detail(segment), {"query": "debtors=on"}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    segment.refresh_from_db()
    assert (segment.name, segment.query) == ("Старое", "debtors=on")
    assert client.delete(detail(segment)).status_code == 204
    assert not Segment.objects.exists()


def test_a_role_that_may_not_make_segments_gets_403(client, operator):
    segment = SegmentFactory(name="Своё")
    client.force_login(operator)
    assert (
        client.post(SEGMENTS, {"name": "Новое"}, content_type="application/json").status_code == 403
    )
    patch = client.patch(detail(segment), {"name": "Чужое"}, content_type="application/json")
    assert patch.status_code == 403
    assert client.delete(detail(segment)).status_code == 403
    assert list(Segment.objects.values_list("name", flat=True)) == ["Своё"]


def test_reading_needs_the_permission(client):
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    assert client.get(SEGMENTS).status_code == 403


def test_members_are_scoped_masked_and_paged(client, tver, ural):
    made = [SubscriberFactory(branch=tver, phone="+79123456789") for _ in range(5)]
    SubscriberFactory(branch=ural)
    SubscriberFactory(branch=tver, status=Status.SUSPENDED)
    segment = SegmentFactory(query="status=active")
    client.force_login(UserFactory(roles=["trainer"], branches=[tver]))  # no personal data
    seen, url = [], f"{members(segment)}?page_size=2"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        seen += page["results"]
        url = page["next"]
    assert sorted(row["id"] for row in seen) == sorted(s.pk for s in made)
    assert {row["phone"] for row in seen} == {"+7 912 ***-**-89"}


def test_members_need_the_right_to_see_subscribers(client):
    segment = SegmentFactory()
    client.force_login(UserFactory(perms=["segments.view_segment"]))
    assert client.get(members(segment)).status_code == 403
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    assert client.get(members(segment)).status_code == 403


def test_members_of_an_unknown_segment_are_404(client, head):
    client.force_login(head)
    url = reverse("api:segment-member-list", kwargs={"segment_pk": 99999})
    assert client.get(url).status_code == 404

"""The list of segments: every segment with its count loaded on its own (one request each, so
the page costs the same however many segments there are), and the count of the user's
branches."""

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from subscribers.models import Status
from subscribers.tests.factories import SubscriberFactory

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db
URL = reverse("segments:list")


def test_it_lists_the_segments_with_a_lazy_count(client, operator):
    segment = SegmentFactory(name="Должники", description="Обзвон должников")
    client.force_login(operator)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Должники" in html and "Обзвон должников" in html
    assert f'hx-get="{reverse("segments:count", kwargs={"pk": segment.pk})}"' in html
    assert 'id="segment-new"' not in html  # an operator may not make segments


def test_the_head_may_make_one(client, head):
    client.force_login(head)
    assert 'id="segment-new"' in client.get(URL).content.decode()


def test_it_needs_the_permission_to_view_segments(client):
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    assert client.get(URL).status_code == 403


def test_it_rejects_post(client, head):
    client.force_login(head)
    assert client.post(URL).status_code == 405


def test_the_menu_shows_segments_to_those_who_may_see_them(client, operator):
    client.force_login(operator)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    assert f'href="{URL}"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("many", [2, 10])
def test_the_page_costs_the_same_queries_for_2_and_10_segments(
    client, head, many, django_assert_num_queries
):
    SegmentFactory.create_batch(many, created_by=head)
    client.force_login(head)
    client.get(URL)  # sessions, permissions warmed up
    with django_assert_num_queries(QUERIES):
        assert client.get(URL).status_code == 200


# session, user, permissions (2), the segments (the session is not written again within the
# minute: core.middleware.SessionSlideMiddleware)
QUERIES = 5


def test_the_count_is_of_the_users_branches(client, operator, tver, ural):
    SubscriberFactory.create_batch(2, branch=tver, status=Status.ACTIVE)
    SubscriberFactory.create_batch(3, branch=ural, status=Status.ACTIVE)
    segment = SegmentFactory(query="status=active")
    url = reverse("segments:count", kwargs={"pk": segment.pk})
    client.force_login(operator)
    assert 'data-count="2"' in client.get(url).content.decode()
    client.force_login(UserFactory(roles=["head"]))
    assert 'data-count="5"' in client.get(url).content.decode()


def test_the_count_of_an_unknown_segment_is_404(client, head):
    client.force_login(head)
    assert client.get(reverse("segments:count", kwargs={"pk": 999})).status_code == 404

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


# session, user, permissions (2), the segments and their number (the page); the session is
# not written again within the minute (core.middleware.SessionSlideMiddleware)
QUERIES = 6


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


def test_the_list_is_paged_so_a_page_loads_a_bounded_number_of_counts(client, head, monkeypatch):
    from segments import views

    monkeypatch.setattr(views, "LIST_PAGE", 2)
    for name in ("Архив", "Бизнес", "Должники", "Новые", "Уходящие"):
        SegmentFactory(name=name)
    client.force_login(head)
    first = client.get(URL).content.decode()
    assert "Архив" in first and "Бизнес" in first and "Должники" not in first
    assert first.count('hx-trigger="load"') == 2
    assert 'id="segments-next"' in first and 'id="segments-previous"' not in first
    last = client.get(URL, {"page": 3}).content.decode()
    assert "Уходящие" in last and "Архив" not in last
    assert 'id="segments-next"' not in last
    assert "Архив" in client.get(URL, {"page": "x"}).content.decode()  # a bad page: the first

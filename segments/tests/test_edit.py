"""Changing and deleting a segment: for the roles allowed, with the same checks as a new one."""

import pytest
from django.urls import reverse

from segments.models import Segment

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db


def edit_url(segment) -> str:
    return reverse("segments:edit", kwargs={"pk": segment.pk})


def delete_url(segment) -> str:
    return reverse("segments:delete", kwargs={"pk": segment.pk})


def test_it_changes_the_segment(client, head):
    segment = SegmentFactory(name="Старое", query="status=active")
    client.force_login(head)
    response = client.post(
        edit_url(segment), {"name": "Новое", "description": "Для SMS", "query": "debtors=on"}
    )
    assert response.status_code == 302
    segment.refresh_from_db()
    assert (segment.name, segment.description, segment.query) == ("Новое", "Для SMS", "debtors=on")
    assert segment.history.count() == 2


def test_the_registry_filter_can_replace_a_segments_filter(client, head):
    segment = SegmentFactory(query="status=active")
    client.force_login(head)
    response = client.get(edit_url(segment), {"query": "technology=GPON"})
    assert response.context["form"]["query"].value() == "technology=GPON"
    assert response.context["filters"] == [("Technology", "GPON", True)]


def test_a_name_of_another_segment_is_refused(client, head):
    SegmentFactory(name="Занято")
    segment = SegmentFactory(name="Своё", query="status=active")
    client.force_login(head)
    response = client.post(edit_url(segment), {"name": "ЗАНЯТО", "query": "status=active"})
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    segment.refresh_from_db()
    assert segment.name == "Своё"


def test_its_own_name_in_another_case_is_fine(client, head):
    segment = SegmentFactory(name="своё", query="status=active")
    client.force_login(head)
    assert client.post(edit_url(segment), {"name": "Своё", "query": ""}).status_code == 302


def test_a_wrong_filter_changes_nothing(client, head):
    segment = SegmentFactory(name="Своё", query="status=active")
    client.force_login(head)
    response = client.post(edit_url(segment), {"name": "Другое", "query": "tenure_from=-1"})
    assert "Tenure from, months" in " ".join(response.context["form"].errors["query"])
    segment.refresh_from_db()
    assert (segment.name, segment.query) == ("Своё", "status=active")


def test_an_operator_may_not_change_or_delete(client, operator):
    segment = SegmentFactory(name="Своё")
    client.force_login(operator)
    assert client.get(edit_url(segment)).status_code == 403
    assert client.post(edit_url(segment), {"name": "Чужое", "query": ""}).status_code == 403
    assert client.post(delete_url(segment)).status_code == 403
    segment.refresh_from_db()
    assert segment.name == "Своё"


def test_it_asks_before_deleting_and_deletes_on_post(client, head):
    segment = SegmentFactory(name="Лишнее")
    client.force_login(head)
    assert "Delete the segment “Лишнее”?" in client.get(delete_url(segment)).content.decode()
    assert Segment.objects.exists()
    response = client.post(delete_url(segment))
    assert response.status_code == 302 and response["Location"] == reverse("segments:list")
    assert not Segment.objects.exists()


def test_edit_and_delete_of_an_unknown_segment_are_404(client, head):
    client.force_login(head)
    assert client.get(reverse("segments:edit", kwargs={"pk": 999})).status_code == 404
    assert client.post(reverse("segments:delete", kwargs={"pk": 999})).status_code == 404


def test_delete_rejects_put(client, head):
    client.force_login(head)
    assert client.put(delete_url(SegmentFactory())).status_code == 405

"""A new segment, usually from the subscriber registry's "Save as segment": the filter carried
over, shown in words, saved under a unique name; bad input changes nothing."""

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from segments.models import Segment

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db
URL = reverse("segments:new")
REGISTRY = reverse("registry", kwargs={"name": "subscribers"})


def new(**data):
    return {"name": "Должники GPON", "description": "Обзвон", "query": "", **data}


def test_the_registry_offers_its_filter_as_a_segment(client, head):
    client.force_login(head)
    response = client.get(REGISTRY, {"status": "active", "technology": "GPON", "sort": "-account"})
    html = response.content.decode()
    assert 'id="save-as-segment"' in html
    action = next(a for a in response.context["actions"] if a.name == "save-as-segment")
    carried = parse_qs(urlparse(action.url).query)["query"][0]
    assert parse_qs(carried) == {"status": ["active"], "technology": ["GPON"]}


def test_the_registry_offers_no_button_to_those_who_may_not_make_segments(client, operator):
    client.force_login(operator)
    assert 'id="save-as-segment"' not in client.get(REGISTRY).content.decode()


def test_the_form_shows_the_filter_in_words(client, head):
    client.force_login(head)
    response = client.get(URL, {"query": "status=active&technology=GPON&payment=chronic"})
    assert response.status_code == 200
    assert response.context["filters"] == [
        ("Status", "Active", True),
        ("Technology", "GPON", True),
        ("Payment behaviour", "Chronic debtor (3 or more months in debt)", True),
    ]


def test_it_saves_the_segment(client, head):
    client.force_login(head)
    response = client.post(URL, new(query="technology=GPON&debtors=on&sort=account"))
    segment = Segment.objects.get()
    assert response.status_code == 302 and response["Location"] == segment.get_absolute_url()
    assert (segment.name, segment.query, segment.created_by) == (
        "Должники GPON",
        "technology=GPON&debtors=on",
        head,
    )
    assert segment.history.count() == 1


def test_a_name_taken_is_refused_and_nothing_is_written(client, head):
    SegmentFactory(name="Должники GPON")
    client.force_login(head)
    response = client.post(URL, new(name="должники  gpon"))
    assert response.status_code == 200
    assert "already exists" in " ".join(response.context["form"].errors["name"])
    assert Segment.objects.count() == 1


def test_a_wrong_filter_value_is_refused_and_nothing_is_written(client, head):
    client.force_login(head)
    response = client.post(URL, new(query="status=sleeping&arpu_from=abc"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors["query"])
    assert "Status: Select a valid choice" in errors and "ARPU from: Enter a number" in errors
    assert 'id="segment-form"' in response.content.decode()
    assert not Segment.objects.exists()


def test_the_same_form_sent_twice_makes_one_segment(client, head):
    client.force_login(head)
    assert client.post(URL, new(query="debtors=on")).status_code == 302
    again = client.post(URL, new(query="debtors=on"))
    assert again.status_code == 200
    assert "already exists" in " ".join(again.context["form"].errors["name"])
    assert Segment.objects.count() == 1


def test_a_name_is_required(client, head):
    client.force_login(head)
    response = client.post(URL, new(name="   "))
    assert response.context["form"].errors["name"]
    assert not Segment.objects.exists()


@pytest.mark.parametrize("role", ["operator", "cashier", "coordinator", "trainer"])
def test_a_role_that_may_not_make_segments_gets_403(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, new()).status_code == 403
    assert not Segment.objects.exists()


@pytest.mark.parametrize("role", ["head", "supervisor", "collector", "retention"])
def test_the_roles_that_target_segments_may_make_them(client, role):
    client.force_login(UserFactory(roles=[role]))
    assert client.post(URL, new()).status_code == 302


def test_it_rejects_put(client, head):
    client.force_login(head)
    assert client.put(URL).status_code == 405


def test_a_filter_on_a_segment_is_saved_as_the_segments_filters_and_the_new_ones(client, head):
    gpon = SegmentFactory(name="GPON", query="technology=GPON")
    client.force_login(head)
    form = client.get(URL, {"query": f"segment={gpon.pk}&debtors=on"})
    assert form.context["filters"][0] == ("Segment", "GPON", True)
    client.post(URL, new(name="GPON, должники", query=f"segment={gpon.pk}&debtors=on"))
    assert Segment.objects.get(name="GPON, должники").query == "technology=GPON&debtors=on"

"""A segment opens as a view of the subscriber registry: `segment=<id>` applies its filter,
with other filters on top."""

import pytest
from django.urls import reverse

from subscribers.models import Status
from subscribers.tests.factories import SubscriberFactory

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db
URL = reverse("registry", kwargs={"name": "subscribers"})


def accounts(response) -> list[str]:
    assert response.status_code == 200
    return [row[0][1] for row in response.context["cells"]]


@pytest.fixture
def base(tver, ural):
    SubscriberFactory(account="1", branch=tver, technology="GPON", status=Status.ACTIVE)
    SubscriberFactory(account="2", branch=tver, technology="GPON", status=Status.SUSPENDED)
    SubscriberFactory(account="3", branch=tver, technology="FTTB", status=Status.ACTIVE)
    SubscriberFactory(account="4", branch=ural, technology="GPON", status=Status.ACTIVE)


def test_the_registry_shows_the_segments_members(client, operator, base):
    segment = SegmentFactory(query="technology=GPON")
    client.force_login(operator)
    assert accounts(client.get(URL, {"segment": segment.pk})) == ["1", "2"]


def test_other_filters_narrow_the_segment(client, operator, base):
    segment = SegmentFactory(query="technology=GPON")
    client.force_login(operator)
    assert accounts(client.get(URL, {"segment": segment.pk, "status": "active"})) == ["1"]


def test_the_segments_search_applies_too(client, head, base):
    SubscriberFactory(account="5", full_name="Иванов", technology="GPON")
    segment = SegmentFactory(query="technology=GPON&q=Иванов")
    client.force_login(head)
    assert accounts(client.get(URL, {"segment": segment.pk})) == ["5"]


def test_the_segment_filter_is_the_first_of_the_form(client, operator):
    SegmentFactory(name="GPON")
    client.force_login(operator)
    form = client.get(URL).context["filterset"].form
    assert next(iter(form.fields)) == "segment"
    assert [label for _pk, label in form.fields["segment"].choices][1:] == ["GPON"]


def test_an_unknown_segment_finds_nothing(client, operator, base):
    client.force_login(operator)
    response = client.get(URL, {"segment": 999})
    assert accounts(response) == []
    assert "segment" in response.context["filterset"].form.errors


def test_the_xlsx_download_follows_the_segment(client, operator, base):
    from io import BytesIO

    from openpyxl import load_workbook

    segment = SegmentFactory(query="technology=GPON&status=active")
    client.force_login(operator)
    response = client.get(URL, {"segment": segment.pk, "format": "xlsx"})
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["1"]

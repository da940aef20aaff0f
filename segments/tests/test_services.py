"""Segment services: the filter kept from a registry query and checked by the registry's own
filters, names unique in any letter case, members and counts as each user sees the base."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict

from core.registry import filtered
from core.tests.factories import UserFactory
from segments import services
from segments.models import Segment
from subscribers.models import Status
from subscribers.registries import SUBSCRIBERS
from subscribers.tests.factories import SubscriberFactory, TariffFactory

from .factories import SegmentFactory

pytestmark = pytest.mark.django_db


def test_it_keeps_the_filters_and_drops_sort_page_columns_and_empty_values(head):
    query = (
        "q=Иванов&status=active&status=suspended&street="
        "&sort=-account&after=xyz&col=phone&format=xlsx"
    )
    assert services.query_clean(query, head) == (
        "q=%D0%98%D0%B2%D0%B0%D0%BD%D0%BE%D0%B2&status=active&status=suspended"
    )


def test_it_refuses_an_unknown_filter(head):
    with pytest.raises(ValidationError, match="Unknown filters: colour"):
        services.query_clean("status=active&colour=red", head)


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=sleeping", "Status: Select a valid choice"),
        ("arpu_from=-5", "ARPU from: Ensure this value is greater than or equal to 0"),
        ("tenure_to=many", "Tenure to, months: Enter a number"),
        ("payment=sometimes", "Payment behaviour: Select a valid choice"),
        ("connected_from=2025-13-01", "Connected from: Enter a valid date"),
    ],
)
def test_it_refuses_a_wrong_value_naming_the_filter(head, query, message):
    with pytest.raises(ValidationError) as caught:
        services.query_clean(query, head)
    assert any(message in m for m in caught.value.messages), caught.value.messages


def test_a_branch_the_user_does_not_see_is_refused(tver, ural):
    clerk = UserFactory(branches=[tver])
    assert services.query_clean(f"branch={tver.pk}", clerk) == f"branch={tver.pk}"
    with pytest.raises(ValidationError, match="Branch"):
        services.query_clean(f"branch={ural.pk}", clerk)


def test_a_named_segment_is_replaced_by_its_own_filters(head):
    gpon = SegmentFactory(query="technology=GPON&status=active")
    assert services.query_clean(f"segment={gpon.pk}&debtors=on", head) == (
        "technology=GPON&status=active&debtors=on"
    )


def test_a_filter_the_named_segment_has_already_is_refused(head):
    gpon = SegmentFactory(name="GPON", query="technology=GPON&status=active")
    with pytest.raises(ValidationError, match="already filters by it"):
        services.query_clean(f"segment={gpon.pk}&status=suspended", head)


def test_a_segment_cannot_be_made_of_itself(head):
    gpon = SegmentFactory(query="technology=GPON")
    with pytest.raises(ValidationError, match="itself"):
        services.query_clean(f"segment={gpon.pk}&status=active", head, exclude=gpon.pk)


def test_a_name_is_unique_in_any_letter_case(head):
    services.segment_create(name="Должники", query="debtors=on", by=head)
    with pytest.raises(ValidationError, match="already exists"):
        services.segment_create(name="  должники ", query="status=active", by=head)
    assert Segment.objects.count() == 1


def test_an_invalid_filter_creates_nothing(head):
    with pytest.raises(ValidationError):
        services.segment_create(name="Спящие", query="status=sleeping", by=head)
    assert not Segment.objects.exists()


def test_members_are_the_rows_of_the_users_branches(tver, ural):
    SubscriberFactory.create_batch(2, branch=tver, status=Status.ACTIVE)
    SubscriberFactory(branch=tver, status=Status.SUSPENDED)
    SubscriberFactory.create_batch(3, branch=ural, status=Status.ACTIVE)
    segment = SegmentFactory(query="status=active")
    both = UserFactory()
    only_tver = UserFactory(branches=[tver])
    nobody = UserFactory(branches=[])
    assert services.count(segment, both) == 5
    assert services.count(segment, only_tver) == 2
    assert services.count(segment, nobody) == 0
    assert {s.branch for s in services.members(segment, only_tver)} == {tver}


@pytest.mark.parametrize(
    "query",
    [
        "status=active&technology=GPON",
        "q=Иван&debtors=on",
        "arpu_from=500&arpu_to=1000",
        "payment=chronic&payment=sometimes_late",
        "payment=on_time",
        "tenure_from=12",
        "balance_to=-100",
    ],
)
def test_members_are_what_the_registry_shows_for_the_same_filter(tver, ural, query):
    for i, (arpu, debt_months) in enumerate(
        [(None, 0), (Decimal("450.00"), 0), (Decimal("700.00"), 1), (Decimal("990.00"), 4)] * 3
    ):
        SubscriberFactory(
            branch=tver if i % 3 else ural,
            full_name=f"Иванов {i}" if i % 2 else f"Петров {i}",
            technology="GPON" if i % 2 else "FTTB",
            status=Status.ACTIVE if i % 4 else Status.SUSPENDED,
            reported_balance=Decimal(-150 * (i % 3)),
            connected_on=f"20{14 + i}-01-10",
            arpu=arpu,
            debt_months=debt_months,
        )
    clerk = UserFactory(branches=[tver])
    segment = SegmentFactory(query=query)
    _filterset, shown = filtered(SUBSCRIBERS, SimpleNamespace(user=clerk), QueryDict(query))
    members = set(services.members(segment, clerk).values_list("pk", flat=True))
    assert members == set(shown.values_list("pk", flat=True))
    assert members  # every filter above finds someone
    assert services.count(segment, clerk) == len(members)


def test_a_changed_segment_is_counted_again(head, tver):
    SubscriberFactory(branch=tver, status=Status.ACTIVE)
    SubscriberFactory(branch=tver, status=Status.SUSPENDED)
    segment = services.segment_create(name="Активные", query="status=active", by=head)
    assert services.count(segment, head) == 1
    segment = services.segment_update(
        segment=segment,
        by=head,
        name="Активные и приостановленные",
        query="status=active&status=suspended",
    )
    assert services.count(segment, head) == 2


def test_a_tariff_filter_reads_the_tariff(head):
    tariff = TariffFactory(name="Гигабит")
    SubscriberFactory(tariff=tariff)
    SubscriberFactory()
    segment = services.segment_create(name="Гигабит", query=f"tariff={tariff.pk}", by=head)
    assert [s.tariff for s in services.members(segment, head)] == [tariff]

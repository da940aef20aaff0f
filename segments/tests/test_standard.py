"""The standard segments of the method: made from the base once, found again by their code,
each filter valid and aimed at the subscribers it says."""

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from segments import services
from segments.models import Segment
from segments.standard import nice
from subscribers.models import Status
from subscribers.tests.factories import SubscriberFactory, TariffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def base():
    today = date.today()
    gigabit = TariffFactory(name="Гигабит")
    made = {}
    for i in range(10):
        made[i] = SubscriberFactory(
            account=str(1000 + i),
            technology="GPON" if i < 6 else "DOCSIS",
            tariff=gigabit if i < 7 else TariffFactory(name="Домашний"),
            status=Status.ACTIVE,
            arpu=Decimal(300 + 100 * i),  # 300 … 1200
            debt_months=[0, 0, 0, 0, 1, 2, 3, 6, 0, 0][i],
            connected_on=today - timedelta(days=30) if i == 0 else date(2018, 1, 1),
            reported_balance=Decimal(-2000 if i == 7 else 0),
        )
    made[10] = SubscriberFactory(account="1010", status=Status.SUSPENDED, arpu=None)
    return made


def test_it_makes_the_standard_segments_once(base, head):
    made, there = services.standard_install(by=head)
    assert there == 0 and made == Segment.objects.count()
    codes = set(Segment.objects.values_list("code", flat=True))
    assert {
        "newcomers",
        "loyal",
        "high_arpu",
        "low_arpu",
        "on_time",
        "sometimes_late",
        "chronic_debtors",
        "large_debt",
        "suspended",
        "technology_gpon",
        "technology_docsis",
        "top_tariff",
    } <= codes
    assert all(s.description for s in Segment.objects.all())
    assert services.standard_install(by=head) == (0, made)


def test_a_renamed_standard_segment_is_not_made_again(base, head):
    services.standard_install(by=head)
    Segment.objects.filter(code="loyal").update(name="Наши старожилы")
    services.standard_install(by=head)
    assert Segment.objects.filter(code="loyal").count() == 1


def test_a_name_taken_skips_that_segment(base, head):
    services.segment_create(name="Suspended subscribers", query="status=suspended", by=head)
    made, _there = services.standard_install(by=head)
    assert not Segment.objects.filter(code="suspended").exists()
    assert made == Segment.objects.count() - 1


def members(code: str, user) -> list[str]:
    return sorted(
        services.members(Segment.objects.get(code=code), user).values_list("account", flat=True)
    )


def test_each_segment_finds_whom_it_says(base, head):
    services.standard_install(by=head)
    assert members("newcomers", head) == ["1000"]
    assert members("loyal", head) == [str(1000 + i) for i in range(1, 10)]
    assert members("chronic_debtors", head) == ["1006", "1007"]
    assert members("sometimes_late", head) == ["1004", "1005"]
    assert members("on_time", head) == ["1000", "1001", "1002", "1003", "1008", "1009"]
    assert members("suspended", head) == ["1010"]
    assert members("technology_docsis", head) == ["1006", "1007", "1008", "1009"]
    assert members("top_tariff", head) == [str(1000 + i) for i in range(7)]
    assert members("high_arpu", head) == ["1008", "1009"]  # 1100 and 1200 of 300 … 1200
    assert members("low_arpu", head) == ["1000", "1001", "1002"]
    assert members("large_debt", head) == ["1007"]  # owes 2000, more than 2 × median 800


def test_an_empty_base_gets_the_segments_that_need_no_figures(head):
    made, _there = services.standard_install(by=head)
    codes = set(Segment.objects.values_list("code", flat=True))
    assert "newcomers" in codes and "high_arpu" not in codes and "top_tariff" not in codes
    assert made == len(codes)


@pytest.mark.parametrize(
    ("amount", "shown"), [("873.45", "870"), ("1190", "1200"), ("99.96", "100"), ("0", "0")]
)
def test_thresholds_are_rounded_to_two_digits(amount, shown):
    assert nice(Decimal(amount)) == Decimal(shown)


def test_demo_setup_makes_them(base, tmp_path):
    out = StringIO()
    call_command("demo_setup", "--force", "--dir", str(tmp_path), stdout=out)
    assert "standard ones created" in out.getvalue()
    assert Segment.objects.filter(code="chronic_debtors", created_by__username="head").exists()

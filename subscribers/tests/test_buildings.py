"""The buildings registry (active subscribers, penetration, free ports; filters, search, sorts,
a page in a constant number of queries) and the building card (figures, the subscribers in it by
flat, personal data masked per role, branch scoping)."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import Status, SubscriberMoney

from .factories import BuildingFactory, CityFactory, StreetFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
URL = reverse("registry", kwargs={"name": "buildings"})
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def branch():
    return BranchFactory(name="Тверской филиал")


@pytest.fixture
def lenina(branch):
    return StreetFactory(name="ул. Ленина", city=CityFactory(name="Тверь", branch=branch))


@pytest.fixture
def clerk(client, branch):
    user = UserFactory(roles=["operator"], branches=[branch])
    client.force_login(user)
    return user


def live_in(building, *statuses, flats=None):
    """Subscribers of the building, one per status, in flats 1, 2, … (or those given)."""
    flats = flats or [str(i + 1) for i in range(len(statuses))]
    return [
        SubscriberFactory(
            branch=building.street.city.branch,
            building=building,
            flat=flat,
            status=status,
            terminated_on=date(2025, 1, 1) if status == Status.TERMINATED else None,
        )
        for status, flat in zip(statuses, flats, strict=True)
    ]


def rows(response) -> list[dict]:
    """The registry's rows as {column name: shown value}."""
    assert response.status_code == 200
    return [{c.name: value for c, value, _href in row} for row in response.context["cells"]]


def addresses(response) -> list[str]:
    return [row["address"] for row in rows(response)]


def find(client, **params) -> list[str]:
    return addresses(client.get(URL, params, **EN))


# -- the registry ---------------------------------------------------------------------------


def test_the_registry_shows_active_penetration_and_free_ports(client, clerk, lenina):
    building = BuildingFactory(street=lenina, house="12", flats=40, ports=48, technology="FTTB")
    A, S, T = Status.ACTIVE, Status.SUSPENDED, Status.TERMINATED
    live_in(building, A, A, A, A, A, A, A, A, A, A, S, S, T, T, T)
    (row,) = rows(client.get(URL, **EN))
    assert row["address"] == "Тверь, ул. Ленина, 12"
    assert row["active"] == 10
    assert row["penetration"] == 25.0  # 10 active of 40 flats
    assert row["free_ports"] == 36  # 48 ports − 10 active − 2 suspended; terminated free theirs
    assert row["technology"] == "FTTB"


def test_a_building_whose_ports_are_not_counted_has_no_free_ports_figure(client, clerk, lenina):
    BuildingFactory(street=lenina, house="1", flats=0, ports=0, technology="CATV")
    (row,) = rows(client.get(URL, **EN))
    assert row["free_ports"] is None and row["penetration"] is None
    page = client.get(URL, **EN).content.decode()
    assert "Cable TV" in page


def test_another_branch_s_buildings_are_not_listed(client, clerk, lenina):
    BuildingFactory(street=lenina, house="1")
    BuildingFactory(house="2", street__city__branch=BranchFactory(name="Самарский филиал"))
    assert find(client) == ["Тверь, ул. Ленина, 1"]


def test_filters_narrow_the_buildings(client, clerk, branch, lenina):
    today = timezone.localdate()
    mira = StreetFactory(name="пр-т Мира", city=CityFactory(name="Кимры", branch=branch))
    full = BuildingFactory(street=lenina, house="1", flats=2, ports=2, technology="GPON")
    live_in(full, Status.ACTIVE, Status.SUSPENDED)
    half = BuildingFactory(street=lenina, house="2", flats=4, ports=4, technology="FTTB")
    live_in(half, Status.ACTIVE, Status.ACTIVE)
    BuildingFactory(
        street=mira, house="3", flats=10, technology="FTTB", coverage_since=today + timedelta(30)
    )
    BuildingFactory(street=mira, house="4", flats=10, technology="")
    assert find(client, technology="GPON") == ["Тверь, ул. Ленина, 1"]
    assert find(client, covered="no") == ["Кимры, пр-т Мира, 3", "Кимры, пр-т Мира, 4"]
    assert find(client, covered="yes") == ["Тверь, ул. Ленина, 1", "Тверь, ул. Ленина, 2"]
    assert find(client, free_ports="on") == ["Тверь, ул. Ленина, 2"]
    assert find(client, penetration_from="40", penetration_to="60") == [
        "Тверь, ул. Ленина, 1",  # 1 of 2
        "Тверь, ул. Ленина, 2",  # 2 of 4
    ]
    assert find(client, penetration_from="51") == []
    assert find(client, city=mira.city_id) == ["Кимры, пр-т Мира, 3", "Кимры, пр-т Мира, 4"]
    assert find(client, street="мира") == ["Кимры, пр-т Мира, 3", "Кимры, пр-т Мира, 4"]
    assert find(client, branch=branch.pk, technology="FTTB", covered="yes") == [
        "Тверь, ул. Ленина, 2"
    ]


def test_bad_filter_values_are_named_and_list_nothing(client, clerk, lenina):
    BuildingFactory(street=lenina, house="1")
    for params in (
        {"penetration_from": "много"},
        {"penetration_to": "9" * 30},
        {"city": "9" * 30},
        {"covered": "maybe"},
        {"technology": "PIGEON"},
    ):
        response = client.get(URL, params, **EN)
        assert response.status_code == 200, params
        assert response.context["filterset"].form.errors, params
        assert addresses(response) == [], params


@pytest.mark.parametrize(
    "typed", ["Ленина 12", "ул. Ленина, 12", "улица ленина д.12", "ЛЁНИНА 12", "Тверь, Ленина 12"]
)
def test_the_search_finds_a_building_by_street_and_house_typed_any_way(
    client, clerk, lenina, typed
):
    BuildingFactory(street=lenina, house="12")
    BuildingFactory(street=lenina, house="120")
    BuildingFactory(street=lenina, house="12к1")
    assert find(client, q=typed) == ["Тверь, ул. Ленина, 12"]


def test_the_search_finds_a_street_by_a_part_of_its_name_and_a_house_alone(client, clerk, lenina):
    mira = StreetFactory(name="пр-т Мира", city=lenina.city)
    BuildingFactory(street=lenina, house="5к1")
    BuildingFactory(street=mira, house="5/1")
    BuildingFactory(street=mira, house="7")
    assert find(client, q="ленин") == ["Тверь, ул. Ленина, 5к1"]
    assert find(client, q="Мира") == ["Тверь, пр-т Мира, 5/1", "Тверь, пр-т Мира, 7"]
    assert find(client, q="5 корп. 1") == ["Тверь, пр-т Мира, 5/1", "Тверь, ул. Ленина, 5к1"]
    assert find(client, q="Мира 5к1") == ["Тверь, пр-т Мира, 5/1"]
    assert find(client, q="Садовая") == []


def test_buildings_sort_by_address_active_penetration_and_coverage_date(client, clerk, lenina):
    b2 = BuildingFactory(street=lenina, house="2", flats=10, coverage_since=date(2021, 1, 1))
    b10 = BuildingFactory(street=lenina, house="10", flats=4, coverage_since=None)
    b1 = BuildingFactory(street=lenina, house="1", flats=100, coverage_since=date(2019, 5, 1))
    live_in(b2, Status.ACTIVE, Status.ACTIVE, Status.ACTIVE)  # 30 %
    live_in(b10, Status.ACTIVE, Status.ACTIVE)  # 50 %
    live_in(b1, Status.ACTIVE, Status.ACTIVE, Status.ACTIVE, Status.ACTIVE)  # 4 %

    def houses(sort):
        return [a.rsplit(", ", 1)[1] for a in find(client, sort=sort)]

    assert houses("address") == ["1", "2", "10"]  # houses as numbers
    assert houses("-address") == ["10", "2", "1"]
    assert houses("-active") == ["1", "2", "10"]
    assert houses("-penetration") == ["10", "2", "1"]
    assert houses("coverage_since") == ["1", "2", "10"]  # no date last


def test_pages_follow_one_another_without_gaps_in_every_sort(client, clerk, lenina):
    for i in range(60):
        b = BuildingFactory(street=lenina, house=str(i + 1), flats=10 + i % 3, ports=i % 2 * 24)
        if i % 4:
            live_in(b, *[Status.ACTIVE] * (i % 5))
    for sort in ("address", "-active", "penetration", "-free_ports", "coverage_since"):
        seen, params = [], {"sort": sort}
        while True:
            response = client.get(URL, params, **EN)
            seen += addresses(response)
            if not response.context["next_url"]:
                break
            query = response.context["next_url"][1:]
            params = dict(p.split("=", 1) for p in query.split("&"))
        assert len(seen) == 60 and len(set(seen)) == 60, sort


def test_a_page_takes_the_same_queries_for_5_and_50_buildings(
    client, clerk, lenina, django_assert_num_queries
):
    def make(n, start):
        for i in range(start, start + n):
            b = BuildingFactory(street=lenina, house=str(i), flats=20, ports=24)
            live_in(b, Status.ACTIVE, Status.SUSPENDED, Status.TERMINATED)

    make(5, 1)
    client.get(URL)  # the session and the user's caches settle
    with CaptureQueriesContext(connection) as five:
        assert len(addresses(client.get(URL, **EN))) == 5
    make(45, 100)
    with django_assert_num_queries(len(five.captured_queries)):
        assert len(addresses(client.get(URL, **EN))) == 50


def test_the_xlsx_has_the_figures(client, clerk, lenina):
    b = BuildingFactory(street=lenina, house="3", flats=8, ports=8)
    live_in(b, Status.ACTIVE, Status.ACTIVE)
    response = client.get(URL, {"format": "xlsx"}, **EN)
    header, row = list(load_workbook(io.BytesIO(response.content)).active.values)
    values = dict(zip(header, row, strict=True))
    assert values["Address"] == "Тверь, ул. Ленина, 3"
    assert values["Active subscribers"] == 2
    assert values["Penetration, %"] == 25
    assert values["Free ports"] == 6


def test_a_role_without_buildings_gets_no_registry(client):
    client.force_login(UserFactory(roles=["recruiter"]))
    assert client.get(URL).status_code == 403


def test_the_menu_leads_to_the_buildings(client, clerk):
    page = client.get(reverse("home"), **EN).content.decode()
    assert f'href="{URL}"' in page
    assert f'href="{reverse("subscribers:coverage")}"' in page


# -- the card -------------------------------------------------------------------------------


def card_url(building) -> str:
    return reverse("subscribers:building", kwargs={"pk": building.pk})


@pytest.fixture
def building(lenina):
    b = BuildingFactory(
        street=lenina,
        house="12",
        flats=20,
        ports=24,
        technology="FTTB",
        coverage_since=date(2020, 1, 10),
    )
    people = live_in(
        b,
        Status.ACTIVE,
        Status.ACTIVE,
        Status.ACTIVE,
        Status.SUSPENDED,
        Status.TERMINATED,
        flats=["10", "2", "1", "10а", ""],
    )
    people[0].phone = "+79123456789"
    people[0].full_name = "Иванов Иван"
    people[0].save()
    SubscriberMoney.objects.filter(subscriber=people[0]).update(reported_balance=Decimal("-150.00"))
    return b


def test_the_card_shows_the_figures_and_the_subscribers_by_flat(client, clerk, building):
    response = client.get(card_url(building), **EN)
    assert response.status_code == 200
    page = response.content.decode()
    assert "ул. Ленина, 12" in page and "Тверь" in page
    b = response.context["building"]
    assert (b.active, b.suspended, b.free_ports) == (3, 1, 20)
    assert response.context["penetration"] == 15.0  # 3 of 20 flats
    assert response.context["coverage"].served
    flats = [r.flat for r in response.context["residents"]]
    assert flats == ["1", "2", "10", "10а", ""]  # natural order, no flat last
    ivanov = next(r for r in response.context["residents"] if r.full_name == "Иванов Иван")
    assert ivanov.phone == "+79123456789"
    assert reverse("subscribers:card", kwargs={"pk": ivanov.pk}) in page
    assert "-150.00" in page
    counts = {code: n for code, _label, n in response.context["statuses"]["by_status"]}
    assert counts == {"active": 3, "suspended": 1, "terminated": 1}


def test_the_card_links_to_the_subscribers_of_the_building_in_the_registry(client, clerk, building):
    link = client.get(card_url(building), **EN).context["registry_query"]
    listed = client.get(f"{reverse('registry', kwargs={'name': 'subscribers'})}?{link}", **EN)
    assert len(listed.context["cells"]) == 5
    SubscriberFactory(branch=building.street.city.branch, flat="1")  # another building
    listed = client.get(f"{reverse('registry', kwargs={'name': 'subscribers'})}?{link}", **EN)
    assert len(listed.context["cells"]) == 5


def test_the_card_masks_phones_and_flats_for_a_role_without_personal_data(client, branch, building):
    client.force_login(UserFactory(roles=["trainer"], branches=[branch]))
    response = client.get(card_url(building), **EN)
    page = response.content.decode()
    assert "+79123456789" not in page
    assert "+7 912 ***-**-89" in page
    assert {r.flat for r in response.context["residents"]} == {"**", ""}


def test_a_role_that_sees_buildings_but_not_subscribers_gets_the_figures_only(
    client, branch, building
):
    client.force_login(UserFactory(roles=["sales_agent"], branches=[branch]))
    response = client.get(card_url(building), **EN)
    assert response.status_code == 200
    assert response.context["residents"] is None
    assert "Иванов" not in response.content.decode()
    assert response.context["building"].active == 3


def test_another_branch_s_building_is_not_found(client, building):
    client.force_login(UserFactory(roles=["operator"], branches=[BranchFactory(name="Омск")]))
    assert client.get(card_url(building)).status_code == 404


def test_the_card_needs_the_right_to_see_buildings(client, branch, building):
    client.force_login(UserFactory(roles=["recruiter"], branches=[branch]))
    assert client.get(card_url(building)).status_code == 403


def test_the_card_is_read_only(client, clerk, building):
    assert client.post(card_url(building)).status_code == 405


def test_the_subscriber_card_links_to_its_building(client, clerk, building):
    subscriber = building.subscriber_set.first()
    page = client.get(reverse("subscribers:card", kwargs={"pk": subscriber.pk}), **EN)
    assert f'href="{card_url(building)}"' in page.content.decode()


def test_a_building_not_covered_yet_says_so(client, clerk, lenina):
    future = BuildingFactory(
        street=lenina, house="7", technology="GPON", coverage_since=date(2999, 1, 1)
    )
    response = client.get(card_url(future), **EN)
    assert response.context["coverage"].status == "not_covered_yet"
    assert "not covered yet" in response.content.decode()

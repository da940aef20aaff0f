"""The coverage check by address (subscribers.coverage.check): the forms people type, ambiguity,
unknown and not-yet-covered addresses, branch scoping, bad input; its page and its API."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from core.tests.factories import BranchFactory, UserFactory
from subscribers import addresses, coverage
from subscribers.models import Status

from .factories import BuildingFactory, CityFactory, StreetFactory, SubscriberFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PAGE = reverse("subscribers:coverage")
API = reverse("api:coverage")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def branch():
    return BranchFactory(name="Уральский филиал")


@pytest.fixture
def city(branch):
    return CityFactory(name="Екатеринбург", branch=branch)


@pytest.fixture
def agent(branch):
    return UserFactory(roles=["sales_agent"], branches=[branch])


def street(city, name):
    return StreetFactory(city=city, name=name)


def building(city, street_name, house, **fields):
    fields.setdefault("technology", "FTTB")
    fields.setdefault("coverage_since", date(2020, 1, 10))
    return BuildingFactory(street=street(city, street_name), house=house, **fields)


def live_in(b, *statuses):
    for i, status in enumerate(statuses):
        SubscriberFactory(
            branch=b.street.city.branch,
            building=b,
            flat=str(i + 1),
            status=status,
            terminated_on=date(2025, 1, 1) if status == Status.TERMINATED else None,
        )


# -- the forms of an address ------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "ул. Ленина, 12",
        "Ленина 12",
        "улица Ленина д.12",
        "ЛЕНИНА 12",
        "Екатеринбург, Ленина 12",
        "г. Екатеринбург, ул. Ленина, д. 12",
        "Свердловская обл., Екатеринбург, ул. Ленина, д. 12, кв. 5",
        "Екатеринбург Ленина 12",
        "Ленина, дом 12",
    ],
)
def test_a_street_and_house_typed_any_way_find_the_building(agent, city, typed):
    lenina = building(city, "ул. Ленина", "12")
    building(city, "ул. Ленина", "12к1")
    building(city, "ул. Ленина", "120")
    answer = coverage.check(agent, typed)
    assert answer.status == coverage.SERVED, answer.message
    assert answer.building.pk == lenina.pk


@pytest.mark.parametrize(
    "typed",
    ["пр-т Мира 5к1", "Мира, 5/1", "проспект Мира, д. 5 корп. 1", "Мира 5 к1", "пр. Мира 5К1"],
)
def test_a_house_with_a_corpus_is_found_however_the_corpus_is_written(agent, city, typed):
    mira = building(city, "пр-т Мира", "5/1")
    building(city, "пр-т Мира", "5")
    assert coverage.check(agent, typed).building.pk == mira.pk


def test_yo_and_ye_are_the_same_letter(agent, city):
    pilots = building(city, "ул. Лётчиков", "3")
    assert coverage.check(agent, "летчиков 3").building.pk == pilots.pk
    assert coverage.check(agent, "ЛЁТЧИКОВ 3").building.pk == pilots.pk


def test_a_street_named_with_a_number_keeps_its_number(agent, city):
    march = building(city, "ул. 8 Марта", "5")
    building(city, "ул. Марта", "5")
    assert coverage.check(agent, "8 Марта, 5").building.pk == march.pk


# -- the answers ------------------------------------------------------------------------------


def test_a_served_building_tells_its_technology_free_ports_and_subscribers(agent, city):
    b = building(city, "ул. Ленина", "12", flats=40, ports=48, technology="GPON")
    live_in(b, *[Status.ACTIVE] * 10, Status.SUSPENDED, Status.SUSPENDED, Status.TERMINATED)
    answer = coverage.check(agent, "Ленина 12")
    assert answer.served
    assert (answer.technology, answer.flats, answer.ports) == ("GPON", 40, 48)
    assert answer.free_ports == 36  # 48 − 10 active − 2 suspended
    assert answer.has_free_ports is True
    assert answer.active_subscribers == 10
    assert answer.coverage_since == date(2020, 1, 10)
    assert answer.message == (
        "Екатеринбург, ул. Ленина, 12 is served by GPON since 01/10/2020. 36 free ports of 48."
    )


def test_a_served_building_with_every_port_taken_says_so(agent, city):
    b = building(city, "ул. Ленина", "12", flats=4, ports=2)
    live_in(b, Status.ACTIVE, Status.SUSPENDED)
    answer = coverage.check(agent, "Ленина 12")
    assert answer.served and answer.free_ports == 0 and answer.has_free_ports is False
    assert "No free ports: all 2 are taken." in answer.message


def test_ports_not_counted_are_neither_free_nor_taken(agent, city):
    building(city, "ул. Ленина", "12", technology="CATV", ports=0)
    answer = coverage.check(agent, "Ленина 12")
    assert answer.served and answer.free_ports is None and answer.has_free_ports is None
    assert "Ports are not counted for this building." in answer.message


def test_a_building_without_a_coverage_date_but_with_a_technology_is_served(agent, city):
    building(city, "ул. Ленина", "12", coverage_since=None)
    assert coverage.check(agent, "Ленина 12").status == coverage.SERVED


def test_a_building_covered_from_a_future_date_is_not_covered_yet(agent, city):
    later = timezone.localdate() + timedelta(days=30)
    building(city, "ул. Ленина", "12", technology="GPON", coverage_since=later)
    answer = coverage.check(agent, "Ленина 12")
    assert answer.status == coverage.NOT_COVERED_YET
    assert "is not covered yet: GPON from" in answer.message
    assert coverage.check(agent, "Ленина 12", today=later).status == coverage.SERVED


def test_a_known_building_without_a_technology_is_not_covered_yet(agent, city):
    building(city, "ул. Ленина", "12", technology="")
    answer = coverage.check(agent, "Ленина 12")
    assert answer.status == coverage.NOT_COVERED_YET
    assert "it has no technology" in answer.message


def test_an_address_with_no_building_is_unknown(agent, city):
    building(city, "ул. Ленина", "12")
    for typed in ("Садовая 1", "Ленина 13", "Москва, Ленина 12"):
        answer = coverage.check(agent, typed)
        assert answer.status == coverage.UNKNOWN, typed
        assert answer.building is None and not answer.candidates
    unknown = coverage.check(agent, "Садовая 1")
    assert unknown.message == "No building at Садовая 1 in your branches."


def test_another_branch_s_building_is_unknown(city):
    building(city, "ул. Ленина", "12")
    stranger = UserFactory(roles=["sales_agent"], branches=[BranchFactory(name="Омский филиал")])
    assert coverage.check(stranger, "Ленина 12").status == coverage.UNKNOWN


def test_the_same_address_in_two_cities_is_ambiguous_until_the_city_is_named(agent, branch, city):
    ekb = building(city, "ул. Ленина", "12")
    revda = building(CityFactory(name="Ревда", branch=branch), "ул. Ленина", "12")
    answer = coverage.check(agent, "Ленина 12")
    assert answer.status == coverage.AMBIGUOUS
    assert [c.building.pk for c in answer.candidates] == [ekb.pk, revda.pk]
    assert answer.message == "Several buildings match Ленина 12: choose one."
    assert coverage.check(agent, "Ревда, Ленина 12").building.pk == revda.pk


def test_the_street_type_tells_a_street_from_an_avenue(agent, city):
    street_ = building(city, "ул. Мира", "5")
    avenue = building(city, "пр-т Мира", "5")
    assert coverage.check(agent, "Мира 5").status == coverage.AMBIGUOUS
    assert coverage.check(agent, "пр-т Мира 5").building.pk == avenue.pk
    assert coverage.check(agent, "улица Мира 5").building.pk == street_.pk


def test_an_ambiguous_answer_lists_at_most_ten_candidates(agent, branch):
    for i in range(12):
        building(CityFactory(name=f"Город {i:02}", branch=branch), "ул. Ленина", "7")
    answer = coverage.check(agent, "Ленина 7")
    assert answer.status == coverage.AMBIGUOUS
    assert len(answer.candidates) == 10


def test_a_house_number_without_its_corpus_offers_the_corpora(agent, city):
    first = building(city, "ул. Ленина", "30к1")
    second = building(city, "ул. Ленина", "30 корп. 2", technology="")
    building(city, "ул. Ленина", "300")
    answer = coverage.check(agent, "Ленина 30")
    assert answer.status == coverage.AMBIGUOUS
    assert [c.building.pk for c in answer.candidates] == [first.pk, second.pk]
    assert [c.status for c in answer.candidates] == [coverage.SERVED, coverage.NOT_COVERED_YET]
    assert "did you mean" in answer.message


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type an address"),
        ("   ", "Type an address"),
        ("Ленина " + "1" * 195, "at most 200 characters"),
        ("Ленина", "No house number"),
        ("ул. Ленина, кв. 5", "No house number"),
        ("!!! ,,, ...", "This is not an address"),
        ("12", "No street"),
        ("д. 12", "No street"),
    ],
)
def test_input_that_is_not_an_address_is_refused_with_a_message_and_nothing_else(
    agent, city, typed, message, django_assert_num_queries
):
    building(city, "ул. Ленина", "12")
    with django_assert_num_queries(0), pytest.raises(coverage.AddressError) as error:
        coverage.check(agent, typed)
    assert message in str(error.value)


@given(st.text(max_size=60))
def test_the_parser_never_fails_otherwise_than_with_a_message(text):
    try:
        address = addresses.parse(text)
    except addresses.AddressError as error:
        assert str(error)
    else:
        assert address.street.words and address.house[0].isdigit()
        assert addresses.house_of(address.house) == address.house  # canonical stays canonical


# -- the page ---------------------------------------------------------------------------------


def test_the_page_answers_the_address_with_a_link_to_the_building(client, agent, city):
    b = building(city, "ул. Ленина", "12", ports=24)
    client.force_login(agent)
    response = client.get(PAGE, {"address": "Ленина 12"}, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="served"' in page
    assert reverse("subscribers:building", kwargs={"pk": b.pk}) in page
    assert "<html" in page  # a whole page without JavaScript


def test_the_page_with_htmx_returns_the_answer_only(client, agent, city):
    building(city, "ул. Ленина", "12")
    client.force_login(agent)
    page = client.get(PAGE, {"address": "Ленина 12"}, HTTP_HX_REQUEST="true", **EN)
    assert 'id="coverage-result"' in page.content.decode()
    assert "<html" not in page.content.decode()


def test_the_page_and_its_answer_are_never_mixed_up_in_a_cache(client, agent):
    client.force_login(agent)
    assert "HX-Request" in client.get(PAGE, {"address": "Ленина 12"})["Vary"]


def test_the_page_lists_the_candidates_of_an_ambiguous_address(client, agent, branch, city):
    building(city, "ул. Ленина", "12")
    building(CityFactory(name="Ревда", branch=branch), "ул. Ленина", "12")
    client.force_login(agent)
    page = client.get(PAGE, {"address": "Ленина 12"}, **EN).content.decode()
    assert 'id="coverage-candidates"' in page
    assert "Ревда, ул. Ленина, 12" in page


def test_the_page_shows_bad_input_as_an_error(client, agent):
    client.force_login(agent)
    page = client.get(PAGE, {"address": "Ленина"}, **EN).content.decode()
    assert 'id="coverage-error"' in page and "No house number" in page


def test_the_page_without_an_address_shows_the_form(client, agent):
    client.force_login(agent)
    page = client.get(PAGE, **EN).content.decode()
    assert 'id="coverage-form"' in page and 'id="coverage-error"' not in page


def test_the_page_needs_the_right_to_see_buildings(client):
    client.force_login(UserFactory(roles=["recruiter"]))
    assert client.get(PAGE, {"address": "Ленина 12"}).status_code == 403


def test_the_page_only_reads(client, agent):
    client.force_login(agent)
    assert client.post(PAGE, {"address": "Ленина 12"}).status_code == 405


def test_the_start_page_of_a_sales_agent_has_the_check(client, agent):
    client.force_login(agent)
    page = client.get(reverse("home"), **EN).content.decode()
    assert 'id="coverage-widget"' in page


# -- the API ----------------------------------------------------------------------------------


def test_the_api_answers_with_the_building_and_its_figures(client, agent, city):
    b = building(city, "ул. Ленина", "12", flats=10, ports=16)
    live_in(b, Status.ACTIVE, Status.ACTIVE, Status.SUSPENDED)
    client.force_login(agent)
    response = client.get(API, {"address": "ул. Ленина, 12"}, **EN)
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "served"
    assert data["candidates"] == []
    found = data["building"]
    assert found["id"] == b.pk and found["branch_id"] == city.branch_id
    assert (found["city"], found["street"], found["house"]) == ("Екатеринбург", "ул. Ленина", "12")
    assert (found["flats"], found["ports"], found["free_ports"]) == (10, 16, 13)
    assert found["active_subscribers"] == 2 and found["penetration"] == 20.0
    assert found["coverage_since"] == "2020-01-10"
    assert found["card_url"] == reverse("subscribers:building", kwargs={"pk": b.pk})


def test_the_api_lists_the_candidates_of_an_ambiguous_address(client, agent, branch, city):
    building(city, "ул. Ленина", "12")
    building(CityFactory(name="Ревда", branch=branch), "ул. Ленина", "12")
    client.force_login(agent)
    data = client.get(API, {"address": "Ленина 12"}, **EN).json()
    assert data["status"] == "ambiguous" and data["building"] is None
    assert [c["city"] for c in data["candidates"]] == ["Екатеринбург", "Ревда"]


def test_the_api_refuses_bad_input_with_400_and_a_message(client, agent):
    client.force_login(agent)
    for params in ({}, {"address": ""}, {"address": "Ленина"}, {"address": "x" * 201}):
        response = client.get(API, params, **EN)
        assert response.status_code == 400, params
        assert response.json()["address"][0]


def test_the_api_needs_the_right_to_see_buildings(client):
    client.force_login(UserFactory(roles=["recruiter"]))
    assert client.get(API, {"address": "Ленина 12"}).status_code == 403


def test_the_api_does_not_see_another_branch(client, city):
    building(city, "ул. Ленина", "12")
    client.force_login(UserFactory(roles=["sales_agent"], branches=[BranchFactory(name="Омск")]))
    assert client.get(API, {"address": "Ленина 12"}).json()["status"] == "unknown"


def test_the_api_wants_credentials(client):
    assert client.get(API, {"address": "Ленина 12"}).status_code == 401

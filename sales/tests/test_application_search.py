"""The registry of applications' search (sales.registries._search): what a coordinator types
to find an application: its number, the phone in any form or its last digits, a part of the
name in any letter case, a street, an address, or the address typed outside coverage."""

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from sales.tests.factories import ApplicationFactory
from subscribers.tests.factories import BuildingFactory, StreetFactory


@pytest.fixture
def found(client, coordinator):
    client.force_login(coordinator)
    url = reverse("registry", kwargs={"name": "applications"})

    def numbers(text: str) -> set[str]:
        response = client.get(url, {"q": text})
        assert response.status_code == 200
        return {row.number for row in response.context["page"].rows}

    return numbers


@pytest.fixture
def three(lenina):
    mira = BuildingFactory(
        street=StreetFactory(city=lenina.street.city, name="пр-т Мира"), house="5",
        technology="FTTB", coverage_since=lenina.coverage_since,
    )  # fmt: skip
    return {
        "ivanova": ApplicationFactory(
            number="26-000101", building=lenina, full_name="Иванова Анна", phone="+79123456789"
        ),
        "petrov": ApplicationFactory(
            number="26-000102", building=mira, full_name="Петров Олег", phone="+79001112233"
        ),
        "outside": ApplicationFactory(
            number="26-000103",
            building=None,
            branch=lenina.street.city.branch,
            address="ул. Садовая, 99",
            state="no_coverage",
            technology="",
            full_name="Сидоров Иван",
            phone="+79005550000",
        ),  # fmt: skip
    }


def test_the_number_finds_its_application(found, three):
    assert found("26-000102") == {"26-000102"}


@pytest.mark.parametrize("typed", ["+7 912 345-67-89", "89123456789", "9123456789"])
def test_a_phone_in_any_form_finds_its_application(found, three, typed):
    assert found(typed) == {"26-000101"}


def test_the_last_digits_of_a_phone_find_it(found, three):
    assert found("6789") == {"26-000101"}
    assert found("0000") == {"26-000103"}


def test_a_part_of_the_name_in_any_letter_case(found, three):
    assert found("иванов") == {"26-000101"}
    assert found("ПЕТР") == {"26-000102"}


def test_a_street_finds_the_applications_of_its_buildings(found, three):
    assert found("Мира") == {"26-000102"}
    assert found("ленина") == {"26-000101"}


def test_an_address_finds_the_applications_at_it(found, three):
    assert found("Ленина 12") == {"26-000101"}
    assert found("Мира, 5") == {"26-000102"}


def test_an_address_outside_coverage_is_found_by_the_text_typed(found, three):
    assert found("Садовая") == {"26-000103"}


def test_nothing_found_is_an_empty_page(found, three):
    assert found("Кузнецов") == set()
    assert found("26-999999") == set()


def test_the_agent_filter_lists_only_those_credited(client, coordinator, lenina):
    agent = UserFactory(username="agent_anna", roles=["sales_agent"])
    UserFactory(username="never_credited", roles=["sales_agent"])
    ApplicationFactory(building=lenina, agent=agent)
    client.force_login(coordinator)
    html = client.get(reverse("registry", kwargs={"name": "applications"})).content.decode()
    assert "agent_anna" in html
    assert "never_credited" not in html


@pytest.mark.parametrize("sort", ["install_due", "-install_due"])
def test_keyset_pages_sorted_by_an_empty_able_key_hold_every_row_once(lenina, sort):
    # core.registry's keyset pagination over a key that may be empty (here an application's
    # installation clock): such rows come after the others ascending and before them
    # descending, as PostgreSQL orders them (SQLite is asked for the same), each exactly once.
    import dataclasses
    import datetime

    from django.utils import timezone

    from core import registry as core_registry
    from sales.models import Application
    from sales.registries import APPLICATIONS

    start = timezone.now()
    for n in range(65):
        due = None if n % 4 == 0 else start + datetime.timedelta(minutes=n % 7)
        ApplicationFactory(building=lenina, number=f"26-{n:06d}", install_due=due)
    clocked = dataclasses.replace(APPLICATIONS, sorts={"install_due": ("install_due",)})
    seen, after = [], None
    while True:
        page = core_registry.page_of(
            clocked, Application.objects.all(), sort, after, APPLICATIONS.columns
        )
        seen += [(row.install_due, row.pk) for row in page.rows]
        if page.next_token is None:
            break
        after = page.next_token
    assert len(seen) == 65 == len(set(seen))
    empty = [pk for due, pk in seen if due is None]
    dated = [(due, pk) for due, pk in seen if due is not None]
    assert len(empty) == 17
    if sort.startswith("-"):
        assert seen[: len(empty)] == [(None, pk) for pk in sorted(empty, reverse=True)]
        assert dated == sorted(dated, reverse=True)
    else:
        assert seen[len(dated) :] == [(None, pk) for pk in sorted(empty)]
        assert dated == sorted(dated)


def test_ticking_states_lists_the_applications_of_each_by_one_in_list(client, coordinator, lenina):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for state in ("new", "qualified", "connected"):
        ApplicationFactory(building=lenina, state=state, full_name=f"Prospect {state}")
    client.force_login(coordinator)
    url = reverse("registry", kwargs={"name": "applications"})
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"state": ["new", "qualified"]})
    names = {row.full_name for row in response.context["page"].rows}
    assert names == {"Prospect new", "Prospect qualified"}
    # PostgreSQL reads an IN list from the index; an OR of equalities scans all of it.
    assert any('"state" IN (' in q["sql"] for q in queries.captured_queries)

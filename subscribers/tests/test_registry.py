"""The subscriber registry (core.registry configured for subscribers): search by account, phone
in any form, name and address; filters; keyset pages; columns and saved filters per user; XLSX;
and only the rows of the user's branches."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core import registry as core_registry
from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import ExtraAttribute, Status

from .factories import BuildingFactory, SubscriberFactory, TariffFactory

pytestmark = pytest.mark.django_db
URL = reverse("registry", kwargs={"name": "subscribers"})
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def branch():
    return BranchFactory(name="Тверь")


@pytest.fixture
def clerk(client, branch):
    user = UserFactory(perms=["subscribers.view_subscriber"], branches=[branch])
    client.force_login(user)
    return user


def accounts(response) -> list[str]:
    return [row[0][1] for row in response.context["cells"]]


def find(client, **params) -> list[str]:
    response = client.get(URL, params, **EN)
    assert response.status_code == 200
    return accounts(response)


@pytest.mark.parametrize(
    "typed", ["+7 912 345-67-89", "89123456789", "9123456789", "8 (912) 345 67 89", "6789"]
)
def test_a_subscriber_is_found_by_the_phone_typed_any_way(client, clerk, branch, typed):
    SubscriberFactory(account="1001", branch=branch, phone="+79123456789")
    SubscriberFactory(account="1002", branch=branch, phone="+79160000000")
    assert find(client, q=typed) == ["1001"]


def test_the_second_phone_is_searched_too(client, clerk, branch):
    SubscriberFactory(account="1001", branch=branch, phone="", phone2="+79123456789")
    assert find(client, q="89123456789") == ["1001"]


def test_a_subscriber_is_found_by_account_name_and_address(client, clerk, branch):
    a = SubscriberFactory(account="40000123", branch=branch, full_name="Иванов Иван")
    b = SubscriberFactory(account="40000456", branch=branch, full_name="Петрова Анна")
    assert find(client, q="40000123") == ["40000123"]
    assert find(client, q="Петрова") == ["40000456"]
    street, house = b.building.street.name, b.building.house
    assert find(client, q=f"{street} {house}") == ["40000456"]
    assert a.account not in find(client, q=f"{street} {house}")


def test_names_and_streets_are_found_in_any_letter_case_cyrillic_too(client, clerk, branch):
    """SQLite folds only Latin letters by itself: "иванов" must still find "Иванов"."""
    home = BuildingFactory(street__name="ул. Садовая", street__city__branch=branch, house="12к1")
    SubscriberFactory(account="1001", branch=branch, full_name="Иванов Пётр", building=home)
    SubscriberFactory(account="1002", branch=branch, full_name="Петрова Анна")
    assert find(client, q="иванов") == ["1001"]
    assert find(client, q="ПЁТР") == ["1001"]
    assert find(client, q="садовая") == ["1001"]
    assert find(client, q="САДОВАЯ 12К1") == ["1001"]


def test_an_address_is_read_as_people_type_it(client, clerk, branch):
    """The search reads an address as the coverage check does: street types, commas, corpus
    forms and a flat are all understood; the best-matching buildings answer."""
    home = BuildingFactory(street__name="ул. Садовая", street__city__branch=branch, house="12к1")
    SubscriberFactory(account="1001", branch=branch, building=home)
    for typed in ("Садовая, 12к1", "ул. Садовая, д. 12 корп. 1", "садовая 12/1, кв. 5"):
        assert find(client, q=typed) == ["1001"], typed
    assert find(client, q="Садовая 12") == ["1001"]  # no house 12: 12к1 is the nearest
    twelve = BuildingFactory(street=home.street, house="12")
    SubscriberFactory(account="1002", branch=branch, building=twelve)
    assert find(client, q="Садовая, 12") == ["1002"]  # now there is one
    assert find(client, q="пр-т Садовая 12к1") == ["1001"]  # the type is a weaker hint
    assert find(client, q="Садовая 13") == []
    assert find(client, q="Лесная 12к1") == []


def test_another_branch_s_subscriber_is_never_listed(client, clerk, branch):
    SubscriberFactory(account="1001", branch=branch)
    SubscriberFactory(account="2001", branch=BranchFactory(name="Самара"))
    assert find(client) == ["1001"]
    assert find(client, q="2001") == []


def test_the_filters_narrow_the_base(client, clerk, branch):
    fast = TariffFactory(name="Fast")
    SubscriberFactory(account="1", branch=branch, status=Status.ACTIVE, tariff=fast)
    SubscriberFactory(
        account="2", branch=branch, status=Status.SUSPENDED, reported_balance=Decimal("-500")
    )
    SubscriberFactory(
        account="3",
        branch=branch,
        connected_on=date(2010, 5, 1),
        reported_balance=Decimal("120.50"),
        technology="GPON",
    )
    assert find(client, status="suspended") == ["2"]
    assert find(client, debtors="on") == ["2"]
    assert find(client, tariff=fast.pk) == ["1"]
    assert find(client, technology="GPON") == ["3"]
    assert find(client, balance_from="100", balance_to="200") == ["3"]
    assert find(client, connected_to="2015-01-01") == ["3"]
    assert find(client, tenure_from="120") == ["3"]
    assert find(client, branch=branch.pk, status=["suspended", "terminated"]) == ["2"]


def test_an_extra_attribute_of_some_operators_filters_by_its_type(client, clerk, branch):
    ExtraAttribute.objects.create(key="credit_limit", value_type="int", label="credit limit")
    ExtraAttribute.objects.create(key="contract_no", value_type="text", label="contract")
    SubscriberFactory(account="1", branch=branch, extra={"credit_limit": 500, "contract_no": "Д-1"})
    SubscriberFactory(account="2", branch=branch, extra={"credit_limit": 0})
    SubscriberFactory(account="3", branch=branch, extra={})
    assert find(client, attribute="credit_limit", attribute_value="500") == ["1"]
    assert find(client, attribute="contract_no", attribute_value="Д-1") == ["1"]
    assert find(client, attribute="credit_limit") == ["1", "2"]
    assert find(client, attribute="credit_limit", attribute_value="много") == []


def test_a_bad_filter_value_is_named_and_lists_nothing(client, clerk, branch):
    SubscriberFactory(account="1", branch=branch)
    response = client.get(URL, {"balance_from": "сто", "status": "closed"}, **EN)
    assert response.status_code == 200
    errors = response.context["filterset"].form.errors
    assert "balance_from" in errors and "status" in errors
    assert accounts(response) == []
    assert 'id="registry-empty"' in response.content.decode()


def test_pages_follow_one_another_without_gaps_or_repeats(client, clerk, branch):
    for i in range(120):
        SubscriberFactory(account=f"{5000 + i}", branch=branch, reported_balance=Decimal(i % 7))
    for sort in ("account", "-reported_balance"):
        seen, params = [], {"sort": sort}
        while True:
            response = client.get(URL, params, **EN)
            seen += accounts(response)
            if not response.context["next_url"]:
                break
            params = dict(p.split("=", 1) for p in response.context["next_url"][1:].split("&"))
        assert len(seen) == 120 and len(set(seen)) == 120
    assert response.context["page"].count == 120


def test_a_bad_page_token_shows_the_first_page(client, clerk, branch):
    SubscriberFactory(account="1", branch=branch)
    assert find(client, after="not-a-token") == ["1"]


def test_a_page_takes_the_same_few_queries_however_many_rows(
    client, clerk, branch, django_assert_max_num_queries
):
    SubscriberFactory.create_batch(3, branch=branch)
    # 17: the session (read, then written as this is the first request: 3), the user and their
    # permissions (3), branches, extra attributes, preferences, the count, the rows, saved
    # filters, and the filter form's lists (segments, branches, cities, tariffs). PostgreSQL
    # counts with a planner option set (and, inside a test's transaction, restored), then picks
    # the ids first: +5.
    with django_assert_max_num_queries(22) as small:
        client.get(URL)
    SubscriberFactory.create_batch(60, branch=branch)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(URL)


def test_the_chosen_columns_are_kept_for_the_user(client, clerk, branch):
    SubscriberFactory(account="1", branch=branch, email="a@example.ru")
    client.post(URL, {"action": "columns", "col": ["account", "email"], "back": "?"})
    response = client.get(URL, **EN)
    assert [c.name for c in response.context["page"].columns] == ["account", "email"]
    other = UserFactory(perms=["subscribers.view_subscriber"], branches=[branch])
    client.force_login(other)
    assert len(client.get(URL).context["page"].columns) > 2


def test_a_filter_is_saved_under_a_name_and_deleted(client, clerk, branch):
    client.post(URL, {"action": "save_filter", "title": "Должники", "back": "?debtors=on"})
    saved = client.get(URL, **EN).context["saved"]
    assert [(f.name, f.query) for f in saved] == [("Должники", "debtors=on")]
    client.post(URL, {"action": "delete_filter", "id": saved[0].pk, "back": "?"})
    assert not client.get(URL, **EN).context["saved"]


def test_the_xlsx_has_the_shown_columns_and_the_filtered_rows(client, clerk, branch):
    SubscriberFactory(account="1", branch=branch, full_name="Иванов", status=Status.ACTIVE)
    SubscriberFactory(account="2", branch=branch, status=Status.SUSPENDED)
    response = client.get(URL, {"status": "active", "format": "xlsx"}, **EN)
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.values)
    assert rows[0][:2] == ("Account", "Subscriber")
    assert rows[1][:2] == ("1", "Иванов")
    assert len(rows) == 2


def test_a_download_too_big_for_one_sheet_asks_to_narrow_it(client, clerk, branch, monkeypatch):
    monkeypatch.setattr(core_registry, "EXPORT_MAX", 2)
    SubscriberFactory.create_batch(3, branch=branch)
    response = client.get(URL, {"format": "xlsx"}, **EN)
    assert response.status_code == 413
    assert "Narrow the filter" in response.content.decode()


def test_a_user_without_the_right_gets_no_registry(client):
    client.force_login(UserFactory(roles=["recruiter"]))
    assert client.get(URL).status_code == 403


def test_numbers_beyond_any_range_are_refused_not_crashed_on(client, clerk, branch):
    SubscriberFactory(account="1", branch=branch)
    huge = "9" * 30
    for params in (
        {"tenure_from": huge},
        {"branch": huge},
        {"city": huge},
        {"tariff": huge},
        {"balance_to": huge},
    ):
        response = client.get(URL, params, **EN)
        assert response.status_code == 200, params
        assert response.context["filterset"].form.errors, params
        assert accounts(response) == []


def test_a_big_download_is_written_in_the_background_for_its_user_only(
    client, clerk, branch, monkeypatch, settings, tmp_path
):
    from core.models import Job

    settings.ABONENT_JOB_RUNNER = "sync"
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(core_registry, "EXPORT_AT_ONCE", 2)
    SubscriberFactory.create_batch(3, branch=branch, status=Status.ACTIVE)
    SubscriberFactory(branch=BranchFactory(name="Самара"))
    response = client.get(URL, {"status": "active", "format": "xlsx"}, **EN)
    job = Job.objects.get(kind=Job.Kind.REGISTRY_EXPORT)
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.pk}/")
    assert job.status == Job.Status.DONE, job.result
    page = client.get(response["Location"], **EN).content.decode()
    download = reverse("job_download", kwargs={"pk": job.pk})
    assert download in page
    file = client.get(download)
    rows = list(load_workbook(io.BytesIO(b"".join(file.streaming_content))).active.values)
    assert len(rows) == 4  # the header and this user's three active subscribers
    client.force_login(UserFactory(perms=["subscribers.view_subscriber", "core.view_job"]))
    assert client.get(download).status_code == 403


def test_the_city_filter_finds_the_subscribers_of_its_buildings(client, clerk, branch):
    tver = BuildingFactory(street__city__branch=branch, street__city__name="Тверь")
    tver2 = BuildingFactory(street__city=tver.street.city)
    torzhok = BuildingFactory(street__city__branch=branch, street__city__name="Торжок")
    SubscriberFactory(account="1", branch=branch, building=tver)
    SubscriberFactory(account="2", branch=branch, building=tver2)
    SubscriberFactory(account="3", branch=branch, building=torzhok)
    SubscriberFactory(account="4", branch=branch, building=None)
    assert find(client, city=tver.street.city_id) == ["1", "2"]
    assert find(client, city=torzhok.street.city_id) == ["3"]
    # A building put on a street of another city, or a street moved to another city, takes
    # its subscribers with it.
    tver2.street = torzhok.street
    tver2.save()
    assert find(client, city=torzhok.street.city_id) == ["2", "3"]
    old_city = torzhok.street.city_id
    torzhok.street.city = tver.street.city
    torzhok.street.save()
    assert find(client, city=tver.street.city_id) == ["1", "2", "3"]
    assert find(client, city=old_city) == []

"""The report page: filters, chart, tables, downloads, and who may see it."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from .factories import (
    BranchFactory,
    BuildingFactory,
    MonthlyFactFactory,
    MonthlySummaryFactory,
    SubscriberFactory,
    TariffFactory,
    TariffMigrationSummaryFactory,
)

REPORTS = ["churn_inflow", "base", "tariffs"]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def data(db):
    basic, fast = TariffFactory(name="Basic"), TariffFactory(name="Fast")
    centre = BranchFactory(name="Centre")
    for month in (date(2025, 5, 1), date(2025, 6, 1)):
        MonthlySummaryFactory(
            month=month,
            branch=centre,
            tariff=basic,
            active_start=90,
            active_end=100,
            connected=12,
            terminated=2,
            charged=Decimal("47500.00"),
            paid=Decimal("45000.00"),
            debtors=3,
            debt=Decimal("900.00"),
        )
        MonthlySummaryFactory(
            month=month,
            branch=centre,
            tariff=fast,
            technology="GPON",
            active_start=10,
            active_end=11,
            charged=Decimal("9000.00"),
        )
    TariffMigrationSummaryFactory(from_tariff=basic, to_tariff=fast, subscribers=2)
    building = BuildingFactory(flats=40)
    for tenure in (1, 14, 40):
        MonthlyFactFactory(
            subscriber=SubscriberFactory(building=building),
            tariff=basic,
            tenure_months=tenure,
            balance_end=Decimal("-120.00"),
        )


def url(name, **params):
    from urllib.parse import urlencode

    return reverse("analytics:report", args=[name]) + ("?" + urlencode(params) if params else "")


@pytest.mark.parametrize("name", REPORTS)
def test_it_renders_the_report_with_its_chart_and_tables(analyst_client, data, name):
    response = analyst_client.get(url(name), **EN)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="plotly-graph-div"' in html
    assert "vendor/plotly.min.js" in html
    assert "<table" in html


def test_it_shows_percent_and_money_to_two_places(analyst_client, data):
    response = analyst_client.get(url("churn_inflow", to="2025-05"), **EN)

    html = response.content.decode()
    assert "56,500.00" in html  # charged
    assert "2.0\u00a0%" in html  # churn rate 2 of 100


def test_it_forbids_a_user_without_the_permission(client, django_user_model, data):
    client.force_login(django_user_model.objects.create_user("clerk", password="x"))

    assert client.get(url("base")).status_code == 403


def test_it_sends_an_anonymous_visitor_to_log_in(client, db):
    response = client.get(url("base"))

    assert response.status_code == 302
    assert reverse("login") in response["Location"]


def test_it_rejects_post(analyst_client, data):
    assert analyst_client.post(url("base")).status_code == 405


def test_an_unknown_report_is_not_found(analyst_client):
    assert analyst_client.get(url("no_such_report")).status_code == 404


def test_it_downloads_xlsx_with_the_header_and_rows(analyst_client, data):
    response = analyst_client.get(url("churn_inflow", format="xlsx", by_branch="on"), **EN)

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="churn_inflow-')
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Month", "Branch", "Active at start")
    assert [r[2] for r in rows[1:]] == [100, 100]
    assert sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet["I2"].number_format == "#,##0.00"


def test_the_xlsx_of_the_base_has_a_sheet_per_table(analyst_client, data):
    response = analyst_client.get(url("base", format="xlsx", at="2025-06"), **EN)

    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 5
    tenure = list(book.worksheets[2].iter_rows(values_only=True))
    assert tenure[0] == ("Tenure", "Subscribers", "Share")
    assert [r[1] for r in tenure[1:]] == [1, 0, 0, 1, 0, 1]


def test_it_downloads_csv(analyst_client, data):
    response = analyst_client.get(url("tariffs", format="csv"), **EN)

    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode().splitlines()
    assert lines[:3] == [
        "Subscribers and revenue by tariff",
        "Month,Tariff,Subscribers,Share of active,Revenue,ARPU",
        "2025-05,Basic,100,0.900901,47500.00,500.00",
    ]


def test_a_bad_month_shows_a_form_error_and_no_report(analyst_client, data):
    response = analyst_client.get(url("churn_inflow", **{"from": "2024-13"}), **EN)

    assert response.status_code == 200
    assert "Enter a month as YYYY-MM, for example 2025-06." in response.content.decode()
    assert response.context["form"].errors["from"]
    assert "tables" not in response.context


def test_a_period_that_ends_before_it_starts_is_refused(analyst_client, data):
    response = analyst_client.get(url("tariffs", **{"from": "2025-06", "to": "2025-01"}), **EN)

    assert "The period ends before it starts." in response.content.decode()


def test_an_unknown_branch_is_a_form_error(analyst_client, data):
    response = analyst_client.get(url("base", branch="999999"), **EN)

    assert response.context["form"].errors["branch"]


# session (read; written at most once a minute as its idle timeout slides), user,
# 2 × permissions, the user's branches, the report's queries, the branch and tariff choices,
# the billing data's freshness (its sources, the last import): a constant few.
@pytest.mark.parametrize("name, queries", [("churn_inflow", 13), ("base", 17), ("tariffs", 14)])
def test_the_page_takes_a_few_queries(
    analyst_client, data, django_assert_max_num_queries, name, queries
):
    with django_assert_max_num_queries(queries):
        response = analyst_client.get(url(name, technology="FTTB"))

    assert response.status_code == 200


def test_buildings_are_paged(analyst_client, data):
    for _ in range(55):
        MonthlyFactFactory(subscriber=SubscriberFactory(building=BuildingFactory(flats=5)))

    first = analyst_client.get(url("base"), **EN)
    second = analyst_client.get(url("base", page="2"), **EN)

    assert len(first.context["result"].buildings) == 50
    assert "Page 1 of 2" in first.content.decode()
    assert len(second.context["result"].buildings) == 6


def test_a_user_sees_the_figures_of_their_branches_only(client, data):
    from core.tests.factories import UserFactory

    north = BranchFactory(name="North")
    MonthlySummaryFactory(
        month=date(2025, 5, 1), branch=north, active_start=1000, charged=Decimal("777777.00")
    )
    perms = ["subscribers.view_monthlyfact"]
    client.force_login(UserFactory(perms=perms, branches=[BranchFactory(name="Centre")]))
    html = client.get(url("churn_inflow"), **EN).content.decode()
    assert "777,777.00" not in html
    assert "56,500.00" in html
    refused = client.get(url("churn_inflow", branch="North"), **EN)
    assert refused.context["form"].errors["branch"]
    assert "777,777.00" not in refused.content.decode()
    client.force_login(UserFactory(perms=perms, branches=[north]))
    html = client.get(url("churn_inflow"), **EN).content.decode()
    assert "777,777.00" in html and "56,500.00" not in html


def test_a_user_without_branches_sees_no_figures(client, data):
    from core.tests.factories import UserFactory

    client.force_login(UserFactory(perms=["subscribers.view_monthlyfact"], branches=[]))
    html = client.get(url("churn_inflow"), **EN).content.decode()
    assert "56,500.00" not in html

"""A good canonical import of the hand-written operator (conftest.OPERATOR): every table it
fills, and its monthly facts and summaries against values worked out by hand from
docs/metrics.md."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from core.models import Branch
from subscribers.models import (
    Building,
    City,
    ExtraAttribute,
    MonthlyFact,
    Payment,
    Service,
    StatusEvent,
    Street,
    Subscriber,
    Tariff,
)
from subscribers.tests.conftest import TODAY

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

JAN, FEB, MAR = date(2025, 1, 1), date(2025, 2, 1), date(2025, 3, 1)
D = Decimal

# (account, month) → branch, tariff, prev_tariff, technology, status, active_start, active_end,
# connected, terminated, charged, paid, balance_end, days_overdue, tenure_months.
# balance_end = reported balance − (payments − charges) after the month; days_overdue counts
# from the end of the last month with balance_end ≥ 0, or from the first fact's start.
# fmt: off
FACTS = {
    # 1001: −550 reported; +05:00 payment of 01:30 on Feb 1 is 23:30 on Jan 31 in Moscow.
    ("1001", JAN): ("Центр", "Домашний 100", None, "FTTB", "active",
                    True, True, False, False, D("550"), D("600"), D("50"), 0, 20),
    ("1001", FEB): ("Центр", "Домашний 100", "Домашний 100", "FTTB", "active",
                    True, True, False, False, D("550"), D("0"), D("-500"), 28, 21),
    ("1001", MAR): ("Центр", "Скоростной 300", "Домашний 100", "FTTB", "active",
                    True, True, False, False, D("550"), D("500"), D("-550"), 59, 22),
    # 1002: connected on Feb 14; its 00:30 payment of Mar 1 is local (UTC+5) March.
    ("1002", FEB): ("Урал", "Гигабит", None, "GPON", "active",
                    False, True, True, False, D("637.50"), D("700"), D("62.50"), 0, 0),
    ("1002", MAR): ("Урал", "Гигабит", "Гигабит", "GPON", "active",
                    True, True, False, False, D("1340"), D("1340"), D("62.50"), 0, 1),
    # 1003: terminated on Feb 10 owing 196.43: it stays a debtor, with a fact every month.
    ("1003", JAN): ("Центр", "Домашний 100", None, "FTTB", "active",
                    True, True, False, False, D("550"), D("550"), D("0"), 0, 10),
    ("1003", FEB): ("Центр", "Домашний 100", "Домашний 100", "FTTB", "terminated",
                    True, False, False, True, D("196.43"), D("0"), D("-196.43"), 28, 11),
    ("1003", MAR): ("Центр", "Домашний 100", "Домашний 100", "FTTB", "terminated",
                    False, False, False, False, D("0"), D("0"), D("-196.43"), 59, 12),
    # 1004: in debt from the window's start; suspended now, so only March says so.
    ("1004", JAN): ("Урал", "Бизнес 200", None, "DOCSIS", "active",
                    True, True, False, False, D("1500"), D("0"), D("-1600"), 31, 1),
    ("1004", FEB): ("Урал", "Бизнес 200", "Бизнес 200", "DOCSIS", "active",
                    True, True, False, False, D("1500"), D("0"), D("-3100"), 59, 2),
    ("1004", MAR): ("Урал", "Бизнес 200", "Бизнес 200", "DOCSIS", "suspended",
                    True, True, False, False, D("0"), D("0"), D("-3100"), 90, 3),
    # 1005: connected in the data month, no ledger: its current tariff.
    ("1005", MAR): ("Центр", "Домашний 100", None, "FTTB", "active",
                    False, True, True, False, D("0"), D("0"), D("0"), 0, 0),
}
# (month, branch, technology, tariff) → subscribers, active_start, active_end, connected,
# terminated, charged, paid, debtors, debt.
SUMMARIES = {
    (JAN, "Центр", "FTTB", "Домашний 100"): (2, 2, 2, 0, 0, D("1100"), D("1150"), 0, D("0")),
    (JAN, "Урал", "DOCSIS", "Бизнес 200"): (1, 1, 1, 0, 0, D("1500"), D("0"), 1, D("1600")),
    (FEB, "Центр", "FTTB", "Домашний 100"): (2, 2, 1, 0, 1, D("746.43"), D("0"), 2,
                                             D("696.43")),
    (FEB, "Урал", "GPON", "Гигабит"): (1, 0, 1, 1, 0, D("637.50"), D("700"), 0, D("0")),
    (FEB, "Урал", "DOCSIS", "Бизнес 200"): (1, 1, 1, 0, 0, D("1500"), D("0"), 1, D("3100")),
    (MAR, "Центр", "FTTB", "Скоростной 300"): (1, 1, 1, 0, 0, D("550"), D("500"), 1, D("550")),
    (MAR, "Центр", "FTTB", "Домашний 100"): (2, 0, 1, 1, 0, D("0"), D("0"), 1, D("196.43")),
    (MAR, "Урал", "GPON", "Гигабит"): (1, 1, 1, 0, 0, D("1340"), D("1340"), 0, D("0")),
    (MAR, "Урал", "DOCSIS", "Бизнес 200"): (1, 1, 1, 0, 0, D("0"), D("0"), 1, D("3100")),
}
# fmt: on


def test_it_reports_success_and_counts_the_rows(billing, operator):
    result = billing.run(billing.write(operator))
    assert result.ok and result.errors == []
    stats = result.stats
    assert (stats["subscribers_created"], stats["charges_created"], stats["payments_created"]) == (
        5,
        10,
        5,
    )
    assert stats["facts_written"] == len(FACTS)


def test_it_imports_all_five_kinds_in_one_call(billing, operator):
    result = billing.run(billing.write(operator))
    assert result.ok, result.errors
    assert billing.facts() == FACTS


def test_it_creates_the_subscribers(billing, base):
    s = billing.subscribers()
    assert set(s) == {"1001", "1002", "1003", "1004", "1005"}
    assert s["1001"][:12] == (
        "person",
        "Иванов Иван Иванович",
        "+79123456789",
        "+79031234567",
        "ivanov@mail.ru",
        "Центр",
        "Тверь",
        "ул. Ленина",
        "1",
        "5",
        "FTTB",
        "Скоростной 300",
    )
    assert s["1003"][12:15] == ("terminated", date(2024, 3, 1), date(2025, 2, 10))
    assert s["1004"][0] == "company"
    assert s["1004"][10] == "DOCSIS"  # "docsis" in the file
    assert s["1004"][12] == "suspended"


def test_it_stores_every_phone_as_e164(billing, base):
    phones = {a: row[2:4] for a, row in billing.subscribers().items()}
    assert phones == {
        "1001": ("+79123456789", "+79031234567"),
        "1002": ("+79221234567", ""),
        "1003": ("", ""),
        "1004": ("+73431234567", ""),
        "1005": ("+79161112233", ""),
    }


def test_it_creates_branches_with_their_time_zones(base):
    assert set(Branch.objects.values_list("name", "time_zone", "currency")) == {
        ("Центр", "Europe/Moscow", "RUB"),
        ("Урал", "Asia/Yekaterinburg", "RUB"),
    }


def test_it_creates_cities_streets_and_buildings(base):
    assert set(City.objects.values_list("branch__name", "name")) == {
        ("Центр", "Тверь"),
        ("Урал", "Екатеринбург"),
    }
    assert set(Street.objects.values_list("city__name", "name")) == {
        ("Тверь", "ул. Ленина"),
        ("Екатеринбург", "ул. Мира"),
    }
    assert set(
        Building.objects.values_list(
            "street__name", "house", "flats", "technology", "ports", "coverage_since"
        )
    ) == {
        ("ул. Ленина", "1", 60, "FTTB", 48, date(2020, 1, 10)),
        ("ул. Мира", "5", 120, "GPON", 128, date(2021, 6, 1)),
        # not in buildings.csv: created from 1004's address, its technology from 1004
        ("ул. Мира", "7", 0, "DOCSIS", 0, None),
    }


def test_it_creates_the_tariffs_with_their_fees(base):
    assert set(Tariff.objects.values_list("name", "monthly_fee")) == {
        ("Скоростной 300", D("750")),
        ("Гигабит", D("1190")),
        ("Домашний 100", D("550")),
        ("Бизнес 200", D("1500")),
    }


def test_it_creates_the_services_charged(billing, base):
    assert set(Service.objects.values_list("name", flat=True)) == {
        "Интернет",
        "Аренда оборудования",
    }
    assert len(billing.charges()) == 10
    assert ("1002", MAR, "Аренда оборудования", "Гигабит", D("150")) in billing.charges()


def test_it_types_the_extra_columns(base):
    assert dict(ExtraAttribute.objects.values_list("key", "value_type")) == {
        "contract_no": "text",
        "credit_limit": "int",
        "has_router": "bool",
        "discount": "decimal",
    }


def test_it_stores_typed_extra_values_and_leaves_out_empty_ones(base):
    extra = dict(Subscriber.objects.values_list("account", "extra"))
    assert extra["1001"] == {
        "contract_no": "Д-1",
        "credit_limit": 0,
        "has_router": True,
        "discount": 5.5,
    }
    assert extra["1003"] == {"has_router": True}
    assert extra["1004"] == {
        "contract_no": "Д-4",
        "credit_limit": 1000,
        "has_router": False,
        "discount": 10,
    }
    assert extra["1005"] == {"contract_no": "Д-5", "credit_limit": 0}


def test_it_stores_the_birth_date_as_the_subscriber_s_own_field(base):
    births = dict(Subscriber.objects.values_list("account", "birth_date"))
    assert births["1001"] == date(1980, 2, 29)
    assert births["1002"] == date(1990, 7, 15)
    assert births["1004"] is None


def test_it_records_connections_terminations_and_suspensions(base):
    events = set(StatusEvent.objects.values_list("subscriber__account", "kind", "happened_on"))
    assert events == {
        ("1001", "connected", date(2023, 5, 10)),
        ("1002", "connected", date(2025, 2, 14)),
        ("1003", "connected", date(2024, 3, 1)),
        ("1003", "terminated", date(2025, 2, 10)),
        ("1004", "connected", date(2024, 12, 20)),
        ("1004", "suspended", TODAY),
        ("1005", "connected", date(2025, 3, 25)),
    }


def test_it_files_a_payment_under_the_month_of_its_branch_local_time(billing, base):
    assert billing.payments() == [
        ("1001", datetime(2025, 1, 31, 20, 30, tzinfo=UTC), JAN, D("600"), "card", 0),
        ("1001", datetime(2025, 3, 5, 9, 0, tzinfo=UTC), MAR, D("500"), "cash", 0),
        ("1002", datetime(2025, 2, 14, 5, 0, tzinfo=UTC), FEB, D("700"), "cash", 0),
        ("1002", datetime(2025, 2, 28, 19, 30, tzinfo=UTC), MAR, D("1340"), "online", 0),
        ("1003", datetime(2025, 1, 19, 21, 0, tzinfo=UTC), JAN, D("550"), "other", 0),
    ]


def test_it_stores_the_reported_balance_and_its_discrepancy_with_the_ledger(base):
    rows = dict(Subscriber.objects.values_list("account", "money__reported_balance"))
    assert rows["1004"] == D("-3100")
    # 1004 was charged 3000 and paid nothing, yet the billing reports −3100.
    discrepancies = dict(Subscriber.objects.values_list("account", "money__balance_discrepancy"))
    assert discrepancies == {"1001": 0, "1002": 0, "1003": 0, "1004": D("-100"), "1005": 0}


def test_it_writes_a_fact_per_subscriber_and_month_as_worked_out_by_hand(billing, base):
    assert billing.facts() == FACTS


def test_it_writes_the_monthly_summaries_worked_out_by_hand(billing, base):
    assert billing.summaries() == SUMMARIES


def test_it_counts_a_tariff_change_between_months_as_a_migration(billing, base):
    assert billing.migrations() == {(MAR, "Центр", "Домашний 100", "Скоростной 300"): 1}


def test_the_summaries_are_the_sums_of_the_facts(billing, base):
    sums: dict[tuple, list] = {}
    for f in MonthlyFact.objects.select_related("branch", "tariff"):
        row = sums.setdefault(
            (f.month, f.branch.name, f.technology, f.tariff.name),
            [0, 0, 0, 0, 0, D(0), D(0), 0, D(0)],
        )
        for i, flag in enumerate((True, f.active_start, f.active_end, f.connected, f.terminated)):
            row[i] += flag
        row[5] += f.charged
        row[6] += f.paid
        row[7] += f.balance_end < 0
        row[8] += max(-f.balance_end, 0)
    assert billing.summaries() == {k: tuple(v) for k, v in sums.items()}


def test_it_records_the_data_window_on_the_batch(base):
    from subscribers.services import current_window

    window = current_window()
    assert (window.start, window.end) == (JAN, MAR)


def test_each_subscriber_carries_its_building_s_city_for_the_city_filter(billing, base):
    cities = dict(Subscriber.objects.values_list("account", "city__name"))
    assert cities == dict(Subscriber.objects.values_list("account", "building__street__city__name"))
    assert set(cities.values()) == {"Тверь", "Екатеринбург"}


def test_a_subscriber_moved_to_another_city_by_a_later_export_carries_the_new_one(billing):
    header = "account,full_name,branch,city,street,house,tariff,status,connected_on,balance\n"
    first = header + "7,Иванов,Центр,Тверь,Ленина,1,Базовый,active,2024-01-15,0\n"
    moved = header + "7,Иванов,Центр,Торжок,Мира,3,Базовый,active,2024-01-15,0\n"
    assert billing.run(billing.write({"subscribers.csv": first})).ok
    assert Subscriber.objects.get().city.name == "Тверь"
    assert billing.run(billing.write({"subscribers.csv": moved})).ok
    assert Subscriber.objects.get().city.name == "Торжок"


def test_a_header_only_file_imports_nothing_and_succeeds(billing):
    header = "account,full_name,branch,city,street,house,tariff,status,connected_on,balance\n"
    result = billing.run([billing.write({"subscribers.csv": header}) / "subscribers.csv"])
    assert result.ok
    assert Subscriber.objects.count() == MonthlyFact.objects.count() == 0


def test_column_names_are_matched_without_regard_to_case_or_spaces(billing):
    files = {
        "Subscribers-2025.csv": (
            " Account ,FULL_NAME,Branch,City,Street,House,Tariff,Status,Connected_On,Balance\n"
            "7,Иванов,Центр,Тверь,Ленина,1,Базовый,active,2024-01-15,0\n"
        )
    }
    assert billing.run(billing.write(files)).ok
    assert Subscriber.objects.get().account == "7"


def test_a_blank_line_in_a_csv_is_skipped(billing, operator):
    operator["charges.csv"] += "\n"
    operator["payments.csv"] = operator["payments.csv"].replace("card\n", "card\n\n")
    assert billing.run(billing.write(operator)).ok
    assert Payment.objects.count() == 5


def test_an_xlsx_workbook_imports_each_sheet_named_for_a_kind(billing, operator, tmp_path):
    import csv
    import io

    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name in ("subscribers.csv", "charges.csv", "payments.csv"):
        sheet = book.create_sheet(name.removesuffix(".csv"))
        for row in csv.reader(io.StringIO(operator[name])):
            sheet.append(row)
    book.create_sheet("notes").append(["ignored"])
    path = tmp_path / "export.xlsx"
    book.save(path)
    assert billing.run([billing.write(operator, "reference") / "branches.csv"]).ok
    assert billing.run([path]).ok
    assert billing.payments()[3][1:3] == (datetime(2025, 2, 28, 19, 30, tzinfo=UTC), MAR)
    assert billing.facts() == FACTS


def test_an_xlsx_workbook_may_hold_numbers_and_dates_as_cells(billing, tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    rows = {
        "subscribers": [
            [
                "account",
                "full_name",
                "phone",
                "branch",
                "city",
                "street",
                "house",
                "tariff",
                "monthly_fee",
                "status",
                "connected_on",
                "terminated_on",
                "balance",
                "floors",
            ],
            [
                1001,
                "Иванов",
                89123456789,
                "Центр",
                "Тверь",
                "Ленина",
                1,
                "Базовый",
                550,
                "terminated",
                datetime(2024, 1, 15),
                datetime(2025, 2, 1),
                -120.5,
                5,
            ],
        ],
        "charges": [
            ["account", "period", "service", "amount"],
            [1001, datetime(2025, 1, 1), "Интернет", 550],
        ],
        "payments": [
            ["account", "paid_at", "amount", "method"],
            [1001, datetime(2025, 1, 31, 23, 30), 429.5, "cash"],
        ],
    }
    for name, table in rows.items():
        sheet = book.create_sheet(name)
        for row in table:
            sheet.append(row)
    book.save(tmp_path / "export.xlsx")
    assert billing.run([tmp_path / "export.xlsx"]).ok
    s = Subscriber.objects.get()
    assert (s.account, s.phone, s.building.house, s.terminated_on, s.reported_balance, s.extra) == (
        "1001",
        "+79123456789",
        "1",
        date(2025, 2, 1),
        D("-120.50"),
        {"floors": 5},
    )
    assert billing.charges() == {("1001", JAN, "Интернет", None, D("550"))}
    assert billing.payments() == [
        ("1001", datetime(2025, 1, 31, 20, 30, tzinfo=UTC), JAN, D("429.50"), "cash", 0)
    ]

"""Bad input never half-writes: every bad row is reported with its file, line, column, value
and reason, and the import writes nothing at all, not even its good rows."""

import pytest
from django.db import connection

from subscribers.models import Charge, ImportBatch, MonthlyFact, Payment, Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

# fmt: off
SUBSCRIBER = {
    "account": "1006", "full_name": "Новиков Олег", "phone": "89160000000", "email": "",
    "kind": "person", "branch": "Центр", "city": "Тверь", "street": "ул. Ленина", "house": "1",
    "flat": "11", "technology": "FTTB", "tariff": "Домашний 100", "monthly_fee": "550.00",
    "status": "active", "connected_on": "2024-06-01", "terminated_on": "", "balance": "0.00",
    "contract_no": "", "credit_limit": "", "birth_date": "", "has_router": "", "discount": "",
}
# fmt: on
# Good rows that come with every bad one: a new subscriber with a charge and a payment in a
# new month. They must not be written either.
GOOD = {
    "subscribers.csv": ",".join({**SUBSCRIBER, "account": "1007"}.values()) + "\n",
    "charges.csv": "1007,2025-04,Интернет,Домашний 100,550.00\n",
    "payments.csv": "1007,2025-04-03 10:00:00,550.00,card\n",
}
ON_POSTGRES = connection.vendor == "postgresql"
CHARGES_HEADER = b"account,period,service,amount\n"


def subscriber(**changes) -> str:
    return ",".join({**SUBSCRIBER, **changes}.values()) + "\n"


# id → (file, the bad row, column, value, a word of the reason)
# fmt: off
BAD_ROWS = {
    "missing required value": ("subscribers.csv", subscriber(full_name=""),
                               "full_name", "", "required"),
    "bad date": ("subscribers.csv", subscriber(connected_on="2024-13-01"),
                 "connected_on", "2024-13-01", "not a date"),
    "bad period": ("charges.csv", "1001,2025-13,Телевидение,,100.00\n",
                   "period", "2025-13", "not a month"),
    "amount as text": ("charges.csv", "1001,2025-03,Телевидение,,сто\n",
                       "amount", "сто", "not an amount"),
    "amount with three decimals": ("charges.csv", "1001,2025-03,Телевидение,,10.555\n",
                                   "amount", "10.555", "decimal places"),
    "bad phone": ("subscribers.csv", subscriber(phone="12345"),
                  "phone", "12345", "not a phone"),
    "bad e-mail": ("subscribers.csv", subscriber(email="novikov@"),
                   "email", "novikov@", "e-mail"),
    "unknown status": ("subscribers.csv", subscriber(status="closed"),
                       "status", "closed", "unknown status"),
    "unknown technology": ("subscribers.csv", subscriber(technology="LTE"),
                           "technology", "LTE", "unknown technology"),
    "unknown payment method": ("payments.csv", "1001,2025-03-10 10:00:00,100.00,bitcoin\n",
                               "method", "bitcoin", "unknown payment method"),
    "zero payment": ("payments.csv", "1001,2025-03-10 10:00:00,0.00,cash\n",
                     "amount", "0.00", "zero"),
    "negative tariff fee": ("subscribers.csv", subscriber(monthly_fee="-1.00"),
                            "monthly_fee", "-1.00", "negative"),
    "duplicate account": ("subscribers.csv", subscriber(account="1001"),
                          "account", "1001", "duplicate account (first on line 2)"),
    "account too long": ("subscribers.csv", subscriber(account="1" * 33),
                         "account", "1" * 33, "longer than 32"),
    "duplicate charge": ("charges.csv", "1001,2025-01,Интернет,Домашний 100,100.00\n",
                         "period", "2025-01", "first on line 2"),
    "unknown account in charges": ("charges.csv", "9999,2025-03,Интернет,,100.00\n",
                                   "account", "9999", "unknown account"),
    "unknown account in payments": ("payments.csv", "9999,2025-03-10 10:00:00,100.00,cash\n",
                                    "account", "9999", "unknown account"),
    "terminated before connected": (
        "subscribers.csv",
        subscriber(status="terminated", connected_on="2024-06-01", terminated_on="2024-05-31"),
        "terminated_on", "2024-05-31", "terminated before connected"),
    "terminated without date": ("subscribers.csv", subscriber(status="terminated"),
                                "terminated_on", "", "needs the termination date"),
    "termination date on an active subscriber": (
        "subscribers.csv", subscriber(terminated_on="2024-07-01"),
        "terminated_on", "2024-07-01", "not terminated"),
    "unknown time zone": ("branches.csv", "Север,Mars/Olympus,RUB\n",
                          "time_zone", "Mars/Olympus", "unknown time zone"),
    "unknown currency": ("branches.csv", "Север,Asia/Omsk,USD\n",
                         "currency", "USD", "unknown currency"),
    "duplicate branch": ("branches.csv", "Центр,Europe/Moscow,RUB\n",
                         "name", "Центр", "duplicate branch (first on line 2)"),
    "flats not a whole number": ("buildings.csv",
                                 "Центр,Тверь,ул. Садовая,1,много,FTTB,48,2020-01-10\n",
                                 "flats", "много", "not a whole number"),
    "duplicate building": ("buildings.csv", "Центр,Тверь,ул. Ленина,1,70,FTTB,48,2020-01-10\n",
                           "house", "1", "duplicate building (first on line 2)"),
}
# fmt: on


@pytest.fixture
def bad_export(billing, operator):
    """bad_export(file, row) → the operator's files with the good rows and the bad row
    appended, and the bad row's line number."""

    def make(file: str, row: str):
        files = dict(operator)
        for name, good in GOOD.items():
            files[name] += good
        files[file] += row
        return billing.write(files, "bad"), files[file].count("\n")

    return make


@pytest.mark.parametrize(
    ("file", "row", "column", "value", "reason"), BAD_ROWS.values(), ids=BAD_ROWS.keys()
)
def test_a_bad_row_is_reported_where_it_is_and_nothing_is_written(
    billing, base, bad_export, file, row, column, value, reason
):
    before = billing.snapshot()
    directory, line = bad_export(file, row)
    result = billing.run(directory)
    assert not result.ok
    assert result.error_count == len(result.errors) == 1, result.errors
    error = result.errors[0]
    assert (error.file, error.line, error.column) == (file, line, column)
    assert error.value.startswith(value)
    assert reason in error.message
    assert billing.snapshot() == before


def test_a_bad_row_in_a_first_import_writes_nothing_at_all(billing, bad_export):
    directory, _line = bad_export("subscribers.csv", subscriber(phone="12345"))
    assert not billing.run(directory).ok
    counts = [m.objects.count() for m in (Subscriber, Charge, Payment, MonthlyFact, ImportBatch)]
    assert counts == [0, 0, 0, 0, 0]


def test_every_bad_row_of_a_file_is_listed(billing, base, operator):
    before = billing.snapshot()
    operator["subscribers.csv"] += (
        subscriber(account="1006", phone="12345")
        + subscriber(account="1007")
        + subscriber(account="1008", connected_on="01.06.2024", status="closed")
        + subscriber(account="1009", balance="")
    )
    operator["charges.csv"] += "1001,2025-03,ТВ,,1.001\n"
    result = billing.run(billing.write(operator, "bad"))
    assert not result.ok
    assert {(e.file, e.line, e.column) for e in result.errors} == {
        ("subscribers.csv", 7, "phone"),
        ("subscribers.csv", 9, "status"),
        ("subscribers.csv", 9, "connected_on"),
        ("subscribers.csv", 10, "balance"),
        ("charges.csv", 12, "amount"),
    }
    assert result.error_count == 5
    assert billing.snapshot() == before


def test_a_file_in_another_encoding_is_refused(billing, base, operator):
    before = billing.snapshot()
    files = dict(operator, **{"subscribers.csv": operator["subscribers.csv"].encode("cp1251")})
    result = billing.run(billing.write(files, "bad"))
    assert not result.ok
    assert [(e.file, e.line) for e in result.errors] == [("subscribers.csv", None)]
    assert "utf-8" in result.errors[0].message
    assert billing.snapshot() == before


def test_a_file_that_turns_out_in_another_encoding_further_down_is_refused(billing, base, operator):
    before = billing.snapshot()
    rows = "".join(subscriber(account=str(2000 + i)) for i in range(200))  # past 8 KB
    late = subscriber(account="1006", full_name="Ёлкин Семён").encode("cp1251")
    files = dict(
        operator, **{"subscribers.csv": (operator["subscribers.csv"] + rows).encode() + late}
    )
    result = billing.run(billing.write(files, "bad"))
    assert not result.ok
    assert [e.file for e in result.errors] == ["subscribers.csv"]
    assert "utf-8" in result.errors[0].message
    assert billing.snapshot() == before


def test_a_csv_with_a_broken_quote_is_refused(billing, base, operator):
    before = billing.snapshot()
    operator["subscribers.csv"] += subscriber(full_name='"Новиков Олег')
    result = billing.run(billing.write(operator, "bad"))
    assert not result.ok
    assert [e.file for e in result.errors] == ["subscribers.csv"]
    assert "broken CSV after line 6" in result.errors[0].message
    assert billing.snapshot() == before


BUILDING = "Центр,Тверь,ул. Садовая,{n},60,FTTB,48,2020-01-10\n"
BROKEN_BUILDINGS = {
    "a broken quote": ('"Центр,Тверь,ул. Садовая,1,60,FTTB,48,2020-01-10\n', "broken CSV"),
    "another encoding past the first 8 KB": (
        "".join(BUILDING.format(n=n) for n in range(2, 200)).encode()
        + BUILDING.format(n="1А").encode("cp1251"),
        "utf-8",
    ),
}


@pytest.mark.parametrize(("tail", "reason"), BROKEN_BUILDINGS.values(), ids=BROKEN_BUILDINGS.keys())
def test_a_file_broken_further_down_is_refused_though_more_files_follow(
    billing, base, operator, tail, reason
):
    before = billing.snapshot()
    files = dict(operator)
    if isinstance(tail, bytes):
        files["buildings.csv"] = operator["buildings.csv"].encode() + tail
    else:
        files["buildings.csv"] += tail
    result = billing.run(billing.write(files, "bad"))
    assert not result.ok
    assert [e.file for e in result.errors] == ["buildings.csv"]
    assert reason in result.errors[0].message
    assert billing.snapshot() == before


def test_a_broken_quote_in_the_last_file_read_is_refused(billing, base, operator):
    before = billing.snapshot()
    operator["payments.csv"] += '1001,"2025-03-10 10:00:00,100.00,cash\n'
    result = billing.run(billing.write(operator, "bad"))
    assert not result.ok
    assert [e.file for e in result.errors] == ["payments.csv"]
    assert "broken CSV after line 6" in result.errors[0].message
    assert billing.snapshot() == before


def test_a_bad_row_spanning_lines_is_reported_at_the_line_it_starts_on(billing, base, operator):
    operator["subscribers.csv"] += subscriber(flat='"11\n12"', phone="12345")
    operator["subscribers.csv"] += subscriber(account="1008", status="closed")
    result = billing.run(billing.write(operator, "bad"))
    assert [(e.line, e.column) for e in result.errors] == [(7, "phone"), (9, "status")]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("subscribers.csv", b"", "empty"),
        ("export.csv", CHARGES_HEADER, "cannot tell"),
        ("subscribers.xlsx", b"PK\x03\x04 not really a workbook", "not a readable XLSX"),
        ("subscribers.pdf", b"%PDF-1.4", "not a CSV or XLSX"),
        ("subscribers.csv", b"\n" + CHARGES_HEADER, "no header"),
    ],
    ids=[
        "an empty file",
        "an unknown file name",
        "an xlsx that is not a workbook",
        "neither csv nor xlsx",
        "no header row",
    ],
)
def test_a_file_that_cannot_be_read_is_refused_and_nothing_is_written(
    billing, base, operator, name, content, reason
):
    before = billing.snapshot()
    files = dict(operator)
    files[name] = content
    result = billing.run(billing.write(files, "bad"))
    assert not result.ok
    assert [(e.file, e.line) for e in result.errors] == [(name, None)]
    assert reason in result.errors[0].message
    assert billing.snapshot() == before


def test_a_missing_required_column_is_named(billing, base, operator):
    before = billing.snapshot()
    operator["charges.csv"] = operator["charges.csv"].replace(",amount\n", ",sum\n", 1)
    result = billing.run(billing.write(operator, "bad"))
    assert not result.ok
    assert [(e.file, e.column) for e in result.errors] == [("charges.csv", "amount")]
    assert "required column missing" in result.errors[0].message
    assert billing.snapshot() == before


def test_a_column_given_twice_is_refused(billing, base, operator):
    operator["payments.csv"] = operator["payments.csv"].replace("method\n", "amount\n", 1)
    result = billing.run(billing.write(operator, "bad"))
    assert [(e.file, e.column) for e in result.errors] == [("payments.csv", "amount")]


def test_nothing_to_import_is_an_error(billing):
    result = billing.run([])
    assert not result.ok
    assert "no files" in result.errors[0].message


@pytest.fixture
def small_files_alone(monkeypatch):
    """Every ledger file counts as small: its own accounts are looked up, not the whole base
    (a day's payments against a million subscribers)."""
    from subscribers.importing import load

    monkeypatch.setattr(load, "SMALL_FILE_BYTES_PER_ROW", 10**9)


def test_a_small_payments_file_looks_up_its_own_accounts(billing, base, small_files_alone):
    rows = "account,paid_at,amount,method\n1001,2025-04-03 10:00:00,550.00,card\n"
    result = billing.run(billing.write({"payments.csv": rows}, "day"))
    assert result.ok, result.errors
    assert Payment.objects.filter(subscriber__account="1001", amount=550).count() == 1


def test_a_small_file_s_unknown_account_is_reported_and_nothing_is_written(
    billing, base, small_files_alone
):
    before = billing.snapshot()
    rows = (
        "account,paid_at,amount,method\n"
        "1001,2025-04-03 10:00:00,550.00,card\n"
        "9999,2025-04-03 11:00:00,100.00,cash\n"
    )
    result = billing.run(billing.write({"payments.csv": rows}, "day"))
    assert not result.ok
    assert [(e.line, e.column, e.value) for e in result.errors] == [(3, "account", "9999")]
    assert "unknown account" in result.errors[0].message
    assert billing.snapshot() == before

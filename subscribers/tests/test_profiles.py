"""The subscriber's profile that segments filter on (docs/segmentation.md): ARPU, the mean of the
positive monthly charges of the last six months up to the data month, and months in debt, how
many of those months ended with a negative balance. Worked out by hand on a small ledger, kept
by every import, and equal to the definition computed in Python from the facts."""

from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from subscribers.models import ImportBatch, MonthlyFact, Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]
CENT = Decimal("0.01")

SUBSCRIBERS_HEADER = (
    "account,full_name,branch,city,street,house,flat,technology,tariff,monthly_fee,status,"
    "connected_on,terminated_on,balance\n"
)


def subscriber(account, status, connected, terminated, balance) -> str:
    return (
        f"{account},Абонент {account},Центр,Тверь,ул. Ленина,1,{account[-1]},FTTB,Домашний,"
        f"500.00,{status},{connected},{terminated},{balance}\n"
    )


def ledger(rows: dict[str, dict[str, str]]) -> tuple[str, str]:
    """{account: {"2025-01": "charge/payment", …}} → (charges.csv, payments.csv); an empty
    side of the slash is no row."""
    charges = "account,period,service,tariff,amount\n"
    payments = "account,paid_at,amount,method\n"
    for account, months in rows.items():
        for month, pair in months.items():
            charge, paid = pair.split("/")
            if charge:
                charges += f"{account},{month},Интернет,Домашний,{charge}\n"
            if paid:
                payments += f"{account},{month}-10 12:00,{paid},cash\n"
    return charges, payments


# Eight months, January to August 2025: the last six are March to August.
LEDGER = {
    # Pays every charge in its month; nothing charged in March; February's 5000 is older than
    # the six months.
    "2001": {
        "2025-01": "500/500",
        "2025-02": "5000/5000",
        "2025-04": "500/500",
        "2025-05": "500/500",
        "2025-06": "800/800",
        "2025-07": "500/500",
        "2025-08": "500/500",
    },
    # Stopped paying in May: May to August end in debt.
    "2002": {f"2025-0{m}": "600/600" if m <= 4 else "600/" for m in range(1, 9)},
    # Late twice: April and July end in debt, settled the month after.
    "2003": {
        "2025-01": "700/700",
        "2025-02": "700/700",
        "2025-03": "700/700",
        "2025-04": "700/",
        "2025-05": "700/1400",
        "2025-06": "700/700",
        "2025-07": "700/",
        "2025-08": "700/1400",
    },
    # Terminated in March owing March's charge: a debtor in each of the six months.
    "2004": {"2025-01": "300/300", "2025-02": "300/300", "2025-03": "150/"},
    # Connected in July: two months charged.
    "2005": {"2025-07": "200/200", "2025-08": "450/450"},
}
PEOPLE = {
    "2001": ("active", "2024-06-01", "", "0.00"),
    "2002": ("active", "2024-01-15", "", "-2400.00"),
    "2003": ("active", "2023-03-01", "", "0.00"),
    "2004": ("terminated", "2022-01-01", "2025-03-15", "-150.00"),
    "2005": ("active", "2025-07-20", "", "0.00"),
    # Connected in the data month, nothing charged yet.
    "2006": ("active", "2025-08-25", "", "0.00"),
}


def export(people=PEOPLE, rows=LEDGER) -> dict[str, str]:
    charges, payments = ledger(rows)
    return {
        "subscribers.csv": SUBSCRIBERS_HEADER
        + "".join(subscriber(a, *fields) for a, fields in people.items()),
        "charges.csv": charges,
        "payments.csv": payments,
    }


def profiles() -> dict[str, tuple]:
    return {s.account: (s.arpu, s.debt_months) for s in Subscriber.objects.select_related("money")}


def imported(billing, files, name) -> None:
    result = billing.run(billing.write(files, name))
    assert result.ok, result.errors


def test_the_profile_is_the_last_six_months_worked_by_hand(billing):
    imported(billing, export(), "first")
    assert profiles() == {
        "2001": (Decimal("560.00"), 0),  # (500 + 500 + 800 + 500 + 500) / 5
        "2002": (Decimal("600.00"), 4),
        "2003": (Decimal("700.00"), 2),
        "2004": (Decimal("150.00"), 6),
        "2005": (Decimal("325.00"), 0),  # (200 + 450) / 2
        "2006": (None, 0),
    }


def test_a_corrected_ledger_of_the_same_months_updates_the_profile(billing):
    imported(billing, export(), "first")
    corrected = {**LEDGER, "2003": {**LEDGER["2003"], "2025-07": "700/700"}}
    people = {**PEOPLE, "2003": ("active", "2023-03-01", "", "700.00")}
    imported(billing, export(people, corrected), "corrected")
    assert profiles()["2003"] == (Decimal("700.00"), 1)  # only April ended in debt now
    assert profiles()["2002"] == (Decimal("600.00"), 4)


def test_a_new_month_moves_the_six_months_for_everyone(billing):
    imported(billing, export(), "first")
    september = {
        "2001": "500/500",
        "2002": "600/",
        "2003": "700/700",
        "2005": "450/450",
        "2006": "450/450",
    }
    rows = {a: {**LEDGER.get(a, {}), "2025-09": m} for a, m in september.items()}
    rows["2004"] = LEDGER["2004"]
    people = {**PEOPLE, "2002": ("active", "2024-01-15", "", "-3000.00")}
    imported(billing, export(people, rows), "september")
    assert ImportBatch.objects.order_by("-id").first().as_of.month == 9
    assert profiles() == {
        "2001": (Decimal("550.00"), 0),  # April to September: 3300 / 6
        "2002": (Decimal("600.00"), 5),
        "2003": (Decimal("700.00"), 2),
        "2004": (None, 6),  # terminated in March, nothing charged since, still owing
        "2005": (Decimal("366.67"), 0),  # 1100 / 3
        "2006": (Decimal("450.00"), 0),
    }


def expected_profiles() -> dict[str, tuple]:
    """The definition, in Python, from the facts."""
    data_month = ImportBatch.objects.exclude(as_of=None).order_by("-id").first().as_of
    index = data_month.year * 12 + data_month.month - 1
    charged, debt = defaultdict(list), defaultdict(int)
    accounts = dict(Subscriber.objects.values_list("id", "account"))
    for fact in MonthlyFact.objects.all():
        if not 0 <= index - (fact.month.year * 12 + fact.month.month - 1) < 6:
            continue
        if fact.charged > 0:
            charged[fact.subscriber_id].append(fact.charged)
        debt[fact.subscriber_id] += fact.balance_end < 0
    out = {}
    for pk, account in accounts.items():
        amounts = charged.get(pk)
        arpu = (sum(amounts) / len(amounts)).quantize(CENT, ROUND_HALF_UP) if amounts else None
        out[account] = (arpu, debt.get(pk, 0))
    return out


def test_the_profile_of_a_generated_operator_follows_the_definition(billing, generated):
    result = billing.run(generated(subscribers=300, months=12))
    assert result.ok, result.errors
    assert profiles() == expected_profiles()
    assert any(arpu for arpu, _months in profiles().values())
    assert any(months >= 3 for _arpu, months in profiles().values())


def test_the_bulk_path_of_many_changes_gives_the_same_profile(billing, monkeypatch):
    """With many rows to change the subscriber table's indexes are dropped and rebuilt around
    the update (PostgreSQL); the result is the same."""
    from django.db import connection

    from subscribers import facts

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            table = Subscriber._meta.db_table
            return set(connection.introspection.get_constraints(cursor, table))

    before = indexes()
    monkeypatch.setattr(facts, "bulk_worthwhile", lambda rows, table: True)
    imported(billing, export(), "first")
    assert profiles()["2001"] == (Decimal("560.00"), 0)
    assert profiles()["2002"] == (Decimal("600.00"), 4)
    assert indexes() == before


def test_a_first_load_builds_the_registry_s_indexes_once_at_the_end(billing, monkeypatch):
    """The subscriber table is written three times by a first load (rows, discrepancies,
    profiles): its plain indexes are built once, after the last, and are all there."""
    from django.db import connection

    from core import sql
    from subscribers import facts
    from subscribers.importing import merge

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            table = Subscriber._meta.db_table
            return set(connection.introspection.get_constraints(cursor, table))

    before = indexes()
    built = []
    real_execute = sql.execute

    def spy(statement, params=None):
        if statement.startswith("CREATE INDEX subscriber_name_id"):
            built.append(statement)
        return real_execute(statement, params)

    monkeypatch.setattr(sql, "execute", spy)
    monkeypatch.setattr(facts, "bulk_worthwhile", lambda rows, table: True)
    monkeypatch.setattr(merge, "bulk_worthwhile", lambda rows, table: True)
    imported(billing, export(), "first")
    assert profiles()["2002"] == (Decimal("600.00"), 4)
    assert indexes() == before
    if connection.vendor == "postgresql":
        assert len(built) == 1

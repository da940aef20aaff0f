"""An import is all or nothing: one that breaks midway leaves the database as it was, and two
imports never run into each other."""

import threading

import pytest
from django.db import connection

from subscribers import facts
from subscribers.importing import merge
from subscribers.models import Charge, ImportBatch, MonthlyFact, Payment, Subscriber
from subscribers.services import ImportBusy

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("import_env")]

ON_POSTGRES = connection.vendor == "postgresql"
APRIL = {
    "charges.csv": "1001,2025-04,Интернет,Скоростной 300,750.00\n",
    "payments.csv": "1001,2025-04-05 12:00:00,750.00,card\n",
}


@pytest.fixture
def newer(billing, operator):
    """The operator's export a month on: April, and a new subscriber."""
    files = {name: text + APRIL.get(name, "") for name, text in operator.items()}
    files["subscribers.csv"] += (
        "1008,Орлов Пётр,,,person,Центр,Тверь,ул. Ленина,1,30,FTTB,"
        "Домашний 100,550.00,active,2025-04-01,,0.00,,,,,\n"
    )
    return billing.write(files, "newer")


class Broken(Exception):
    pass


def break_at(monkeypatch, module, name: str) -> None:
    def broken(*args, **kwargs):
        raise Broken(f"{name} failed")

    monkeypatch.setattr(module, name, broken)


@pytest.mark.parametrize(
    ("module", "step"),
    [(merge, "merge_payments"), (merge, "update_discrepancies"), (facts, "facts_refresh")],
)
def test_an_import_that_breaks_midway_leaves_the_database_as_it_was(
    billing, base, newer, monkeypatch, module, step
):
    before = billing.snapshot()
    break_at(monkeypatch, module, step)
    with pytest.raises(Broken):
        billing.run(newer)
    assert billing.snapshot() == before


def test_a_first_import_that_breaks_midway_writes_nothing(billing, newer, monkeypatch):
    break_at(monkeypatch, facts, "facts_refresh")
    with pytest.raises(Broken):
        billing.run(newer)
    counts = [m.objects.count() for m in (Subscriber, Charge, Payment, MonthlyFact, ImportBatch)]
    assert counts == [0, 0, 0, 0, 0]


@pytest.fixture
def running(billing, newer, monkeypatch):
    """An import of `newer` running in a thread, held inside its transaction (after its
    subscribers and charges are written) until release() is called."""
    inside, go_on = threading.Event(), threading.Event()
    merge_payments = merge.merge_payments

    def held(*args, **kwargs):
        inside.set()
        assert go_on.wait(60)
        return merge_payments(*args, **kwargs)

    monkeypatch.setattr(merge, "merge_payments", held)
    outcome = {}

    def run():
        try:
            outcome["result"] = billing.run(newer)
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    assert inside.wait(60), outcome

    def release():
        monkeypatch.setattr(merge, "merge_payments", merge_payments)
        go_on.set()
        thread.join(60)
        return outcome

    yield release
    go_on.set()
    thread.join(60)


def another_export(billing, operator):
    return billing.write(
        {"subscribers.csv": operator["subscribers.csv"].replace("1005,", "1009,")}, "another"
    )


def test_a_second_import_while_one_runs_is_refused_at_once(billing, operator, running):
    with pytest.raises(ImportBusy, match="Another billing import is running"):
        billing.run(another_export(billing, operator))
    assert running()["result"].ok


def test_a_second_import_while_one_runs_writes_nothing_and_the_first_completes(
    billing, operator, running
):
    with pytest.raises(ImportBusy):
        billing.run(another_export(billing, operator))
    outcome = running()
    assert outcome["result"].ok, outcome
    assert set(Subscriber.objects.values_list("account", flat=True)) == {
        "1001",
        "1002",
        "1003",
        "1004",
        "1005",
        "1008",
    }
    assert ImportBatch.objects.count() == 1
    assert billing.payments()[-1][0] == "1003"
    assert Payment.objects.count() == 6


def test_an_import_after_a_refused_one_runs(billing, operator, running):
    with pytest.raises(ImportBusy):
        billing.run(another_export(billing, operator))
    assert running()["result"].ok
    assert billing.run(another_export(billing, operator)).ok
    assert Subscriber.objects.filter(account="1009").exists()

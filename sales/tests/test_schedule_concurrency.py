"""Two coordinators book the last place of one slot at the same moment: one wins, the other is
told. Real concurrent transactions on PostgreSQL (SQLite takes one writer at a time)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import translation

from core.tests.factories import UserFactory
from sales import schedule
from sales.models import Application, Slot, Visit
from sales.tests.factories import ApplicationFactory, TeamFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent transactions need PostgreSQL"
)


@pytest.mark.django_db(transaction=True)
def test_two_coordinators_book_the_last_place_and_one_wins(ural, lenina):
    team = TeamFactory(branch=ural, name="Бригада 1", slot_capacity=2)
    day = schedule.local_now(ural).date() + datetime.timedelta(days=1)
    slot = Slot.objects.create(
        team=team, date=day, starts=datetime.time(9), ends=datetime.time(11), capacity=2, booked=1
    )
    people = [
        UserFactory(username=f"coordinator{n}", roles=["coordinator"], branches=[ural])
        for n in (1, 2)
    ]
    applications = [
        ApplicationFactory(building=lenina, state=Application.State.QUALIFIED) for _ in (1, 2)
    ]
    start = threading.Barrier(2)
    outcomes = [None, None]

    def book(i):
        try:
            start.wait(timeout=10)
            with translation.override("en"):  # a new thread starts in the default language
                schedule.visit_book(application=applications[i], slot=slot, by=people[i])
            outcomes[i] = "booked"
        except ValidationError as e:
            outcomes[i] = " ".join(e.messages)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=book, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == sorted(["booked", schedule.taken_message()])
    slot.refresh_from_db()
    assert slot.booked == 2
    assert Visit.objects.count() == 1
    states = sorted(Application.objects.values_list("state", flat=True))
    assert states == ["qualified", "scheduled"]

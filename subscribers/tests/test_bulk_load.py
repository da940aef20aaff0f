"""core.sql.IndexesDropped around a bulk insert: the table comes out with exactly the indexes and
constraints it had, and every one of them still refuses what it refused before."""

import pytest
from django.db import DatabaseError, connection, transaction

from core.sql import IndexesDropped, fetchall
from subscribers.models import StatusEvent, Subscriber

from .factories import SubscriberFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="indexes are dropped on PostgreSQL"
    ),
]
SUBSCRIBER = Subscriber._meta.db_table
EVENT = StatusEvent._meta.db_table


def shape(table: str) -> tuple:
    constraints = fetchall(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = %s::regclass ORDER BY conname",
        [table],
    )
    indexes = fetchall(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s ORDER BY indexname",
        [table],
    )
    return constraints, indexes


def copy_of(subscriber: Subscriber, **changes) -> str:
    columns = [
        f.column for f in Subscriber._meta.concrete_fields if f.column not in ("id", *changes)
    ]
    names = ", ".join([*columns, *changes])
    values = ", ".join([*columns, *(["%s"] * len(changes))])
    return f"INSERT INTO {SUBSCRIBER} ({names}) SELECT {values} FROM {SUBSCRIBER} WHERE id = %s"


def test_a_table_keeps_its_primary_key_and_gets_back_every_index_and_constraint():
    before = shape(SUBSCRIBER), shape(EVENT)
    subscriber = SubscriberFactory()
    with IndexesDropped(SUBSCRIBER, keep_primary=True), IndexesDropped(EVENT, keep_primary=True):
        # While they are gone, the subscriber's primary key still holds the events' key.
        assert fetchall(
            "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'f'",
            [SUBSCRIBER],
        ) == [(0,)]
        with connection.cursor() as cursor:
            cursor.execute(copy_of(subscriber, account="copy"), ["copy-1", subscriber.pk])
    assert (shape(SUBSCRIBER), shape(EVENT)) == before
    assert Subscriber.objects.filter(account="copy-1").exists()


@pytest.mark.parametrize(
    ("changes", "what"),
    [
        ({"account": None}, "a second row with the same account"),
        ({"branch_id": 987654}, "a branch that does not exist"),
    ],
    ids=["unique account", "foreign key"],
)
def test_a_row_the_constraints_refuse_fails_the_load_when_they_come_back(changes, what):
    subscriber = SubscriberFactory()
    changes = {k: (v if v is not None else subscriber.account) for k, v in changes.items()}
    with pytest.raises(DatabaseError), transaction.atomic():
        with IndexesDropped(SUBSCRIBER, keep_primary=True):
            with connection.cursor() as cursor:
                cursor.execute(copy_of(subscriber, **changes), [*changes.values(), subscriber.pk])
    assert Subscriber.objects.count() == 1, what

"""The objection statistics: per objection the calls it came up in, their share of the calls,
how the calls with it ended against those without it, on a hand-built set of calls; the
period, script and branch filters, the user's branches, the chart, the XLSX export, who may,
and the cost in queries."""

import io
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from comms.models import Call, CallObjection, Script, ScriptVersion
from comms.objections import category_create, objection_create, objection_stats
from core.tests.factories import BranchFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("comms:objection_stats")
GRAPH = {
    "start": "e",
    "nodes": [{"id": "e", "kind": "end", "title": "End", "outcome": "done", "success": True}],
}


def version(name):
    script = Script.objects.create(name=name, purpose="service", draft=GRAPH)
    return ScriptVersion.objects.create(script=script, number=1, graph=GRAPH)


@pytest.fixture
def ural(db):
    return BranchFactory(name="Урал")


@pytest.fixture
def world(head, tver, ural):
    """Six calls in Тверь in the last 30 days, one older, one in Урал:

    call  script  ended well  objections
    c1    first   yes         A, B
    c2    first   no          A
    c3    first   yes         —
    c4    first   (no answer) —
    c5    second  no          B
    c6    first   yes         A
    c7    first   yes         A      (40 days ago)
    c8    first   no          A      (Урал)
    """
    first, second = version("Первый"), version("Второй")
    price = category_create(name="Цена")
    a = objection_create(category=price, text="Дорого", answers=["Да."])
    b = objection_create(category=price, text="Некогда", answers=["Да."])
    now = timezone.now()
    rows = [
        (first, True, [a, b], 1, tver),
        (first, False, [a], 2, tver),
        (first, True, [], 3, tver),
        (first, None, [], 4, tver),
        (second, False, [b], 5, tver),
        (first, True, [a], 6, tver),
        (first, True, [a], 40, tver),
        (first, False, [a], 7, ural),
    ]
    for script_version, success, met, days_ago, branch in rows:
        call = Call.objects.create(
            operator=head,
            script_version=script_version,
            branch=branch,
            started_at=now - timedelta(days=days_ago),
            success=success,
        )
        for objection in met:
            CallObjection.objects.create(call=call, objection=objection, at=call.started_at)
    return {"a": a, "b": b, "first": first.script, "second": second.script}


def test_it_counts_the_calls_and_compares_how_they_ended(operator, world):
    stats = objection_stats(user=operator)
    assert (stats.calls, stats.decided, stats.ended_well) == (6, 5, 3)
    a, b = stats.rows
    assert (a.text, a.calls, a.share, a.decided, a.ended_well) == ("Дорого", 3, 0.5, 3, 2)
    assert a.success_with == pytest.approx(2 / 3) and a.success_without == 0.5
    assert a.difference == pytest.approx(1 / 6)
    assert (b.text, b.calls, b.share) == ("Некогда", 2, pytest.approx(1 / 3))
    assert b.success_with == 0.5 and b.success_without == pytest.approx(2 / 3)


def test_the_script_filter_counts_only_its_calls(operator, world):
    stats = objection_stats(user=operator, script=world["first"])
    assert (stats.calls, stats.decided, stats.ended_well) == (5, 4, 3)
    a, b = stats.rows
    assert (a.calls, a.share, a.success_with, a.success_without) == (
        3,
        0.6,
        pytest.approx(2 / 3),
        1.0,
    )
    assert (b.calls, b.success_with, b.success_without) == (1, 1.0, pytest.approx(2 / 3))


def test_the_head_sees_every_branch_or_the_one_chosen(head, world, ural):
    assert [(r.text, r.calls) for r in objection_stats(user=head).rows] == [
        ("Дорого", 4),
        ("Некогда", 2),
    ]
    stats = objection_stats(user=head, branch=ural)
    assert stats.calls == 1 and [(r.text, r.calls) for r in stats.rows] == [("Дорого", 1)]


def test_the_period_takes_whole_days_in_the_local_time(operator, tver, world):
    moscow = timezone.get_current_timezone()
    start = datetime(2025, 3, 10, 0, 0, tzinfo=moscow)
    for at in (start, start + timedelta(days=1, hours=23, minutes=59), start + timedelta(days=2)):
        Call.objects.create(
            operator=operator,
            script_version=ScriptVersion.objects.first(),
            branch=tver,
            started_at=at,
        )
    stats = objection_stats(user=operator, date_from=date(2025, 3, 10), date_to=date(2025, 3, 11))
    assert stats.calls == 2 and stats.rows == []


def test_no_calls_give_no_shares(operator):
    stats = objection_stats(user=operator)
    assert (stats.calls, stats.rows, stats.success) == (0, [], None)


def test_the_page_shows_the_table_and_the_chart(client, operator, world):
    client.force_login(operator)
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index('id="stat-dorogo"') < html.index('id="stat-nekogda"')
    assert "50.0%" in html and "67%" in html and "+17 pp" in html and "−17 pp" in html
    assert 'data-plotly="objection-chart"' in html and "vendor/plotly.min.js" in html
    assert response.context["form"]["date_to"].value() == timezone.localdate()


def test_the_page_says_when_no_objection_was_noted(client, operator):
    client.force_login(operator)
    html = client.get(URL).content.decode()
    assert 'id="objection-stats-none"' in html and "vendor/plotly.min.js" not in html


def test_it_exports_the_table_to_xlsx(client, operator, world):
    client.force_login(operator)
    response = client.get(URL, {"script": world["first"].pk, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    rows = list(load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:4] == ("Objection", "Category", "Calls", "Share of calls")
    assert rows[1][:4] == ("Дорого", "Цена", 3, 0.6) and rows[1][7] == 1.0
    assert rows[2][:3] == ("Некогда", "Цена", 1) and len(rows) == 3


@pytest.mark.parametrize(
    "query, field, message",
    [
        ({"date_from": "2025-03-10", "date_to": "2025-03-01"}, "date_to", "must end after"),
        ({"date_from": "2023-01-01", "date_to": "2025-03-01"}, "date_to", "at most a year"),
        ({"date_from": "10.03.2025x"}, "date_from", "Enter a valid date."),
        ({"script": "999"}, "script", "Select a valid choice."),
    ],
)
def test_bad_filters_are_named(client, operator, query, field, message):
    client.force_login(operator)
    response = client.get(URL, query)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])


def test_a_branch_not_of_the_user_is_refused(client, operator, ural):
    client.force_login(operator)
    response = client.get(URL, {"branch": ural.pk})
    assert response.status_code == 400 and "branch" in response.context["form"].errors


def test_a_user_without_the_right_may_not_see_it(client, db):
    client.force_login(UserFactory(roles=["installer"]))
    assert client.get(URL).status_code == 403
    client.force_login(UserFactory(perms=["comms.view_objection"]))
    assert client.get(URL).status_code == 403


def test_it_is_not_posted_to(client, operator):
    client.force_login(operator)
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize("many", [2, 9])
def test_the_page_costs_the_same_queries_for_2_and_9_objections(
    client, operator, tver, many, django_assert_num_queries
):
    script_version = version("Первый")
    price = category_create(name="Цена")
    call = Call.objects.create(
        operator=operator, script_version=script_version, branch=tver, started_at=timezone.now()
    )
    for n in range(many):
        objection = objection_create(category=price, text=f"Возражение {n}", answers=["Да."])
        CallObjection.objects.create(call=call, objection=objection, at=call.started_at)
    client.force_login(operator)
    client.get(URL)  # session, permissions and branches warmed up
    with django_assert_num_queries(QUERIES):
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(QUERIES - 2):  # no choices listed
        assert client.get(URL, {"format": "xlsx"}).status_code == 200


# session, user, permissions (2), the user's branches, the totals, the objections counted,
# the script and branch choices listed
QUERIES = 9

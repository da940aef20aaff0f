"""The schedule's pages: the board, booking from an application, teams and days off, route
sheets."""

import datetime
import io

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from sales import schedule
from sales.models import Application, Slot, Team, TeamDay, Visit
from sales.tests.factories import ApplicationFactory, TeamFactory
from subscribers.models import Street

S = Application.State


@pytest.fixture
def booked(team, lenina, coordinator, day):
    application = ApplicationFactory(
        building=lenina, state=S.QUALIFIED, full_name="Петров Пётр", flat="17", note="Домофон 17"
    )
    schedule.slots_ensure(branch=team.branch, start=day, end=day)
    slot = Slot.objects.get(team=team, date=day, starts=datetime.time(9))
    return schedule.visit_book(application=application, slot=slot, by=coordinator)


def test_the_board_shows_teams_slots_and_visits(client, coordinator, booked, day):
    client.force_login(coordinator)
    response = client.get(reverse("sales:schedule"), {"date": day.isoformat(), "view": "day"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Бригада 1" in text
    assert booked.application.number in text
    assert "Ленина, 12" in text
    assert "1/2" in text


def test_the_board_escapes_what_it_shows(client, coordinator, booked, day):
    # The cells are built as markup in Python (sales.schedule.board_html), not by the template.
    Application.objects.filter(pk=booked.application_id).update(
        number="<i>A-1</i>", address="<b>x</b>"
    )
    Street.objects.filter(pk=booked.application.building.street_id).update(name="<s>Ленина</s>")
    client.force_login(coordinator)
    pages = {
        view: client.get(
            reverse("sales:schedule"), {"date": day.isoformat(), "view": view}
        ).content.decode()
        for view in ("day", "week")
    }
    for text in pages.values():
        assert "&lt;i&gt;A-1&lt;/i&gt;" in text
        assert "<i>A-1" not in text and "<s>Ленина" not in text
    assert "&lt;s&gt;Ленина&lt;/s&gt;, 12" in pages["day"]


def test_the_week_board_answers_in_a_fixed_number_of_queries(
    client, coordinator, ural, lenina, day, django_assert_max_num_queries
):
    for n in range(5):
        TeamFactory(branch=ural, name=f"Team {n}")
    schedule.slots_ensure(branch=ural, start=day, end=day + datetime.timedelta(days=7))
    for slot in Slot.objects.filter(date=day)[:5]:
        application = ApplicationFactory(building=lenina, state=S.QUALIFIED)
        schedule.visit_book(application=application, slot=slot, by=coordinator)
    client.force_login(coordinator)
    client.get(reverse("sales:schedule"))  # the slots of the week exist from now on
    with django_assert_max_num_queries(14):
        response = client.get(reverse("sales:schedule"), {"date": day.isoformat()})
    assert response.status_code == 200


def test_the_board_needs_the_permission(client, db, ural):
    client.force_login(UserFactory(username="cashier", roles=["cashier"], branches=[ural]))
    assert client.get(reverse("sales:schedule")).status_code == 403


def test_the_board_rejects_post(client, coordinator):
    client.force_login(coordinator)
    assert client.post(reverse("sales:schedule")).status_code == 405


def test_the_booking_page_lists_free_slots_by_day(client, coordinator, team, lenina, day):
    application = ApplicationFactory(building=lenina, state=S.QUALIFIED)
    client.force_login(coordinator)
    response = client.get(reverse("sales:application_book", kwargs={"pk": application.pk}))
    assert response.status_code == 200
    assert list(response.context["days"])[0] <= day
    assert "Бригада 1" in response.content.decode()


def test_booking_a_slot_schedules_the_application(client, coordinator, team, lenina, day):
    application = ApplicationFactory(building=lenina, state=S.QUALIFIED)
    schedule.slots_ensure(branch=team.branch, start=day, end=day)
    slot = Slot.objects.get(team=team, date=day, starts=datetime.time(11))
    client.force_login(coordinator)
    url = reverse("sales:application_book", kwargs={"pk": application.pk})
    response = client.post(url, {"slot": slot.pk})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == S.SCHEDULED
    # The same form sent again (a double click): refused, nothing more written.
    again = client.post(url, {"slot": slot.pk}, follow=True)
    assert "already has a visit" in again.content.decode()
    slot.refresh_from_db()
    assert slot.booked == 1 and Visit.objects.count() == 1


def test_booking_without_a_slot_shows_an_error(client, coordinator, team, lenina):
    application = ApplicationFactory(building=lenina, state=S.QUALIFIED)
    client.force_login(coordinator)
    url = reverse("sales:application_book", kwargs={"pk": application.pk})
    response = client.post(url, {"slot": ""})
    assert "Choose a slot" in response.content.decode()
    assert not Visit.objects.exists()


def test_booking_needs_the_permission(client, ural, lenina):
    application = ApplicationFactory(building=lenina, state=S.QUALIFIED)
    client.force_login(UserFactory(username="op", roles=["operator"], branches=[ural]))
    url = reverse("sales:application_book", kwargs={"pk": application.pk})
    assert client.get(url).status_code == 403


def test_it_creates_a_team(client, coordinator, ural, lenina):
    client.force_login(coordinator)
    response = client.post(
        reverse("sales:team_new"),
        {
            "branch": ural.pk, "name": "Бригада GPON", "technologies": ["GPON", "FTTB"],
            "weekdays": ["1", "3", "5"], "slot_times": "09:00-12:00\n13:00-16:00",
            "slot_capacity": 2, "active": "on", "streets": [lenina.street.pk],
        },
    )  # fmt: skip
    assert response.status_code == 302
    team = Team.objects.get(name="Бригада GPON")
    assert team.weekdays == [1, 3, 5]
    assert team.slot_times == ["09:00-12:00", "13:00-16:00"]
    assert list(team.streets.all()) == [lenina.street]


def test_a_bad_team_is_not_saved(client, coordinator, ural):
    client.force_login(coordinator)
    response = client.post(
        reverse("sales:team_new"),
        {"branch": ural.pk, "name": "X", "slot_times": "nine to eleven", "slot_capacity": 1},
    )
    assert response.status_code == 200
    assert "is not a slot" in response.content.decode()
    assert not Team.objects.exists()


def test_teams_need_the_permission(client, ural):
    client.force_login(UserFactory(username="op", roles=["operator"], branches=[ural]))
    assert client.get(reverse("sales:team_new")).status_code == 403


def test_it_sets_a_day_off(client, coordinator, team, day):
    client.force_login(coordinator)
    url = reverse("sales:team_days", kwargs={"pk": team.pk})
    response = client.post(url, {"date": day.isoformat(), "working": "0", "note": "Праздник"})
    assert response.status_code == 302
    assert TeamDay.objects.get(team=team).working is False


def test_the_route_sheet_docx_holds_the_addresses(client, coordinator, booked, team, day):
    from docx import Document

    client.force_login(coordinator)
    url = reverse(
        "sales:route_sheet", kwargs={"team": team.pk, "day": day.isoformat(), "kind": "docx"}
    )
    response = client.get(url)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    assert "Ленина, 12" in cells
    assert "Петров Пётр" in cells
    assert "Домофон 17" in cells


def test_the_route_sheet_pdf_holds_the_text(client, coordinator, booked, team, day):
    from pypdf import PdfReader

    client.force_login(coordinator)
    url = reverse(
        "sales:route_sheet", kwargs={"team": team.pk, "day": day.isoformat(), "kind": "pdf"}
    )
    response = client.get(url)
    assert response.content.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Ленина, 12" in text
    assert "Петров Пётр" in text


def test_the_route_sheet_needs_the_permission(client, ural, team, day):
    client.force_login(UserFactory(username="op", roles=["operator"], branches=[ural]))
    url = reverse(
        "sales:route_sheet", kwargs={"team": team.pk, "day": day.isoformat(), "kind": "pdf"}
    )
    assert client.get(url).status_code == 403

"""sales.schedule: slots from the teams' weeks, booking with capacity, territory and skill."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from sales import schedule
from sales.models import Application, ApplicationEvent, Slot, TeamDay, Visit
from sales.tests.factories import ApplicationFactory, ReasonFactory, TeamFactory
from subscribers.tests.factories import StreetFactory

S = Application.State


def tomorrow(branch) -> datetime.date:
    return schedule.local_now(branch).date() + datetime.timedelta(days=1)


@pytest.fixture
def team(ural, lenina):
    return TeamFactory(branch=ural, name="Бригада 1", technologies=["FTTB"], slot_capacity=1)


@pytest.fixture
def application(lenina):
    return ApplicationFactory(building=lenina, state=S.QUALIFIED, technology="FTTB")


def slot_of(team, day, hour=9) -> Slot:
    schedule.slots_ensure(branch=team.branch, start=day, end=day)
    return Slot.objects.get(team=team, date=day, starts=datetime.time(hour))


def nothing_written(application, slot):
    slot.refresh_from_db()
    application.refresh_from_db()
    assert slot.booked == 0
    assert not Visit.objects.exists()
    assert application.state == S.QUALIFIED
    assert not ApplicationEvent.objects.filter(action="schedule").exists()


def test_it_makes_the_slots_of_a_week_once(team):
    start = datetime.date(2030, 1, 7)  # a Monday
    team.weekdays = [1, 2, 3, 4, 5]
    team.save()
    made = schedule.slots_ensure(branch=team.branch, start=start, end=start + datetime.timedelta(6))
    assert made == 5 * 3
    again = schedule.slots_ensure(
        branch=team.branch, start=start, end=start + datetime.timedelta(6)
    )
    assert again == 0
    assert Slot.objects.count() == 15
    assert set(Slot.objects.values_list("capacity", flat=True)) == {1}


def test_it_skips_days_off_and_adds_extra_days(team):
    start = datetime.date(2030, 1, 7)
    team.weekdays = [1, 2, 3, 4, 5]
    team.save()
    TeamDay.objects.create(team=team, date=start, working=False)
    TeamDay.objects.create(team=team, date=start + datetime.timedelta(5), working=True)  # Sat
    schedule.slots_ensure(branch=team.branch, start=start, end=start + datetime.timedelta(6))
    days = set(Slot.objects.values_list("date", flat=True))
    assert start not in days
    assert start + datetime.timedelta(5) in days
    assert len(days) == 5


def test_a_day_off_removes_the_free_slots(team):
    day = tomorrow(team.branch)
    schedule.slots_ensure(branch=team.branch, start=day, end=day)
    schedule.team_day_set(team=team, day=day, working=False, note="Больничный")
    assert not Slot.objects.filter(team=team, date=day).exists()


def test_a_day_off_with_visits_is_refused(team, application, coordinator):
    day = tomorrow(team.branch)
    schedule.visit_book(application=application, slot=slot_of(team, day), by=coordinator)
    with pytest.raises(ValidationError, match="move them first"):
        schedule.team_day_set(team=team, day=day, working=False)
    assert not TeamDay.objects.exists()


def test_it_books_a_visit(team, application, coordinator):
    slot = slot_of(team, tomorrow(team.branch))
    visit = schedule.visit_book(application=application, slot=slot, by=coordinator)
    slot.refresh_from_db()
    application.refresh_from_db()
    assert slot.booked == 1
    assert visit.slot == slot and visit.state == Visit.State.BOOKED
    assert visit.booked_by == coordinator
    assert application.state == S.SCHEDULED


def test_it_refuses_a_full_slot(team, application, lenina, coordinator):
    slot = slot_of(team, tomorrow(team.branch))
    other = ApplicationFactory(building=lenina, state=S.QUALIFIED)
    schedule.visit_book(application=other, slot=slot, by=coordinator)
    with pytest.raises(ValidationError, match="just taken"):
        schedule.visit_book(application=application, slot=slot, by=coordinator)
    application.refresh_from_db()
    assert application.state == S.QUALIFIED
    assert Visit.objects.count() == 1


def test_it_refuses_an_address_outside_the_territory(team, application, ural, coordinator):
    team.streets.set([StreetFactory(city=application.building.street.city, name="Мира")])
    slot = slot_of(team, tomorrow(team.branch))
    with pytest.raises(ValidationError, match="outside this team's territory"):
        schedule.visit_book(application=application, slot=slot, by=coordinator)
    nothing_written(application, slot)


def test_it_takes_an_address_on_the_territory(team, application, coordinator):
    team.streets.set([application.building.street])
    slot = slot_of(team, tomorrow(team.branch))
    assert schedule.visit_book(application=application, slot=slot, by=coordinator)


def test_it_refuses_a_team_without_the_technology(team, application, coordinator):
    team.technologies = ["GPON"]
    team.save()
    slot = slot_of(team, tomorrow(team.branch))
    with pytest.raises(ValidationError, match="does not install FTTB"):
        schedule.visit_book(application=application, slot=slot, by=coordinator)
    nothing_written(application, slot)


def test_it_refuses_a_slot_that_has_begun(team, application, coordinator):
    yesterday = schedule.local_now(team.branch).date() - datetime.timedelta(days=1)
    slot = Slot.objects.create(
        team=team, date=yesterday, starts=datetime.time(9), ends=datetime.time(11)
    )
    with pytest.raises(ValidationError, match="already begun"):
        schedule.visit_book(application=application, slot=slot, by=coordinator)
    nothing_written(application, slot)


def test_it_refuses_a_new_application(team, lenina, coordinator):
    application = ApplicationFactory(building=lenina, state=S.NEW)
    slot = slot_of(team, tomorrow(team.branch))
    with pytest.raises(ValidationError, match="cannot be booked"):
        schedule.visit_book(application=application, slot=slot, by=coordinator)
    slot.refresh_from_db()
    assert slot.booked == 0 and not Visit.objects.exists()


def test_a_double_submit_books_once(team, application, coordinator):
    day = tomorrow(team.branch)
    schedule.visit_book(application=application, slot=slot_of(team, day), by=coordinator)
    with pytest.raises(ValidationError, match="already has a visit"):
        schedule.visit_book(application=application, slot=slot_of(team, day, 11), by=coordinator)
    assert Visit.objects.count() == 1
    assert Slot.objects.get(team=team, date=day, starts=datetime.time(11)).booked == 0


def test_free_slots_are_those_the_application_may_take(team, application, ural):
    day = tomorrow(ural)
    TeamFactory(branch=ural, name="GPON team", technologies=["GPON"])
    schedule.slots_ensure(branch=ural, start=day, end=day)
    free = schedule.slots_free(application=application, start=day, end=day)
    assert {s.team for s in free} == {team}
    assert len(free) == 3


def test_it_moves_a_visit(team, application, coordinator):
    day = tomorrow(team.branch)
    first, second = slot_of(team, day), slot_of(team, day, 11)
    visit = schedule.visit_book(application=application, slot=first, by=coordinator)
    reason = ReasonFactory(kind="rescheduled", code="client-asked")
    moved = schedule.visit_move(visit=visit, slot=second, by=coordinator, reason=reason)
    first.refresh_from_db(), second.refresh_from_db(), visit.refresh_from_db()
    application.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    assert visit.state == Visit.State.MOVED and moved.slot == second
    assert application.state == S.SCHEDULED
    assert list(application.events.values_list("action", flat=True))[-2:] == [
        "reschedule",
        "schedule",
    ]


def test_it_cancels_a_visit(team, application, coordinator):
    slot = slot_of(team, tomorrow(team.branch))
    visit = schedule.visit_book(application=application, slot=slot, by=coordinator)
    reason = ReasonFactory(kind="rescheduled", code="team")
    schedule.visit_cancel(visit=visit, by=coordinator, reason=reason)
    slot.refresh_from_db(), application.refresh_from_db(), visit.refresh_from_db()
    assert slot.booked == 0
    assert visit.state == Visit.State.CANCELLED
    assert application.state == S.RESCHEDULED


def test_team_save_checks_the_slots(ural):
    from sales.models import Team

    team = Team(branch=ural, name="X", weekdays=[1], slot_times=["11:00-09:00"])
    with pytest.raises(ValidationError):
        schedule.team_save(team=team)
    team.slot_times = ["09:00-11:00", "10:00-12:00"]
    with pytest.raises(ValidationError):
        schedule.team_save(team=team)
    team.slot_times = ["14:00 - 16:00", "09:00-11:00"]
    saved = schedule.team_save(team=team)
    assert saved.slot_times == ["09:00-11:00", "14:00-16:00"]


def test_a_team_s_installers_are_set_and_an_installer_moves_between_teams(team, ural):
    from core.tests.factories import UserFactory
    from sales.models import Installer

    ann = UserFactory(username="ann", roles=["installer"], branches=[ural])
    bob = UserFactory(username="bob", roles=["installer"], branches=[ural])
    schedule.team_save(team=team, installers=[ann, bob])
    assert set(Installer.objects.filter(team=team).values_list("user__username", flat=True)) == {
        "ann",
        "bob",
    }
    other = TeamFactory(branch=ural, name="Бригада 2", technologies=["FTTB"])
    schedule.team_save(team=other, installers=[bob])
    schedule.team_save(team=team, installers=[ann])
    assert Installer.objects.get(user=bob).team == other
    assert list(Installer.objects.filter(team=team).values_list("user__username", flat=True)) == [
        "ann"
    ]

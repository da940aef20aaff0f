"""Force majeure (3.2.3): the affected visits, the proposal of new slots, the bulk move with its
SMS and log, and the pages."""

import datetime
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comms.models import Message
from comms.services import standard_install
from comms.tests.factories import GatewayFactory
from core.tests.factories import UserFactory
from sales import force_majeure as fm
from sales import schedule
from sales.models import Application, ApplicationEvent, Slot, Visit
from sales.standard import reasons_install
from sales.tests.factories import ApplicationFactory, InstallerFactory, TeamFactory
from subscribers.tests.factories import BuildingFactory, StreetFactory

S = Application.State
V = Visit.State


@pytest.fixture
def day(ural):
    return schedule.local_now(ural).date() + datetime.timedelta(days=2)


@pytest.fixture
def teams(ural, day):
    one = TeamFactory(branch=ural, name="Бригада 1", slot_capacity=2)
    two = TeamFactory(branch=ural, name="Бригада 2", slot_capacity=2)
    schedule.slots_ensure(branch=ural, start=day, end=day + datetime.timedelta(days=20))
    return one, two


@pytest.fixture
def mira(lenina):
    street = StreetFactory(city=lenina.street.city, name="Мира")
    return BuildingFactory(
        street=street, house="5", technology="FTTB", coverage_since=datetime.date(2020, 1, 1)
    )


@pytest.fixture(autouse=True)
def sms(db):
    GatewayFactory()
    standard_install(language="en")
    reasons_install(language="en")


def book(team, day, building, by, hour=9) -> Visit:
    application = ApplicationFactory(building=building, state=S.QUALIFIED)
    slot = Slot.objects.get(team=team, date=day, starts=datetime.time(hour))
    return schedule.visit_book(application=application, slot=slot, by=by)


@pytest.fixture
def visits(teams, day, lenina, mira, coordinator):
    one, two = teams
    return [
        book(one, day, lenina, coordinator, 9),
        book(one, day, mira, coordinator, 11),
        book(two, day, lenina, coordinator, 14),
    ]


# -- who is affected -----------------------------------------------------------------------------
def test_it_selects_the_booked_visits_of_the_day(ural, teams, visits, day, lenina, coordinator):
    book(teams[0], day + datetime.timedelta(days=1), lenina, coordinator)  # another day
    cancelled = book(teams[1], day, lenina, coordinator, 9)
    schedule.visit_cancel(visit=cancelled, by=coordinator, reason=fm.force_majeure_reason())
    assert set(fm.affected_visits(branch=ural, day=day)) == set(visits)


def test_it_narrows_to_a_team(ural, teams, visits, day):
    chosen = fm.affected_visits(branch=ural, day=day, team=teams[1])
    assert list(chosen) == [visits[2]]


def test_it_narrows_to_a_street_or_a_city(ural, visits, day, mira):
    assert list(fm.affected_visits(branch=ural, day=day, street=mira.street)) == [visits[1]]
    assert len(fm.affected_visits(branch=ural, day=day, city=mira.street.city)) == 3


# -- the proposal --------------------------------------------------------------------------------
def test_the_proposal_avoids_the_affected_day(ural, visits, day):
    proposed = fm.proposal(fm.affected_visits(branch=ural, day=day))
    assert all(p.slot is not None and p.slot.date > day for p in proposed)
    assert proposed[0].slot.date == day + datetime.timedelta(days=1)


def test_the_proposal_respects_capacity_across_the_visits(ural, visits, day):
    Slot.objects.filter(date__gt=day).update(capacity=1)
    first = Slot.objects.filter(date=day + datetime.timedelta(days=1)).order_by("starts").first()
    Slot.objects.filter(pk=first.pk).update(booked=1)  # full already
    proposed = fm.proposal(fm.affected_visits(branch=ural, day=day))
    chosen = Counter(p.slot.pk for p in proposed)
    assert max(chosen.values()) == 1
    assert first.pk not in chosen


def test_the_proposal_keeps_the_team_rules(ural, teams, visits, day, mira):
    teams[1].streets.set([mira.street])  # team 2 covers only Мира
    proposed = fm.proposal(fm.affected_visits(branch=ural, day=day))
    lenina_rows = [p for p in proposed if p.visit.application.building.street != mira.street]
    assert all(p.slot.team == teams[0] for p in lenina_rows)


# -- the move ------------------------------------------------------------------------------------
def moves_of(ural, day):
    return [(p.visit, p.slot) for p in fm.proposal(fm.affected_visits(branch=ural, day=day))]


def test_apply_moves_every_visit_sends_one_sms_each_and_logs(ural, visits, day, coordinator):
    moves = moves_of(ural, day)
    summary = fm.force_majeure_apply(moves=moves, by=coordinator)
    assert len(summary.moves) == 3
    for visit, slot in moves:
        visit.refresh_from_db()
        assert visit.state == V.MOVED
        assert Visit.objects.get(application=visit.application, state=V.BOOKED).slot == slot
        event = ApplicationEvent.objects.get(application=visit.application, action=fm.ACTION)
        assert "→" in event.note and schedule.slot_label(slot) in event.note
        assert event.reason.code == "force-majeure"
        assert visit.application.state == S.SCHEDULED
    assert Slot.objects.filter(date=day).values_list("booked", flat=True).distinct().get() == 0
    messages = Message.objects.filter(template__code="slot_changed")
    assert messages.count() == 3
    assert {m.to for m in messages} == {v.application.phone for v in visits}
    assert schedule.slot_label(moves[0][1]) in messages.get(to=moves[0][0].application.phone).body
    assert {m.sms for m in summary.moves} <= {"queued", "deferred"}


def test_apply_without_notify_sends_nothing(ural, visits, day, coordinator):
    fm.force_majeure_apply(moves=moves_of(ural, day), by=coordinator, notify=False)
    assert not Message.objects.filter(template__code="slot_changed").exists()


def test_a_slot_taken_meanwhile_refuses_the_whole_apply(ural, visits, day, coordinator):
    moves = moves_of(ural, day)
    taken = moves[-1][1]
    Slot.objects.filter(pk=taken.pk).update(booked=F("capacity"))
    before = dict(Slot.objects.values_list("pk", "booked"))
    with pytest.raises(ValidationError) as error:
        fm.force_majeure_apply(moves=moves, by=coordinator)
    assert moves[-1][0].application.number in error.value.messages[0]
    assert Visit.objects.filter(state=V.MOVED).count() == 0
    assert not ApplicationEvent.objects.filter(action=fm.ACTION).exists()
    assert not Message.objects.filter(template__code="slot_changed").exists()
    assert dict(Slot.objects.values_list("pk", "booked")) == before


def test_a_relocation_visit_moves_too(ural, teams, day, lenina, coordinator):
    from sales import relocation
    from sales.tests.factories import RelocationFactory
    from subscribers.tests.factories import SubscriberFactory

    subscriber = SubscriberFactory(branch=ural, phone="+79120000077")
    move = RelocationFactory(subscriber=subscriber, building=lenina)
    slot = Slot.objects.get(team=teams[0], date=day, starts=datetime.time(9))
    visit = relocation.relocation_book(relocation=move, slot=slot, by=coordinator)
    (proposed,) = fm.proposal(fm.affected_visits(branch=ural, day=day))
    summary = fm.force_majeure_apply(moves=[(visit, proposed.slot)], by=coordinator)
    assert Visit.objects.get(relocation=move, state=V.BOOKED).slot == proposed.slot
    move.refresh_from_db()
    assert "→" in move.note
    assert summary.moves[0].to == "+79120000077"
    assert Message.objects.filter(subscriber=subscriber, template__code="slot_changed").exists()


# -- the pages -----------------------------------------------------------------------------------
def criteria(ural, day) -> dict:
    return {"branch": ural.pk, "day": day.isoformat(), "team": "", "city": "", "street": ""}


def test_the_page_lists_the_visits_with_a_proposed_slot(client, coordinator, ural, visits, day):
    client.force_login(coordinator)
    response = client.get(reverse("sales:force_majeure"), criteria(ural, day))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 3 and all(r.slot for r in rows)
    assert visits[0].application.number in response.content.decode()


def test_the_preview_shows_the_texts_and_writes_nothing(client, coordinator, ural, visits, day):
    moves = moves_of(ural, day)
    data = criteria(ural, day) | {f"slot_{v.pk}": s.pk for v, s in moves}
    client.force_login(coordinator)
    before = (Visit.objects.count(), Message.objects.count(), ApplicationEvent.objects.count())
    response = client.post(reverse("sales:force_majeure_preview"), data)
    assert response.status_code == 200
    assert response.context["preview"].moves == 3
    assert response.context["preview"].sendable == 3
    assert schedule.slot_label(moves[0][1]) in response.content.decode()
    after = (Visit.objects.count(), Message.objects.count(), ApplicationEvent.objects.count())
    assert after == before


def test_move_and_notify_shows_the_log_and_a_second_submit_changes_nothing(
    client, coordinator, ural, visits, day
):
    moves = moves_of(ural, day)
    data = criteria(ural, day) | {f"slot_{v.pk}": s.pk for v, s in moves} | {"token": "abc123"}
    client.force_login(coordinator)
    response = client.post(reverse("sales:force_majeure_apply"), data)
    assert response.status_code == 302
    page = client.get(response.url)
    assert page.status_code == 200
    assert len(page.context["summary"]["moves"]) == 3
    assert schedule.slot_label(moves[0][1]) in page.content.decode()
    again = client.post(reverse("sales:force_majeure_apply"), data)
    assert again.status_code == 302 and again.url == response.url
    assert Visit.objects.filter(state=V.MOVED).count() == 3
    assert Message.objects.filter(template__code="slot_changed").count() == 3


def test_a_refused_apply_says_which_visit(client, coordinator, ural, visits, day):
    moves = moves_of(ural, day)
    Slot.objects.filter(pk=moves[0][1].pk).update(booked=F("capacity"))
    data = criteria(ural, day) | {f"slot_{v.pk}": s.pk for v, s in moves} | {"token": "t1"}
    client.force_login(coordinator)
    response = client.post(reverse("sales:force_majeure_apply"), data)
    assert response.status_code == 409
    assert moves[0][0].application.number in response.context["error"]
    assert not Visit.objects.filter(state=V.MOVED).exists()


def test_the_head_may_open_it(client, head, ural, visits, day):
    client.force_login(head)
    assert client.get(reverse("sales:force_majeure"), criteria(ural, day)).status_code == 200


def test_an_installer_may_not(client, ural, teams, visits, day):
    installer = InstallerFactory(team=teams[0])
    client.force_login(installer.user)
    assert client.get(reverse("sales:force_majeure")).status_code == 403
    data = criteria(ural, day) | {"token": "x"}
    assert client.post(reverse("sales:force_majeure_apply"), data).status_code == 403
    assert not Visit.objects.filter(state=V.MOVED).exists()


def test_a_cashier_may_not(client, ural):
    client.force_login(UserFactory(username="cashier", roles=["cashier"], branches=[ural]))
    assert client.get(reverse("sales:force_majeure")).status_code == 403


def test_the_preview_and_the_apply_reject_get(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("sales:force_majeure_preview")).status_code == 405
    assert client.get(reverse("sales:force_majeure_apply")).status_code == 405
    assert client.post(reverse("sales:force_majeure")).status_code == 405


def test_bad_input_shows_the_form_error(client, coordinator, ural):
    client.force_login(coordinator)
    response = client.get(reverse("sales:force_majeure"), {"branch": ural.pk, "day": "soon"})
    assert response.status_code == 200
    assert response.context["form"].errors["day"]
    assert response.context["rows"] is None


def test_the_list_answers_in_a_fixed_number_of_queries(
    client, coordinator, ural, teams, visits, day, lenina, django_assert_max_num_queries
):
    client.force_login(coordinator)
    client.get(reverse("sales:force_majeure"), criteria(ural, day))  # the slots exist from now
    with CaptureQueriesContext(connection) as three:
        client.get(reverse("sales:force_majeure"), criteria(ural, day))
    for hour in (9, 11):
        book(teams[1], day, lenina, coordinator, hour)
    with django_assert_max_num_queries(len(three)):
        response = client.get(reverse("sales:force_majeure"), criteria(ural, day))
    assert len(response.context["rows"]) == 5

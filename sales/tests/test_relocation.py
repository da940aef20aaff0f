"""Relocation (1.4): registering with the coverage check, booking the visit, done (the
subscriber's address and a status event), cancelled; and the pages."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.tests.factories import UserFactory
from sales import relocation as service
from sales import schedule
from sales.models import Relocation, Slot, Visit
from sales.tests.factories import RelocationFactory, TeamFactory
from subscribers.models import StatusEvent
from subscribers.tests.factories import BuildingFactory, StreetFactory, SubscriberFactory

R = Relocation.State


@pytest.fixture
def team(ural, day):
    team = TeamFactory(branch=ural, name="Бригада 1", technologies=["FTTB"], slot_capacity=1)
    schedule.slots_ensure(branch=ural, start=day, end=day + datetime.timedelta(days=14))
    return team


@pytest.fixture
def subscriber(ural, lenina):
    old = BuildingFactory(
        street=StreetFactory(city=lenina.street.city, name="Мира"), house="5", technology="GPON"
    )
    return SubscriberFactory(branch=ural, building=old, flat="3", technology="GPON")


@pytest.fixture
def relocation(subscriber, lenina, coordinator):
    return service.relocation_create(
        subscriber=subscriber, address="Ленина, 12", flat="9", by=coordinator
    )


def slot_of(team, day, hour=9) -> Slot:
    return Slot.objects.get(team=team, date=day, starts=datetime.time(hour))


# -- registering ---------------------------------------------------------------------------------
def test_a_served_address_registers_it_new(relocation, subscriber, lenina):
    assert relocation.state == R.NEW
    assert relocation.building == lenina and relocation.flat == "9"
    assert relocation.old_building == subscriber.building and relocation.old_flat == "3"


def test_an_address_not_covered_stops_as_no_coverage(subscriber, lenina, coordinator):
    BuildingFactory(street=lenina.street, house="40", technology="", coverage_since=None)
    moved = service.relocation_create(
        subscriber=subscriber, address="Ленина, 40", flat="1", by=coordinator
    )
    assert moved.state == R.NO_COVERAGE
    with pytest.raises(ValidationError):
        service.relocation_book(relocation=moved, slot=Slot(), by=coordinator)


def test_an_unknown_address_stops_as_no_coverage(subscriber, lenina, coordinator):
    moved = service.relocation_create(
        subscriber=subscriber, address="Ленина, 999", flat="1", by=coordinator
    )
    assert moved.state == R.NO_COVERAGE and moved.building is None


def test_a_second_relocation_in_progress_is_refused(relocation, subscriber, coordinator):
    with pytest.raises(ValidationError):
        service.relocation_create(
            subscriber=subscriber, address="Ленина, 12", flat="10", by=coordinator
        )


# -- booking -------------------------------------------------------------------------------------
def test_it_books_a_relocation_visit(relocation, team, day, coordinator):
    visit = service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    assert visit.kind == Visit.Kind.RELOCATION and visit.relocation == relocation
    assert slot_of(team, day).booked == 1
    relocation.refresh_from_db()
    assert relocation.state == R.SCHEDULED


def test_booking_respects_the_slot_capacity(relocation, team, day, lenina, ural, coordinator):
    other = RelocationFactory(subscriber=SubscriberFactory(branch=ural), building=lenina)
    service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    with pytest.raises(ValidationError):
        service.relocation_book(relocation=other, slot=slot_of(team, day), by=coordinator)
    assert slot_of(team, day).booked == 1
    other.refresh_from_db()
    assert other.state == R.NEW and not other.visits.exists()


def test_booking_keeps_the_team_territory(relocation, team, day, coordinator, subscriber):
    team.streets.set([subscriber.building.street])  # not Ленина
    assert service.relocation_slots(relocation, start=day, end=day) == []
    with pytest.raises(ValidationError):
        service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)


def test_a_double_submit_books_once(relocation, team, day, coordinator):
    service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    with pytest.raises(ValidationError):
        service.relocation_book(relocation=relocation, slot=slot_of(team, day, 11), by=coordinator)
    assert Visit.objects.filter(relocation=relocation).count() == 1


# -- done and cancelled --------------------------------------------------------------------------
def test_done_moves_the_subscriber_and_writes_the_status_event(
    relocation, team, day, coordinator, subscriber, lenina
):
    old = subscriber.building
    visit = service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    visit.state = Visit.State.DONE
    visit.save()
    service.relocation_visit_closed(visit=visit, by=coordinator)
    subscriber.refresh_from_db()
    assert subscriber.building == lenina and subscriber.flat == "9"
    assert subscriber.technology == "FTTB" and subscriber.city == lenina.street.city
    relocation.refresh_from_db()
    assert relocation.state == R.DONE and relocation.done_at is not None
    assert relocation.old_building == old and relocation.old_flat == "3"
    event = StatusEvent.objects.get(subscriber=subscriber)
    assert event.kind == service.MOVE_EVENT
    assert "Moved to" in event.reason and "Ленина" in event.reason
    service.relocation_done(relocation=relocation, by=coordinator)  # twice: nothing more
    assert StatusEvent.objects.filter(subscriber=subscriber).count() == 1


def test_a_failed_visit_puts_it_back_to_booking(relocation, team, day, coordinator):
    visit = service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    visit.state = Visit.State.FAILED
    visit.save()
    service.relocation_visit_closed(visit=visit, by=coordinator)
    relocation.refresh_from_db()
    assert relocation.state == R.NEW


def test_cancel_frees_the_slot(relocation, team, day, coordinator, subscriber):
    visit = service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    service.relocation_cancel(relocation=relocation, by=coordinator, note="Передумал")
    relocation.refresh_from_db()
    visit.refresh_from_db()
    assert relocation.state == R.CANCELLED and "Передумал" in relocation.note
    assert visit.state == Visit.State.CANCELLED
    assert slot_of(team, day).booked == 0
    subscriber.refresh_from_db()
    assert subscriber.flat == "3"
    with pytest.raises(ValidationError):
        service.relocation_done(relocation=relocation, by=coordinator)


def test_a_started_visit_cannot_be_cancelled(relocation, team, day, coordinator):
    visit = service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    Visit.objects.filter(pk=visit.pk).update(state=Visit.State.STARTED)
    with pytest.raises(ValidationError):
        service.relocation_cancel(relocation=relocation, by=coordinator)


# -- the pages -----------------------------------------------------------------------------------
def test_the_card_offers_the_move(client, coordinator, subscriber, relocation):
    client.force_login(coordinator)
    response = client.get(reverse("subscribers:card", kwargs={"pk": subscriber.pk}))
    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("sales:relocation_new", kwargs={"pk": subscriber.pk}) in text
    assert reverse("sales:relocation", kwargs={"pk": relocation.pk}) in text


def test_the_form_checks_then_registers(client, coordinator, subscriber, lenina):
    client.force_login(coordinator)
    url = reverse("sales:relocation_new", kwargs={"pk": subscriber.pk})
    checked = client.post(url, {"address": "Ленина, 12", "flat": "9", "check": "1"})
    assert checked.status_code == 200 and checked.context["answer"].served
    assert not Relocation.objects.exists()
    saved = client.post(url, {"address": "Ленина, 12", "flat": "9", "save": "1"})
    relocation = Relocation.objects.get()
    assert saved.status_code == 302 and saved.url == reverse(
        "sales:relocation", kwargs={"pk": relocation.pk}
    )


def test_the_form_shows_bad_input(client, coordinator, subscriber):
    client.force_login(coordinator)
    url = reverse("sales:relocation_new", kwargs={"pk": subscriber.pk})
    response = client.post(url, {"address": "", "flat": "9", "save": "1"})
    assert response.status_code == 200 and response.context["form"].errors["address"]
    assert not Relocation.objects.exists()


def test_the_page_books_a_slot(client, coordinator, relocation, team, day):
    client.force_login(coordinator)
    page = client.get(reverse("sales:relocation", kwargs={"pk": relocation.pk}))
    assert page.status_code == 200 and day in page.context["days"]
    response = client.post(
        reverse("sales:relocation_book", kwargs={"pk": relocation.pk}),
        {"slot": slot_of(team, day).pk},
    )
    assert response.status_code == 302
    assert Visit.objects.filter(relocation=relocation, state=Visit.State.BOOKED).exists()


def test_the_page_cancels(client, coordinator, relocation):
    client.force_login(coordinator)
    client.post(reverse("sales:relocation_cancel", kwargs={"pk": relocation.pk}))
    relocation.refresh_from_db()
    assert relocation.state == R.CANCELLED


def test_the_registry_lists_relocations(client, coordinator, relocation):
    client.force_login(coordinator)
    response = client.get(reverse("registry", kwargs={"name": "relocations"}))
    assert response.status_code == 200
    assert str(relocation.subscriber.full_name) in response.content.decode()


def test_a_cashier_may_not(client, ural, subscriber, relocation):
    client.force_login(UserFactory(username="cashier", roles=["cashier"], branches=[ural]))
    url = reverse("sales:relocation_new", kwargs={"pk": subscriber.pk})
    assert client.get(url).status_code == 403
    assert client.get(reverse("sales:relocation", kwargs={"pk": relocation.pk})).status_code == 403
    cancel = reverse("sales:relocation_cancel", kwargs={"pk": relocation.pk})
    assert client.post(cancel).status_code == 403


def test_booking_and_cancelling_reject_get(client, coordinator, relocation):
    client.force_login(coordinator)
    assert (
        client.get(reverse("sales:relocation_book", kwargs={"pk": relocation.pk})).status_code
        == 405
    )
    cancel = reverse("sales:relocation_cancel", kwargs={"pk": relocation.pk})
    assert client.get(cancel).status_code == 405


def test_the_installer_closing_the_visit_completes_it(
    relocation, team, day, coordinator, subscriber
):
    from sales import installer
    from sales.tests.factories import InstallerFactory

    visit = service.relocation_book(relocation=relocation, slot=slot_of(team, day), by=coordinator)
    today = schedule.local_now(team.branch).date()
    Slot.objects.filter(pk=visit.slot_id).update(date=today)  # the day has come
    visit.refresh_from_db()
    fitter = InstallerFactory(team=team).user
    installer.visit_start(visit=visit, by=fitter)
    visit = installer.visit_finish(visit=visit, by=fitter, result=installer.Result.CONNECTED)
    # The line sales.installer.visit_finish is to call (idempotent once it does).
    service.relocation_visit_closed(visit=visit, by=fitter)
    relocation.refresh_from_db()
    subscriber.refresh_from_db()
    assert relocation.state == R.DONE and subscriber.flat == "9"
    assert StatusEvent.objects.filter(subscriber=subscriber).count() == 1

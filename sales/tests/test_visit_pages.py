"""Moving and cancelling a booked visit from the application page, and the manual "reschedule"
and "cancel" steps freeing the visit's place in its slot."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.tests.factories import BranchFactory, UserFactory
from sales import schedule, services
from sales.models import Application, ApplicationEvent, Slot, Visit
from sales.tests.factories import (
    ApplicationFactory,
    InstallerFactory,
    ReasonFactory,
    TeamFactory,
    VisitFactory,
)

S = Application.State
V = Visit.State


@pytest.fixture
def late(team, day):
    """The free slot the visit moves to: tomorrow at 14:00."""
    return slot_of(team, day, 14)


@pytest.fixture
def moving(db):
    return ReasonFactory(kind="rescheduled", code="team-late", name="Бригада не успевает")


@pytest.fixture
def refusal(db):
    return ReasonFactory(kind="cancelled", code="changed-mind", name="Передумал")


def slot_of(team, day, hour=9) -> Slot:
    schedule.slots_ensure(branch=team.branch, start=day, end=day)
    return Slot.objects.get(team=team, date=day, starts=datetime.time(hour))


def book(lenina, coordinator, slot) -> Visit:
    application = ApplicationFactory(building=lenina, state=S.QUALIFIED)
    return schedule.visit_book(application=application, slot=slot, by=coordinator)


@pytest.fixture
def visit(team, lenina, coordinator, day):
    return book(lenina, coordinator, slot_of(team, day, 9))


def booked(slot) -> int:
    slot.refresh_from_db()
    return slot.booked


def move_url(visit) -> str:
    return reverse("sales:visit_move", kwargs={"pk": visit.pk})


def cancel_url(visit) -> str:
    return reverse("sales:visit_cancel", kwargs={"pk": visit.pk})


def nothing_moved(visit, slot, late):
    visit.refresh_from_db()
    visit.application.refresh_from_db()
    assert visit.state == V.BOOKED
    assert visit.application.state == S.SCHEDULED
    assert (booked(slot), booked(late)) == (1, 0)
    assert Visit.objects.count() == 1
    assert not ApplicationEvent.objects.filter(action="reschedule").exists()


# -- the manual steps free the slot ----------------------------------------------------------------
def test_the_manual_reschedule_step_cancels_the_visit_and_frees_its_place(
    client, coordinator, visit, moving
):
    client.force_login(coordinator)
    url = reverse(
        "sales:application_step", kwargs={"pk": visit.application_id, "action": "reschedule"}
    )
    client.post(url, {"reason": moving.pk})
    visit.refresh_from_db()
    assert visit.application.state == S.RESCHEDULED
    assert visit.state == V.CANCELLED and visit.reason == moving
    assert booked(visit.slot) == 0


def test_the_manual_cancel_step_cancels_the_visit_and_frees_its_place(
    client, coordinator, visit, refusal
):
    client.force_login(coordinator)
    url = reverse("sales:application_step", kwargs={"pk": visit.application_id, "action": "cancel"})
    client.post(url, {"reason": refusal.pk})
    visit.refresh_from_db()
    assert visit.application.state == S.CANCELLED
    assert visit.state == V.CANCELLED and visit.reason == refusal
    assert booked(visit.slot) == 0


def test_the_installer_no_longer_sees_a_job_cancelled_by_the_step(
    client, coordinator, ural, lenina, refusal
):
    team = TeamFactory(branch=ural, name="Бригада 2")
    fitter = UserFactory(username="fitter", roles=["installer"], branches=[ural])
    InstallerFactory(user=fitter, team=team)
    job = VisitFactory(slot__team=team, application__building=lenina)
    client.force_login(fitter)
    assert f"job-{job.pk}" in client.get(reverse("sales:installer")).content.decode()
    services.application_step(
        application=job.application, action="cancel", by=coordinator, reason=refusal
    )
    assert f"job-{job.pk}" not in client.get(reverse("sales:installer")).content.decode()
    assert booked(job.slot) == 0


def test_the_other_booked_visits_of_the_slot_keep_their_places(
    coordinator, team, lenina, visit, moving
):
    other = book(lenina, coordinator, visit.slot)
    assert booked(visit.slot) == 2
    services.application_step(
        application=visit.application, action="reschedule", by=coordinator, reason=moving
    )
    other.refresh_from_db()
    assert other.state == V.BOOKED
    assert booked(visit.slot) == 1


# -- the services do not free a place twice ------------------------------------------------------
def test_visit_move_frees_the_old_place_once(coordinator, lenina, visit, late, moving):
    book(lenina, coordinator, visit.slot)  # a second visit holds the slot's other place
    schedule.visit_move(visit=visit, slot=late, by=coordinator, reason=moving)
    assert (booked(visit.slot), booked(late)) == (1, 1)


def test_visit_cancel_frees_the_place_once(coordinator, lenina, visit, moving):
    book(lenina, coordinator, visit.slot)
    schedule.visit_cancel(visit=visit, by=coordinator, reason=moving)
    visit.refresh_from_db()
    assert visit.state == V.CANCELLED
    assert booked(visit.slot) == 1


# -- the move page -------------------------------------------------------------------------------
def test_the_move_page_lists_the_free_slots_but_the_current_one(
    client, coordinator, visit, late, moving
):
    client.force_login(coordinator)
    response = client.get(move_url(visit))
    assert response.status_code == 200
    slots = [s.pk for day in response.context["days"].values() for s in day]
    assert late.pk in slots and visit.slot_id not in slots
    text = response.content.decode()
    assert 'id="move-form"' in text and "data-ab-submit-once" in text
    assert moving.name in text


def test_it_moves_the_visit(client, coordinator, visit, late, moving):
    client.force_login(coordinator)
    data = {"slot": late.pk, "reason": moving.pk, "note": "Просили позже"}
    response = client.post(move_url(visit), data)
    assert response.url == reverse("sales:application", kwargs={"pk": visit.application_id})
    visit.refresh_from_db()
    visit.application.refresh_from_db()
    assert visit.state == V.MOVED
    assert (booked(visit.slot), booked(late)) == (0, 1)
    assert visit.application.state == S.SCHEDULED
    assert Visit.objects.get(state=V.BOOKED).slot == late
    event = ApplicationEvent.objects.get(action="reschedule")
    assert (event.reason, event.note) == (moving, "Просили позже")
    page = client.get(response.url).content.decode()
    assert "The visit is moved" in page


def test_a_move_without_a_reason_is_refused(client, coordinator, visit, late):
    client.force_login(coordinator)
    response = client.post(move_url(visit), {"slot": late.pk, "reason": ""})
    assert response.status_code == 200
    assert "Choose the reason." in response.content.decode()
    nothing_moved(visit, visit.slot, late)


def test_a_move_without_a_slot_is_refused(client, coordinator, visit, late, moving):
    client.force_login(coordinator)
    response = client.post(move_url(visit), {"reason": moving.pk})
    assert "Choose a slot." in response.content.decode()
    nothing_moved(visit, visit.slot, late)


def test_a_reason_of_another_kind_is_refused(client, coordinator, visit, late, refusal):
    client.force_login(coordinator)
    response = client.post(move_url(visit), {"slot": late.pk, "reason": refusal.pk})
    assert "Choose the reason." in response.content.decode()
    nothing_moved(visit, visit.slot, late)


def test_a_cancelled_visit_cannot_be_moved(client, coordinator, visit, late, moving):
    schedule.visit_cancel(visit=visit, by=coordinator, reason=moving)
    client.force_login(coordinator)
    page = client.get(move_url(visit)).content.decode()
    assert 'id="move-not-movable"' in page and 'id="move-form"' not in page
    response = client.post(move_url(visit), {"slot": late.pk, "reason": moving.pk})
    assert "Only a booked installation visit can be moved." in response.content.decode()
    visit.refresh_from_db()
    assert visit.state == V.CANCELLED
    assert (booked(visit.slot), booked(late)) == (0, 0)
    assert Visit.objects.count() == 1


def test_a_double_submitted_move_moves_once(client, coordinator, visit, late, moving):
    client.force_login(coordinator)
    data = {"slot": late.pk, "reason": moving.pk}
    assert client.post(move_url(visit), data).status_code == 302
    again = client.post(move_url(visit), data)
    assert again.status_code == 200
    assert "Only a booked installation visit can be moved." in again.content.decode()
    assert (booked(visit.slot), booked(late)) == (0, 1)
    assert Visit.objects.filter(state=V.BOOKED).count() == 1
    assert ApplicationEvent.objects.filter(action="reschedule").count() == 1


@pytest.mark.parametrize("role", ["operator", "installer"])
def test_the_move_and_cancel_need_the_permission(client, ural, visit, late, moving, role):
    client.force_login(UserFactory(username=role, roles=[role], branches=[ural]))
    assert client.get(move_url(visit)).status_code == 403
    data = {"slot": late.pk, "reason": moving.pk}
    assert client.post(move_url(visit), data).status_code == 403
    assert client.post(cancel_url(visit), {"reason": moving.pk}).status_code == 403
    nothing_moved(visit, visit.slot, late)


def test_a_visit_of_another_branch_is_not_found(client, visit, late, moving):
    stranger = UserFactory(
        username="stranger", roles=["coordinator"], branches=[BranchFactory(name="Другой")]
    )
    client.force_login(stranger)
    assert client.get(move_url(visit)).status_code == 404
    assert client.post(cancel_url(visit), {"reason": moving.pk}).status_code == 404
    nothing_moved(visit, visit.slot, late)


# -- cancelling ----------------------------------------------------------------------------------
def test_it_cancels_the_visit(client, coordinator, visit, moving):
    client.force_login(coordinator)
    response = client.post(cancel_url(visit), {"reason": moving.pk})
    assert response.url == reverse("sales:application", kwargs={"pk": visit.application_id})
    visit.refresh_from_db()
    assert visit.state == V.CANCELLED and visit.reason == moving
    assert visit.application.state == S.RESCHEDULED
    assert booked(visit.slot) == 0


def test_a_cancel_without_a_reason_is_refused(client, coordinator, visit):
    client.force_login(coordinator)
    response = client.post(cancel_url(visit), {"reason": ""}, follow=True)
    assert "Choose the reason." in response.content.decode()
    visit.refresh_from_db()
    assert visit.state == V.BOOKED and booked(visit.slot) == 1


def test_a_second_cancel_is_refused_with_a_message(client, coordinator, visit, moving):
    client.force_login(coordinator)
    client.post(cancel_url(visit), {"reason": moving.pk})
    response = client.post(cancel_url(visit), {"reason": moving.pk}, follow=True)
    assert "Only a booked visit can be cancelled." in response.content.decode()
    assert booked(visit.slot) == 0


def test_the_cancel_returns_to_a_local_next_only(client, coordinator, lenina, team, day, moving):
    client.force_login(coordinator)
    first = book(lenina, coordinator, slot_of(team, day, 9))
    response = client.post(cancel_url(first), {"reason": moving.pk, "next": "/sales/schedule/"})
    assert response.url == "/sales/schedule/"
    second = book(lenina, coordinator, slot_of(team, day, 11))
    data = {"reason": moving.pk, "next": "https://evil.example/"}
    response = client.post(cancel_url(second), data)
    assert response.url == reverse("sales:application", kwargs={"pk": second.application_id})


def test_the_cancel_rejects_get(client, coordinator, visit):
    client.force_login(coordinator)
    assert client.get(cancel_url(visit)).status_code == 405


# -- the application page ------------------------------------------------------------------------
def test_the_application_page_offers_move_and_cancel_for_a_booked_visit(
    client, coordinator, visit, moving
):
    client.force_login(coordinator)
    url = reverse("sales:application", kwargs={"pk": visit.application_id})
    text = client.get(url).content.decode()
    assert f'id="visit-move-{visit.pk}"' in text and f'id="visit-cancel-{visit.pk}"' in text
    assert moving.name in text
    schedule.visit_cancel(visit=visit, by=coordinator, reason=moving)
    text = client.get(url).content.decode()
    assert f'id="visit-move-{visit.pk}"' not in text
    assert f'id="visit-cancel-{visit.pk}"' not in text


def test_the_application_page_reads_the_reasons_once_for_all_visits(
    client, coordinator, lenina, team, day, moving
):
    visit = book(lenina, coordinator, slot_of(team, day, 9))
    client.force_login(coordinator)
    url = reverse("sales:application", kwargs={"pk": visit.application_id})
    client.get(url)  # the session and permissions warmed
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # A second booked visit (one left by an old booking) costs no query more.
    Visit.objects.create(application=visit.application, slot=slot_of(team, day, 11))
    with CaptureQueriesContext(connection) as two:
        text = client.get(url).content.decode()
    assert text.count('id="visit-cancel-') == 2
    assert len(two) == len(one)


def test_the_application_page_hides_the_buttons_without_the_permission(client, ural, visit):
    viewer = UserFactory(username="viewer", perms=["sales.view_application"], branches=[ural])
    client.force_login(viewer)
    url = reverse("sales:application", kwargs={"pk": visit.application_id})
    text = client.get(url).content.decode()
    assert f'id="visit-move-{visit.pk}"' not in text

"""The lists of reasons (rejection, cancellation, rescheduling, failed installation): the head
adds, renames, reorders and switches off a reason, never deletes one; a switched-off reason is
not offered nor taken by a step but stays on the steps taken with it; the history is shown."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.tests.factories import UserFactory
from sales.models import Reason
from sales.services import application_step

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
PAGE = reverse("sales:settings")
NEW_REASON = reverse("sales:settings_reason_new")


def edit_url(reason):
    return reverse("sales:settings_reason", args=[reason.pk])


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


def test_the_page_lists_the_reasons_by_kind(head_client):
    Reason.objects.create(kind="rejected", code="expensive", name="Expensive")
    Reason.objects.create(kind="failed", code="no-cable", name="No cable in the riser")
    html = head_client.get(PAGE).content.decode()
    for kind in ("rejected", "cancelled", "rescheduled", "failed"):
        assert f'id="reasons-{kind}"' in html
    rejected = html.split('id="reasons-rejected"')[1].split('id="reasons-cancelled"')[0]
    assert "Expensive" in rejected and "No cable" not in rejected


def test_a_reason_is_added_with_a_code_and_switched_off_later(head_client, head):
    head_client.post(NEW_REASON, {"kind": "rejected", "name": "Дорого", "order": "1"})
    reason = Reason.objects.get()
    assert (reason.kind, reason.code, reason.active) == ("rejected", "dorogo", True)
    head_client.post(
        edit_url(reason),
        {"kind": "cancelled", "name": "Дорого", "order": "1"},  # no "active": switched off
    )
    reason.refresh_from_db()
    assert reason.kind == "rejected" and not reason.active  # the kind is kept
    html = head_client.get(PAGE).content.decode()
    assert "Дорого" in html and head.username in html  # still listed; the history names who


def test_a_reason_is_renamed_and_reordered_with_its_history(head_client):
    reason = Reason.objects.create(kind="rejected", code="expensive", name="Expensive")
    head_client.post(edit_url(reason), {"name": "Too expensive", "order": "5", "active": "on"})
    reason.refresh_from_db()
    assert (reason.name, reason.order, reason.active) == ("Too expensive", 5, True)
    assert "Expensive → Too expensive" in head_client.get(PAGE).content.decode()


def test_the_edit_form_opens(head_client):
    reason = Reason.objects.create(kind="rejected", code="expensive", name="Expensive")
    assert head_client.get(edit_url(reason)).status_code == 200
    assert head_client.get(NEW_REASON + "?kind=failed").status_code == 200


def test_a_reason_without_a_name_is_refused(head_client):
    response = head_client.post(NEW_REASON, {"kind": "rejected", "name": "  ", "order": "0"})
    assert response.status_code == 400
    assert not Reason.objects.exists()


def test_a_name_twice_in_a_list_is_refused_in_any_case(head_client):
    head_client.post(NEW_REASON, {"kind": "rejected", "name": "Дорого", "order": "0"})
    response = head_client.post(NEW_REASON, {"kind": "rejected", "name": "дорого", "order": "0"})
    assert response.status_code == 400
    assert "already has a reason" in response.content.decode()
    assert Reason.objects.count() == 1


def test_the_same_name_in_another_list_is_another_reason(head_client):
    head_client.post(NEW_REASON, {"kind": "rejected", "name": "Дорого", "order": "0"})
    head_client.post(NEW_REASON, {"kind": "cancelled", "name": "Дорого", "order": "0"})
    assert Reason.objects.count() == 2


def test_an_unknown_list_is_not_found(head_client):
    assert head_client.get(NEW_REASON + "?kind=nonsense").status_code == 404


def test_a_coordinator_may_not_add_or_change(client, coordinator):
    reason = Reason.objects.create(kind="rejected", code="expensive", name="Expensive")
    client.force_login(coordinator)
    assert client.get(PAGE).status_code == 200
    assert client.post(NEW_REASON, {"kind": "rejected", "name": "Дорого"}).status_code == 403
    assert client.post(edit_url(reason), {"name": "X", "order": "0"}).status_code == 403
    assert Reason.objects.get().name == "Expensive" and Reason.objects.count() == 1


def test_a_reason_is_never_deleted_through_the_page(head_client):
    reason = Reason.objects.create(kind="rejected", code="expensive", name="Expensive")
    assert head_client.delete(edit_url(reason)).status_code == 405
    assert Reason.objects.filter(pk=reason.pk).exists()


def test_a_switched_off_reason_is_not_offered_nor_taken_but_stays_on_old_steps(
    client, coordinator, lenina
):
    reason = Reason.objects.create(kind="rejected", code="old", name="Old reason")
    application = ApplicationFactory(building=lenina, state="new")
    application_step(application=application, action="reject", by=coordinator, reason=reason)
    reason.active = False
    reason.save()
    client.force_login(coordinator)
    html = client.get(reverse("sales:application", args=[application.pk])).content.decode()
    assert "Old reason" in html  # the step taken keeps it
    fresh = ApplicationFactory(building=lenina, state="new")
    html = client.get(reverse("sales:application", args=[fresh.pk])).content.decode()
    assert "Old reason" not in html  # not offered
    with pytest.raises(ValidationError, match="no longer in use"):
        application_step(application=fresh, action="reject", by=coordinator, reason=reason)
    fresh.refresh_from_db()
    assert fresh.state == "new"


def test_an_installer_may_not_edit_reasons(client, ural):
    client.force_login(UserFactory(username="inst", roles=["installer"], branches=[ural]))
    assert client.post(NEW_REASON, {"kind": "failed", "name": "X"}).status_code == 403


def test_an_installer_cannot_close_a_job_with_a_switched_off_reason(team, lenina, ural):
    import datetime

    from sales import installer
    from sales.tests.factories import InstallerFactory, SlotFactory, VisitFactory

    fitter = InstallerFactory(
        user=UserFactory(username="fitter", roles=["installer"], branches=[ural]), team=team
    ).user
    visit = VisitFactory(
        slot=SlotFactory(team=team, starts=datetime.time(9), ends=datetime.time(11)),
        application__building=lenina,
        application__state="scheduled",
    )
    visit = installer.visit_start(visit=visit, by=fitter)
    reason = Reason.objects.create(kind="failed", code="old", name="Old", active=False)
    with pytest.raises(ValidationError, match="no longer in use"):
        installer.visit_finish(visit=visit, by=fitter, result="failed", reason=reason)
    visit.refresh_from_db()
    assert visit.state == "started"

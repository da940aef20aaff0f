"""The pages of applications: registering with the check first, the application with its
steps, the coordinator's queue calling with the script whose outcome qualifies the
application, the demand registry, the registry; who may."""

import pytest
from django.urls import reverse

from comms import player
from comms.models import Script
from comms.services import standard_install
from comms.standard_scripts import objections_install, scripts_install
from core.tests.factories import UserFactory
from sales.models import Application, ApplicationCall, Reason
from sales.standard import reasons_install

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db
NEW = reverse("sales:application_new")


def form(**data):
    return {
        "source": "inbound_call", "full_name": "Иванова Мария", "phone": "89123456789",
        "address": "Ленина 12", "flat": "7", **data,
    }  # fmt: skip


def test_check_shows_coverage_and_duplicates_and_writes_nothing(client, coordinator, lenina):
    ApplicationFactory(building=lenina, flat="7")
    client.force_login(coordinator)
    html = client.post(NEW, form(check="1")).content.decode()
    assert 'id="application-coverage"' in html and 'name="duplicate_of"' in html
    assert Application.objects.count() == 1


def test_save_registers_and_opens_the_application(client, coordinator, lenina):
    client.force_login(coordinator)
    response = client.post(NEW, form(save="1"))
    application = Application.objects.get()
    assert response.url == reverse("sales:application", kwargs={"pk": application.pk})
    assert application.agent is None or application.created_by == coordinator


def test_a_bad_phone_shows_the_error_and_writes_nothing(client, coordinator, lenina):
    client.force_login(coordinator)
    html = client.post(NEW, form(save="1", phone="123")).content.decode()
    assert "is not a phone number" in html
    assert not Application.objects.exists()


def test_a_cashier_may_not_register_or_move_applications(client, ural, lenina):
    client.force_login(UserFactory(roles=["cashier"], branches=[ural]))
    assert client.post(NEW, form(save="1")).status_code == 403
    application = ApplicationFactory(building=lenina)
    step = reverse("sales:application_step", kwargs={"pk": application.pk, "action": "qualify"})
    assert client.post(step).status_code == 403
    assert not Application.objects.exclude(pk=application.pk).exists()


def test_the_page_offers_the_allowed_steps_and_a_step_needs_its_reason(client, coordinator, lenina):
    reasons_install(language="en")
    application = ApplicationFactory(building=lenina)
    client.force_login(coordinator)
    page = client.get(reverse("sales:application", kwargs={"pk": application.pk}))
    html = page.content.decode()
    assert 'id="step-qualify"' in html and 'id="step-reject"' in html
    assert 'id="step-schedule"' not in html  # the booking does that
    reject = reverse("sales:application_step", kwargs={"pk": application.pk, "action": "reject"})
    assert "Choose the reason." in client.post(reject, follow=True).content.decode()
    application.refresh_from_db()
    assert application.state == "new"
    reason = Reason.objects.filter(kind="rejected").first()
    client.post(reject, {"reason": reason.pk})
    application.refresh_from_db()
    assert (application.state, application.reason) == ("rejected", reason)
    assert client.get(reject).status_code == 405


def test_another_branch_s_application_is_not_found(client, coordinator):
    other = ApplicationFactory()
    client.force_login(coordinator)
    assert client.get(reverse("sales:application", kwargs={"pk": other.pk})).status_code == 404


def test_the_queue_calls_with_the_prospect_script_whose_outcome_qualifies(
    client, coordinator, lenina
):
    standard_install(language="en")
    objections_install(language="en")
    scripts_install(language="en")
    application = ApplicationFactory(building=lenina)
    client.force_login(coordinator)
    html = client.get(reverse("sales:queue")).content.decode()
    assert application.number in html and 'value="prospects"' in html
    response = client.post(
        reverse("sales:queue_call", kwargs={"pk": application.pk}), {"script": "prospects"}
    )
    link = ApplicationCall.objects.get()
    assert response.url == reverse("comms:call", kwargs={"pk": link.call.pk})
    # Walk the script to its "application" end and record the call.
    graph = Script.objects.get(code="prospects").versions.get().graph
    nodes = {n["id"]: n for n in graph["nodes"]}
    path, todo = {graph["start"]: []}, [graph["start"]]
    while todo:
        here = nodes[todo.pop(0)]
        ways = [(a["next"], a["label"]) for a in here.get("answers", [])] or (
            [(here["next"], "")] if here.get("next") else []
        )
        for target, label in ways:
            if target not in path:
                path[target] = [*path[here["id"]], label]
                todo.append(target)
    for at, label in enumerate(path["application"]):
        player.call_advance(call=link.call, by=coordinator, at=at, answer=label)
    player.call_finish(call=link.call, by=coordinator, result="reached")
    application.refresh_from_db()
    assert application.state == "qualified"
    assert "qualified" in link.call.__class__.objects.get(pk=link.call.pk).action_result


def test_the_demand_registry_counts_addresses_outside_coverage(client, coordinator, ural):
    for _ in range(2):
        ApplicationFactory(
            branch=ural, building=None, address="Мира 99", state="no_coverage", technology=""
        )
    client.force_login(coordinator)
    html = client.get(reverse("sales:demand")).content.decode()
    assert "Мира 99" in html


def test_the_registry_lists_applications_in_few_queries(client, coordinator, lenina):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    url = reverse("registry", kwargs={"name": "applications"})
    counts = []
    client.get(url)  # the first visit writes the user's preferences
    for n in (5, 20):
        while Application.objects.count() < n:
            ApplicationFactory(building=lenina)
        with CaptureQueriesContext(connection) as queries:
            html = client.get(url + "?overdue=false").content.decode()
        assert html.count("Prospect") == n
        counts.append(len(queries))
    # The same few queries for five rows or twenty (PostgreSQL adds its plan estimates).
    assert counts[0] == counts[1] <= 16
    assert client.get(url + "?format=xlsx").status_code == 200


def test_the_start_page_shows_the_coordinator_the_overdue(client, coordinator, lenina):
    from django.utils import timezone

    ApplicationFactory(building=lenina, contact_due=timezone.now() - timezone.timedelta(hours=1))
    client.force_login(coordinator)
    html = client.get(reverse("home")).content.decode()
    assert 'id="widget-overdue"' in html

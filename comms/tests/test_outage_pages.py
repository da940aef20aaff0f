"""The pages of outages: enter one with the count first, its page, restore and cancel; who may;
bad input changes nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from comms.models import Message, Outage
from comms.services import standard_install
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import BuildingFactory, StreetFactory, SubscriberFactory

from .factories import GatewayFactory

pytestmark = pytest.mark.django_db
NEW = reverse("comms:outage_new")


@pytest.fixture(autouse=True)
def shipped(db):
    GatewayFactory()
    standard_install(language="en")


@pytest.fixture
def lenina(tver):
    street = StreetFactory(city__branch=tver, city__name="Tver", name="Ленина")
    building = BuildingFactory(street=street, house="12")
    for n in range(2):
        SubscriberFactory(branch=tver, building=building, phone=f"+791200000{n}")
    return building


@pytest.fixture
def supervisor(tver):
    return UserFactory(username="supervisor", roles=["supervisor"], branches=[tver])


def form(branch, **fields):
    start = timezone.localtime(timezone.now(), branch.tz)
    return {
        "kind": "emergency", "branch": branch.pk, "title": "Fibre cut",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(hours=4)).strftime("%Y-%m-%dT%H:%M"),
        "buildings_text": "ул. Ленина, 12", "note": "", **fields,
    }  # fmt: skip


def test_the_supervisor_counts_then_enters_and_everyone_is_told(
    client, supervisor, tver, lenina, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    html = client.post(NEW, form(tver, preview="1")).content.decode()
    assert 'id="outage-affected"' in html and "2 subscribers are affected" in html
    assert not Outage.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, form(tver, save="1"))
    outage = Outage.objects.get()
    assert response.url == reverse("comms:outage", args=[outage.pk])
    assert Message.objects.filter(template__code="outage").count() == 2
    page = client.get(response.url).content.decode()
    assert "Fibre cut" in page and 'id="outage-restore"' in page


def test_a_double_submit_enters_one_outage(client, supervisor, tver, lenina):
    client.force_login(supervisor)
    data = form(tver, save="1")
    client.post(NEW, data)
    response = client.post(NEW, data)
    assert response.status_code == 400 and "entered already" in response.content.decode()
    assert Outage.objects.count() == 1


def test_an_address_not_found_is_named_and_nothing_is_written(client, supervisor, tver, lenina):
    client.force_login(supervisor)
    response = client.post(
        NEW, form(tver, save="1", buildings_text="ул. Ленина, 12\nул. Садовая, 99")
    )
    assert response.status_code == 400
    assert "Line 2, “ул. Садовая, 99”" in response.content.decode()
    assert not Outage.objects.exists() and not Message.objects.exists()


def test_nothing_chosen_or_an_end_before_the_start_is_refused(client, supervisor, tver, lenina):
    client.force_login(supervisor)
    html = client.post(NEW, form(tver, save="1", buildings_text="")).content.decode()
    assert "Choose the buildings or the streets affected." in html
    start = form(tver)["starts_at"]
    response = client.post(NEW, form(tver, save="1", ends_at=start))
    assert "The end must come after the start." in response.content.decode()
    assert not Outage.objects.exists()


def test_a_branch_not_of_the_user_is_not_offered(client, supervisor, lenina):
    client.force_login(supervisor)
    other = BranchFactory(name="Other")
    response = client.post(NEW, form(other, save="1"))
    assert response.status_code == 400 and not Outage.objects.exists()


def test_an_operator_reads_but_may_not_enter(client, operator, tver, lenina):
    client.force_login(operator)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, form(tver, save="1")).status_code == 403
    outage = Outage.objects.create(
        kind="emergency", branch=tver, title="Cut", starts_at=timezone.now()
    )
    assert client.get(reverse("comms:outage", args=[outage.pk])).status_code == 200
    restore = reverse("comms:outage_act", args=[outage.pk, "restore"])
    assert client.post(restore).status_code == 403
    assert Outage.objects.get().state == Outage.State.OPEN


def test_another_branchs_outage_is_not_found(client, supervisor):
    client.force_login(supervisor)
    outage = Outage.objects.create(
        kind="emergency", branch=BranchFactory(name="Other"), title="Cut", starts_at=timezone.now()
    )
    assert client.get(reverse("comms:outage", args=[outage.pk])).status_code == 404


def test_restore_and_cancel_post_only_and_refuse_an_illegal_step(client, supervisor, tver):
    client.force_login(supervisor)
    planned = Outage.objects.create(
        kind="planned", branch=tver, title="Works", starts_at=timezone.now() + timedelta(days=2)
    )
    restore = reverse("comms:outage_act", args=[planned.pk, "restore"])
    assert client.get(restore).status_code == 405
    html = client.post(restore, follow=True).content.decode()
    assert "Only an emergency is restored" in html
    assert Outage.objects.get().state == Outage.State.OPEN
    client.post(reverse("comms:outage_act", args=[planned.pk, "cancel"]))
    assert Outage.objects.get().state == Outage.State.CANCELLED


def test_the_registry_lists_the_branchs_outages(client, supervisor, tver):
    client.force_login(supervisor)
    Outage.objects.create(
        kind="emergency", branch=tver, title="Fibre cut", starts_at=timezone.now()
    )
    Outage.objects.create(
        kind="emergency", branch=BranchFactory(name="Other"), title="Elsewhere",
        starts_at=timezone.now(),
    )  # fmt: skip
    html = client.get(reverse("registry", args=["outages"])).content.decode()
    assert "Fibre cut" in html and "Elsewhere" not in html
    assert 'id="new-outage"' in html


def test_a_street_of_another_branch_is_refused(client, tver, lenina):
    other = BranchFactory(name="Other")
    head = UserFactory(username="head2", roles=["head"], branches=[tver, other])
    street = StreetFactory(city__branch=other, name="Мира")
    client.force_login(head)
    response = client.post(NEW, form(tver, save="1", buildings_text="", streets=[street.pk]))
    assert response.status_code == 400
    assert "Choose streets of the outage&#x27;s branch." in response.content.decode()
    assert not Outage.objects.exists()


def test_the_page_shows_the_progress_while_the_messages_are_queued(client, supervisor, tver):
    client.force_login(supervisor)
    outage = Outage.objects.create(
        kind="emergency", branch=tver, title="Cut", starts_at=timezone.now(),
        counts={"sending": True, "done": 500, "total": 2000},
    )  # fmt: skip
    page = client.get(reverse("comms:outage", args=[outage.pk])).content.decode()
    assert 'id="outage-sending"' in page and "25%" in page and "500 of 2,000" in page
    progress = reverse("comms:outage_progress", args=[outage.pk])
    assert 'hx-trigger="every 2s"' in client.get(progress).content.decode()
    assert client.post(progress).status_code == 405
    Outage.objects.filter(pk=outage.pk).update(counts={"affected": 2000, "queued": 2000})
    done = client.get(progress + "?was=sending")
    assert done["HX-Refresh"] == "true" and 'id="outage-sending"' not in done.content.decode()


def test_restored_from_the_page_tells_those_told(
    client, supervisor, tver, lenina, django_capture_on_commit_callbacks
):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(NEW, form(tver, save="1"))
    outage = Outage.objects.get()
    Message.objects.update(status=Message.Status.SENT)  # the outbox worker handed them over
    restore = reverse("comms:outage_act", args=[outage.pk, "restore"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(restore)
    page = client.get(reverse("comms:outage", args=[outage.pk])).content.decode()
    assert Message.objects.filter(template__code="restored").count() == 2
    assert 'id="outage-restore"' not in page and 'id="outage-restored-count">2<' in page


def test_works_already_started_offer_no_cancel(client, supervisor, tver):
    client.force_login(supervisor)
    started = Outage.objects.create(
        kind="planned", branch=tver, title="Works", starts_at=timezone.now() - timedelta(hours=1)
    )
    page = client.get(reverse("comms:outage", args=[started.pk])).content.decode()
    assert 'id="outage-cancel"' not in page
    html = client.post(
        reverse("comms:outage_act", args=[started.pk, "cancel"]), follow=True
    ).content.decode()
    assert "have started" in html and Outage.objects.get().state == Outage.State.OPEN


def test_the_registry_costs_the_same_queries_for_more_rows(client, supervisor, tver):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(supervisor)
    url = reverse("registry", args=["outages"])
    client.get(url)  # the session's first request writes what later ones do not

    def queries(n):
        for i in range(n):
            Outage.objects.create(
                kind="planned", branch=tver, title=f"W{i}", starts_at=timezone.now()
            )
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    assert queries(2) == queries(10)

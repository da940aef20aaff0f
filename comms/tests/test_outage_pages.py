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
    Outage.objects.create(kind="emergency", branch=tver, title="Fibre cut", starts_at=timezone.now())
    Outage.objects.create(
        kind="emergency", branch=BranchFactory(name="Other"), title="Elsewhere",
        starts_at=timezone.now(),
    )  # fmt: skip
    html = client.get(reverse("registry", args=["outages"])).content.decode()
    assert "Fibre cut" in html and "Elsewhere" not in html
    assert 'id="new-outage"' in html

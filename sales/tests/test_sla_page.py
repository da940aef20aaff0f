"""The SLA times' page (Sales → Sales settings): the head changes them, coordinators and
supervisors read them, bad input changes nothing, the history says who changed what; a change
sets the clocks of the applications registered after it."""

from datetime import timedelta

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from sales.models import Application, SlaPolicy

pytestmark = pytest.mark.django_db
PAGE = reverse("sales:settings")
SLA = reverse("sales:settings_sla")
NEW = reverse("sales:application_new")
MINUTE = timedelta(minutes=1)


def sla(**fields):
    return {
        "first_contact_minutes": "45", "install_days": "4", "workday_from": "08:00",
        "workday_to": "19:00", "paid_not_connected_days": "3", **fields,
    }  # fmt: skip


@pytest.fixture
def head_client(client, head):
    client.force_login(head)
    return client


def test_the_head_sees_every_setting(head_client):
    html = head_client.get(PAGE).content.decode()
    for part in ("settings-sla", "settings-referral", "settings-reasons"):
        assert f'id="{part}"' in html
    assert "registered after it" in html  # the page says what a change applies to


@pytest.mark.parametrize("role", ["coordinator", "supervisor"])
def test_coordinators_and_supervisors_read_but_may_not_change(client, ural, role):
    client.force_login(UserFactory(username=role, roles=[role], branches=[ural]))
    html = client.get(PAGE).content.decode()
    assert 'id="settings-sla"' in html and "<fieldset disabled>" in html
    assert client.post(SLA, sla()).status_code == 403
    assert not SlaPolicy.objects.exists()


def test_an_installer_may_not_open_the_page(client, ural):
    client.force_login(UserFactory(username="inst", roles=["installer"], branches=[ural]))
    assert client.get(PAGE).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in(client):
    assert client.get(PAGE).status_code in (302, 403)
    assert client.post(SLA, sla()).status_code in (302, 403)
    assert not SlaPolicy.objects.exists()


def test_saving_posts_only(head_client):
    assert head_client.get(SLA).status_code == 405
    assert head_client.post(PAGE, sla()).status_code == 405


def test_the_sla_times_are_saved_with_their_history(head_client, head):
    head_client.post(SLA, sla())
    policy = SlaPolicy.objects.get()
    assert (policy.first_contact_minutes, policy.install_days) == (45, 4)
    head_client.post(SLA, sla(install_days="6"))
    assert SlaPolicy.objects.get().install_days == 6
    html = head_client.get(PAGE).content.decode()
    assert "4 → 6" in html and head.username in html


def test_a_double_submit_keeps_one_row_and_one_change(head_client):
    head_client.post(SLA, sla())
    head_client.post(SLA, sla())
    assert SlaPolicy.objects.count() == 1
    assert SlaPolicy.history.count() == 1


def test_a_working_day_ending_before_it_starts_is_refused(head_client):
    response = head_client.post(SLA, sla(workday_from="18:00", workday_to="09:00"))
    assert response.status_code == 400
    assert "must end after it starts" in response.content.decode()
    assert not SlaPolicy.objects.exists()


@pytest.mark.parametrize(
    "field", ["first_contact_minutes", "install_days", "paid_not_connected_days"]
)
def test_zero_is_refused(head_client, field):
    response = head_client.post(SLA, sla(**{field: "0"}))
    assert response.status_code == 400
    assert "greater than or equal to 1" in response.content.decode()
    assert not SlaPolicy.objects.exists()


def test_a_change_sets_the_clock_of_applications_registered_after_it(
    head_client, coordinator, lenina
):
    head_client.post(SLA, sla(install_days="9"))
    head_client.force_login(coordinator)
    head_client.post(
        NEW,
        {
            "source": "inbound_call", "full_name": "Иванова Мария", "phone": "89123456789",
            "address": "Ленина 12", "flat": "7", "save": "1",
        },
    )  # fmt: skip
    application = Application.objects.get()
    assert abs(application.install_due - application.created_at - timedelta(days=9)) < MINUTE

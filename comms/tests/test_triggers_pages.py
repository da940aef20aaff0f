"""The page Event messages (/comms/triggers/): every trigger per branch, edited per trigger
and branch by the head of department, its history; the template's page names its trigger."""

import pytest
from django.urls import reverse

from comms.models import MessageTemplate, TriggerFiring, TriggerSetting
from comms.services import standard_install
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db

LIST = reverse("comms:triggers")


def edit_url(code: str, branch) -> str:
    return reverse("comms:trigger_edit", kwargs={"code": code, "branch": branch.pk})


@pytest.fixture(autouse=True)
def shipped(db):
    standard_install(language="en")


def test_it_lists_every_trigger_with_its_template_and_setting_per_branch(client, head, tver):
    client.force_login(head)
    page = client.get(LIST).content.decode()
    assert "Event messages" in page
    for code in ("welcome", "payment_received", "payment_due", "birthday", "outage"):
        assert f'id="trigger-{code}"' in page
        assert f'id="trigger-{code}-{tver.pk}"' in page
    template = MessageTemplate.objects.get(code="birthday")
    assert reverse("comms:template", kwargs={"pk": template.pk}) in page
    assert edit_url("birthday", tver) in page


def test_it_shows_the_firings_of_the_last_30_days(client, head, tver):
    s = SubscriberFactory(branch=tver)
    old = TriggerFiring.objects.create(trigger="payment_received", key="old", subscriber=s)
    TriggerFiring.objects.filter(pk=old.pk).update(fired_at="2020-01-01T00:00Z")
    for n in range(3):
        TriggerFiring.objects.create(trigger="payment_received", key=f"k{n}", subscriber=s)
    client.force_login(head)
    page = client.get(LIST).content.decode()
    row = page.split('id="trigger-payment_received"')[1].split("</tr>")[0]
    assert '<td class="text-end">3 ' in row and "(3 not sent)" in row


def test_it_reads_in_a_fixed_number_of_queries(client, head, tver, django_assert_max_num_queries):
    for n in range(5):
        BranchFactory(name=f"Branch {n}")
    client.force_login(head)
    with django_assert_max_num_queries(20):
        assert client.get(LIST).status_code == 200


def test_those_who_read_templates_read_it_without_edit_links(client, operator, tver):
    client.force_login(operator)
    page = client.get(LIST).content.decode()
    assert 'id="trigger-welcome"' in page and edit_url("welcome", tver) not in page


def test_other_roles_may_not_read_it(client, tver):
    client.force_login(UserFactory(username="fitter", roles=["installer"], branches=[tver]))
    assert client.get(LIST).status_code == 403


def test_it_is_in_the_communications_menu(client, head):
    client.force_login(head)
    assert LIST in client.get(reverse("comms:rules")).content.decode()


def test_it_rejects_post_on_the_list(client, head):
    client.force_login(head)
    assert client.post(LIST).status_code == 405


def test_the_head_turns_a_trigger_on_with_its_values(client, head, tver):
    client.force_login(head)
    assert client.get(edit_url("birthday", tver)).status_code == 200
    response = client.post(edit_url("birthday", tver), {"enabled": "on", "offer": "a free month"})
    assert response.status_code == 302
    config = TriggerSetting.objects.get(trigger="birthday", branch=tver)
    assert config.enabled and config.values == {"offer": "a free month"}
    page = client.get(LIST).content.decode()
    assert "a free month" in page
    history = page.split('id="trigger-history"')[1]
    assert "head" in history and "Birthday" in history


def test_the_days_are_saved(client, head, tver):
    client.force_login(head)
    client.post(edit_url("payment_due", tver), {"enabled": "on", "days": "5"})
    assert TriggerSetting.objects.get(trigger="payment_due", branch=tver).days == 5


def test_turning_off_is_kept_in_the_history(client, head, tver):
    client.force_login(head)
    client.post(edit_url("welcome", tver), {"days": "3"})
    config = TriggerSetting.objects.get(trigger="welcome", branch=tver)
    assert not config.enabled
    assert config.history.get().history_user == head


def test_negative_days_are_refused_and_nothing_is_saved(client, head, tver):
    client.force_login(head)
    response = client.post(edit_url("payment_due", tver), {"enabled": "on", "days": "-1"})
    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    assert not TriggerSetting.objects.exists()


def test_birthday_turned_on_without_an_offer_is_refused(client, head, tver):
    client.force_login(head)
    response = client.post(edit_url("birthday", tver), {"enabled": "on", "offer": " "})
    assert response.status_code == 400
    assert "Say what to offer" in response.content.decode()
    assert not TriggerSetting.objects.exists()


def test_the_form_sent_twice_keeps_one_setting(client, head, tver):
    client.force_login(head)
    for _ in range(2):
        client.post(edit_url("payment_due", tver), {"enabled": "on", "days": "4"})
    assert TriggerSetting.objects.filter(trigger="payment_due", branch=tver).count() == 1


def test_a_reader_may_not_change_it(client, operator, tver):
    client.force_login(operator)
    assert client.get(edit_url("welcome", tver)).status_code == 403
    assert client.post(edit_url("welcome", tver), {"days": "3"}).status_code == 403
    assert not TriggerSetting.objects.exists()


def test_the_edit_rejects_other_methods(client, head, tver):
    client.force_login(head)
    assert client.delete(edit_url("welcome", tver)).status_code == 405


def test_an_unknown_trigger_or_a_branch_not_ones_own_is_not_found(client, tver):
    other = BranchFactory(name="Псков")
    boss = UserFactory(username="boss", roles=["head"], branches=[tver])
    client.force_login(boss)
    assert client.get(reverse("comms:trigger_edit", args=["nope", tver.pk])).status_code == 404
    assert client.get(edit_url("welcome", other)).status_code == 404


def test_the_template_page_names_its_trigger_and_where_it_is_on(client, head, tver):
    other = BranchFactory(name="Псков")
    TriggerSetting.objects.create(trigger="payment_due", branch=other, enabled=False)
    template = MessageTemplate.objects.get(code="payment_due")
    client.force_login(head)
    page = client.get(reverse("comms:template", kwargs={"pk": template.pk})).content.decode()
    row = page.split('id="template-trigger-payment_due"')[1].split("</tr>")[0]
    assert "Monthly fee due" in row and row.count(">on<") == 1 and row.count(">off<") == 1

"""Message templates: the registry, a template with its preview, new and edit with the text
checked (unknown placeholders, an SMS too long, a letter without a subject), who may."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comms.models import MessageTemplate
from comms.services import template_create
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import BuildingFactory, SubscriberFactory

from .factories import GatewayFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db
NEW = reverse("comms:template_new")
PREVIEW = reverse("comms:template_preview")
REGISTRY = reverse("registry", kwargs={"name": "message_templates"})


def sms(**data):
    return {
        "name": "Долг",
        "channel": "sms",
        "purpose": "debt",
        "trigger": "5 день просрочки",
        "subject": "",
        "body": "{operator}: долг {debt} руб. по счёту {account}",
        "active": "on",
        **data,
    }


def test_the_registry_lists_the_templates_and_offers_a_new_one_to_the_head(client, head):
    MessageTemplateFactory(name="Платёж получен")
    client.force_login(head)
    html = client.get(REGISTRY).content.decode()
    assert "Платёж получен" in html and 'id="new-template"' in html


def test_an_operator_reads_the_templates_but_may_not_write_them(client, operator):
    template = MessageTemplateFactory()
    client.force_login(operator)
    assert 'id="new-template"' not in client.get(REGISTRY).content.decode()
    assert client.get(reverse("comms:template", kwargs={"pk": template.pk})).status_code == 200
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, sms()).status_code == 403
    edit = reverse("comms:template_edit", kwargs={"pk": template.pk})
    assert client.post(edit, sms()).status_code == 403
    assert MessageTemplate.objects.count() == 1


def test_a_user_without_the_right_sees_no_template(client, db):
    client.force_login(UserFactory(roles=["installer"]))
    assert client.get(REGISTRY).status_code == 403
    assert client.post(PREVIEW, sms()).status_code == 403


def test_it_saves_a_new_template(client, head):
    client.force_login(head)
    response = client.post(NEW, sms(name="  Долг   5 дней "))
    template = MessageTemplate.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "comms:template", kwargs={"pk": template.pk}
    )
    assert (template.name, template.purpose, template.body) == (
        "Долг 5 дней",
        "debt",
        "{operator}: долг {debt} руб. по счёту {account}",
    )
    assert template.history.get().history_user == head


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"body": "Ваш {bonus} ждёт"}, "body", "Unknown placeholders: {bonus}."),
        ({"body": "Баланс {balance"}, "body", "A lone { or }"),
        ({"body": "   "}, "body", "This field is required."),
        ({"body": "Ж" * 700}, "body", "at most 10"),
        ({"subject": "Тема"}, "subject", "An SMS has no subject."),
        ({"channel": "email"}, "subject", "A letter needs a subject."),
        ({"channel": "fax"}, "channel", "Select a valid choice."),
        ({"name": " "}, "name", "This field is required."),
    ],
)
def test_a_bad_template_is_refused_with_the_reason_and_nothing_is_saved(
    client, head, data, field, message
):
    client.force_login(head)
    response = client.post(NEW, sms(**data))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert not MessageTemplate.objects.exists()


def test_a_form_sent_twice_saves_one_template(client, head):
    client.force_login(head)
    assert client.post(NEW, sms()).status_code == 302
    response = client.post(NEW, sms(name="долг"))
    assert response.status_code == 400
    assert response.context["form"].errors["name"] == ["A template with this name already exists."]
    assert MessageTemplate.objects.count() == 1


def test_it_edits_a_template_and_keeps_the_old_text_in_the_history(client, head):
    template = MessageTemplateFactory(name="Долг", body="Старый {account}")
    client.force_login(head)
    edit = reverse("comms:template_edit", kwargs={"pk": template.pk})
    assert client.post(edit, sms(body="Новый {account}")).status_code == 302
    template.refresh_from_db()
    assert template.body == "Новый {account}"
    assert [h.body for h in template.history.order_by("history_date")] == [
        "Старый {account}",
        "Новый {account}",
    ]


def test_the_editor_previews_the_text_with_parts_and_cost(client, head):
    GatewayFactory(part_price=Decimal("2.50"))
    client.force_login(head)
    response = client.post(PREVIEW, sms(body="Оплатите {debt} " + "x" * 60))
    preview = response.context["preview"]
    assert preview.body == "Оплатите 550,00 руб. " + "x" * 60  # the sample debt
    assert (preview.segments.encoding, preview.segments.parts, preview.cost) == (
        "UCS-2",
        2,
        Decimal("5.00"),
    )
    assert 'id="preview-parts">2' in response.content.decode()


def test_the_preview_names_a_placeholder_it_does_not_know(client, head):
    client.force_login(head)
    response = client.post(PREVIEW, sms(body="Привет, {nickname}"))
    assert response.context["preview"].error == "Unknown placeholders: {nickname}."
    assert 'id="preview-error"' in response.content.decode()


def test_the_preview_fills_in_a_real_subscriber_of_the_user_s_branches(client, operator, tver):
    home = BuildingFactory(street__name="ул. Ленина", street__city__branch=tver, house="1")
    SubscriberFactory(
        account="777", branch=tver, building=home, flat="5", reported_balance=Decimal("-10")
    )
    SubscriberFactory(account="888", branch=BranchFactory(name="Урал"))
    client.force_login(operator)
    found = client.post(PREVIEW, sms(body="{account}: {debt}, {address}", account="777"))
    assert found.context["preview"].body == "777: 10,00 руб., ул. Ленина, 1, 5"
    other = client.post(PREVIEW, sms(body="{account}", account="888"))
    assert "No subscriber with account 888" in other.content.decode()
    assert other.context["preview"].body == "30000001"  # the sample, not the other branch's


def test_without_the_right_to_personal_data_the_flat_is_masked(client, tver):
    trainer = UserFactory(roles=["trainer"], branches=[tver])
    home = BuildingFactory(street__name="ул. Ленина", street__city__branch=tver, house="1")
    SubscriberFactory(account="777", branch=tver, building=home, flat="5")
    client.force_login(trainer)
    response = client.post(PREVIEW, sms(body="{address}", account="777"))
    assert response.context["preview"].body == "ул. Ленина, 1, **"


def test_the_pages_refuse_the_wrong_method(client, head):
    template = MessageTemplateFactory()
    client.force_login(head)
    assert client.get(PREVIEW).status_code == 405
    assert client.post(reverse("comms:template", kwargs={"pk": template.pk})).status_code == 405
    assert client.put(NEW).status_code == 405


def test_the_service_refuses_what_the_form_refuses(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as e:
        template_create(by=None, **{**sms(body="{nope}"), "active": True})
    assert "body" in e.value.message_dict
    assert not MessageTemplate.objects.exists()

"""Amounts in texts are written in the currency of the subscriber's branch: the placeholders,
a campaign's launch (without a query per subscriber), the shipped texts with no «руб.» left."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comms.campaigns import campaign_plan
from comms.models import Campaign
from comms.placeholders import render
from comms.standard import standard_templates
from comms.standard_scripts import standard_objections, standard_scripts
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory, TariffFactory

from .factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db
MONEY = ("{balance}", "{debt}", "{fee}", "{amount}")


@pytest.fixture
def almaty(db):
    return BranchFactory(name="Алматы", currency="KZT", time_zone="Asia/Almaty")


def test_the_money_placeholders_write_the_branch_s_currency(almaty):
    who = SubscriberFactory(
        branch=almaty,
        reported_balance=Decimal("-550.50"),
        tariff=TariffFactory(name="Домашний", monthly_fee=Decimal("4990")),
    )
    text = render("{balance} | {debt} | {fee}", who)
    assert text == "-550,50 тг | 550,50 тг | 4990,00 тг"


def test_a_debt_is_written_positive_and_none_is_zero(almaty):
    who = SubscriberFactory(branch=almaty, reported_balance=Decimal("12"))
    assert render("{debt} {balance}", who) == "0,00 тг 12,00 тг"


def test_an_amount_the_caller_gives_as_a_number_gets_the_currency_and_text_stays(almaty):
    who = SubscriberFactory(branch=almaty)
    assert render("{amount}", who, {"amount": Decimal("300")}) == "300,00 тг"
    assert render("{amount}", who, {"amount": "300 тенге"}) == "300 тенге"


def test_a_preview_without_a_subscriber_writes_the_first_branch_s_currency(almaty):
    BranchFactory(name="Москва", currency="RUB")
    assert render("{debt}", sample=True) == "550,00 тг"


def test_a_preview_with_no_branch_at_all_writes_roubles():
    assert render("{fee}", sample=True) == "550,00 руб."


def test_a_launch_reads_the_currencies_once_not_per_subscriber(almaty):
    moscow = BranchFactory(name="Москва", currency="RUB")
    template = MessageTemplateFactory(purpose="service", body="Долг {debt}")
    head = UserFactory(roles=["head"])

    def plan(count):
        people = [
            SubscriberFactory(
                branch=almaty if i % 2 else moscow,
                phone=f"+7912{count:03d}{i:04d}",
                reported_balance=Decimal("-100"),
            )
            for i in range(count)
        ]
        c = Campaign.objects.create(
            name=f"Долг {count}", template=template, accounts="\n".join(p.account for p in people)
        )
        with CaptureQueriesContext(connection) as queries:
            planned = campaign_plan(c, head)
        return len(queries), sorted(p.body for p in planned.messages)

    plan(1)  # the user's branches read and kept
    few, bodies = plan(2)
    many, _bodies = plan(8)
    assert few == many
    assert bodies == ["Долг 100,00 руб.", "Долг 100,00 тг"]


def _shipped_texts(language):
    for template in standard_templates(language):
        yield template["code"], template["subject"] + "\n" + template["body"]
    for script in standard_scripts(language):
        for node in script["graph"]["nodes"]:
            yield script["code"], node.get("text", "")
    for category in standard_objections(language):
        for objection in category["objections"]:
            yield objection["code"], "\n".join(objection["answers"])


@pytest.mark.parametrize("language", ["ru", "en"])
def test_no_shipped_text_writes_a_currency_of_its_own(language):
    for code, text in _shipped_texts(language):
        assert not re.search(r"\bруб\b|руб\.|₽|₸|\bRUB\b", text), code


def test_no_russian_text_puts_a_full_stop_after_an_amount():
    """«{debt}.» would read «550,00 руб..»: the currency's short name may end with its own."""
    for code, text in _shipped_texts("ru"):
        for money in MONEY:
            assert money + "." not in text, code

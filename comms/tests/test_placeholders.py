"""Placeholders in a text: refused when unknown, filled from the subscriber or the caller."""

from decimal import Decimal

import pytest

from comms import placeholders
from comms.placeholders import Placeholder, TextError, check, names_in, render, unknown_in
from subscribers.models import Subscriber, SubscriberMoney, Tariff


def ivanov(**kwargs) -> Subscriber:
    fields = {
        "account": "30000001",
        "full_name": "Иванов Иван Иванович",
        "kind": "person",
        "reported_balance": Decimal("-550.50"),
        "tariff": Tariff(name="Домашний 100", monthly_fee=Decimal("550")),
    }
    fields = {**fields, **kwargs}
    balance = fields.pop("reported_balance")
    subscriber = Subscriber(**fields)
    subscriber.money = SubscriberMoney(reported_balance=balance)
    return subscriber


def test_it_lists_the_names_a_text_uses_once_each():
    assert names_in("{addressed}, долг {debt} руб. Счёт {account}, долг {debt}.") == [
        "addressed",
        "debt",
        "account",
    ]


def test_doubled_braces_are_literal_braces():
    assert names_in("{{не поле}}") == []
    assert render("{{ok}} {account}", ivanov()) == "{ok} 30000001"


@pytest.mark.parametrize(
    "text", ["Баланс {balance", "Баланс }", "{Balance}", "{debt:>10}", "{x!r}"]
)
def test_a_broken_placeholder_is_refused(text):
    with pytest.raises(TextError):
        check(text)


def test_an_unknown_placeholder_is_named():
    assert unknown_in("{addressed}, ваш {bonus} и {promo}") == ["bonus", "promo"]
    with pytest.raises(TextError, match=r"\{bonus\}, \{promo\}"):
        check("{addressed}, ваш {bonus} и {promo}")


@pytest.mark.django_db
def test_it_fills_the_subscriber_s_values():
    text = "{addressed}, на счёте {account} {balance}, долг {debt}, тариф {tariff}"
    assert render(text, ivanov()) == (
        "Иван Иванович, на счёте 30000001 -550,50 руб., долг 550,50 руб., тариф Домашний 100"
    )


@pytest.mark.django_db
def test_a_company_is_addressed_by_its_name_and_no_debt_is_zero():
    company = ivanov(kind="company", full_name="ООО Ромашка", reported_balance=Decimal("10"))
    assert render("{addressed}: {debt}", company) == "ООО Ромашка: 0,00 руб."


def test_a_value_the_caller_gives_wins_and_a_missing_one_is_an_error():
    assert render("до {due_date}", ivanov(), {"due_date": "25.11"}) == "до 25.11"
    with pytest.raises(TextError, match="due_date"):
        render("до {due_date}", ivanov())


def test_a_preview_without_a_subscriber_shows_the_samples():
    assert render("{account} {due_date}", sample=True) == "30000001 25.11"


def test_a_block_registers_its_own_placeholder():
    placeholders.register(Placeholder("slot_test", "Slot", "12:00", lambda s, v: "14:00–16:00"))
    try:
        assert render("Мастер придёт {slot_test}", ivanov()) == "Мастер придёт 14:00–16:00"
    finally:
        placeholders._PLACEHOLDERS.pop("slot_test")
    with pytest.raises(ValueError):
        placeholders.register(Placeholder("Bad Name", "x", "x"))

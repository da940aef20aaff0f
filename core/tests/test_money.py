"""core.money: an amount with the short name of its currency, as a language writes it."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import branch_currencies, currency_of, default_currency, money_text
from core.tests.factories import BranchFactory

RUSSIAN = {
    "RUB": "550,00 руб.",
    "KZT": "550,00 тг",
    "BYN": "550,00 бел. руб.",
    "UZS": "550,00 сум",
    "KGS": "550,00 сом",
    "AMD": "550,00 драм",
}


@pytest.mark.parametrize("currency, text", RUSSIAN.items())
def test_it_writes_each_currency_in_russian(currency, text):
    assert money_text(Decimal("550"), currency, "ru") == text


@pytest.mark.parametrize("currency", RUSSIAN)
def test_it_writes_each_currency_in_english_by_its_code(currency):
    assert money_text(Decimal("550"), currency, "en") == f"550.00 {currency}"


def test_an_english_text_stays_in_the_gsm_alphabet():
    assert money_text(Decimal("1234.5"), "KZT", "en").isascii()


def test_a_negative_amount_keeps_its_sign():
    assert money_text(Decimal("-550.5"), "RUB", "ru") == "-550,50 руб."
    assert money_text(Decimal("-550.5"), "KZT", "en") == "-550.50 KZT"


def test_it_writes_the_operator_s_language_whatever_the_screen_s():
    with translation.override("en"):
        assert money_text(Decimal("10"), "KZT") == "10,00 тг"  # LANGUAGE_CODE is ru


def test_no_currency_is_the_default_one():
    assert money_text(Decimal("1"), None, "ru") == "1,00 руб."


@pytest.mark.django_db
def test_the_default_currency_is_the_first_branch_s_or_roubles():
    assert default_currency() == "RUB"
    BranchFactory(name="Алматы", currency="KZT")
    BranchFactory(name="Минск", currency="BYN")
    assert default_currency() == "KZT"


@pytest.mark.django_db
def test_inside_branch_currencies_a_branch_s_currency_is_no_query(django_assert_num_queries):
    almaty = BranchFactory(name="Алматы", currency="KZT")
    with branch_currencies():
        with django_assert_num_queries(0):
            assert currency_of(almaty.pk) == "KZT"
    with django_assert_num_queries(1):
        assert currency_of(almaty.pk) == "KZT"


def test_the_money_filter_writes_the_page_s_language_with_thousands():
    page = Template("{% load money %}{{ amount|money:currency }}|{{ currency|currency_name }}")
    context = Context({"amount": Decimal("-12345.5"), "currency": "KZT"})
    with translation.override("ru"):
        assert page.render(context) == "-12\xa0345,50 тг|тг"
    with translation.override("en"):
        assert page.render(context) == "-12,345.50 KZT|KZT"

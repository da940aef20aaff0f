"""`{{ amount|money:currency }}`: an amount with its currency's short name, as the language of
the page writes it («550,00 руб.», "550.00 RUB")."""

from decimal import InvalidOperation

from django import template
from django.utils import translation

from core.money import currency_name as _currency_name
from core.money import money_text

register = template.Library()


@register.filter
def money(amount, currency=None) -> str:
    if amount is None or amount == "":
        return ""
    try:
        return money_text(amount, currency or None, translation.get_language(), grouping=True)
    except (InvalidOperation, TypeError, ValueError):  # not an amount: shown as it is
        return amount


@register.filter
def currency_name(currency) -> str:
    """The currency's short name alone, beside an amount styled apart («руб.», "RUB")."""
    return _currency_name(currency, translation.get_language()) if currency else ""

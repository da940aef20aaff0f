"""Money as texts write it: the amount in a language's own way and the short name of the branch's
currency, in letters («550,00 руб.», "550.00 RUB") — a ₽ or ₸ sign would turn a GSM-7 English
SMS into UCS-2 and double its price.

The short names are a table keyed by language rather than gettext: a message is written in the
operator's language (settings.LANGUAGE_CODE) whatever the language of the sender's screen, so
the name must not follow the active translation. A language without its own names writes the
ISO code."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal

from django.conf import settings
from django.utils import formats, translation

from .models import Branch, Currency

SHORT_NAMES: dict[str, dict[str, str]] = {
    "ru": {
        "RUB": "руб.",
        "KZT": "тг",
        "BYN": "бел. руб.",
        "UZS": "сум",
        "KGS": "сом",
        "AMD": "драм",
    },
}
DEFAULT = str(Currency.RUB.value)


def currency_name(currency: str, language: str | None = None) -> str:
    """The currency's short name in `language` (the operator's by default)."""
    language = (language or settings.LANGUAGE_CODE)[:2]
    return SHORT_NAMES.get(language, {}).get(currency, currency)


def amount_text(amount, language: str | None = None, *, grouping: bool = False) -> str:
    """The amount with two decimals as `language` (the operator's by default) writes it;
    thousands grouped on a page (`grouping`), not in a message, where a space costs a char."""
    language = language or settings.LANGUAGE_CODE
    if translation.get_language() == language:  # a launch calls it 100,000 times: no override
        return formats.number_format(amount, 2, use_l10n=True, force_grouping=grouping)
    with translation.override(language):
        return formats.number_format(amount, 2, use_l10n=True, force_grouping=grouping)


def money_text(
    amount, currency: str | None = None, language: str | None = None, *, grouping: bool = False
) -> str:
    """«550,00 руб.», «-550,00 тг», "550.00 KZT": the amount keeps its sign; `currency` is the
    branch's (the default currency when None), `language` the operator's when None."""
    if not isinstance(amount, Decimal):
        amount = Decimal(amount)
    language = language or settings.LANGUAGE_CODE
    names = SHORT_NAMES.get(language[:2])
    currency = currency or DEFAULT
    name = names.get(currency, currency) if names else currency
    return f"{amount_text(amount, language, grouping=grouping)} {name}"


# -- the currency of a branch -------------------------------------------------------------------
_read_once: ContextVar[dict[int, str] | None] = ContextVar("branch_currencies", default=None)


@contextmanager
def branch_currencies(currencies: dict[int, str] | None = None) -> Iterator[dict[int, str]]:
    """Inside, currency_of() reads a dict of every branch's currency made once here (or the one
    given, from branches the caller read anyway), not the database: wrap a loop that renders
    many texts (a campaign's launch) in it."""
    if currencies is None:
        currencies = dict(Branch.objects.values_list("pk", "currency"))
    token = _read_once.set(currencies)
    try:
        yield currencies
    finally:
        _read_once.reset(token)


def default_currency() -> str:
    """The currency of a text with no subscriber (a preview's sample, the public form): that
    of the first branch, RUB without branches."""
    currencies = _read_once.get()
    if currencies:
        return currencies[min(currencies)]
    first = Branch.objects.order_by("pk").values_list("currency", flat=True).first()
    return first or DEFAULT


def currency_of(branch_id: int | None) -> str:
    """The branch's currency: from the dict of branch_currencies() inside it, else a query."""
    if branch_id is None:
        return default_currency()
    currencies = _read_once.get()
    if currencies is not None and branch_id in currencies:
        return currencies[branch_id]
    found = Branch.objects.filter(pk=branch_id).values_list("currency", flat=True).first()
    return found or default_currency()


def user_currency(user) -> str:
    """The currency of the user's (first) branch: what a form they fill in takes money in."""
    from .access import branches_of

    found = branches_of(user).order_by("pk").values_list("currency", flat=True).first()
    return found or default_currency()

"""The placeholders a message template or a script node may name, as `{name}` in its text.

Each is registered with a label, a sample (what a preview shows without a subscriber) and a
function that gives its value for a subscriber and the values the caller knows (a due date, an
installation slot, an offer). comms registers the subscriber's own; later blocks register theirs
in their AppConfig.ready() (`register(Placeholder("slot", …))`), as they add widgets to "my day".
A text naming a placeholder nobody registered is refused when it is saved, so a message never
goes out with a hole in it. `{{` and `}}` write a literal brace."""

import re
import string
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from core import money

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Placeholder:
    name: str
    label: Promise | str
    sample: Promise | str | Decimal  # an amount is shown as the language writes amounts
    # (subscriber or None, the caller's values) → the text; None when it cannot be known
    value: Callable[[object, Mapping], str | None] = lambda subscriber, values: None
    related: tuple[str, ...] = ()  # what the value reads beyond the subscriber's own row
    # An amount: written with the currency of the subscriber's branch, also when the caller
    # gives a number rather than a text.
    money: bool = False


_PLACEHOLDERS: dict[str, Placeholder] = {}


def register(placeholder: Placeholder) -> Placeholder:
    if not NAME.match(placeholder.name):
        raise ValueError(f"placeholder name {placeholder.name!r}: lower-case letters, digits, _")
    _PLACEHOLDERS[placeholder.name] = placeholder
    return placeholder


def get(name: str) -> Placeholder | None:
    return _PLACEHOLDERS.get(name)


def registered() -> list[Placeholder]:
    return sorted(_PLACEHOLDERS.values(), key=lambda p: p.name)


class TextError(ValueError):
    """A text that cannot be a template: its message is shown to the person who wrote it."""


def related_of(*texts: str) -> set[str]:
    """The relations (select_related paths) the placeholders of these texts read."""
    return {
        path
        for text in texts
        for name in names_in(text)
        if name in _PLACEHOLDERS
        for path in _PLACEHOLDERS[name].related
    }


@lru_cache(maxsize=256)
def _parsed(text: str) -> tuple[str, ...]:
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as e:
        raise TextError(_("A lone { or }: write {{ or }} for a brace itself.")) from e
    names: list[str] = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not NAME.match(name) or spec or conversion:
            raise TextError(_("“{%(name)s}” is not a placeholder name.") % {"name": name})
        if name not in names:
            names.append(name)
    return tuple(names)


def names_in(text: str) -> list[str]:
    """The placeholders a text names, in order, each once. Raises TextError on a brace that
    opens no placeholder, or on a placeholder with a format or a conversion."""
    return list(_parsed(text))


def unknown_in(text: str) -> list[str]:
    """The placeholders the text names that nobody registered (TextError as names_in)."""
    return [name for name in names_in(text) if name not in _PLACEHOLDERS]


def check(text: str) -> None:
    """TextError naming what is wrong with the text as a template, or nothing."""
    unknown = unknown_in(text)
    if unknown:
        raise TextError(
            _("Unknown placeholders: %(names)s.")
            % {"names": ", ".join("{" + name + "}" for name in unknown)}
        )


def render(text: str, subscriber=None, values: Mapping | None = None, *, sample=False) -> str:
    """The text with each placeholder's value. A value given in `values` wins; one that cannot
    be known is the sample when `sample` (a preview), else TextError."""
    values = values or {}
    filled = {}
    for name in names_in(text):
        placeholder = _PLACEHOLDERS.get(name)
        value = values.get(name)
        if isinstance(value, Decimal | int | float) and placeholder and placeholder.money:
            value = _money(value, subscriber)
        if value is None and placeholder is not None:
            value = placeholder.value(subscriber, values)
        if value is None and sample and placeholder is not None:
            value = placeholder.sample
            if isinstance(value, Decimal):
                value = _money(value, subscriber)
        if value is None:
            raise TextError(_("No value for {%(name)s}.") % {"name": name})
        filled[name] = value
    return text.format_map(filled)


# Values only the sender can give: a campaign asks for them.
CALLER_GIVEN = {"due_date", "amount", "slot", "when", "offer", "link"}


# -- the subscriber's own ----------------------------------------------------------------------
def _currency(subscriber) -> str:
    """The currency of the subscriber's branch: the branch already read with a model instance,
    else by its id (a dict lookup inside core.money.branch_currencies()); without a subscriber,
    the default currency."""
    if subscriber is None:
        return money.default_currency()
    cached = getattr(getattr(subscriber, "_state", None), "fields_cache", {}).get("branch")
    if cached is not None:
        return cached.currency
    return money.currency_of(getattr(subscriber, "branch_id", None))


def _money(amount: Decimal | None, subscriber=None) -> str | None:
    """An amount with the short name of the subscriber's currency, as the operator's language
    writes it («550,00 руб.», «550,00 тг»): a message reads the same whoever sends it, whatever
    the language of their screen."""
    if amount is None:
        return None
    return money.money_text(amount, _currency(subscriber))


def _money_of(attr: str):
    def value(subscriber, values):
        if subscriber is None:
            return None
        return _money(attr_path(subscriber, attr), subscriber)

    return value


def _addressed(subscriber) -> str | None:
    """How a letter addresses a person: the first name and patronymic of "Surname Name
    Patronymic"; a company by its name."""
    if subscriber is None:
        return None
    parts = subscriber.full_name.split()
    if subscriber.kind == "person" and len(parts) >= 3:
        return " ".join(parts[1:3])
    return subscriber.full_name


def _of(attr: str, transform=str):
    def value(subscriber, values):
        if subscriber is None:
            return None
        got = attr_path(subscriber, attr)
        return None if got is None else transform(got)

    return value


def attr_path(obj, path: str):
    for part in path.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
    return obj


for _placeholder in (
    Placeholder("name", _("Full name"), _("Ivanov Ivan Ivanovich"), _of("full_name")),
    Placeholder(
        "addressed", _("First name and patronymic"), _("Ivan Ivanovich"), lambda s, v: _addressed(s)
    ),
    Placeholder("account", _("Account"), "30000001", _of("account")),
    # The balance keeps its sign («-550,00 руб.»); the debt is written positive, 0 without one.
    Placeholder(
        "balance", _("Balance"), Decimal("-550.00"), _money_of("reported_balance"), money=True
    ),
    Placeholder(
        "debt",
        _("Debt"),
        Decimal("550.00"),
        lambda s, v: None if s is None else _money(max(-s.reported_balance, Decimal(0)), s),
        money=True,
    ),
    Placeholder("tariff", _("Tariff"), _("Home 100"), _of("tariff.name"), ("tariff",)),
    Placeholder(
        "fee",
        _("Monthly fee"),
        Decimal("550.00"),
        _money_of("tariff.monthly_fee"),
        ("tariff",),
        money=True,
    ),
    Placeholder(
        "address",
        _("Address"),
        _("Lenina st., 1, flat 5"),
        lambda s, v: _address(s),
        ("building__street",),
    ),
    # Given by the block that sends the message (the sample is what a preview shows).
    Placeholder("due_date", _("Due date"), "25.11"),
    Placeholder("amount", _("Amount"), Decimal("550.00"), money=True),
    Placeholder("slot", _("Installation slot"), _("27.11, 14:00–16:00")),
    Placeholder("when", _("Date and time"), _("27.11 at 10:00")),
    Placeholder("offer", _("Offer"), _("a month at half price")),
    Placeholder("link", _("Link"), "https://abonent.example/s/Xy7"),
    # The script player gives the name of the member of staff making the call.
    Placeholder("agent", _("Name of the one calling"), _("Anna")),
    # The operator's own, from the settings.
    Placeholder(
        "operator", _("Operator's name"), "Abonent", lambda s, v: settings.ABONENT_OPERATOR_NAME
    ),
    Placeholder(
        "support_phone",
        _("Support phone"),
        "+7 800 000-00-00",
        lambda s, v: settings.ABONENT_SUPPORT_PHONE,
    ),
):
    register(_placeholder)


def _address(subscriber) -> str | None:
    if subscriber is None or subscriber.building_id is None:
        return None
    text = f"{subscriber.building.street.name}, {subscriber.building.house}"
    return f"{text}, {subscriber.flat}" if subscriber.flat else text

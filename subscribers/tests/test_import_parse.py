"""The import's field parsers: phones in any common form become one E.164 number, and money
written in any accepted way reads back exactly."""

from datetime import UTC, date, datetime
from decimal import Decimal

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from subscribers.importing.parse import FieldError, Parsers, phone_normalize

MONEY_LIMIT = Decimal("99999999999.99")


def is_mobile(digits: str) -> bool:
    number = phonenumbers.parse("+7" + digits)
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def written_as(digits: str) -> list[str]:
    """A mobile 9XXXXXXXXX as people write it."""
    code, a, b, c = digits[:3], digits[3:6], digits[6:8], digits[8:]
    return [f"+7 {code} {a}-{b}-{c}", f"8{digits}", digits, f"8 ({code}) {a}-{b}-{c}"]


@given(st.text("0123456789", min_size=9, max_size=9).map(lambda rest: "9" + rest))
def test_every_way_of_writing_a_mobile_number_gives_the_same_e164(digits):
    assume(is_mobile(digits))
    assert {phone_normalize(text) for text in written_as(digits)} == {f"+7{digits}"}


@pytest.mark.parametrize("text", ["12345", "+7 912 345", "8 (912) 345-67-8", "телефон", ""])
def test_a_phone_too_short_or_not_a_number_is_refused(text):
    with pytest.raises(FieldError):
        phone_normalize(text)


def test_a_cell_may_hold_several_phones():
    assert Parsers().phones("+7 912 345-67-89, 89031234567 / 9161112233") == [
        "+79123456789",
        "+79031234567",
        "+79161112233",
    ]


amounts = st.decimals(
    min_value=-MONEY_LIMIT, max_value=MONEY_LIMIT, places=2, allow_nan=False, allow_infinity=False
)


@given(amounts)
def test_an_amount_written_with_a_point_reads_back_to_itself(amount):
    assert Parsers().money(f"{amount:.2f}") == amount


@given(amounts)
def test_an_amount_written_with_a_decimal_comma_reads_back_to_itself(amount):
    assert Parsers(decimal_comma=True).money(f"{amount:.2f}".replace(".", ",")) == amount


@given(amounts, st.sampled_from([" ", "\u00a0"]))
def test_an_amount_with_its_thousands_apart_reads_back_to_itself(amount, space):
    text = f"{amount:,.2f}".replace(",", space)
    assert Parsers().money(text) == amount
    assert Parsers(decimal_comma=True).money(text.replace(".", ",")) == amount


@given(amounts, st.integers(1, 9))
def test_an_amount_with_three_decimal_places_is_refused(amount, thousandth):
    with pytest.raises(FieldError):
        Parsers().money(f"{amount:.2f}{thousandth}")


@given(
    st.decimals(
        min_value=Decimal("1e11"),
        max_value=Decimal("1e15"),
        places=2,
        allow_nan=False,
        allow_infinity=False,
    ),
    st.booleans(),
)
def test_an_amount_of_a_hundred_billion_or_more_is_refused(amount, negative):
    with pytest.raises(FieldError):
        Parsers().money(f"{-amount if negative else amount:.2f}")


@pytest.mark.parametrize("text", ["", "сто", "1.2.3", "NaN", "Infinity", "1,5"])
def test_what_is_not_an_amount_is_refused(text):
    with pytest.raises(FieldError):
        Parsers().money(text)


def test_a_payment_time_with_an_offset_is_read_as_that_moment():
    assert Parsers().datetime("2025-02-01 01:30:00+05:00") == datetime(
        2025, 1, 31, 20, 30, tzinfo=UTC
    )


@pytest.mark.parametrize("text", ["2025-03-01 00:30:00", "2025-03-01 00:30", "2025-03-01T00:30"])
def test_a_payment_time_without_an_offset_stays_local(text):
    assert Parsers().datetime(text) == datetime(2025, 3, 1, 0, 30)


def test_a_payment_day_without_a_time_is_its_midnight():
    assert Parsers().datetime("2025-03-01") == datetime(2025, 3, 1)


def test_a_mapping_s_formats_are_used():
    p = Parsers(
        date_format="%d.%m.%Y",
        datetime_format="%d.%m.%Y %H:%M",
        period_format="%m.%Y",
        decimal_comma=True,
        status_values={"Расторгнут": "terminated"},
        method_values={"Касса": "cash"},
    )
    assert p.date("29.02.2024") == date(2024, 2, 29)
    assert p.datetime("01.03.2025 00:30") == datetime(2025, 3, 1, 0, 30)
    assert p.period("03.2025") == date(2025, 3, 1)
    assert p.money("-1 234,50") == Decimal("-1234.50")
    assert (p.status("расторгнут"), p.method("Касса")) == ("terminated", "cash")


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        ("date", "2025-02-30"),
        ("date", "30.01.2025"),
        ("period", "2025-13"),
        ("period", "2025"),
        ("datetime", "2025-02-30 10:00"),
        ("datetime", "вчера"),
        ("status", "closed"),
        ("method", "bitcoin"),
        ("technology", "LTE"),
        ("kind", "robot"),
        ("email", "a@"),
        ("whole", "-1"),
        ("whole", "1.5"),
    ],
)
def test_a_value_that_does_not_parse_is_refused(parse, text):
    with pytest.raises(FieldError):
        getattr(Parsers(), parse)(text)

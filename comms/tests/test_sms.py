"""The parts of an SMS: the figures the template editor, the campaign's cost and the bills use."""

from hypothesis import given
from hypothesis import strategies as st

from comms.sms import GSM7, GSM7_BASIC, GSM7_EXTENSION, UCS2, segments

LATIN = "".join(sorted(GSM7_BASIC))


def test_an_empty_text_takes_no_part():
    assert segments("").parts == 0


def test_160_latin_letters_are_one_part_and_161_are_two():
    assert segments("a" * 160) == segments("a" * 160).__class__(GSM7, 160, 1, 0)
    two = segments("a" * 161)
    assert (two.encoding, two.parts, two.left) == (GSM7, 2, 153 * 2 - 161)


def test_one_cyrillic_letter_makes_the_whole_text_ucs2():
    assert segments("a" * 60 + "ж").encoding == UCS2
    assert segments("Оплатите " + "x" * 61).parts == 1  # 70 units
    assert segments("Оплатите " + "x" * 62).parts == 2  # 71 units → 67 + 4


def test_a_typical_russian_reminder_takes_two_parts():
    text = (
        "Уважаемый абонент! Баланс лицевого счёта 30000001: -550,00 руб. "
        "Пополните счёт до 25.11, чтобы интернет не отключился."
    )
    s = segments(text)
    assert (s.encoding, s.units, s.parts) == (UCS2, len(text), 2)


def test_an_extension_character_takes_two_septets():
    assert segments("€" * 80) == segments("€" * 80).__class__(GSM7, 160, 1, 0)
    assert segments("€" * 80 + "a").parts == 2


def test_an_extension_character_is_not_split_across_parts():
    # 152 septets then a two-septet € : the € cannot take the 153rd septet alone.
    s = segments("a" * 152 + "€" + "a" * 10)
    assert (s.parts, s.left) == (2, 153 - 12)


def test_an_emoji_takes_two_ucs2_units_and_is_not_split():
    assert segments("😀" * 35).parts == 1
    s = segments("a" * 66 + "😀" + "a")
    assert (s.units, s.parts, s.left) == (69, 1, 1)
    s = segments("a" * 66 + "😀" + "a" * 5)  # 73 units: the pair does not fit unit 67
    assert (s.parts, s.left) == (2, 67 - 7)


@given(st.text(alphabet=LATIN + "".join(GSM7_EXTENSION)))
def test_gsm7_parts_hold_every_septet_and_no_part_more_than_it_may(text):
    s = segments(text)
    assert s.encoding == GSM7
    assert s.units == len(text) + sum(ch in GSM7_EXTENSION for ch in text)
    if s.units <= 160:
        assert s.parts == (1 if text else 0)
    else:
        # Every part but the last holds 152 or 153 septets; the last is not empty.
        assert (s.parts - 1) * 152 < s.units <= s.parts * 153
        assert 0 <= s.left < 153


@given(st.text(min_size=1).filter(lambda t: any(ch not in GSM7_BASIC | GSM7_EXTENSION for ch in t)))
def test_any_other_character_sends_ucs2_with_67_units_a_part(text):
    s = segments(text)
    units = len(text.encode("utf-16-le")) // 2
    assert (s.encoding, s.units) == (UCS2, units)
    if units <= 70:
        assert s.parts == 1
    else:
        assert (s.parts - 1) * 66 < units <= s.parts * 67

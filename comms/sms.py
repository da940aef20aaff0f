"""How many parts an SMS takes, as a phone network counts them (3GPP TS 23.038 and 23.040).

A text that fits the GSM 7-bit alphabet takes 160 septets in one message, or 153 per part when it
is split (the rest of each part carries the concatenation header); a character of the extension
table (€, [, ], {, }, ^, ~, \\, |, form feed) takes two septets and is never split across parts.
Any other character — Cyrillic among them — sends the whole text as UCS-2: 70 UTF-16 units in
one message, 67 per part, a surrogate pair never split."""

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7, UCS2 = "GSM-7", "UCS-2"
SINGLE = {GSM7: 160, UCS2: 70}
PART = {GSM7: 153, UCS2: 67}
MAX_PARTS = 255  # the concatenation header counts parts in one octet


@dataclass(frozen=True)
class Segments:
    encoding: str  # GSM7 or UCS2
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2) the whole text takes
    parts: int  # messages the network sends and bills
    left: int  # units still free in the last part

    @property
    def per_part(self) -> int:
        return SINGLE[self.encoding] if self.parts <= 1 else PART[self.encoding]


GSM7_ALL = GSM7_BASIC | GSM7_EXTENSION


def encoding_of(text: str) -> str:
    return GSM7 if GSM7_ALL.issuperset(text) else UCS2


def _unit_sizes(text: str, encoding: str) -> list[int]:
    """The units each character takes, in order."""
    if encoding == GSM7:
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def segments(text: str) -> Segments:
    encoding = encoding_of(text)
    if encoding == GSM7:
        extension = sum(text.count(ch) for ch in GSM7_EXTENSION if ch in text)
        units, uneven = len(text) + extension, extension > 0
    else:
        units = len(text.encode("utf-16-le")) // 2
        uneven = units != len(text)  # a character beyond the BMP: a surrogate pair
    if units <= SINGLE[encoding]:
        return Segments(encoding, units, 1 if units else 0, SINGLE[encoding] - units)
    size = PART[encoding]
    if not uneven:  # every character one unit: the parts are plain division
        parts = -(-units // size)
        return Segments(encoding, units, parts, parts * size - units)
    # Fill each part, moving a two-unit character that does not fit whole to the next one.
    parts, used = 1, 0
    for n in _unit_sizes(text, encoding):
        if used + n > size:
            parts, used = parts + 1, 0
        used += n
    return Segments(encoding, units, parts, size - used)

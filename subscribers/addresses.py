"""Russian addresses as people type them ("ул. Ленина, 12", "пр-т Мира 5к1", "Екатеринбург,
Ленина 12"): parsed into a city, a street and a house in one canonical form, and matched with
the buildings of the base, whose street names and house numbers are normalized the same way.

Matching runs in Python over a few candidates that SQL finds by the house's number, so it is the
same on SQLite and PostgreSQL (neither compares Cyrillic case-insensitively in the same way)."""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import QuerySet
from django.utils.translation import gettext as _

MAX_LENGTH = 200

# Street-type words and their abbreviations → one canonical type.
STREET_TYPES = {
    "ул": "ул",
    "улица": "ул",
    "пр": "пр-т",
    "пр-т": "пр-т",
    "пр-кт": "пр-т",
    "просп": "пр-т",
    "проспект": "пр-т",
    "пер": "пер",
    "переулок": "пер",
    "б-р": "б-р",
    "бул": "б-р",
    "бульв": "б-р",
    "бульвар": "б-р",
    "ш": "ш",
    "шоссе": "ш",
    "пл": "пл",
    "площадь": "пл",
    "наб": "наб",
    "набережная": "наб",
    "пр-д": "проезд",
    "проезд": "проезд",
    "туп": "туп",
    "тупик": "туп",
    "мкр": "мкр",
    "мкрн": "мкр",
    "мкр-н": "мкр",
    "микрорайон": "мкр",
    "кв-л": "кв-л",
    "квартал": "кв-л",
    "ал": "аллея",
    "аллея": "аллея",
    "тракт": "тракт",
}
# Words before a settlement's name ("г. Тверь"), dropped from the city.
SETTLEMENT_WORDS = frozenset(
    "г гор город пгт рп пос п поселок с село д дер деревня ст станица".split()
)
# A part of the address naming a region, not a settlement ("Свердловская обл."): ignored.
REGION_WORDS = frozenset("обл область край респ республика р-н район ао россия рф".split())

TOKEN = re.compile(r"[0-9a-zа-я]+(?:-[0-9a-zа-я]+)*")
ORDINAL = re.compile(r"([0-9]+)-?(?:й|я|ая|ое|ой|ый|ий|го|е)")
# The house at the end of a part: "д. 12", "12", "12а", "12 к1", "12к1", "12/1", "12 корп. 1",
# "12 стр. 2". A corpus written with "/" is taken as a corpus too.
HOUSE = re.compile(
    r"(?:(?<![0-9a-zа-я])(?:д|дом)\.?\s*)?"
    r"(?<![0-9])(?P<number>[0-9]{1,6})"
    r"(?:\s*(?P<letter>[a-zа-я])(?![0-9a-zа-я]))?"
    r"(?:\s*(?:/|(?<![a-zа-я])(?:к|корп|корпус)\.?)\s*(?P<corpus>[0-9]{1,4}[a-zа-я]?))?"
    r"(?:\s*(?<![a-zа-я])(?:с|стр|строение)\.?\s*(?P<structure>[0-9]{1,4}))?"
    r"[\s.]*$"
)
# A flat after the house ("12, кв. 5", "12 кв5", "12-5"): dropped, the check is per building.
FLAT = re.compile(
    r"(?:(?<![0-9a-zа-я])(?:кв|квартира|кв-ра|оф|офис)\.?\s*[0-9]+[a-zа-я]?"
    r"|(?<=[0-9])\s*-\s*[0-9]+[a-zа-я]?)[\s.]*$"
)


class AddressError(ValueError):
    """Input that is not an address; its message is translated and shown as it is."""


@dataclass(frozen=True)
class Street:
    kind: str | None  # the canonical street type ("ул", "пр-т", …), when named
    words: tuple[str, ...]  # the name without the type, normalized


@dataclass(frozen=True)
class Address:
    """An address as typed, parsed: the street, the canonical house and the cities it names."""

    text: str
    street: Street
    house: str
    number: str  # the house's number alone, for finding candidates
    plain_number: bool  # the house is only a number (no letter, corpus or structure)
    cities: tuple[tuple[str, ...], ...]  # normalized names of the settlements typed, if any


def normalize(text: str) -> str:
    return " ".join(text.lower().replace("ё", "е").replace("№", " ").split())


def _tokens(text: str) -> list[str]:
    out = []
    for token in TOKEN.findall(normalize(text)):
        ordinal = ORDINAL.fullmatch(token)
        out.append(ordinal.group(1) if ordinal else token)
    return out


@lru_cache(maxsize=8192)
def street_of(name: str) -> Street:
    """The street of a name: "ул. Ленина" → Street("ул", ("ленина",)); "ул. Набережная" keeps
    "набережная" as its name."""
    tokens = _tokens(name)
    if tokens and tokens[0] in ("г", "город"):
        tokens = tokens[1:]
    words = [t for t in tokens if t not in STREET_TYPES]
    kinds = [t for t in tokens if t in STREET_TYPES]
    if not words and kinds:  # "ул. Набережная": the type word is the name itself
        words = [kinds.pop()]
    return Street(STREET_TYPES[kinds[0]] if kinds else None, tuple(words))


@lru_cache(maxsize=1024)
def city_of(name: str) -> tuple[str, ...]:
    return tuple(t for t in _tokens(name) if t not in SETTLEMENT_WORDS)


# Latin letters that look Cyrillic, as typed on an English keyboard ("12a" is "12а").
LOOKALIKES = str.maketrans("abcekmhoptxy", "авсекмнортху")


def _house(match: re.Match) -> str:
    house = str(int(match["number"])) + (match["letter"] or "").translate(LOOKALIKES)
    if match["corpus"]:
        house += "к" + match["corpus"].translate(LOOKALIKES)
    if match["structure"]:
        house += "с" + match["structure"]
    return house


def house_alone(text: str) -> str | None:
    """The canonical house when the whole text is a house ("12 к1"), else None."""
    plain = normalize(text)
    match = HOUSE.search(plain)
    if match and not plain[: match.start()].strip(" ,."):
        return _house(match)
    return None


@lru_cache(maxsize=8192)
def house_of(text: str) -> str:
    """One form for a house however it is written: "д. 12", "12 к1", "12/1", "12 корп. 1" →
    "12к1"; what does not read as a house is kept, lower-cased and without spaces."""
    return house_alone(text) or re.sub(r"[\s.,]", "", normalize(text))


def parse(text: str | None) -> Address:
    """The address in `text`, or AddressError with a message to show."""
    raw = (text or "").strip()
    if not raw:
        raise AddressError(_("Type an address: a street and a house number."))
    if len(raw) > MAX_LENGTH:
        raise AddressError(
            _("The address is too long: at most %(n)s characters.") % {"n": MAX_LENGTH}
        )
    parts = [p.strip(" .") for p in normalize(raw).split(",")]
    parts = [FLAT.sub("", p).strip(" .") for p in parts if TOKEN.search(p)]
    parts = [p for p in parts if TOKEN.search(p)]
    if not parts:
        raise AddressError(_("This is not an address: type a street and a house number."))
    for i in range(len(parts) - 1, -1, -1):
        match = HOUSE.search(parts[i])
        if match:
            break
    else:
        raise AddressError(_("No house number in the address: add it after the street."))
    before = parts[i][: match.start()].strip(" ,.")
    if TOKEN.search(before):
        street_text, others = before, parts[:i] + parts[i + 1 :]
    elif i > 0:
        street_text, others = parts[i - 1], parts[: i - 1] + parts[i + 1 :]
    else:
        raise AddressError(_("No street in the address: type it before the house number."))
    street = street_of(street_text)
    if not street.words:
        raise AddressError(_("No street in the address: type it before the house number."))
    cities = tuple(
        city
        for city in (city_of(p) for p in others if not REGION_WORDS & set(_tokens(p)))
        if city and not all(word.isdigit() for word in city)  # a postal code
    )
    return Address(
        text=raw,
        street=street,
        house=_house(match),
        number=str(int(match["number"])),
        plain_number=not (match["letter"] or match["corpus"] or match["structure"]),
        cities=cities,
    )


# -- matching ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Match:
    pk: int
    score: tuple[int, int, int, int]  # (house, street, street type, city): higher is better


def _words_match(typed: tuple[str, ...], stored: tuple[str, ...]) -> bool:
    """Every typed word begins a different word of the stored name ("маркса" and "к маркса"
    match "карла маркса")."""
    left = list(stored)
    for word in typed:
        hit = next((w for w in left if w.startswith(word)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def score(address: Address, house: str, street: str, city: str) -> tuple[int, int, int, int]:
    """How well a building (its house, street and city as stored) answers the address; a zero
    in the first two places: not at all."""
    stored_house = house_of(house)
    house_level = 2 if stored_house == address.house else 0
    if not house_level and address.plain_number:
        # "Ленина 12" for "Ленина 12к1": a near match, never a sure one
        house_level = 1 if re.match(rf"{address.number}(?![0-9])", stored_house) else 0
    stored, town = street_of(street), city_of(city)
    typed = address.street.words
    city_level = 1 if town in address.cities else 0
    if typed == stored.words:
        street_level = 2
    elif typed[: len(town)] == town and typed[len(town) :] == stored.words:
        street_level, city_level = 2, 1  # "Екатеринбург Ленина 12", the city without a comma
    elif _words_match(typed, stored.words):
        street_level = 1
    else:
        street_level = 0
    if address.cities and not city_level:
        street_level = 0  # another city was named
    kinds = (address.street.kind, stored.kind)
    kind_level = 0 if None not in kinds and kinds[0] != kinds[1] else 1
    return (house_level, street_level, kind_level, city_level)


def number_pattern(number: str) -> str:
    """A regular expression (SQLite and PostgreSQL) for a stored house holding this number."""
    return rf"(^|[^0-9])0*{int(number)}([^0-9]|$)"


def matches(buildings: QuerySet, address: Address) -> list[Match]:
    """Every building of `buildings` that may be at the address, best first."""
    rows = (
        buildings.order_by()
        .filter(house__regex=number_pattern(address.number))
        .values_list("pk", "house", "street__name", "street__city__name")
    )
    found = [Match(pk, score(address, *rest)) for pk, *rest in rows]
    found = [m for m in found if m.score[0] and m.score[1]]
    return sorted(found, key=lambda m: (tuple(-s for s in m.score), m.pk))


def houses(buildings: QuerySet, house: str) -> list[int]:
    """Ids of the buildings with this house (canonical) on any street."""
    number = re.match(r"[0-9]+", house)
    if number is None:
        return []
    rows = buildings.order_by().filter(house__regex=number_pattern(number.group()))
    return [pk for pk, stored in rows.values_list("pk", "house") if house_of(stored) == house]


def best(found: Iterable[Match]) -> list[Match]:
    """The matches that share the best score."""
    found = list(found)
    return [m for m in found if m.score == found[0].score] if found else []


def streets_matching(streets: Iterable[tuple[int, str]], text: str) -> list[int]:
    """Ids of the streets (id, name) whose name holds the typed part ("ленин", "пр-т мира")."""
    typed = street_of(text)
    if not typed.words:
        return []
    wanted = " ".join(typed.words)
    out = []
    for pk, name in streets:
        stored = street_of(name)
        if typed.kind and stored.kind and typed.kind != stored.kind:
            continue
        if wanted in " ".join(stored.words):
            out.append(pk)
    return out

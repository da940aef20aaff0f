"""Account holders: people's and companies' names, phones, e-mails and birth dates."""

from __future__ import annotations

import random
import re

from core.text import latin

from .flavors import Tables
from .reference import (
    COMPANY_WORDS,
    FEMALE,
    MAIL_DOMAINS,
    MALE,
    MOBILE_CODES,
    PATRONYMICS,
    SURNAMES,
)


def _translit(text: str) -> str:
    return latin(text)


def _female_surname(name: str) -> str:
    if name.endswith(("ов", "ев", "ёв", "ин", "ын")):
        return name + "а"
    if name.endswith("ский"):
        return name[:-2] + "ая"
    return name


def _female_patronymic(name: str) -> str:
    return "Ильинична" if name == "Ильич" else name[:-3] + "вна"


PHONE_FORMS = (
    lambda c, n: f"+7 {c} {n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"+7 {c} {n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"8 ({c}) {n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"8{c}{n}",
    lambda c, n: f"8{c}{n}",
    lambda c, n: f"+7{c}{n}",
    lambda c, n: f"+7{c}{n}",
    lambda c, n: f"{c}{n}",
    lambda c, n: f"8-{c}-{n[:3]}-{n[3:5]}-{n[5:]}",
    lambda c, n: f"+7 ({c}) {n[:3]}-{n[3:5]}-{n[5:]}",
)


def phone_number(rng: random.Random) -> str:
    code = MOBILE_CODES[rng.randrange(len(MOBILE_CODES))]
    return PHONE_FORMS[rng.randrange(len(PHONE_FORMS))](code, f"{rng.randrange(10**7):07d}")


def holder(
    rng: random.Random, company: bool, connected: int, tables: Tables
) -> tuple[str, str, str, str]:
    """The account holder: full name, phones, e-mail and birth date (as the flavor writes it)."""
    rnd, bits = rng.random, rng.getrandbits
    if company:
        word = COMPANY_WORDS[bits(5) % len(COMPANY_WORDS)]
        r = rnd()
        if r < 0.45:
            full_name = f"ООО «{word}»"
        elif r < 0.6:
            full_name = f'ООО "{word}-Сервис"'
        elif r < 0.7:
            full_name = f"АО «{word}»"
        else:
            full_name = (
                f"ИП {SURNAMES[bits(8) % len(SURNAMES)]} {MALE[bits(6) % len(MALE)]} "
                f"{PATRONYMICS[bits(5) % len(PATRONYMICS)]}"
            )
        email = f"info@{_translit(word)}{bits(7)}.ru" if rnd() < 0.8 else ""
        birth = ""
    else:
        surname = SURNAMES[bits(8) % len(SURNAMES)]
        patronymic = PATRONYMICS[bits(5) % len(PATRONYMICS)]
        if rnd() < 0.53:
            first = FEMALE[bits(6) % len(FEMALE)]
            surname, patronymic = _female_surname(surname), _female_patronymic(patronymic)
        else:
            first = MALE[bits(6) % len(MALE)]
        full_name = f"{surname} {first} {patronymic}"
        birth = tables.date(connected - 365 * (19 + int(rnd() * 55)) - bits(8))
        email = ""
        if rnd() < 0.35:
            domain = MAIL_DOMAINS[bits(5) % len(MAIL_DOMAINS)]
            email = f"{_translit(first)[0]}.{_translit(surname)}{bits(10)}@{domain}"
    r = rnd()
    phone = "" if r < 0.03 else phone_number(rng)
    if r > 0.92:
        phone = f"{phone}; {phone_number(rng)}"
    return full_name, phone, email, birth


def email_of(full_name: str, company: bool, rng: random.Random) -> str:
    """A new e-mail address for the holder of full_name, shaped as holder() makes them."""
    words = re.findall(r"[А-ЯЁа-яё]+", full_name) or ["office"]
    if company:  # the company's word, or an individual entrepreneur's surname
        word = next(
            (w for w in words if w in COMPANY_WORDS), words[-1] if len(words) < 2 else words[1]
        )
        return f"info@{_translit(word)}{rng.randrange(128)}.ru"
    surname, first = words[0], words[1] if len(words) > 1 else words[0]
    domain = MAIL_DOMAINS[rng.randrange(len(MAIL_DOMAINS))]
    return f"{_translit(first)[0]}.{_translit(surname)}{rng.randrange(1024)}@{domain}"

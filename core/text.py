"""Text helpers every block uses: Russian letters in Latin, and codes (slugs) made from a name
or a text that Django's slugify would empty."""

from collections.abc import Iterable

from django.utils.text import slugify

TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        "a b v g d e e zh z i y k l m n o p r s t u f kh ts ch sh shch  y  e yu ya".split(" "),
        strict=True,
    )
)
CODE_LENGTH = 64


def latin(text: str) -> str:
    """The text lower-cased, its Russian letters in Latin ("Дорого" → "dorogo")."""
    return "".join(TRANSLIT.get(ch, ch) for ch in text.lower())


def code_from(text: str, taken: Iterable[str], *, fallback: str) -> str:
    """A slug of the text in Latin letters that is not among `taken`: "Дорого" → "dorogo",
    then "dorogo-2", …"""
    base = slugify(latin(text))[: CODE_LENGTH - 4].strip("-") or fallback
    taken = set(taken)
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code

from pathlib import Path

from babel.messages.pofile import read_po
from django.conf import settings


def russian_catalogue():
    path = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.po"
    with path.open("rb") as po_file:
        return read_po(po_file, locale="ru")


def test_every_message_has_a_russian_translation():
    catalogue = russian_catalogue()
    untranslated = []
    for message in catalogue:
        if not message.id:  # the header
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            untranslated.append(message.id)
    assert not untranslated, "untranslated or fuzzy in ru/django.po:\n" + "\n".join(
        repr(msgid) for msgid in untranslated
    )


def test_russian_plurals_have_every_form():
    catalogue = russian_catalogue()
    assert catalogue.num_plurals == 4
    for message in catalogue:
        if message.pluralizable:
            assert len(message.string) == catalogue.num_plurals, message.id

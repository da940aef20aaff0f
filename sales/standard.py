"""The reasons shipped with the product, in Russian and English (the operator edits the list):
why an application is rejected or cancelled, why a visit is moved or fails."""

from django.conf import settings
from django.db import transaction

from .models import Reason, ReasonKind

REASONS = {
    ReasonKind.REJECTED: [
        ("no-answer", "Не дозвонились за 3 попытки", "Not reached in 3 attempts"),
        ("not-interested", "Передумал, не интересно", "Changed their mind"),
        ("duplicate", "Дубль заявки", "A duplicate application"),
        ("wrong-data", "Неверные контакты", "Wrong contact details"),
        ("no-technical", "Нет технической возможности", "Not technically possible"),
    ],
    ReasonKind.CANCELLED: [
        ("competitor", "Подключился у конкурента", "Went to a competitor"),
        ("price", "Не устроила цена", "The price did not suit"),
        ("moving", "Переезжает", "Is moving house"),
        (
            "landlord",
            "Не разрешил собственник или УК",
            "The landlord or the managing company refused",
        ),
        ("other", "Другое", "Other"),
    ],
    ReasonKind.RESCHEDULED: [
        ("client-asked", "Перенос по просьбе абонента", "The subscriber asked to move it"),
        ("team", "Бригада не успевает", "The team cannot make it"),
        ("force-majeure", "Форс-мажор", "Force majeure"),
    ],
    ReasonKind.FAILED: [
        ("nobody-home", "Абонента нет дома", "Nobody at home"),
        ("no-access", "Нет доступа к щитку или чердаку", "No access to the riser or the attic"),
        ("no-port", "Нет свободного порта", "No free port"),
        ("equipment", "Неисправно оборудование", "Faulty equipment"),
        ("refused-on-site", "Отказался на месте", "Refused on site"),
    ],
}


@transaction.atomic
def reasons_install(*, language: str | None = None) -> int:
    """Add the shipped reasons that are missing (found by kind and code); returns how many."""
    language = (language or settings.LANGUAGE_CODE)[:2]
    made = 0
    for kind, rows in REASONS.items():
        for order, (code, ru, en) in enumerate(rows):
            _reason, created = Reason.objects.get_or_create(
                kind=kind, code=code,
                defaults={"name": ru if language == "ru" else en, "order": order},
            )  # fmt: skip
            made += created
    return made

"""The call scripts (speech modules 2.4.1–2.4.4, scenarios 3.3.1–3.3.7, the NPS survey 2.5.6 by
phone) and the objection book
3.4.8 shipped with the product, in Russian and English, written for Abonent from the ordinary
practice of ISP contact centres. The operator edits them like any other; installing them again
(demo_setup, or after an upgrade) only adds those missing, found by code. Install the objections
first: the scripts' steps link them by code."""

import copy

from django.conf import settings
from django.db import transaction

from ..models import Objection, ObjectionAnswer, ObjectionCategory, Script, ScriptVersion
from .nodes import LANGUAGES, localized
from .objections import CATEGORIES, NEEDS_REVIEW, OBJECTIONS
from .scenarios import SCENARIOS
from .speech_modules import SPEECH_MODULES
from .surveys import SURVEY_SCRIPTS

SCRIPTS = SPEECH_MODULES + SCENARIOS + SURVEY_SCRIPTS
SHIPPED_NOTE = ("Поставляется с Abonent", "Shipped with Abonent")
# Scripts whose texts promise what only the operator can say (times of visits and call-backs,
# review terms, when a debt suspends the service, offers, pay): installed marked "adapt before
# use" (Script.needs_review) until the operator publishes a version of their own.
SCRIPTS_NEEDING_REVIEW = {
    "installation-reminder",  # the technician rings an hour before, the contract signed there
    "payment-reminder",  # ways to pay, a billing review within a few working days
    "interview-invitation",  # paid training, the employment contract, pay
    "qc-upsell",  # a specialist calls back within the day
    "active-debtors",  # suspension after the due date, no chasing during a review
    "inactive-debtors",  # the service restored the same day
    "advance-payment",  # the price locked in, the bonus
    "inbound-upsell",  # back to the old tariff at any time
    "refer-a-friend",  # the bonus and when it comes
    "prospects",  # connected within 1–3 days, a router to rent
    "technician-qc",  # a free return visit
    "nps-call",  # support calls back today
}


def _language(language: str | None) -> str:
    language = (language or settings.LANGUAGE_CODE)[:2]
    return language if language in LANGUAGES else "en"


def standard_scripts(language: str | None = None) -> list[dict]:
    """The scripts in `language` (ru or en; the site's language by default): code, number,
    name, purpose, description and graph (comms.graph)."""
    return [localized(script, _language(language)) for script in SCRIPTS]


def standard_objections(language: str | None = None) -> list[dict]:
    """The objection book in `language`: its categories in order, each with its objections
    (code, text, keywords, order, answers: a list of texts)."""
    language = _language(language)
    book = []
    for order, (category, name) in enumerate(CATEGORIES):
        objections = [
            {
                "code": code,
                "text": localized(text, language),
                "keywords": localized(keywords, language),
                "order": number,
                "answers": [localized(answer, language) for answer in answers],
                "needs_review": code in NEEDS_REVIEW,
            }
            for number, (code, _category, text, keywords, answers) in enumerate(
                o for o in OBJECTIONS if o[1] == category
            )
        ]
        book.append(
            {
                "code": category,
                "name": localized(name, language),
                "order": order,
                "objections": objections,
            }
        )
    return book


@transaction.atomic
def objections_install(*, language: str | None = None) -> tuple[int, int]:
    """Make the shipped objections that are missing, found by code, with their answers (and
    their category, found by code, when it is missing too); one the operator edited or moved
    is left as it is. Returns (made, already there)."""
    existing = set(Objection.objects.values_list("code", flat=True))
    categories = {c.code: c for c in ObjectionCategory.objects.all()}
    made = there = 0
    for category in standard_objections(language):
        for objection in category["objections"]:
            if objection["code"] in existing:
                there += 1
                continue
            if category["code"] not in categories:
                categories[category["code"]] = ObjectionCategory.objects.create(
                    code=category["code"], name=category["name"], order=category["order"]
                )
            made_one = Objection.objects.create(
                code=objection["code"],
                category=categories[category["code"]],
                text=objection["text"],
                keywords=objection["keywords"],
                order=objection["order"],
                needs_review=objection["needs_review"],
            )
            # One by one, not bulk_create, so each answer gets its history record.
            for order, text in enumerate(objection["answers"]):
                ObjectionAnswer.objects.create(objection=made_one, text=text, order=order)
            made += 1
    return made, there


@transaction.atomic
def scripts_install(*, language: str | None = None) -> tuple[int, int]:
    """Make the shipped scripts that are missing, found by code: the graph as the draft and
    as published version 1. A script the operator edited is left as it is. Returns (made,
    already there)."""
    language = _language(language)
    existing = set(Script.objects.exclude(code=None).values_list("code", flat=True))
    names = set(Script.objects.values_list("name", flat=True))
    made = there = 0
    for shipped in standard_scripts(language):
        if shipped["code"] in existing:
            there += 1
            continue
        name = shipped["name"]
        if name in names:  # the operator already has a script of that name: keep both
            name = f"{name} ({shipped['number']})"
        script = Script.objects.create(
            code=shipped["code"],
            number=shipped["number"],
            name=name,
            purpose=shipped["purpose"],
            description=shipped["description"],
            draft=copy.deepcopy(shipped["graph"]),
            needs_review=shipped["code"] in SCRIPTS_NEEDING_REVIEW,
        )
        ScriptVersion.objects.create(
            script=script,
            number=1,
            graph=shipped["graph"],
            note=localized(SHIPPED_NOTE, language),
        )
        names.add(name)
        made += 1
    return made, there

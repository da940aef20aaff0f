"""Writes of the survey editor: a survey's properties, its questions with their options, grid
lines and scale, their order, and a copy to start again from. An edit that would break the
answers already given (a question or an option with answers deleted, a kind changed, the NPS
question moved) is refused with the way out: deactivate the survey, or copy it and change
the copy."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models import Answer, Channel, MessageTemplate, Purpose, Question, Survey
from ..objections import code_from, normalized

Kind = Question.Kind
PROPERTIES = ("name", "intro", "thanks", "template", "valid_days", "active")
CHOICE_KINDS = (Kind.SINGLE, Kind.MULTIPLE)
MIN_OPTIONS = 2
MAX_ITEMS = 60  # options or grid lines of a question
DAYS_MAX = 90
SCALE_LOW, SCALE_HIGH = 0, 10  # a grid's ratings lie within
WAY_OUT = gettext_lazy("Deactivate the survey, or copy it and change the copy.")


def invitation_templates():
    """The SMS templates a survey's invitation may go by: active, for surveys, with {link}."""
    return MessageTemplate.objects.filter(
        active=True, channel=Channel.SMS, purpose=Purpose.SURVEY, body__contains="{link}"
    ).order_by("name")


# -- the survey ------------------------------------------------------------------------------
def _name_taken(name: str, *, exclude: int | None) -> bool:
    key = normalized(name)  # in Python: SQLite folds only ASCII letters itself
    names = Survey.objects.exclude(pk=exclude).values_list("name", flat=True)
    return any(normalized(other) == key for other in names)


def survey_clean(fields: dict, *, exclude: int | None = None) -> dict:
    """The survey's properties cleaned, or a ValidationError by field."""
    errors: dict[str, list[str]] = {}
    name = " ".join((fields.get("name") or "").split())
    if not name:
        errors["name"] = [_("Give the survey a name.")]
    elif _name_taken(name, exclude=exclude):
        errors["name"] = [_("A survey with this name already exists.")]
    days = fields.get("valid_days")
    if days is None or not 1 <= days <= DAYS_MAX:
        errors["valid_days"] = [
            _("A link is valid from 1 to %(max)s days.") % {"max": DAYS_MAX},
        ]
    template = fields.get("template")
    if template is not None and not invitation_templates().filter(pk=template.pk).exists():
        errors["template"] = [
            _("The invitation goes by an active SMS template for surveys with {link} in it.")
        ]
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "intro": (fields.get("intro") or "").strip(),
        "thanks": (fields.get("thanks") or "").strip(),
        "template": template,
        "valid_days": days,
        "active": bool(fields.get("active")),
    }


def _survey_saved(survey: Survey, by) -> Survey:
    """Save in a savepoint: the same name saved meanwhile by another request (a form sent
    twice) is the same error as one taken before."""
    survey._history_user = by
    try:
        with transaction.atomic():
            survey.save()
    except IntegrityError:
        if _name_taken(survey.name, exclude=survey.pk):
            raise ValidationError({"name": _("A survey with this name already exists.")}) from None
        raise
    return survey


def _code_new(name: str) -> str:
    taken = Survey.objects.exclude(code=None).values_list("code", flat=True)
    return code_from(name, taken, fallback="survey")


@transaction.atomic
def survey_create(
    *,
    by,
    name: str,
    intro: str = "",
    thanks: str = "",
    template: MessageTemplate | None = None,
    valid_days: int = 7,
    active: bool = True,
) -> Survey:
    """A new survey, its code made from the name in Latin letters ("Опрос ТВ" → "opros-tv")."""
    fields = survey_clean(
        {
            "name": name,
            "intro": intro,
            "thanks": thanks,
            "template": template,
            "valid_days": valid_days,
            "active": active,
        }
    )
    return _survey_saved(Survey(code=_code_new(fields["name"]), **fields), by)


@transaction.atomic
def survey_update(*, survey: Survey, by, **fields) -> Survey:
    """Change the properties; the code stays (the shipped surveys are found by it)."""
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    for name, value in survey_clean(fields, exclude=survey.pk).items():
        setattr(survey, name, value)
    return _survey_saved(survey, by)


@transaction.atomic
def survey_copy(*, survey: Survey, by) -> Survey:
    """An inactive copy with the same questions, to change where the original has answers."""
    names = set(Survey.objects.values_list("name", flat=True))
    name, n = _("%(name)s (copy)") % {"name": survey.name}, 2
    while name in names:
        name, n = _("%(name)s (copy %(n)s)") % {"name": survey.name, "n": n}, n + 1
    copy = Survey(
        code=_code_new(name[:120]),
        name=name[:120],
        intro=survey.intro,
        thanks=survey.thanks,
        template=survey.template,
        valid_days=survey.valid_days,
        active=False,
    )
    _survey_saved(copy, by)
    Question.objects.bulk_create(
        Question(
            survey=copy,
            **{
                f: getattr(q, f)
                for f in ("code", "order", "kind", "text", "help", "options", "rows")
                + ("scale_min", "scale_max", "required", "role")
            },
        )
        for q in survey.questions.all()
    )
    return copy


# -- questions -------------------------------------------------------------------------------
def choices_clean(items: Iterable[dict], *, field: str) -> list[dict]:
    """Options (or grid lines) as [{"code", "label"}]: the empty ones dropped, a code made from
    the label where none is given; a code used twice, or one that is not a slug, is refused
    (keyed by `field`)."""
    given = [
        {"code": (i.get("code") or "").strip(), "label": " ".join((i.get("label") or "").split())}
        for i in items
    ]
    given = [i for i in given if i["code"] or i["label"]]
    errors = []
    seen: set[str] = set()
    for item in given:
        if not item["label"]:
            errors.append(_("Write the label of “%(code)s”.") % {"code": item["code"]})
        if not item["code"]:
            continue
        try:
            validate_slug(item["code"])
        except ValidationError:
            errors.append(
                _("The code “%(code)s”: Latin letters, digits, - and _ only.")
                % {"code": item["code"]}
            )
        if item["code"] in seen:
            errors.append(_("The code “%(code)s” is used twice.") % {"code": item["code"]})
        seen.add(item["code"])
    if len(given) > MAX_ITEMS:
        errors.append(_("At most %(max)s lines.") % {"max": MAX_ITEMS})
    if errors:
        raise ValidationError({field: errors})
    for item in given:
        if not item["code"]:
            item["code"] = code_from(item["label"], seen, fallback=field.rstrip("s"))[:64]
            seen.add(item["code"])
    return given


def _text_taken(survey: Survey, text: str, *, exclude: int | None) -> bool:
    key = normalized(text)
    texts = Question.objects.filter(survey=survey).exclude(pk=exclude).values_list("text")
    return any(normalized(other) == key for (other,) in texts)


def _answered(question: Question, field: str, codes: Iterable[str]) -> list[str]:
    """Of the codes, those with answers (`field`: "option" or "row")."""
    codes = list(codes)
    if not codes or question.pk is None:
        return []
    found = Answer.objects.filter(question=question, **{f"{field}__in": codes})
    return sorted(set(found.values_list(field, flat=True)))


def question_clean(
    *,
    survey: Survey,
    question: Question | None,
    kind: str,
    text: str,
    help: str = "",
    required: bool = False,
    options: Iterable[dict] = (),
    rows: Iterable[dict] = (),
    scale_min: int | None = 1,
    scale_max: int | None = 5,
    nps: bool = False,
) -> dict:
    """The question's fields cleaned, or a ValidationError by field. Checks the answers it
    already has: what they refer to may not go."""
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    text = " ".join((text or "").split())
    exclude = question.pk if question else None
    if kind not in Kind.values:
        add("kind", _("Choose the kind of question."))
    if not text:
        add("text", _("Write the question."))
    elif _text_taken(survey, text, exclude=exclude):
        add("text", _("This question is already in the survey."))
    try:
        options = choices_clean(options, field="options") if kind in CHOICE_KINDS else []
    except ValidationError as e:
        errors.update(e.message_dict)
        options = []
    try:
        rows = choices_clean(rows, field="rows") if kind == Kind.GRID else []
    except ValidationError as e:
        errors.update(e.message_dict)
        rows = []
    if kind in CHOICE_KINDS and "options" not in errors and len(options) < MIN_OPTIONS:
        add("options", _("A choice question needs at least two options."))
    if kind == Kind.GRID:
        if "rows" not in errors and not rows:
            add("rows", _("A rating grid needs at least one line to rate."))
        if (
            scale_min is None
            or scale_max is None
            or not (SCALE_LOW <= scale_min < scale_max <= SCALE_HIGH)
        ):
            add(
                "scale_max",
                _("The ratings go from a lower to a higher number, within %(low)s–%(high)s.")
                % {"low": SCALE_LOW, "high": SCALE_HIGH},
            )
    elif question is not None:
        scale_min, scale_max = question.scale_min, question.scale_max
    else:
        scale_min, scale_max = 1, 5
    role = question.role if question else ""
    if nps:
        if kind != Kind.SCALE10:
            add("nps", _("Only a 0–10 scale question can be the NPS question."))
        other = Question.objects.filter(survey=survey, role=Question.Role.NPS).exclude(pk=exclude)
        other = other.values_list("text", flat=True).first()
        if other is not None:
            add("nps", _("The survey already has an NPS question: “%(text)s”.") % {"text": other})
        role = Question.Role.NPS
    elif role == Question.Role.NPS:
        role = ""
    was_nps = bool(question and question.role == Question.Role.NPS)
    if was_nps != bool(nps) and survey.responses.exists():
        add(
            "nps",
            _(
                "The survey has responses, whose scores were taken from its NPS question: "
                "the NPS question cannot change. %(way_out)s"
            )
            % {"way_out": WAY_OUT},
        )
    if question is not None and question.pk and question.answers.exists():
        if kind != question.kind:
            add(
                "kind",
                _("The question has answers: its kind cannot change. %(way_out)s")
                % {"way_out": WAY_OUT},
            )
        else:
            for field, items, answer_field in (
                ("options", options, "option"),
                ("rows", rows, "row"),
            ):
                kept = {i["code"] for i in items}
                removed = [i["code"] for i in getattr(question, field) if i["code"] not in kept]
                gone = _answered(question, answer_field, removed)
                if gone and field not in errors:
                    labels = getattr(question, field)
                    names = ", ".join(
                        f"“{next(i['label'] for i in labels if i['code'] == c)}”" for c in gone
                    )
                    add(
                        field,
                        ngettext(
                            "%(names)s has answers and cannot be removed. %(way_out)s",
                            "%(names)s have answers and cannot be removed. %(way_out)s",
                            len(gone),
                        )
                        % {"names": names, "way_out": WAY_OUT},
                    )
            if kind == Kind.GRID and "scale_max" not in errors:
                outside = Answer.objects.filter(question=question).exclude(
                    value__gte=scale_min, value__lte=scale_max
                )
                if outside.exclude(value=None).exists():
                    add(
                        "scale_max",
                        _("Some ratings given lie outside the new scale. %(way_out)s")
                        % {"way_out": WAY_OUT},
                    )
    if errors:
        raise ValidationError(errors)
    return {
        "kind": kind,
        "text": text,
        "help": " ".join((help or "").split()),
        "required": bool(required),
        "options": options,
        "rows": rows,
        "scale_min": scale_min,
        "scale_max": scale_max,
        "role": role,
    }


def _locked(survey: Survey) -> Survey:
    """The survey's row locked: two edits of its questions (a form sent twice) go one after
    the other, so the checks of the second see what the first wrote."""
    return Survey.objects.select_for_update().get(pk=survey.pk)


@transaction.atomic
def question_save(*, survey: Survey, by, question: Question | None = None, **fields) -> Question:
    """Add a question at the end of the survey, or change one (its code stays: the answers
    and the forms refer to it)."""
    survey = _locked(survey)
    if question is not None:
        question = Question.objects.get(pk=question.pk, survey=survey)
    cleaned = question_clean(survey=survey, question=question, **fields)
    if question is None:
        taken = survey.questions.values_list("code", flat=True)
        last = survey.questions.aggregate(last=Max("order"))["last"] or 0
        question = Question(
            survey=survey,
            code=code_from(cleaned["text"], taken, fallback="question")[:64],
            order=last + 1,
        )
    for name, value in cleaned.items():
        setattr(question, name, value)
    question._history_user = by
    try:
        with transaction.atomic():
            question.save()
    except IntegrityError:  # the same text made the same code meanwhile
        raise ValidationError({"text": _("This question is already in the survey.")}) from None
    survey._history_user = by
    survey.save(update_fields=["updated_at"])
    return question


@transaction.atomic
def question_delete(*, question: Question, by) -> None:
    survey = _locked(question.survey)
    question = Question.objects.filter(pk=question.pk, survey=survey).first()
    if question is None:
        return  # deleted already (a form sent twice)
    if question.answers.exists():
        raise ValidationError(
            _("“%(text)s” has answers and cannot be deleted. %(way_out)s")
            % {"text": question.text, "way_out": WAY_OUT}
        )
    question._history_user = by
    question.delete()
    _renumber(list(survey.questions.all()), by)


def _renumber(questions: list[Question], by) -> None:
    changed = []
    for order, question in enumerate(questions, start=1):
        if question.order != order:
            question.order = order
            changed.append(question)
    Question.objects.bulk_update(changed, ["order"])


@transaction.atomic
def question_move(*, question: Question, offset: int, by) -> None:
    """Move the question up (−1) or down (+1) among the survey's questions."""
    survey = _locked(question.survey)
    questions = list(survey.questions.all())
    at = next((i for i, q in enumerate(questions) if q.pk == question.pk), None)
    if at is None:
        raise ValidationError(_("The question is no longer in the survey."))
    to = at + offset
    if not 0 <= to < len(questions):
        return  # at the edge already
    questions[at], questions[to] = questions[to], questions[at]
    _renumber(questions, by)

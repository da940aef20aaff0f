"""The objection book 3.4.8: its writes (categories, objections with their answers), the search
the book and the script player use, and the statistics of the objections met in calls."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import scoped
from core.text import code_from

from .models import Call, CallObjection, Objection, ObjectionAnswer, ObjectionCategory, Script


def normalized(text: str) -> str:
    """Text as the search compares it: case folded (Cyrillic too), ё as е, spaces collapsed."""
    return " ".join(text.casefold().replace("ё", "е").split())


# -- categories ------------------------------------------------------------------------------
def _category_clean(name: str, *, exclude: int | None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the category a name.")})
    key = normalized(name)
    names = ObjectionCategory.objects.exclude(pk=exclude).values_list("name", flat=True)
    if any(normalized(other) == key for other in names):
        raise ValidationError({"name": _("A category with this name already exists.")})
    return name


@transaction.atomic
def category_create(*, name: str, order: int = 0, by=None) -> ObjectionCategory:
    name = _category_clean(name, exclude=None)
    code = code_from(
        name, ObjectionCategory.objects.values_list("code", flat=True), fallback="category"
    )
    category = ObjectionCategory(code=code, name=name, order=order)
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError:
        # The same form sent twice at once: the other request made it.
        _category_clean(name, exclude=None)
        raise
    return category


@transaction.atomic
def category_update(
    *, category: ObjectionCategory, name: str, order: int = 0, by=None
) -> ObjectionCategory:
    category.name = _category_clean(name, exclude=category.pk)
    category.order = order
    category.save(update_fields=["name", "order"])
    return category


# -- objections ------------------------------------------------------------------------------
@dataclass(frozen=True)
class AnswerText:
    """An answer as the form gives it: an existing one (id) or a new one (None), in order."""

    text: str
    id: int | None = None


def _text_taken(text: str, category: ObjectionCategory, *, exclude: int | None) -> bool:
    key = normalized(text)  # in Python: SQLite folds only ASCII letters itself
    texts = Objection.objects.filter(category=category).exclude(pk=exclude)
    return any(normalized(other) == key for other in texts.values_list("text", flat=True))


def objection_clean(
    *,
    category: ObjectionCategory | None,
    text: str,
    keywords: str,
    answers: Sequence[AnswerText],
    exclude: int | None = None,
) -> tuple[str, str, list[AnswerText]]:
    """The cleaned text, keywords and answers, or a ValidationError by field."""
    errors: dict[str, list[str]] = {}
    text = " ".join(text.split())
    keywords = ", ".join(w.strip() for w in keywords.replace(";", ",").split(",") if w.strip())
    answers = [AnswerText(a.text.strip(), a.id) for a in answers if a.text.strip()]
    if category is None:
        errors["category"] = [_("Choose the category.")]
    if not text:
        errors["text"] = [_("Write what the subscriber says.")]
    elif category is not None and _text_taken(text, category, exclude=exclude):
        errors["text"] = [_("This objection is already in the category.")]
    if not answers:
        errors["answers"] = [_("Write at least one answer.")]
    if errors:
        raise ValidationError(errors)
    return text, keywords, answers


def _answers_save(objection: Objection, answers: list[AnswerText], by) -> None:
    existing = {a.pk: a for a in objection.answers.all()}
    kept: set[int] = set()
    for order, given in enumerate(answers, start=1):
        answer = existing.get(given.id) if given.id else None
        if answer is None:
            answer = ObjectionAnswer(objection=objection)
        elif answer.text == given.text and answer.order == order:
            kept.add(answer.pk)
            continue
        answer.text, answer.order = given.text, order
        answer._history_user = by
        answer.save()
        kept.add(answer.pk)
    for pk, answer in existing.items():
        if pk not in kept:
            answer._history_user = by
            answer.delete()


def _objection_saved(objection: Objection, by) -> Objection:
    """Save in a savepoint: the same text saved meanwhile by another request (a form sent
    twice) makes the same code, and is the same error as one taken before."""
    objection._history_user = by
    try:
        with transaction.atomic():
            objection.save()
    except IntegrityError:
        if _text_taken(objection.text, objection.category, exclude=objection.pk):
            raise ValidationError(
                {"text": _("This objection is already in the category.")}
            ) from None
        raise
    return objection


@transaction.atomic
def objection_create(
    *,
    category: ObjectionCategory | None,
    text: str,
    answers: Sequence[AnswerText | str],
    keywords: str = "",
    order: int = 0,
    code: str | None = None,
    by=None,
) -> Objection:
    answers = [a if isinstance(a, AnswerText) else AnswerText(a) for a in answers]
    text, keywords, answers = objection_clean(
        category=category, text=text, keywords=keywords, answers=answers
    )
    code = code or code_from(
        text, Objection.objects.values_list("code", flat=True), fallback="objection"
    )
    objection = _objection_saved(
        Objection(code=code, category=category, text=text, keywords=keywords, order=order), by
    )
    _answers_save(objection, answers, by)
    return objection


@transaction.atomic
def objection_update(
    *,
    objection: Objection,
    category: ObjectionCategory | None,
    text: str,
    answers: Sequence[AnswerText],
    keywords: str = "",
    order: int = 0,
    by=None,
) -> Objection:
    """Change the objection; its code stays, since scripts link their steps to it by code."""
    text, keywords, answers = objection_clean(
        category=category, text=text, keywords=keywords, answers=answers, exclude=objection.pk
    )
    objection.category, objection.text, objection.keywords = category, text, keywords
    objection.order = order
    objection.needs_review = False  # a shipped promise the operator has now adapted
    _objection_saved(objection, by)
    _answers_save(objection, answers, by)
    return objection


@transaction.atomic
def objection_set_active(*, objection: Objection, active: bool, by=None) -> Objection:
    """Take an objection out of the book (kept, with its calls, for the statistics) or back."""
    if objection.active != active:
        objection.active = active
        objection._history_user = by
        objection.save(update_fields=["active"])
    return objection


# -- search ----------------------------------------------------------------------------------
@dataclass
class BookCategory:
    category: ObjectionCategory
    objections: list[Objection] = field(default_factory=list)


def _haystacks(objection: Objection) -> tuple[str, str, str]:
    answers = " ".join(a.text for a in objection.answers.all())
    return normalized(objection.text), normalized(objection.keywords), normalized(answers)


def _rank(objection: Objection, words: list[str]) -> int | None:
    """None if some word is found nowhere; else 0 (all in the text), 1 (text or other
    words) or 2 (found in the answers)."""
    text, keywords, answers = _haystacks(objection)
    if all(w in text for w in words):
        return 0
    if all(w in text or w in keywords for w in words):
        return 1
    if all(w in text or w in keywords or w in answers for w in words):
        return 2
    return None


def _objections(*, active_only: bool = True):
    rows = Objection.objects.select_related("category").prefetch_related("answers")
    return rows.filter(active=True) if active_only else rows


def objection_book(query: str = "", *, with_inactive: bool = False) -> list[BookCategory]:
    """The categories in order with their objections (and answers) that match the query,
    each word anywhere in the text, other words or answers; empty categories are dropped
    when searching. Three queries, whatever the size of the book; the matching is done in
    Python, since the book is small and SQLite cannot fold Cyrillic case."""
    words = normalized(query).split()
    objections = Objection.objects.prefetch_related("answers").order_by("-active", "order", "text")
    if not with_inactive:
        objections = objections.filter(active=True)
    categories = ObjectionCategory.objects.prefetch_related(
        Prefetch("objections", queryset=objections)
    )
    book = []
    for category in categories:
        shown = [o for o in category.objections.all() if not words or _rank(o, words) is not None]
        if shown or not words:
            book.append(BookCategory(category, shown))
    return book


def objection_search(query: str, codes: Sequence[str] = ()) -> list[Objection]:
    """Active objections for the script player. Without a query: those of `codes` (the step's
    own), in their order. With one: every match, those of `codes` first, then the matches in
    the text, in the other words, in the answers."""
    words = normalized(query).split()
    codes = [c for c in codes if c]
    if not words:
        if not codes:
            return []
        found = {o.code: o for o in _objections().filter(code__in=codes)}
        return [found[c] for c in codes if c in found]
    linked = {c: i for i, c in enumerate(codes)}
    hits = []
    for book_order, objection in enumerate(_objections()):
        rank = _rank(objection, words)
        if rank is not None:
            key = (linked.get(objection.code, len(linked)), rank, book_order)
            hits.append((key, objection))
    return [objection for _key, objection in sorted(hits, key=lambda hit: hit[0])]


# -- statistics ------------------------------------------------------------------------------
def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class ObjectionStatRow:
    objection_id: int
    code: str
    text: str
    category: str
    active: bool
    calls: int  # calls in which it came up
    share: float | None  # of all the calls counted
    decided: int  # of those, calls that came to an outcome (success true or false)
    ended_well: int
    # Share of the calls with an outcome that ended well: with it, and without it.
    success_with: float | None
    success_without: float | None

    @property
    def difference(self) -> float | None:
        """Percentage points the objection takes from (−) or adds to (+) the success rate."""
        if self.success_with is None or self.success_without is None:
            return None
        return self.success_with - self.success_without


@dataclass(frozen=True)
class ObjectionStats:
    date_from: date
    date_to: date
    calls: int  # every call in the period, script and branches
    decided: int
    ended_well: int
    rows: list[ObjectionStatRow]

    @property
    def success(self) -> float | None:
        return _share(self.ended_well, self.decided)


def default_period(today: date | None = None) -> tuple[date, date]:
    today = today or timezone.localdate()
    return today - timedelta(days=29), today


def _calls_filter(
    prefix: str, *, date_from: date, date_to: date, script: Script | None, branch
) -> Q:
    """Calls started from the first day to the last (inclusive, in the site's time zone)."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(date_from, time.min, tzinfo=zone)
    end = datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=zone)
    q = Q(**{f"{prefix}started_at__gte": start, f"{prefix}started_at__lt": end})
    if script is not None:
        q &= Q(**{f"{prefix}script_version__script": script})
    if branch is not None:
        q &= Q(**{f"{prefix}branch": branch})
    return q


def objection_stats(
    *,
    user,
    date_from: date | None = None,
    date_to: date | None = None,
    script: Script | None = None,
    branch=None,
) -> ObjectionStats:
    """How often each objection came up in the calls of the period (in the user's branches)
    and how those calls ended, against the calls without it. Two aggregate queries."""
    if date_from is None or date_to is None:
        date_from, date_to = default_period()
    period = {"date_from": date_from, "date_to": date_to, "script": script, "branch": branch}
    calls = scoped(Call.objects.filter(_calls_filter("", **period)), user)
    totals = calls.aggregate(
        calls=Count("id"),
        decided=Count("id", filter=Q(success__isnull=False)),
        ended_well=Count("id", filter=Q(success=True)),
    )
    met = scoped(
        CallObjection.objects.filter(_calls_filter("call__", **period)), user, "call__branch"
    )
    counted = (
        met.values(
            "objection_id",
            "objection__code",
            "objection__text",
            "objection__active",
            "objection__category__name",
        )
        # (call, objection) is unique, so counting rows counts calls.
        .annotate(
            calls=Count("id"),
            decided=Count("id", filter=Q(call__success__isnull=False)),
            ended_well=Count("id", filter=Q(call__success=True)),
        )
        .order_by("-calls", "objection__text")
    )
    rows = [
        ObjectionStatRow(
            objection_id=r["objection_id"],
            code=r["objection__code"],
            text=r["objection__text"],
            category=r["objection__category__name"],
            active=r["objection__active"],
            calls=r["calls"],
            share=_share(r["calls"], totals["calls"]),
            decided=r["decided"],
            ended_well=r["ended_well"],
            success_with=_share(r["ended_well"], r["decided"]),
            success_without=_share(
                totals["ended_well"] - r["ended_well"], totals["decided"] - r["decided"]
            ),
        )
        for r in counted
    ]
    return ObjectionStats(date_from=date_from, date_to=date_to, rows=rows, **totals)

"""The operator's TV line-up (comms.TvChannel), which the TV-channel survey 3.2.14 asks about:
a channel added, edited or switched off on its page, or many imported from a CSV or XLSX file;
after each change the survey questions that list channels (the ratings grid, "which would you
miss") are refreshed to the channels on air. Answers keep their codes, so a channel switched
off leaves the questions but stays in the results (`gone_rows`)."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from core.text import code_from

from ..models import Answer, Question, TvChannel
from .standard import channel_label, standard_lineup

CHANNEL_ROLES = (Question.Role.CHANNELS, Question.Role.MISS)
UPLOAD_LIMIT = 2 * 1024 * 1024
ROWS_MAX = 2000
# The file's columns, by their header (English or Russian, any case).
HEADERS = {
    "name": "name",
    "название": "name",
    "канал": "name",
    "package": "package",
    "пакет": "package",
    "paid": "paid",
    "платный": "paid",
    "number": "number",
    "номер": "number",
}
YES = {"yes", "y", "1", "true", "да", "д", "+"}
NO = {"no", "n", "0", "false", "нет", "н", "-", ""}


def lineup_on_air():
    """The channels on air in the line-up's order: by number (those without one last), name."""
    return TvChannel.objects.filter(active=True).order_by(F("number").asc(nulls_last=True), "name")


def label_of(channel: TvChannel, language: str | None = None) -> str:
    """The channel as a question lists it, in the operator's language (a subscriber reads it)."""
    return channel_label(
        channel.name, channel.package, channel.paid, language or settings.LANGUAGE_CODE
    )


def lineup_refresh(*, by=None, language: str | None = None) -> int:
    """Make every question that lists channels (a ratings grid, "which would you miss") list
    the channels on air. Returns the questions changed."""
    items = [{"code": c.code, "label": label_of(c, language)} for c in lineup_on_air()]
    changed = 0
    for question in Question.objects.filter(role__in=CHANNEL_ROLES):
        field = "rows" if question.kind == Question.Kind.GRID else "options"
        if getattr(question, field) == items:
            continue
        setattr(question, field, items)
        question._history_user = by
        question.save(update_fields=[field])
        changed += 1
    return changed


def gone_rows(question: Question, codes: Iterable[str]) -> list[dict]:
    """Of the codes answered to a channel question, those no longer listed in it (a channel
    switched off), with their names from the line-up: the results still count them."""
    field = "rows" if question.kind == Question.Kind.GRID else "options"
    listed = {item["code"] for item in getattr(question, field)}
    gone = sorted(set(codes) - listed - {""})
    if not gone or question.role not in CHANNEL_ROLES:
        return [{"code": code, "label": code} for code in gone]
    names = {c.code: label_of(c) for c in TvChannel.objects.filter(code__in=gone)}
    return [{"code": code, "label": names.get(code, code)} for code in gone]


def answered_codes(question: Question) -> list[str]:
    field = "row" if question.kind == Question.Kind.GRID else "option"
    return list(Answer.objects.filter(question=question).values_list(field, flat=True).distinct())


# -- a channel ---------------------------------------------------------------------------------
def _name_taken(name: str, *, exclude: int | None) -> bool:
    key = name.casefold()  # in Python: SQLite folds only ASCII letters itself
    names = TvChannel.objects.exclude(pk=exclude).values_list("name", flat=True)
    return any(other.casefold() == key for other in names)


def channel_clean(*, name: str, package: str, number: int | None, exclude: int | None) -> dict:
    name, package = " ".join(name.split()), " ".join(package.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the channel's name.")]
    elif len(name) > TvChannel._meta.get_field("name").max_length:
        errors["name"] = [_("At most %(count)s characters.") % {"count": 120}]
    elif _name_taken(name, exclude=exclude):
        errors["name"] = [_("A channel with this name is already in the line-up.")]
    if len(package) > TvChannel._meta.get_field("package").max_length:
        errors["package"] = [_("At most %(count)s characters.") % {"count": 80}]
    if number is not None and not 0 < number < 32768:
        errors["number"] = [_("A number from 1 to 32767, or none.")]
    if errors:
        raise ValidationError(errors)
    return {"name": name, "package": package, "number": number}


def _saved(channel: TvChannel, by) -> TvChannel:
    channel._history_user = by
    try:
        with transaction.atomic():
            channel.save()
    except IntegrityError:  # the same name saved meanwhile (a form sent twice)
        raise ValidationError(
            {"name": _("A channel with this name is already in the line-up.")}
        ) from None
    return channel


@transaction.atomic
def channel_save(
    *,
    channel: TvChannel | None = None,
    name: str,
    package: str = "",
    paid: bool = False,
    number: int | None = None,
    active: bool = True,
    by=None,
) -> TvChannel:
    """Add a channel to the line-up (channel=None) or change one; its code, made from the first
    name, stays, since the answers keep it."""
    fields = channel_clean(
        name=name, package=package, number=number, exclude=channel.pk if channel else None
    )
    if channel is None:
        code = code_from(
            fields["name"], TvChannel.objects.values_list("code", flat=True), fallback="channel"
        )
        channel = TvChannel(code=code)
    channel.name, channel.package, channel.number = fields["name"], fields["package"], number
    channel.paid, channel.active = paid, active
    _saved(channel, by)
    lineup_refresh(by=by)
    return channel


@transaction.atomic
def channel_set_active(*, channel: TvChannel, active: bool, by=None) -> TvChannel:
    """Put a channel on air or switch it off: it leaves the survey's questions, not its
    results."""
    if channel.active != active:
        channel.active = active
        channel._history_user = by
        channel.save(update_fields=["active"])
        lineup_refresh(by=by)
    return channel


# -- import ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ImportRow:
    line: int
    name: str
    package: str
    paid: bool
    number: int | None


def _table(name: str, content: bytes) -> list[list[str]]:
    """The file's rows as texts: an XLSX's first sheet, or a CSV in UTF-8 (, or ;)."""
    if name.lower().endswith(".xlsx"):
        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            return [
                ["" if v is None else str(v).strip() for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
        except Exception as e:  # openpyxl raises many kinds on a file that is not a workbook
            raise ValidationError(_("The file is not an XLSX workbook.")) from e
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not in UTF-8: save it as “CSV UTF-8”.")) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    return [
        [cell.strip() for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _number(text: str) -> int | None:
    if text == "":
        return None
    if text.endswith(".0"):  # a number cell of a workbook
        text = text[:-2]
    if not text.isdigit() or not 0 < int(text) < 32768:
        raise ValueError
    return int(text)


def channels_parse(name: str, content: bytes) -> list[ImportRow]:
    """The rows of a line-up file, or ValidationError naming every bad line (none is taken)."""
    if len(content) > UPLOAD_LIMIT:
        raise ValidationError(_("The file is larger than 2 MB."))
    table = [row for row in _table(name, content)]
    if not table or not any(table[0]):
        raise ValidationError(_("The file is empty."))
    columns = {}
    for i, header in enumerate(table[0]):
        key = HEADERS.get(header.strip().casefold())
        if key and key not in columns:
            columns[key] = i
    if "name" not in columns:
        raise ValidationError(
            _("The first line must name the columns: name, package, paid, number.")
        )
    errors, rows, seen = [], [], {}
    for line, cells in enumerate(table[1:], start=2):
        if not any(cells):
            continue

        def cell(key, cells=cells):
            i = columns.get(key)
            return cells[i] if i is not None and i < len(cells) else ""

        channel_name = " ".join(cell("name").split())
        paid_text = cell("paid").casefold()
        if not channel_name:
            errors.append(_("Line %(line)s: the name is empty.") % {"line": line})
            continue
        if channel_name.casefold() in seen:
            errors.append(
                _("Line %(line)s: “%(name)s” is already on line %(first)s.")
                % {"line": line, "name": channel_name, "first": seen[channel_name.casefold()]}
            )
            continue
        seen[channel_name.casefold()] = line
        if paid_text not in YES | NO:
            errors.append(
                _("Line %(line)s: paid is “%(value)s”; write yes or no.")
                % {"line": line, "value": cell("paid")}
            )
            continue
        try:
            number = _number(cell("number"))
        except ValueError:
            errors.append(
                _("Line %(line)s: the number “%(value)s” is not a whole number from 1 to 32767.")
                % {"line": line, "value": cell("number")}
            )
            continue
        package = " ".join(cell("package").split())
        if len(channel_name) > 120 or len(package) > 80:
            errors.append(
                _("Line %(line)s: a name of at most 120 characters, a package of at most 80.")
                % {"line": line}
            )
            continue
        rows.append(ImportRow(line, channel_name, package, paid_text in YES, number))
    if len(rows) > ROWS_MAX:
        errors.append(_("At most %(count)s channels in a file.") % {"count": ROWS_MAX})
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("The file has no channels."))
    return rows


@transaction.atomic
def channels_import(*, name: str, content: bytes, by=None) -> tuple[int, int]:
    """Take a line-up file: a channel found by its name (any case) is updated and put on air,
    a new one added; channels not in the file stay as they are. All or nothing. Returns (added,
    updated)."""
    rows = channels_parse(name, content)
    existing = {c.name.casefold(): c for c in TvChannel.objects.select_for_update()}
    codes = set(TvChannel.objects.values_list("code", flat=True))
    added = updated = 0
    for row in rows:
        channel = existing.get(row.name.casefold())
        if channel is None:
            channel = TvChannel(code=code_from(row.name, codes, fallback="channel"))
            codes.add(channel.code)
            added += 1
        elif (channel.name, channel.package, channel.paid, channel.number, channel.active) == (
            row.name,
            row.package,
            row.paid,
            row.number,
            True,
        ):
            continue
        else:
            updated += 1
        channel.name, channel.package, channel.paid = row.name, row.package, row.paid
        channel.number, channel.active = row.number, True
        _saved(channel, by)
    lineup_refresh(by=by)
    return added, updated


@transaction.atomic
def lineup_install(*, language: str | None = None) -> int:
    """The default line-up (comms/surveys/standard.py), when the operator has none yet; the
    channel questions refreshed. Returns the channels made."""
    made = 0
    if not TvChannel.objects.exists():
        for fields in standard_lineup(language):
            TvChannel.objects.create(**fields)
            made += 1
    lineup_refresh(language=language)
    return made

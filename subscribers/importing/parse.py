"""Field parsers for the import. Each raises FieldError with a translated reason."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..models import Payment, Status, Technology

TECHNOLOGIES = {t.value for t in Technology}
STATUSES = {s.value for s in Status}
METHODS = {m.value for m in Payment.Method}
KINDS = {"person", "company"}
MONEY_LIMIT = Decimal("1e11")
PHONE_SPLIT = re.compile(r"[,;/]")


class FieldError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Parsers:
    """Parsers configured by a mapping (formats, decimal comma), with caches for repeated
    values (periods, fees and dates repeat millions of times in a big export)."""

    def __init__(
        self,
        *,
        date_format="%Y-%m-%d",
        datetime_format="%Y-%m-%d %H:%M:%S",
        period_format="%Y-%m",
        decimal_comma=False,
        status_values=None,
        method_values=None,
        region="RU",
    ):
        self.date_format = date_format
        self.datetime_format = datetime_format
        self.period_format = period_format
        self.decimal_comma = decimal_comma
        self.status_values = {k.strip().lower(): v for k, v in (status_values or {}).items()}
        self.method_values = {k.strip().lower(): v for k, v in (method_values or {}).items()}
        self.region = region
        self._dates: dict[str, date] = {}
        self._periods: dict[str, date] = {}
        self._money: dict[str, Decimal] = {}
        # strptime is slow (tens of µs); a regex compiled from the format is ~10× faster.
        self._iso_datetime = datetime_format.startswith("%Y-%m-%d")
        self._iso_date = date_format == "%Y-%m-%d"
        self._date_pattern = format_regex(date_format)
        self._datetime_patterns = [
            format_regex(f)
            for f in (datetime_format, datetime_format.replace(":%S", ""), date_format)
        ]

    # -- dates ------------------------------------------------------------------------------
    def date(self, value) -> date:
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        cached = self._dates.get(value)
        if cached is not None:
            return cached
        text = value.strip()
        parsed = None
        try:
            if self._iso_date:
                if len(text) == 10:
                    parsed = date.fromisoformat(text)
            else:
                match = self._date_pattern.fullmatch(text)
                if match is not None:
                    parsed = _from_match(match).date()
        except ValueError:
            parsed = None
        if parsed is None:
            raise FieldError(
                _("not a date (expected %(format)s)") % {"format": human_format(self.date_format)}
            )
        if len(self._dates) < 100_000:
            self._dates[value] = parsed
        return parsed

    def period(self, value) -> date:
        if isinstance(value, (date, datetime)):
            return date(value.year, value.month, 1)
        cached = self._periods.get(value)
        if cached is not None:
            return cached
        try:
            parsed = datetime.strptime(value.strip(), self.period_format).date().replace(day=1)
        except ValueError:
            raise FieldError(
                _("not a month (expected %(format)s)")
                % {"format": human_format(self.period_format)}
            ) from None
        self._periods[value] = parsed
        return parsed

    def datetime(self, value) -> datetime:
        """A naive datetime is local time of the branch; an aware one is returned in UTC."""
        if isinstance(value, datetime):
            return value
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day)
        text = value.strip()
        parsed = None
        if self._iso_datetime:
            try:
                parsed = datetime.fromisoformat(text)
            except ValueError:
                parsed = None
        if parsed is None:
            for pattern in self._datetime_patterns:
                match = pattern.fullmatch(text)
                if match is not None:
                    try:
                        parsed = _from_match(match)
                    except ValueError:
                        continue
                    break
        if parsed is None:
            raise FieldError(
                _("not a date and time (expected %(format)s)")
                % {"format": human_format(self.datetime_format)}
            )
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC)
        return parsed

    # -- numbers ----------------------------------------------------------------------------
    def money(self, value) -> Decimal:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = repr(value)
        cached = self._money.get(value)
        if cached is not None:
            return cached
        text = value.strip().replace("\u00a0", "").replace(" ", "")
        if self.decimal_comma:
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise FieldError(_("not an amount of money")) from None
        if not amount.is_finite() or abs(amount) >= MONEY_LIMIT:
            raise FieldError(_("not an amount of money"))
        if amount.as_tuple().exponent < -2:
            raise FieldError(_("more than two decimal places"))
        amount = amount.quantize(Decimal("0.01"))
        if len(self._money) < 100_000:
            self._money[value] = amount
        return amount

    def whole(self, value) -> int:
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            text = str(value).strip()
            if not text.isdigit():
                raise FieldError(_("not a whole number"))
            number = int(text)
        if number < 0 or number > 10_000_000:
            raise FieldError(_("not a whole number"))
        return number

    # -- codes --------------------------------------------------------------------------------
    def status(self, value) -> str:
        text = str(value).strip()
        mapped = self.status_values.get(text.lower(), text.lower())
        if mapped not in STATUSES:
            raise FieldError(_("unknown status (expected active, suspended or terminated)"))
        return mapped

    def method(self, value) -> str:
        text = str(value).strip()
        if not text:
            return Payment.Method.OTHER
        mapped = self.method_values.get(text.lower(), text.lower())
        if mapped not in METHODS:
            raise FieldError(_("unknown payment method"))
        return mapped

    def technology(self, value) -> str:
        text = str(value).strip().upper()
        if text and text not in TECHNOLOGIES:
            raise FieldError(_("unknown technology"))
        return text

    def kind(self, value) -> str:
        text = str(value).strip().lower() or "person"
        if text not in KINDS:
            raise FieldError(_("unknown kind (expected person or company)"))
        return text

    def phones(self, value) -> list[str]:
        """All phone numbers in the cell, as E.164; an unparseable one is an error."""
        numbers = []
        for part in PHONE_SPLIT.split(str(value)):
            part = part.strip()
            if not part:
                continue
            numbers.append(phone_normalize(part, self.region))
        return numbers

    def yes_no(self, value) -> bool:
        """A yes/no cell, as extra attributes read booleans (true/false, yes/no, да/нет), or 1/0
        as a database's boolean comes (a column known to be yes/no: no number is meant)."""
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        answer = BOOL_VALUES.get(text, {"1": True, "0": False}.get(text))
        if answer is None:
            raise FieldError(_("not yes or no (expected yes, no, true, false, да, нет, 1 or 0)"))
        return answer

    def email(self, value) -> str:
        text = str(value).strip()
        if text:
            try:
                validate_email(text)
            except ValidationError:
                raise FieldError(_("not an e-mail address")) from None
        return text


RU_MOBILE = re.compile(r"(?:\+7|8|7)?(9\d{9})")
PHONE_NOISE = re.compile(r"[\s()\-.]")


def phone_normalize(text: str, region: str = "RU") -> str:
    """A phone number in any common Russian/CIS form as E.164 (+79123456789)."""
    # Russian mobiles (the bulk of any base) skip the slower general parser.
    mobile = RU_MOBILE.fullmatch(PHONE_NOISE.sub("", text))
    if mobile is not None:
        return "+7" + mobile.group(1)
    digits = re.sub(r"\D", "", text)
    candidate = text
    if len(digits) == 10 and not text.strip().startswith("+"):
        candidate = "+7" + digits
    elif len(digits) == 11 and digits[0] == "8" and not text.strip().startswith("+"):
        candidate = "+7" + digits[1:]
    try:
        number = phonenumbers.parse(candidate, region)
    except phonenumbers.NumberParseException:
        raise FieldError(_("not a phone number")) from None
    if not phonenumbers.is_valid_number(number):
        raise FieldError(_("not a phone number"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


FORMAT_PARTS = {
    "%d": r"(?P<day>\d{1,2})",
    "%m": r"(?P<month>\d{1,2})",
    "%Y": r"(?P<year>\d{4})",
    "%H": r"(?P<hour>\d{1,2})",
    "%M": r"(?P<minute>\d{2})",
    "%S": r"(?P<second>\d{2})",
}


def format_regex(fmt: str) -> re.Pattern:
    """A regex with named groups for a strptime format made of %d %m %Y %H %M %S."""
    out, i = [], 0
    while i < len(fmt):
        part = fmt[i : i + 2]
        if part in FORMAT_PARTS:
            out.append(FORMAT_PARTS[part])
            i += 2
        elif part == "%z":
            out.append(r"(?P<tz>[+-]\d{2}:?\d{2}|Z)")
            i += 2
        else:
            out.append(r"\s+" if fmt[i] in " T" else re.escape(fmt[i]))
            i += 1
    return re.compile("".join(out))


def _from_match(match: re.Match) -> datetime:
    g = match.groupdict()
    return datetime(
        int(g["year"]),
        int(g["month"]),
        int(g["day"]),
        int(g.get("hour") or 0),
        int(g.get("minute") or 0),
        int(g.get("second") or 0),
    )


def human_format(fmt: str) -> str:
    """%d.%m.%Y → DD.MM.YYYY, for error messages."""
    return (
        fmt.replace("%d", "DD")
        .replace("%m", "MM")
        .replace("%Y", "YYYY")
        .replace("%H", "HH")
        .replace("%M", "MM")
        .replace("%S", "SS")
    )


BOOL_VALUES = {"true": True, "false": False, "yes": True, "no": False, "да": True, "нет": False}


TYPE_ORDER = ("int", "decimal", "date", "bool", "text")
INT_RE = re.compile(r"-?\d{1,15}")
DECIMAL_RE = re.compile(r"-?\d{1,15}([.,]\d+)?")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def value_types(value: str) -> frozenset[str]:
    """The extra-attribute types a single value fits (an empty value fits all)."""
    text = value.strip()
    if not text:
        return frozenset(TYPE_ORDER)
    fits = {"text"}
    if INT_RE.fullmatch(text):
        fits |= {"int", "decimal"}
    elif DECIMAL_RE.fullmatch(text):
        fits.add("decimal")
    if DATE_RE.fullmatch(text):
        try:
            date.fromisoformat(text)
            fits.add("date")
        except ValueError:
            pass
    if text.lower() in BOOL_VALUES:
        fits.add("bool")
    return frozenset(fits)


def narrowest_type(fits: frozenset[str]) -> str:
    return next(kind for kind in TYPE_ORDER if kind in fits)


def typed_value(kind: str, value: str):
    text = value.strip()
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "decimal":
        return float(text.replace(",", "."))
    if kind == "bool":
        return BOOL_VALUES[text.lower()]
    return text

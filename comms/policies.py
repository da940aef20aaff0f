"""The contact rules in force: the operator's (comms.ContactPolicy) or, where it set none, the
defaults below — Russian law 230-FZ for debt collection, and milder usual practice for the
rest — and the calendar of days off (the country's public holidays from the `holidays`
package, corrected by the operator's comms.CalendarDay)."""

from datetime import date, time
from functools import lru_cache

import holidays
from django.conf import settings

from .models import CalendarDay, ContactKind, ContactPolicy, Purpose
from .rules import Rules

CALL, MESSAGE = ContactKind.CALL, ContactKind.MESSAGE
DAYTIME = ((time(8), time(22)), (time(9), time(20)))  # working days; days off (230-FZ)
OFFICE = ((time(10), time(20)), (time(11), time(19)))

# (purpose, kind) → (working-day hours, day-off hours, a day, 7 days, 30 days, opt-out stops it)
DEFAULTS = {
    (Purpose.DEBT, CALL): (*DAYTIME, 1, 2, 8, False),
    (Purpose.DEBT, MESSAGE): (*DAYTIME, 2, 4, 16, False),
    (Purpose.SERVICE, CALL): (*DAYTIME, None, None, None, False),
    (Purpose.SERVICE, MESSAGE): (*DAYTIME, None, None, None, False),
    (Purpose.MARKETING, CALL): (*OFFICE, 1, 1, 2, True),
    (Purpose.MARKETING, MESSAGE): (*OFFICE, 1, 2, 4, True),
    (Purpose.SURVEY, CALL): (*OFFICE, 1, 1, 2, True),
    (Purpose.SURVEY, MESSAGE): (*OFFICE, 1, 1, 2, True),
}


def default_policy(purpose: str, kind: str) -> ContactPolicy:
    workday, dayoff, per_day, per_week, per_month, opt_out = DEFAULTS[purpose, kind]
    return ContactPolicy(
        purpose=purpose,
        kind=kind,
        workday_from=workday[0],
        workday_to=workday[1],
        dayoff_from=dayoff[0],
        dayoff_to=dayoff[1],
        per_day=per_day,
        per_week=per_week,
        per_month=per_month,
        respects_opt_out=opt_out,
    )


def policies() -> dict[tuple[str, str], ContactPolicy]:
    """Every (purpose, kind) with the policy in force: the saved one or the default."""
    saved = {(p.purpose, p.kind): p for p in ContactPolicy.objects.all()}
    return {key: saved.get(key) or default_policy(*key) for key in DEFAULTS}


def policy_for(purpose: str, kind: str) -> ContactPolicy:
    saved = ContactPolicy.objects.filter(purpose=purpose, kind=kind).first()
    return saved or default_policy(purpose, kind)


def rules_of(policy: ContactPolicy) -> Rules:
    return Rules(
        workday=(policy.workday_from, policy.workday_to),
        dayoff=(policy.dayoff_from, policy.dayoff_to),
        per_day=policy.per_day,
        per_week=policy.per_week,
        per_month=policy.per_month,
    )


@lru_cache(maxsize=16)
def _public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


class Calendar:
    """Days off: weekends and the country's public holidays, with the operator's corrections,
    read once for the dates it is asked about."""

    def __init__(self, country: str | None = None):
        self.country = country or settings.ABONENT_COUNTRY
        self.corrections = dict(CalendarDay.objects.values_list("date", "working"))

    def __call__(self, day: date) -> bool:
        if day in self.corrections:
            return not self.corrections[day]
        return day.weekday() >= 5 or day in _public_holidays(self.country, day.year)

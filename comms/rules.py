"""The contact rules as arithmetic: when a subscriber may be called or written to.

A rule set (`Rules`) holds the hours of the day a contact is allowed on a working day and on a
day off (weekends and public holidays), in the subscriber's local time, and the most contacts
of its kind and purpose in a day, in any 7 days running and in any 30 days running. Russian law
230-FZ on debt collection sets the defaults of comms.policies: no contact 22:00–08:00 on
working days and 20:00–09:00 on days off; calls at most 1 a day, 2 a week, 8 a month; messages
2, 4 and 16. A contact asked for outside them is not dropped but moved to the earliest moment
that keeps every rule (`earliest`), counting the contacts already made and those already
planned, before and after that moment. Pure functions of plain values: the single check
(comms.services) and the bulk one of a campaign share them."""

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

DAY, WEEK, MONTH = 1, 7, 30  # the windows of the limits, in local calendar days
HORIZON_DAYS = 400  # how far ahead a moment is looked for before the contact is refused


@dataclass(frozen=True)
class Rules:
    workday: tuple[time, time] = (time(8), time(22))  # allowed from, until (exclusive)
    dayoff: tuple[time, time] = (time(9), time(20))
    per_day: int | None = None  # None: no limit
    per_week: int | None = None
    per_month: int | None = None

    def limits(self) -> list[tuple[int, int, str]]:
        """(window in days, most contacts, reason) of the limits set."""
        return [
            (days, most, reason)
            for days, most, reason in (
                (DAY, self.per_day, "day_limit"),
                (WEEK, self.per_week, "week_limit"),
                (MONTH, self.per_month, "month_limit"),
            )
            if most is not None
        ]


@dataclass(frozen=True)
class Verdict:
    at: datetime | None  # the earliest allowed moment (aware, local); None: refused
    reason: str = ""  # why it is not the moment asked for: quiet_hours, day_limit, …


def hours_of(day: date, rules: Rules, day_off: Callable[[date], bool]) -> tuple[time, time]:
    return rules.dayoff if day_off(day) else rules.workday


def is_allowed_hour(moment: datetime, rules: Rules, day_off: Callable[[date], bool]) -> bool:
    start, end = hours_of(moment.date(), rules, day_off)
    return start <= moment.time() < end


def _count(days: Sequence[date], first: date, last: date) -> int:
    return bisect_right(days, last) - bisect_left(days, first)


def _over(day: date, days: Sequence[date], rules: Rules) -> str:
    """The limit one more contact on `day` would break, or "": every window of each limit's
    length that holds the day, with the contacts of `days` (sorted local dates)."""
    for length, most, reason in rules.limits():
        for shift in range(length):
            first = day - timedelta(days=length - 1 - shift)
            if _count(days, first, first + timedelta(days=length - 1)) + 1 > most:
                return reason
    return ""


def earliest(
    asked: datetime,
    days: Sequence[date],
    rules: Rules,
    day_off: Callable[[date], bool],
) -> Verdict:
    """The earliest moment at or after `asked` (aware, in the subscriber's zone) at which one
    more contact keeps every rule, given the local dates of the contacts made and planned
    (`days`, sorted). The reason names the first rule that moved it."""
    reason = ""
    day = asked.date()
    for _ in range(HORIZON_DAYS):
        start, end = hours_of(day, rules, day_off)
        moment = asked if day == asked.date() else None
        if moment is None or moment.time() < start:
            moment = datetime.combine(day, start, tzinfo=asked.tzinfo)
            # A clock change can make the wall time not exist; normalise it through UTC.
            moment = moment.astimezone(UTC).astimezone(asked.tzinfo)
        if moment.time() >= end or start >= end:
            reason = reason or "quiet_hours"
            day += timedelta(days=1)
            continue
        over = _over(day, days, rules)
        if over:
            reason = reason or over
            day += timedelta(days=1)
            continue
        if moment != asked and not reason:
            reason = "quiet_hours"
        return Verdict(moment, reason)
    return Verdict(None, reason or "no_time")

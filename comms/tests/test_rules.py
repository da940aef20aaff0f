"""The contact rules' arithmetic (comms.rules): quiet hours in local time, limits over a day,
7 and 30 days running, deferral to the earliest moment that keeps them all."""

import zoneinfo
from bisect import insort
from datetime import date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from comms.rules import Rules, earliest, is_allowed_hour

MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
HOLIDAYS = {date(2026, 1, 1), date(2026, 1, 2), date(2026, 5, 1), date(2026, 11, 4)}
DEBT_CALLS = Rules(per_day=1, per_week=2, per_month=8)
DEBT_MESSAGES = Rules(per_day=2, per_week=4, per_month=16)


def day_off(day: date) -> bool:
    return day.weekday() >= 5 or day in HOLIDAYS


def at(y, m, d, hh, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=MOSCOW)


def test_a_call_in_working_hours_goes_at_once():
    verdict = earliest(at(2026, 11, 25, 12), [], DEBT_CALLS, day_off)  # a Wednesday
    assert verdict.at == at(2026, 11, 25, 12) and verdict.reason == ""


def test_a_call_at_night_waits_for_8_on_a_working_day():
    verdict = earliest(at(2026, 11, 25, 23, 30), [], DEBT_CALLS, day_off)
    assert verdict.at == at(2026, 11, 26, 8) and verdict.reason == "quiet_hours"
    assert earliest(at(2026, 11, 26, 7, 59), [], DEBT_CALLS, day_off).at == at(2026, 11, 26, 8)


def test_on_a_day_off_the_quiet_hours_are_20_to_9():
    friday_night = earliest(at(2026, 11, 27, 22), [], DEBT_CALLS, day_off)
    assert friday_night.at == at(2026, 11, 28, 9)  # Saturday
    saturday_evening = earliest(at(2026, 11, 28, 20), [], DEBT_CALLS, day_off)
    assert saturday_evening.at == at(2026, 11, 29, 9)  # Sunday
    sunday_evening = earliest(at(2026, 11, 29, 21), [], DEBT_CALLS, day_off)
    assert sunday_evening.at == at(2026, 11, 30, 8)  # Monday, a working day
    assert earliest(at(2026, 11, 4, 8, 30), [], DEBT_CALLS, day_off).at == at(2026, 11, 4, 9)


def test_a_second_call_the_same_day_waits_for_tomorrow():
    verdict = earliest(at(2026, 11, 25, 12), [date(2026, 11, 25)], DEBT_CALLS, day_off)
    assert verdict.at == at(2026, 11, 26, 8) and verdict.reason == "day_limit"


def test_a_third_call_in_seven_days_waits_until_the_first_leaves_the_week():
    made = [date(2026, 11, 23), date(2026, 11, 25)]
    verdict = earliest(at(2026, 11, 26, 12), made, DEBT_CALLS, day_off)
    assert verdict.at == at(2026, 11, 30, 8) and verdict.reason == "week_limit"


def test_a_contact_planned_later_counts_too():
    # A call is planned for Friday: a Thursday call would make three in Mon–Sun's week.
    made = [date(2026, 11, 23), date(2026, 11, 27)]
    assert earliest(at(2026, 11, 26, 12), made, DEBT_CALLS, day_off).reason == "week_limit"


def test_without_limits_only_the_hours_count():
    many = [date(2026, 11, 25)] * 50
    assert earliest(at(2026, 11, 25, 12), many, Rules(), day_off).at == at(2026, 11, 25, 12)


def test_a_limit_of_zero_refuses():
    verdict = earliest(at(2026, 11, 25, 12), [], Rules(per_day=0), day_off)
    assert verdict.at is None and verdict.reason == "day_limit"


moments = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 3, 1), timezones=st.just(MOSCOW)
)


@settings(max_examples=60, deadline=None)
@given(st.lists(moments, min_size=1, max_size=40), st.sampled_from([DEBT_CALLS, DEBT_MESSAGES]))
def test_contacts_planned_one_by_one_keep_every_rule(asked, rules):
    planned: list[date] = []
    moments_planned = []
    for moment in asked:
        verdict = earliest(moment, planned, rules, day_off)
        assert verdict.at is not None and verdict.at >= moment
        assert is_allowed_hour(verdict.at, rules, day_off)
        insort(planned, verdict.at.date())
        moments_planned.append(verdict.at)
    for length, most, _reason in rules.limits():
        first, last = planned[0] - timedelta(days=length), planned[-1]
        day = first
        while day <= last:
            inside = sum(day <= d < day + timedelta(days=length) for d in planned)
            assert inside <= most, (length, day)
            day += timedelta(days=1)


def allowed(moment: datetime, made: list[date], rules: Rules) -> bool:
    """The rules counted out by brute force, independently of comms.rules."""
    hours = rules.dayoff if day_off(moment.date()) else rules.workday
    if not hours[0] <= moment.time() < hours[1]:
        return False
    day = moment.date()
    for length, most, _reason in rules.limits():
        for shift in range(length):
            first = day - timedelta(days=shift)
            last = first + timedelta(days=length - 1)
            if sum(first <= d <= last for d in made) + 1 > most:
                return False
    return True


@settings(max_examples=80, deadline=None)
@given(moments, st.lists(st.dates(date(2025, 12, 1), date(2026, 3, 1)), max_size=14))
def test_the_moment_given_is_allowed_and_none_before_it_is(moment, made):
    made.sort()
    verdict = earliest(moment, made, DEBT_MESSAGES, day_off)
    assert verdict.at is not None and allowed(verdict.at, made, DEBT_MESSAGES)
    assert (verdict.at == moment) == (verdict.reason == "")
    # Earlier candidates: the moment asked, and the first allowed hour of each day between.
    day, candidates = moment.date(), [moment]
    hours = DEBT_MESSAGES.dayoff if day_off(day) else DEBT_MESSAGES.workday
    candidates.append(max(moment, datetime.combine(day, hours[0], tzinfo=MOSCOW)))
    while day < verdict.at.date():
        day += timedelta(days=1)
        hours = DEBT_MESSAGES.dayoff if day_off(day) else DEBT_MESSAGES.workday
        candidates.append(datetime.combine(day, hours[0], tzinfo=MOSCOW))
    assert not any(allowed(c, made, DEBT_MESSAGES) for c in candidates if c < verdict.at)


def test_moments_are_in_the_subscriber_s_own_zone():
    vladivostok = zoneinfo.ZoneInfo("Asia/Vladivostok")
    # 14:00 in Moscow is 21:00 in Vladivostok: still allowed there on a working day.
    asked = at(2026, 11, 25, 14).astimezone(vladivostok)
    assert earliest(asked, [], DEBT_CALLS, day_off).at == asked
    late = at(2026, 11, 25, 16).astimezone(vladivostok)  # 23:00 there
    assert earliest(late, [], DEBT_CALLS, day_off).at == datetime(
        2026, 11, 26, 8, tzinfo=vladivostok
    )
    assert time(8) == DEBT_CALLS.workday[0]

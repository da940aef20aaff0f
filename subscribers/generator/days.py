"""The days of a billing after an export, account by account: each subscriber's monthly charges,
payments, status and tariff changes and contact edits, drawn from a hash of (seed, account,
month) and applied on their day, so that a month at once holds what its days one by one hold."""

from __future__ import annotations

import calendar
import random
import struct
import zlib
import zoneinfo
from bisect import bisect_right
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from hashlib import blake2b
from itertools import accumulate

from .accounts import consents
from .flavors import COLUMNS, METHODS, money_text
from .people import email_of, phone_number
from .reference import (
    BANK,
    BUSINESS,
    CASH,
    CHURN_SEASON,
    COMPANY,
    DEFAULTER,
    ERRATIC,
    ERRATIC_AMOUNTS,
    EVENING_HOURS,
    INTERNET,
    LATE,
    METHOD_DRAWS,
    NEVER,
    OFFICE_HOURS,
    ONLINE,
    PAY_STEPS,
    PREPAY,
    PREPAY_MONTHS,
    PROFILE_SHARES,
    RECALC,
    REGULAR,
    RENT,
    RENT_FEE,
    STATIC_IP,
    STATIC_IP_FEE,
    SUSPEND_SEASON,
    TARIFFS,
    TENURE_HAZARD,
    TV,
    TariffPlan,
)

SUBSCRIBER = COLUMNS["subscribers"]
INDEX = {name: i for i, name in enumerate(SUBSCRIBER)}
ACCOUNT, FULL_NAME, PHONE, EMAIL, KIND = (INDEX[c] for c in SUBSCRIBER[:5])
BRANCH, TECHNOLOGY, TARIFF, MONTHLY_FEE = (
    INDEX[c] for c in ("branch", "technology", "tariff", "monthly_fee")
)
STATUS, CONNECTED_ON, TERMINATED_ON, BALANCE = (INDEX[c] for c in SUBSCRIBER[13:17])
CREDIT_LIMIT, CONSENT_EMAIL = INDEX["credit_limit"], INDEX["consent_email"]
ACTIVE, SUSPENDED, TERMINATED = "active", "suspended", "terminated"
YES_NO = ("true", "false")

# Monthly chances, of the served: a move to another tariff (of the active), an edit of the
# holder's phone or e-mail, a recalculation for an outage (the base generator's), and of a
# person paying the month in two parts (about 15,000 payments a day at 1,000,000 subscribers).
TARIFF_MOVE, CONTACT_EDIT, OUTAGE, SPLIT = 0.012, 0.003, 0.004, 0.15
U = 65536  # a draw is a 16-bit number: a chance p is a draw below p·U
P = {p: int(p * U) for p in (0.3, 0.35, 0.55, 0.6, 0.75, 0.85, 0.93, OUTAGE, CONTACT_EDIT, SPLIT)}
# An account's draws for a month: thirteen 16-bit numbers, then ten bytes.
DRAWS = struct.Struct("<13H10B")
TARIFF_BY_NAME = {plan.name: plan for plan in TARIFFS}
ON_SALE = tuple(plan for plan in TARIFFS if plan.weight and not plan.retire)
SPLITTERS = (REGULAR, LATE, DEFAULTER)


def pay_day_weight(day: int) -> float:
    """How likely a subscriber's usual payment day is this day of the month: most pay soon
    after the monthly charge, some after their salary."""
    return 1.6 if day <= 10 else 1.3 if 18 <= day <= 25 else 1.0


def kopecks(text: str) -> int:
    """An amount as the export writes it (1234.50), in kopecks."""
    if len(text) > 3 and text[-3] == ".":
        return int(text.replace(".", "", 1))
    return int(Decimal(text or "0") * 100)


class Month:
    """One calendar month of a delta: its dates as written, and its rates."""

    def __init__(self, year: int, month: int):
        self.index, self.period = year * 12 + month - 1, f"{year:04d}-{month:02d}"
        self.dim = dim = calendar.monthrange(year, month)[1]
        self.dates = ["", *(date(year, month, d).isoformat() for d in range(1, dim + 1))]
        # A draw below pay_days[k] (and not below pay_days[k - 1]) pays on day k + 1.
        weights = list(accumulate(pay_day_weight(d) for d in range(1, dim + 1)))
        self.pay_days = [round(w / weights[-1] * U) for w in weights]
        season = CHURN_SEASON[month - 1]
        self.leave = [int(h * season * U) for h in TENURE_HAZARD]
        self.leave_company = [int(h * season * 0.5 * U) for h in TENURE_HAZARD]
        self.pause = int(SUSPEND_SEASON[month - 1] / 1000 * U)
        self.move = self.pause + int(TARIFF_MOVE * U)


class Clocks:
    """Times of day of payments: at an office or a terminal (the branch's local time), and
    online (Moscow time with its offset), as the base generator writes them."""

    def __init__(self, seed: int, zones: dict[str, str], day: date):
        self.seed, self.zones, self.moment = seed, zones, datetime(day.year, day.month, day.day)
        rng = random.Random(f"{seed}:clocks")
        hours = rng.choices(range(24), OFFICE_HOURS, k=256)
        self.office = [f"{h:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}" for h in hours]
        self._online: dict[str, list[str]] = {}

    def online(self, branch: str) -> list[str]:
        table = self._online.get(branch)
        if table is None:
            try:
                zone = zoneinfo.ZoneInfo(self.zones.get(branch) or "Europe/Moscow")
                shift = int(zone.utcoffset(self.moment).total_seconds()) // 3600 - 3
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                shift = 0
            # Local evening hours whose Moscow time falls on the same day.
            weights = [w if 0 <= h - shift < 24 else 0 for h, w in enumerate(EVENING_HOURS)]
            rng = random.Random(f"{self.seed}:online:{shift}")
            table = self._online[branch] = [
                f"{h - shift:02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}+03:00"
                for h in rng.choices(range(24), weights, k=256)
            ]
        return table


def month_spans(first: date, last: date) -> list[tuple[int, int, int, int]]:
    """(year, month, first day, last day) of each month from first to last."""
    spans, day = [], first
    while day <= last:
        end = min(last, date(day.year, day.month, calendar.monthrange(day.year, day.month)[1]))
        spans.append((day.year, day.month, day.day, end.day))
        day = end + timedelta(days=1)
    return spans


def delta_days(day: date, *, month: bool, days: int = 1) -> tuple[date, date]:
    """The first and last day of the delta after `day`: the next `days` days, or the next
    calendar month (with what is left of day's month before it)."""
    first = day + timedelta(days=1)
    if not month:
        return first, day + timedelta(days=days)
    year, mon = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return first, date(year, mon, calendar.monthrange(year, mon)[1])


class Delta:
    """Moves each subscriber row through the days of the delta, writing its payments and
    charges as they fall due."""

    def __init__(
        self,
        seed: int,
        first: date,
        last: date,
        zones: dict[str, str],
        pay_out: Callable[[str], object],
        charge_out: Callable[[str], object] | None,  # None: no month begins in the delta
    ):
        self.seed = seed
        self.spans = [  # (month, its first day in the delta, its last)
            (Month(year, month), lo, hi) for year, month, lo, hi in month_spans(first, last)
        ]
        self.clocks = Clocks(seed, zones, first)
        self.pay_out, self.charge_out = pay_out, charge_out
        self.rows = {"payments.csv": 0, "charges.csv": 0}
        self._services: dict[tuple, tuple] = {}
        self._options: dict[tuple, tuple] = {}

    def services(self, tariff: str, fee: str, ip: bool, rent: bool) -> tuple:
        """(plan, charges of a served month, their total, charges of a suspended one, rent)."""
        key = (tariff, fee, ip, rent)
        found = self._services.get(key)
        if found is None:
            plan = TARIFF_BY_NAME.get(tariff) or TariffPlan(
                tariff, (), kopecks(fee), 0, 0, 0, 0, 0, "", ()
            )
            parts = (
                (INTERNET, plan.internet),
                (TV, plan.tv),
                (STATIC_IP, STATIC_IP_FEE if ip else 0),
                (RENT, RENT_FEE if rent else 0),
            )
            parts = tuple((service, amount) for service, amount in parts if amount)
            rent_parts = ((RENT, RENT_FEE),) if rent else ()
            total = sum(amount for _service, amount in parts)
            found = self._services[key] = (plan, parts, total, rent_parts, RENT_FEE if rent else 0)
        return found

    def options(self, plan: TariffPlan, tech: str) -> tuple[TariffPlan, ...]:
        """Where a subscriber of the plan may move: its upgrades (thrice as likely), or another
        plan on sale for the building's technology."""
        key = (plan.name, tech)
        found = self._options.get(key)
        if found is None:
            if plan.name not in TARIFF_BY_NAME or plan is TARIFFS[BUSINESS]:
                found = ()
            else:
                ups = [TARIFF_BY_NAME[u] for u in plan.upgrades]
                ups = [u for u in ups if tech in u.techs and not u.retire]
                others = [p for p in ON_SALE if tech in p.techs and p is not plan and p not in ups]
                found = (*ups, *ups, *ups, *others)
            self._options[key] = found
        return found

    @staticmethod
    def bill(profile: int, bal: int, due: int, credit: int, step: int, u: int, k: int) -> int:
        """What a subscriber of the payment profile pays on the usual day (the base
        generator's rules): the debt rounded up to the holder's step, months ahead, or
        nothing."""
        if profile == REGULAR or profile == DEFAULTER:
            if bal < 0 and u < (P[0.93] if profile == REGULAR else P[0.6]):
                return -(bal // step) * step
        elif profile == PREPAY:
            if bal < 0:
                return -((bal - due * PREPAY_MONTHS[k % 4]) // step) * step
        elif profile == LATE:
            if bal < -(due + credit) or (bal < 0 and u < P[0.3]):
                return -(bal // step) * step
        elif profile == ERRATIC:
            if bal < due // 2 and u < P[0.55]:
                return ERRATIC_AMOUNTS[k % 8]
        elif bal < 0:  # a company pays two months ahead
            return -((bal - 2 * due) // step) * step
        return 0

    def account(self, row: list[str], ip: bool, rent: bool, debt: int, pause: int) -> tuple:
        """Moves the row (changed in place) through the delta's days; returns whether it changed,
        and the months in debt and left on a pause after them."""
        acc, company, status = row[ACCOUNT], row[KIND] == "company", row[STATUS]
        trait = zlib.crc32(f"{self.seed}:{acc}".encode())
        profile = COMPANY if company else bisect_right(PROFILE_SHARES, (trait & 0xFFFF) / U)
        if profile == NEVER:
            profile = DEFAULTER  # the base generator's never-payers are gone by now
        pref = BANK if company else METHOD_DRAWS[trait >> 16 & 31]
        step = 10000 if company else PAY_STEPS[trait >> 21 & 7]
        credit = int(row[CREDIT_LIMIT] or 0) * 100
        bal = kopecks(row[BALANCE])
        connected = int(row[CONNECTED_ON][:4]) * 12 + int(row[CONNECTED_ON][5:7]) - 1
        online = self.clocks.online(row[BRANCH])
        office = self.clocks.office
        pay_out, charge_out, seed = self.pay_out, self.charge_out, self.seed
        changed = False
        paid = charged = 0

        def pay(day: str, kop: int, method: int, clock: int) -> None:
            time = online[clock] if method == ONLINE else office[clock]
            pay_out(f"{acc},{day} {time},{money_text(kop)},{METHODS[method]}\n")

        for mo, lo, hi in self.spans:
            if status == TERMINATED:
                break
            dim = mo.dim
            plan, parts, due, rent_parts, rent_fee = self.services(
                row[TARIFF], row[MONTHLY_FEE], ip, rent
            )
            (pay_at, u_pay, u_method, u_outage, u_leave, leave_at, u_event, event_at, u_contact,
             contact_at, u_settle, u_refund, u_split, method_k, clock_k, amount_k, outage_k,
             cut_k, event_k, settle_k, refund_k, settle_clock, split_k) = DRAWS.unpack(
                blake2b(f"{seed}:{acc}:{mo.period}".encode(), digest_size=DRAWS.size).digest()
            )  # fmt: skip
            if lo == 1:  # the month's status: on a pause, in debt, or served
                if pause:
                    pause, debt, suspended = pause - 1, 0, True
                else:
                    debt = debt + 1 if bal < -(due - rent_fee + credit) else 0
                    suspended = debt > 0
                if status != (SUSPENDED if suspended else ACTIVE):
                    status, changed = SUSPENDED if suspended else ACTIVE, True
            cut_off = debt >= 3
            tenure = min(24, max(0, mo.index - connected))
            if cut_off:  # three months in debt: cut off, terminated in the first days
                leave = 1 + cut_k % min(10, dim)
            elif u_leave < (mo.leave_company if company else mo.leave)[tenure]:
                leave = 1 + leave_at * dim // U
            else:
                leave = 0
            if lo == 1 and not cut_off:  # the month's charges, for the days served
                head = f"{acc},{mo.period},"
                for service, fee in rent_parts if suspended else parts:
                    amount = fee * leave // dim if leave else fee
                    if amount:
                        charge_out(f"{head}{service},{plan.name},{money_text(amount)}\n")
                        bal -= amount
                        charged += 1
                if not suspended and plan.internet and u_outage < P[OUTAGE]:
                    amount = plan.internet * (1 + outage_k % 4) // 30
                    charge_out(f"{head}{RECALC},{plan.name},{money_text(-amount)}\n")
                    bal += amount
                    charged += 1
                changed = changed or charged > 0
            # The month's events by day: a payment, a status or tariff change, a contact edit,
            # the termination.
            todo = []
            split = 0
            if not cut_off:
                day = 1 + bisect_right(mo.pay_days, pay_at)
                day = 1 + (day - 1) % leave if leave else day
                todo.append((day, 0))
                # Some persons who pay the bill pay it in two parts, the rest a few days later.
                split = day + 2 + split_k % 9
                if profile in SPLITTERS and u_split < P[SPLIT] and split < (leave or dim + 1):
                    todo.append((split, 4))
                else:
                    split = 0
            if u_event < mo.move and not (company and u_event < mo.pause):
                day = 1 + event_at * dim // U
                if not leave or day < leave:
                    todo.append((day, 1))
            if u_contact < P[CONTACT_EDIT]:
                day = 1 + contact_at * dim // U
                if not leave or day <= leave:
                    todo.append((day, 2))
            if leave:
                todo.append((leave, 3))
            todo.sort()
            for day, what in todo:
                if day < lo or day > hi:
                    continue
                if what == 0 or what == 4:
                    if what == 4:  # the rest of a bill paid in two parts
                        amount = -(bal // step) * step if bal < 0 else 0
                    else:
                        amount = self.bill(profile, bal, due, credit, step, u_pay, amount_k)
                        if amount and split:
                            amount = -(-amount // 2 // step) * step
                    if amount:
                        method = pref if u_method < P[0.85] else METHOD_DRAWS[method_k % 32]
                        pay(mo.dates[day], amount, method, clock_k if what == 0 else split_k)
                        bal += amount
                        paid += 1
                        changed = True
                        if debt and status == SUSPENDED and bal >= -(due - rent_fee + credit):
                            status, debt = ACTIVE, 0  # the debt is paid: served again
                elif what == 1:
                    if u_event < mo.pause:
                        if status == ACTIVE and not debt:  # a pause of one to three months
                            status, pause, changed = SUSPENDED, 1 + event_k % 3, True
                    elif status == ACTIVE:
                        options = self.options(plan, row[TECHNOLOGY])
                        if options:
                            plan = options[event_k % len(options)]
                            row[TARIFF], row[MONTHLY_FEE] = (
                                plan.name,
                                money_text(plan.internet + plan.tv),
                            )
                            plan, parts, due, rent_parts, rent_fee = self.services(
                                row[TARIFF], row[MONTHLY_FEE], ip, rent
                            )
                            changed = True
                elif what == 2:
                    edit_contacts(row, random.Random(f"{seed}:{acc}:{mo.period}:contact"))
                    changed = True
                else:
                    status, row[TERMINATED_ON], changed = TERMINATED, mo.dates[day], True
                    if bal < 0 and not cut_off and profile != DEFAULTER and u_settle < P[0.75]:
                        pay(mo.dates[day], -bal, CASH if settle_k < 179 else pref, settle_clock)
                        bal, paid = 0, paid + 1
                    elif bal > 10000 and u_refund < P[0.35]:  # the rest of the money is refunded
                        pay(mo.dates[day], -bal, CASH if refund_k < 128 else BANK, settle_clock)
                        bal, paid = 0, paid + 1
        if changed:
            row[STATUS], row[BALANCE] = status, money_text(bal)
        self.rows["payments.csv"] += paid
        self.rows["charges.csv"] += charged
        return changed, debt, pause


def edit_contacts(row: list[str], rng: random.Random) -> None:
    """The holder gives a new phone number (or a second one) or e-mail address, or drops the
    e-mail; the consent to e-mail advertising follows the address as in the base export."""
    if rng.random() < 0.6:
        phone = phone_number(rng)
        if row[PHONE] and ";" not in row[PHONE] and rng.random() < 0.25:
            phone = f"{row[PHONE]}; {phone}"
        row[PHONE] = phone
    else:
        drop = row[EMAIL] and rng.random() < 0.1
        email = "" if drop else email_of(row[FULL_NAME], row[KIND] == "company", rng)
        row[EMAIL], row[CONSENT_EMAIL] = email, consents(row[ACCOUNT], email, YES_NO)[1]


def inferred_counters(delta: Delta, row: list[str], ip: bool, rent: bool) -> tuple[int, int]:
    """A full export's suspended subscriber: in debt for a month or two, or on a pause that
    ends in up to two months."""
    if row[STATUS] != SUSPENDED:
        return 0, 0
    _plan, _parts, due, _rent_parts, rent_fee = delta.services(
        row[TARIFF], row[MONTHLY_FEE], ip, rent
    )
    credit, bal = int(row[CREDIT_LIMIT] or 0) * 100, kopecks(row[BALANCE])
    if bal < -(due - rent_fee + credit):
        return (2 if bal < -2 * due else 1), 0
    return 0, zlib.crc32(row[ACCOUNT].encode()) % 3

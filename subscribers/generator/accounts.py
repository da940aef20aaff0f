"""The accounts, simulated month by month: their subscriber rows, charges and payments."""

from __future__ import annotations

import csv
import io
import random
import zlib
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date

from .flavors import Tables, stream_encoding
from .people import holder
from .reference import (
    BANK,
    BUSINESS,
    CASH,
    CHURN_SEASON,
    COMPANY,
    DEFAULTER,
    ERRATIC,
    ERRATIC_AMOUNTS,
    INTERNET,
    LATE,
    METHOD_DRAWS,
    NEVER,
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
    TERMINAL,
    TV,
)
from .world import World

# Accounts per unit of work. Fixed, so the output does not depend on the number of workers.
CHUNK = 2000


@dataclass
class ChunkResult:
    subscribers: bytes
    charges: bytes
    payments: bytes
    rows: tuple[int, int, int]


def simulate_chunk(world: World, tables: Tables, chunk: int) -> ChunkResult:
    """Accounts [chunk·CHUNK, …) month by month: their subscriber rows, charges and payments.

    Every random draw is the same whatever the flavor, so all flavors carry the same data."""
    rng = random.Random(world.seed * 1_000_003 + chunk + 1)
    rnd, bits = rng.random, rng.getrandbits
    lo, hi = chunk * CHUNK, min(world.n, (chunk + 1) * CHUNK)
    months, day0, dim_of, mstart = world.months, world.day0, world.dim, world.month_start
    ndays, month_of_day = world.ndays, world.month_of_day
    home, flat_of = world.home, world.flat
    t_to, t_from, succ, upgrades = world.t_to, world.t_from, world.t_successor, world.t_upgrades
    pay_days = world.pay_days
    S, EOL = tables.sep, tables.eol
    dates, periods, office_times = tables.dates, tables.periods, tables.office_times
    money, suffix, meth_names = tables.money, tables.suffix, tables.methods
    online_name, terminal_name = meth_names[ONLINE], meth_names[TERMINAL]
    statuses, yes_no = tables.statuses, tables.flavor.yes_no
    hazard = [[h * CHURN_SEASON[mo - 1] for h in TENURE_HAZARD] for _y, mo in world.month_ym]
    vol_start = [SUSPEND_SEASON[mo - 1] / 1000 for _y, mo in world.month_ym]
    methods_table, steps = METHOD_DRAWS, PAY_STEPS
    credits = (0, 0, 0, 0, 0, 10000, 30000, 50000)
    prepay_months, erratic = PREPAY_MONTHS, ERRATIC_AMOUNTS

    charges: list[str] = []
    payments: list[str] = []
    cadd, padd = charges.append, payments.append
    subs_out = io.StringIO()
    subs_row = csv.writer(subs_out, delimiter=S, lineterminator=EOL).writerow
    bundles: dict[tuple[int, bool, bool], tuple] = {}

    def bundle(t: int, ip: bool, rent: bool) -> tuple:
        """Charges of a month: (row suffixes, total, [(service, fee)]) when active, then the
        same three for a suspended month (only the equipment rent goes on)."""
        key = (t, ip, rent)
        if key not in bundles:
            plan = TARIFFS[t]
            parts = [
                (INTERNET, plan.internet),
                (TV, plan.tv),
                (STATIC_IP, STATIC_IP_FEE if ip else 0),
                (RENT, RENT_FEE if rent else 0),
            ]
            parts = [(s, fee) for s, fee in parts if fee]
            bundles[key] = (
                [suffix(s, plan.name, fee) for s, fee in parts],
                sum(fee for _s, fee in parts),
                parts,
                [suffix(RENT, plan.name, RENT_FEE)] if rent else [],
                RENT_FEE if rent else 0,
                [(RENT, RENT_FEE)] if rent else [],
            )
        return bundles[key]

    def pay(acc_p: str, off: int, kop: int, meth: int, online: list[str]) -> None:
        clock = online[bits(8)] if meth == ONLINE else office_times[bits(8)]
        padd(f"{acc_p}{dates[off]}{clock}{S}{money(kop)}{S}{meth_names[meth]}{EOL}")

    def pay_at_midnight(acc_p: str, first: int, last: int, kop: int, night: list[tuple]) -> None:
        """A payment in the first hours of a month's first day or the last hours of its last."""
        early, back, online_clock, local_clock = night[bits(8)]
        off = first if early else last
        if bits(2):  # an autopayment or the personal account online
            padd(f"{acc_p}{dates[off - back]}{online_clock}{S}{money(kop)}{S}{online_name}{EOL}")
        else:  # a terminal of a night shop
            padd(f"{acc_p}{dates[off]}{local_clock}{S}{money(kop)}{S}{terminal_name}{EOL}")

    def round_up(kop: int, step: int) -> int:
        return -(-kop // step) * step

    for i in range(lo, hi):
        # -- who, where, since when
        conn_ord = world.connected[i]
        bl = world.buildings[home[i]]
        br_name, _tz, br_prefix, _cities, _utc = world.branches[bl.branch]
        online, night = tables.online_times[bl.branch], tables.night_times[bl.branch]
        tech = bl.tech
        r = rnd()
        company = r < 0.025 and bl.flats > 2  # an office in a block
        if r > 0.9 and tech in ("FTTB", "GPON", "DOCSIS"):
            tech = "CATV"
        if conn_ord >= day0:
            off0 = conn_ord - day0
            conn_m = month_of_day[off0]
            conn_day = off0 - mstart[conn_m] + 1
            conn_text = dates[off0]
            conn_year = world.month_ym[conn_m][0]
        else:
            cd = date.fromordinal(conn_ord)
            conn_m = (cd.year * 12 + cd.month) - (world.start[0] * 12 + world.start[1])
            conn_day = cd.day
            conn_text = tables.date(conn_ord)
            conn_year = cd.year
        first_m = conn_m if conn_m > 0 else 0
        if company and tech in ("FTTB", "GPON"):
            t = BUSINESS
        else:
            idx, cum = world.t_legacy[tech] if conn_m < 0 else world.t_new[tech][conn_m]
            t = idx[bisect_right(cum, rnd() * cum[-1], 0, len(cum) - 1)]
        r = rnd()
        rent = r < 0.16 and not company
        ip = (company and r < 0.7) or (r > 0.985 and tech != "CATV")
        router = rent or (tech != "CATV" and rnd() < 0.55)
        r = rnd()
        prof = COMPANY if company else bisect_right(PROFILE_SHARES, rnd())
        if prof == NEVER and conn_m < 0:
            prof = DEFAULTER  # they left before the window
        stop_m = first_m + int(rnd() * (months + 6)) if prof == DEFAULTER else months
        pref = BANK if company else methods_table[bits(5)]
        step = 10000 if company else steps[bits(3)]
        credit = 100000 * (1 + bits(2)) if company else credits[bits(3)]
        # A few of the old base enter the window already cut off for a debt run up before it.
        cut_off = conn_m < 0 and prof == DEFAULTER and rnd() < 0.12
        if cut_off:
            stop_m = 0

        acc = f"{bl.branch + 1}{i + 1:07d}"
        acc_p = acc + S
        full_name, phone, email, birth = holder(rng, company, conn_ord, tables)

        # -- the months of the window
        full, full_total, parts, rent_sfx, rent_fee, rent_parts = bundle(t, ip, rent)
        due = full_total
        bal = 0
        vol = debt = 0
        if cut_off:
            debt = bits(2) % 3
        elif conn_m < 0 and rnd() < 0.006:
            vol = 1 + bits(1)  # already on a voluntary pause when the window opens
        term_off = -1
        suspended = False
        if conn_m >= 0 and prof != NEVER and rnd() < 0.45:
            off = conn_ord - day0 - bits(3) % 6  # paid at the office before the installation
            if off >= 0:
                amt = round_up(due, step)
                pay(acc_p, off, amt, pref if rnd() < 0.8 else CASH, online)
                bal += amt
        elif conn_m < 0 and prof == ERRATIC:
            # Irregular payers of the old base are each at their own point of the cycle; a
            # first payment of 0…4 months spreads them, or they would all fall behind at once.
            amt = round_up(due * bits(2) + erratic[bits(3)], step)
            pay(acc_p, pay_days[bits(8)] - 1, amt, pref, online)
            bal += amt
        for m in range(first_m, months):
            dim, mst = dim_of[m], mstart[m]
            d0 = conn_day if m == conn_m else 1
            tenure = m - conn_m
            if m >= t_to[t]:
                t = succ[t]
                full, full_total, parts, rent_sfx, rent_fee, rent_parts = bundle(t, ip, rent)
                due = full_total
            elif tenure >= 3 and not suspended and rnd() < 0.006:
                options = [
                    u for u in upgrades[t] if tech in TARIFFS[u].techs and t_from[u] <= m < t_to[u]
                ]
                if options:
                    t = options[bits(4) % len(options)]
                    full, full_total, parts, rent_sfx, rent_fee, rent_parts = bundle(t, ip, rent)
                    due = full_total
            # the status during the month
            if vol == 0 and (cut_off or bal < -(due - rent_fee + credit)):
                debt += 1
            else:
                debt = 0
            term_day = 0
            if debt >= 3:
                term_day = d0 + int(rnd() * min(10, dim - d0 + 1))
            else:
                if vol == 0 and debt == 0 and not company and rnd() < vol_start[m]:
                    vol = 1 + bits(2) % 3
                if rnd() < hazard[m][tenure if tenure < 24 else 24] * (0.5 if company else 1):
                    term_day = d0 + int(rnd() * (dim - d0 + 1))
            suspended = vol > 0 or debt > 0
            # charges
            head = acc_p + periods[m]
            if debt >= 3:
                pass  # cut off for debt: nothing more is charged
            elif d0 == 1 and not term_day:
                for sfx in rent_sfx if suspended else full:
                    cadd(head + sfx)
                bal -= rent_fee if suspended else full_total
            else:
                days = (term_day or dim) - d0 + 1
                tname = TARIFFS[t].name
                for service, fee in rent_parts if suspended else parts:
                    amt = fee * days // dim
                    if amt:
                        cadd(f"{head}{S}{service}{S}{tname}{S}{money(amt)}{EOL}")
                        bal -= amt
            if not suspended and TARIFFS[t].internet and rnd() < 0.004:
                # a recalculation for an outage of a few days
                amt = TARIFFS[t].internet * (1 + bits(2)) // 30
                cadd(f"{head}{S}{RECALC}{S}{TARIFFS[t].name}{S}{money(-amt)}{EOL}")
                bal += amt
            # payments
            amt = 0
            if debt >= 3:
                pass  # cut off: no more payments this month
            elif prof == REGULAR or (prof == DEFAULTER and m < stop_m):
                if bal < 0 and rnd() < 0.93:
                    amt = round_up(-bal, step)
            elif prof == PREPAY:
                if bal < 0:
                    amt = round_up(due * prepay_months[bits(2)] - bal, step)
            elif prof == LATE:
                if bal < -(due + credit) or (bal < 0 and rnd() < 0.3):
                    amt = round_up(-bal, step)
            elif prof == ERRATIC:
                if bal < due // 2 and rnd() < 0.55:
                    amt = erratic[bits(3)]
            elif prof == COMPANY:
                if bal < 0:
                    amt = round_up(2 * due - bal, step)
            if amt:
                hi_d = term_day or dim
                # Some pay around midnight at a month's turn; not in the window's first month,
                # whose eve in Moscow time would fall before the window.
                if d0 == 1 and hi_d == dim and m and not company and rnd() < 0.008:
                    pay_at_midnight(acc_p, mst, mst + dim - 1, amt, night)
                else:
                    day = d0 + (pay_days[bits(8)] - 1) % (hi_d - d0 + 1)
                    meth = pref if rnd() < 0.85 else methods_table[bits(5)]
                    pay(acc_p, mst + day - 1, amt, meth, online)
                bal += amt
            if term_day:
                term_off = mst + term_day - 1
                if debt >= 3:
                    if rnd() < 0.3 and bal < 0:
                        # the debt is repaid after termination (collection worked)
                        rm = m + 1 + bits(3) % 6
                        if rm < months:
                            off = mstart[rm] + pay_days[bits(8)] - 1
                            pay(acc_p, off, -bal, CASH if rnd() < 0.6 else BANK, online)
                            bal = 0
                elif bal < 0 and prof not in (NEVER, DEFAULTER) and rnd() < 0.75:
                    pay(acc_p, term_off, -bal, CASH if rnd() < 0.7 else pref, online)
                    bal = 0
                elif bal > 10000 and rnd() < 0.35:
                    off = term_off + bits(4) % 21
                    if off < ndays:  # the rest of the money is refunded
                        pay(acc_p, off, -bal, CASH if rnd() < 0.5 else BANK, online)
                        bal = 0
                break
            if vol:
                vol -= 1

        plan = TARIFFS[t]
        if term_off >= 0:
            status, term_text = statuses[2], dates[term_off]
        else:
            status, term_text = statuses[1 if suspended else 0], ""
        # fmt: off
        subs_row((
            acc, full_name, phone, email, "company" if company else "person", br_name, bl.city,
            bl.street, bl.house, str(flat_of[i]) if bl.flats > 1 else "", tech,
            plan.name, money(plan.internet + plan.tv), status, conn_text, term_text, money(bal),
            f"{br_prefix}-{conn_year}/{i + 1:06d}", birth, yes_no[0] if router else yes_no[1],
            str(credit // 100), *consents(acc, email, yes_no),
        ))
        # fmt: on

    enc = stream_encoding(tables.flavor)
    return ChunkResult(
        subs_out.getvalue().encode(enc),
        "".join(charges).encode(enc),
        "".join(payments).encode(enc),
        (hi - lo, len(charges), len(payments)),
    )


def consents(account: str, email: str, yes_no: tuple[str, str]) -> tuple[str, str]:
    """Consent to advertising by SMS (about 60% yes, 30% no, the rest unknown to the billing)
    and by e-mail (about half of those with an address, some 20% of the base). Drawn from the
    account, not the generator's stream, so every other value stays as it was."""
    u = zlib.crc32(account.encode()) % 1000
    sms = yes_no[0] if u < 600 else yes_no[1] if u < 900 else ""
    mail = "" if not email else yes_no[0] if (u * 7) % 1000 < 550 else yes_no[1]
    return sms, mail

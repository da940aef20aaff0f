"""The operator's world shared by all accounts: calendar, branches, tariffs and buildings."""

from __future__ import annotations

import calendar
import math
import random
import zoneinfo
from array import array
from dataclasses import dataclass, replace
from datetime import date, datetime
from itertools import accumulate

from .reference import (
    BLOCK_TECH,
    BRANCH_WEIGHTS,
    BRANCHES,
    CITY_WEIGHTS,
    CONNECT_RATE,
    CONNECT_SEASON,
    EVENING_HOURS,
    FLATS,
    FLATS_WEIGHTS,
    HOUSE_TECH,
    OFFICE_HOURS,
    STREETS,
    TARIFFS,
    TENURE_MAX,
    TENURE_MEAN,
)


def _month_add(year: int, month: int, k: int) -> tuple[int, int]:
    t = year * 12 + month - 1 + k
    return t // 12, t % 12 + 1


def default_end(today: date | None = None) -> date:
    """The last complete month before today."""
    today = today or date.today()
    year, month = _month_add(today.year, today.month, -1)
    return date(year, month, 1)


@dataclass(frozen=True)
class Building:
    branch: int
    city: str
    street: str
    house: str
    flats: int
    tech: str
    ports: int
    coverage: int  # date ordinal


def _ports(tech: str, flats: int) -> int:
    """Ports a building of this technology is built with: switches of 24, GPON splitters of 8."""
    if tech == "FTTB":
        return -(-flats * 7 // 10 // 24) * 24
    if tech == "GPON":
        return -(-flats // 8) * 8
    if tech == "ADSL":
        return -(-flats // 4 // 16) * 16
    return flats // 3 if tech == "DOCSIS" else 0


# Steps of the order flats are let in: primes above any number of flats, so coprime with it.
FLAT_STEPS = (307, 311, 313, 317, 331, 337, 347, 349)


class World:
    """Everything shared by all accounts, derived from (subscribers, months, seed, end) only."""

    def __init__(self, subscribers: int, months: int, seed: int, end: date):
        if subscribers < 1 or months < 1:
            raise ValueError("subscribers and months must be positive")
        self.n, self.months, self.seed = subscribers, months, seed
        rng = random.Random(seed)
        self.start = _month_add(end.year, end.month, 1 - months)
        self.month_ym = [_month_add(*self.start, k) for k in range(months)]
        self.day0 = date(*self.start, 1).toordinal()
        self.dim = [calendar.monthrange(y, m)[1] for y, m in self.month_ym]
        self.month_start = [0, *accumulate(self.dim)][:-1]
        self.ndays = sum(self.dim)
        self.month_of_day = [m for m in range(months) for _ in range(self.dim[m])]

        count = 3 + rng.randrange(3)
        self.branches = []
        for name, tz, prefix, cities in BRANCHES[:count]:
            offset = datetime(*self.start, 15, tzinfo=zoneinfo.ZoneInfo(tz)).utcoffset()
            self.branches.append((name, tz, prefix, cities, int(offset.total_seconds()) // 3600))

        self._plan_tariffs()
        self._plan_connections()
        self._plan_buildings(rng)
        self._plan_homes(rng)

        # Small lookup tables so the account loop draws from them with one call.
        self.pay_days = rng.choices(
            range(1, 29),
            [3 if d <= 10 else 2 if 18 <= d <= 25 else 1 for d in range(1, 29)],
            k=256,
        )
        hours = range(24)
        office, evening = OFFICE_HOURS, EVENING_HOURS
        self.office_times = [
            (h, rng.randrange(60), rng.randrange(60)) for h in rng.choices(hours, office, k=256)
        ]
        self.online_times = []
        for *_, utc_hours in self.branches:
            shift = utc_hours - 3
            weights = [w if h >= shift else 0 for h, w in zip(hours, evening, strict=True)]
            self.online_times.append(
                [
                    (h, rng.randrange(60), rng.randrange(60), shift)
                    for h in rng.choices(hours, weights, k=256)
                ]
            )
        # Around midnight at a month's turn, in the branch's time: an autopayment early on the 1st,
        # a terminal late on the last day. (on the 1st, hour, minute, second, hours past Moscow)
        night, night_w = (21, 22, 23, 0, 1, 2), (2, 3, 3, 6, 3, 1)
        self.night_times = [
            [
                (h < 12, h, rng.randrange(60), rng.randrange(60), utc_hours - 3)
                for h in rng.choices(night, night_w, k=256)
            ]
            for *_, utc_hours in self.branches
        ]

    def _plan_tariffs(self) -> None:
        months = self.months
        names = [t.name for t in TARIFFS]
        self.t_from, self.t_to = [], []
        for t in TARIFFS:
            phased = months >= 6
            self.t_from.append(round(months * t.launch) if phased and t.launch else 0)
            self.t_to.append(max(1, round(months * t.retire)) if phased and t.retire else months)
        self.t_successor = [names.index(t.successor) if t.successor else -1 for t in TARIFFS]
        self.t_upgrades = [tuple(names.index(u) for u in t.upgrades) for t in TARIFFS]
        techs = [tech for tech, _w in BLOCK_TECH]

        def table(tech: str, month: int, legacy: bool) -> tuple[list[int], list[float]]:
            idx = [
                k
                for k, t in enumerate(TARIFFS)
                if tech in t.techs
                and self.t_from[k] <= month < self.t_to[k]
                and (t.legacy if legacy else t.weight) > 0
            ]
            weights = [TARIFFS[k].legacy if legacy else TARIFFS[k].weight for k in idx]
            return idx, list(accumulate(weights))

        self.t_new = {tech: [table(tech, m, False) for m in range(months)] for tech in techs}
        self.t_legacy = {tech: table(tech, 0, True) for tech in techs}

    def _plan_connections(self) -> None:
        season = [
            CONNECT_SEASON[m - 1] * (1 + 0.004 * k) for k, (_y, m) in enumerate(self.month_ym)
        ]
        total = sum(season)
        self.pre = max(1, min(self.n, round(self.n / (1 + CONNECT_RATE * total))))
        new = self.n - self.pre
        conn_cum = [round(new * s / total) for s in accumulate(season)]
        # Account i's connection date (an ordinal); account numbers grow with it. The base
        # connected before the window has tenures of a truncated exponential distribution.
        pre, tenure_k, last = self.pre, 1 - math.exp(-TENURE_MAX / TENURE_MEAN), self.day0 - 1
        self.connected = array(
            "i",
            (
                last - int(-TENURE_MEAN * math.log(1 - (1 - (i + 0.5) / pre) * tenure_k) * 30.4375)
                for i in range(pre)
            ),
        )
        before = 0
        for m, cum in enumerate(conn_cum):
            count, first, dim = cum - before, self.day0 + self.month_start[m], self.dim[m]
            self.connected.extend(first + j * dim // count for j in range(count))
            before = cum

    def _plan_buildings(self, rng: random.Random) -> None:
        n_buildings = max(8, math.ceil(self.n / 30))
        bw = BRANCH_WEIGHTS[: len(self.branches)]
        places: dict[tuple[int, int], int] = {}
        for _ in range(n_buildings):
            b = rng.choices(range(len(bw)), bw)[0]
            c = rng.choices(
                range(len(self.branches[b][3])), CITY_WEIGHTS[: len(self.branches[b][3])]
            )[0]
            places[b, c] = places.get((b, c), 0) + 1
        self.buildings: list[Building] = []
        for (b, c), count in sorted(places.items()):
            streets = [*STREETS[:3], *rng.sample(STREETS[3:], len(STREETS) - 3)]
            street_w = [1 / (k + 1) ** 0.8 for k in range(len(streets))]
            numbers: dict[str, tuple[int, int]] = {}
            for k in range(count):
                street = rng.choices(streets, street_w)[0]
                number, corpus = numbers.get(street, (0, 0))
                if corpus and rng.random() < 0.5:
                    corpus += 1
                    house = f"{number}к{corpus}"
                else:
                    number += 1 + (rng.randrange(4) if rng.random() < 0.3 else 0)
                    r = rng.random()
                    corpus = 1 if r < 0.1 else 0
                    house = f"{number}к1" if corpus else f"{number}А" if r > 0.95 else str(number)
                numbers[street] = number, corpus
                if k and rng.random() < 0.15:  # a private house, for one or two families
                    flats = 1 if rng.random() < 0.8 else 2
                    tech, ports = rng.choices(*zip(*HOUSE_TECH, strict=True))[0], flats
                else:
                    flats = rng.choices(FLATS, FLATS_WEIGHTS)[0]
                    tech = rng.choices(*zip(*BLOCK_TECH, strict=True))[0]
                    ports = _ports(tech, flats)
                city = self.branches[b][3][c]
                self.buildings.append(Building(b, city, street, house, flats, tech, ports, 0))
        # Coverage grows ahead of the base: the k-th building (in coverage order) is covered
        # a little before the account at the same quantile connects.
        order = list(range(len(self.buildings)))
        rng.shuffle(order)
        # The first covered is a block (each city's first building is), so the first accounts
        # find flats.
        first = next(r for r, b in enumerate(order) if self.buildings[b].flats > 2)
        order[0], order[first] = order[first], order[0]
        nb = len(order)
        for rank, b in enumerate(order):
            cov = self.connected[int(rank / nb * self.n * 0.9)] - rng.randint(30, 700)
            self.buildings[b] = replace(self.buildings[b], coverage=cov)

    def _plan_homes(self, rng: random.Random) -> None:
        """Each account's building and flat. A flat holds one account of the export at most, so
        no building ever has more accounts active at once than flats."""
        buildings, n, connected = self.buildings, self.n, self.connected
        by_cov = sorted(range(len(buildings)), key=lambda b: (buildings[b].coverage, b))
        cov_sorted = [buildings[b].coverage for b in by_cov]
        flats = [buildings[b].flats for b in by_cov]
        # A block never has all of its flats with the operator; a house is connected on its
        # owner's request, so it is more likely taken than a block's free flat.
        room = [f if f <= 2 else f * 4 // 5 for f in flats]
        tickets = [3 * f if f <= 2 else f * 4 // 5 for f in flats]
        # Each building lets its flats in an order of its own.
        steps = [FLAT_STEPS[rng.randrange(len(FLAT_STEPS))] for _f in flats]
        starts = [rng.randrange(f) for f in flats]
        used = [0] * len(flats)
        self.home = home = array("i", bytes(4 * n))  # account → building
        self.flat = flat = array("H", bytes(2 * n))  # account → its flat number
        # A new account draws a ticket of a covered building: the more room left, the likelier.
        pool: list[int] = []
        rnd, nb, k = rng.random, len(flats), 0
        for i in range(n):
            conn = connected[i]
            while k < nb and cov_sorted[k] <= conn:
                pool.extend([k] * tickets[k])
                k += 1
            j = -1
            while j < 0:
                if not pool:
                    if k == nb:
                        break
                    # the covered buildings are full: the next one is covered a little earlier
                    buildings[by_cov[k]] = replace(buildings[by_cov[k]], coverage=conn - 30)
                    pool.extend([k] * tickets[k])
                    k += 1
                x = int(rnd() * len(pool))
                j = pool[x]
                pool[x] = pool[-1]
                pool.pop()
                if used[j] >= room[j]:
                    j = -1  # a house's ticket, when the house is taken
            if j < 0:  # every flat of a tiny world is taken: its first block turns out bigger
                bl = buildings[by_cov[0]]
                flats[0] = room[0] = used[0] = used[0] + 1
                buildings[by_cov[0]] = replace(bl, flats=used[0], ports=_ports(bl.tech, used[0]))
                home[i], flat[i] = by_cov[0], used[0]
                continue
            u = used[j]
            used[j] = u + 1
            home[i], flat[i] = by_cov[j], 1 + (starts[j] + u * steps[j]) % flats[j]

"""`python -m bench.search`: every search and filter of the subscriber registry, timed as the
server answers the page (the whole request through Django: session, permissions, the queries,
the template), against an already imported operator (`python -m bench` imports one).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abonent_bench python -m bench.search

Each case runs over many different subscribers' values (phones, names, addresses picked evenly
through the base) and prints the median and the 95th percentile beside the target and beside
the reference measured in the same run: the first page with no filter at all. It also prints the
number of queries each page ran; every page of the registry must run the same few."""

import argparse
import statistics
import sys
import time
from datetime import date

TARGET_MS = 150
FLOOR = "first page, no filter"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=40, help="values per case")
    args = parser.parse_args()
    from bench import django_setup

    django_setup()
    run(args.samples)


def run(samples: int) -> list[tuple]:
    """Time every case for a user of all branches and one of a single branch; print the table
    and return its rows (user, case, median ms, p95 ms, queries)."""
    from django.db import connection

    cases, users = build_cases(samples)
    print(
        f"Subscriber registry on {connection.vendor}: "
        f"{users['count']:,} subscribers, {samples} values per case"
    )
    users = (("all branches", users["head"]), ("one branch", users["operator"]))
    return time_pages("/r/subscribers/", cases, users)


def time_pages(url: str, cases: list, users) -> list[tuple]:
    """Each case's pages (a list of query dicts) as each of `users` ([(label, user)]) gets
    them, through the whole request; print the table beside the first case (the reference)
    and return its rows (user, case, median ms, p95 ms, queries)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = ["*"]
    results = []
    for who, user in users:
        client = Client()
        client.force_login(user)
        for label, queries in cases:
            client.get(url, queries[0])  # warm this plan
            times = []
            for query in queries:
                started = time.perf_counter()
                response = client.get(url, query)
                times.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    sys.exit(f"{label}: HTTP {response.status_code} for {query}")
            with CaptureQueriesContext(connection) as captured:
                client.get(url, queries[-1])
            print(
                f"  {who}, {label}: p95 {percentile(times, 0.95):.0f} ms",
                file=sys.stderr,
                flush=True,
            )
            results.append(
                (
                    who,
                    label,
                    statistics.median(times),
                    percentile(times, 0.95),
                    len(captured.captured_queries),
                )
            )
    floor_label = cases[0][0]
    floor = next(r for r in results if r[1] == floor_label)
    print()
    print("| user | search or filter | median | p95 | queries | target | reference |")
    print("|---|---|---|---|---|---|---|")
    for who, label, median, p95, count in results:
        mark = "" if p95 < TARGET_MS else " **over**"
        print(
            f"| {who} | {label} | {median:.0f} ms | {p95:.0f} ms{mark} | {count} "
            f"| {TARGET_MS} ms | {floor[3]:.0f} ms ({floor_label}, p95) |"
        )
    worst = max(results, key=lambda r: r[3])
    counts = sorted({r[4] for r in results})
    print()
    print(f"slowest p95: {worst[3]:.0f} ms ({worst[0]}: {worst[1]}); queries per page: {counts}")
    return results


def build_cases(samples: int):
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from core.models import Branch, StaffProfile
    from core.registry import _encode, _key, get, ordered
    from core.roles import roles_sync
    from subscribers.models import ExtraAttribute, Status, Subscriber, Tariff

    groups = roles_sync()
    users = {}
    branch = Branch.objects.annotate(n=Count("subscriber")).order_by("-n").first()
    for code, every in (("head", True), ("operator", False)):
        user, _ = get_user_model().objects.get_or_create(username=f"bench_{code}")
        user.groups.set([groups[code]])
        profile, _ = StaffProfile.objects.update_or_create(
            user=user, defaults={"all_branches": every}
        )
        profile.branches.set([] if every else [branch])
        users[code] = user
    total = Subscriber.objects.count()
    users["count"] = total

    # Evenly spaced subscribers: their phones, names and addresses are what people type.
    step = max(1, total // samples)
    ids = list(Subscriber.objects.order_by("pk").values_list("pk", flat=True)[::step][:samples])
    rows = list(
        Subscriber.objects.filter(pk__in=ids)
        .exclude(phone="")
        .select_related("building__street__city", "tariff")
    )
    phones = [r.phone for r in rows]  # +7XXXXXXXXXX
    surnames = [r.full_name.split()[0] for r in rows if r.kind == Subscriber.Kind.PERSON]
    addresses = [f"{r.building.street.name} {r.building.house}" for r in rows if r.building]
    streets = [r.building.street.name.split()[-1] for r in rows if r.building]
    houses = [(r.building.street.name, r.building.house) for r in rows if r.building]
    cities = [r.building.street.city_id for r in rows if r.building]

    def each(values, make):
        return [make(v) for v in values][:samples]

    tariffs = list(Tariff.objects.order_by("pk").values_list("pk", flat=True))
    attribute = ExtraAttribute.objects.order_by("key").first()
    registry = get("subscribers")
    deep = []
    for sort in ("account", "-reported_balance", "connected_on"):
        ordered_rows, fields, _desc = ordered(registry, Subscriber.objects.all(), sort)
        for offset in (10_000, total // 2, total - 100):
            row = ordered_rows[max(0, offset)]
            deep.append({"sort": sort, "after": _encode(_key(row, fields))})

    statuses = [s for s, _ in Status.choices]
    cases = [
        (FLOOR, [{}] * samples),
        ("account", each(rows, lambda r: {"q": r.account})),
        ("phone +7 912 345-67-89", each(phones, lambda p: {"q": fmt_phone(p)})),
        ("phone 89123456789", each(phones, lambda p: {"q": "8" + p[2:]})),
        ("phone 9123456789", each(phones, lambda p: {"q": p[2:]})),
        ("phone, last 4 digits", each(phones, lambda p: {"q": p[-4:]})),
        ("phone, last 7 digits", each(phones, lambda p: {"q": p[-7:]})),
        ("part of the name (surname)", each(surnames, lambda s: {"q": s})),
        (
            "part of the name (lower case, 5 letters)",
            each(surnames, lambda s: {"q": s[:5].lower()}),
        ),
        ("address: street and house", each(addresses, lambda a: {"q": a})),
        ("street alone", each(streets, lambda s: {"q": s})),
        ("filter branch", [{"branch": branch.pk}] * samples),
        ("filter city", each(cities, lambda c: {"city": c})),
        ("filter street + house", each(houses, lambda h: {"street": h[0], "house": h[1]})),
        ("filter status", [{"status": statuses[i % len(statuses)]} for i in range(samples)]),
        ("filter tariff", [{"tariff": tariffs[i % len(tariffs)]} for i in range(samples)]),
        (
            "filter technology",
            [{"technology": t} for t in ("GPON", "FTTB", "DOCSIS", "CATV", "ADSL") * samples][
                :samples
            ],
        ),
        (
            "filter balance range",
            [{"balance_from": -1000 - i * 50, "balance_to": -500} for i in range(samples)],
        ),
        ("filter debtors", [{"debtors": "on"}] * samples),
        ("filter tenure 0–3 months", [{"tenure_to": 3}] * samples),
        ("filter tenure over 5 years", [{"tenure_from": 60}] * samples),
        ("filter connected in a month", [connected_month(i) for i in range(samples)]),
        (
            "sort by balance, debtors of a status",
            [
                {
                    "sort": "-reported_balance",
                    "debtors": "on",
                    "status": statuses[i % len(statuses)],
                }
                for i in range(samples)
            ],
        ),
        ("deep page (keyset), three sorts", (deep * samples)[:samples]),
    ]
    if attribute is not None:
        cases.append(("filter extra attribute present", [{"attribute": attribute.key}] * samples))
    flag = ExtraAttribute.objects.filter(value_type="bool").order_by("key").first()
    if flag is not None:
        cases.append(
            (
                "filter extra attribute = value",
                [{"attribute": flag.key, "attribute_value": "true"}] * samples,
            )
        )
    return cases, users


def fmt_phone(phone: str) -> str:
    d = phone[2:]
    return f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"


def connected_month(i: int) -> dict:
    year, month = divmod(2026 * 12 + 9 - i * 5, 12)
    start = date(year, month + 1, 1)
    end = date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    return {"connected_from": start.isoformat(), "connected_to": end.isoformat()}


if __name__ == "__main__":
    main()

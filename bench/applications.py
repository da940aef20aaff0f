"""`python -m bench.applications`: the registry of applications (2.3.1) at 500,000 applications,
every search and filter timed as the server answers the page (the whole request through Django:
session, permissions, the queries, the template), against an already imported operator.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abonent_bench python -m bench.applications

Once, it writes 500,000 applications of three years into the operator (COPY on PostgreSQL):
both channels' sources, some sixty agents, the operator's buildings and tariffs, the life of an
application by its age (most old ones connected, rejected or cancelled, a few still open and
past their clocks, the last weeks' in every open state). Each case then runs over many values
and prints the median and the 95th percentile beside the target and beside the reference
measured in the same run: the first page with no filter at all."""

import argparse
import random
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

APPLICATIONS = 500_000
FLOOR = "first page, no filter"
AGENTS = 60
PREFIX = "bench_agent_"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=40, help="values per case")
    parser.add_argument("--applications", type=int, default=APPLICATIONS)
    args = parser.parse_args()
    from bench import django_setup

    django_setup()
    run(args.samples, args.applications)


# -- the applications ---------------------------------------------------------------------------
SOURCES = (  # (source, channel, weight, share with an agent to credit)
    ("field_agent", "active", 30, 1.0),
    ("outbound_call", "active", 14, 1.0),
    ("promo_stand", "active", 6, 1.0),
    ("inbound_call", "passive", 22, 0.6),
    ("web_form", "passive", 16, 0.0),
    ("office", "passive", 8, 0.7),
    ("referral", "passive", 4, 0.0),
)
CLOSED = (("connected", 62), ("rejected", 11), ("cancelled", 12), ("no_coverage", 0))
OPEN = (("new", 30), ("qualified", 22), ("scheduled", 30), ("rescheduled", 8), ("installing", 10))


def agents_ensure(branches: list[int]) -> list[tuple[int, int]]:
    """Sixty field agents and coordinators, each of one branch: [(user id, branch id)]."""
    from django.contrib.auth import get_user_model

    from core.models import StaffProfile
    from core.roles import roles_sync

    group = roles_sync()["sales_agent"]
    users = []
    for n in range(AGENTS):
        branch = branches[n % len(branches)]
        user, _ = get_user_model().objects.get_or_create(username=f"{PREFIX}{n:02d}")
        user.groups.set([group])
        profile, _ = StaffProfile.objects.get_or_create(user=user)
        profile.branches.set([branch])
        users.append((user.pk, branch))
    return users


def generate(total: int, seed: int = 42) -> float:
    """Write `total` applications (none if the generated ones are there); seconds spent."""
    from django.db import connection, transaction
    from django.db.models import Max

    from sales.models import Application
    from subscribers.generator.reference import FEMALE, MALE, SURNAMES
    from subscribers.models import Building, Tariff

    if Application.objects.filter(created_by=None, note="bench").count() >= total:
        return 0.0
    started = time.perf_counter()
    rng = random.Random(seed)
    buildings = list(
        Building.objects.values_list(
            "pk", "street__city__branch_id", "street__name", "house", "technology", "flats"
        )
    )
    branches = sorted({b[1] for b in buildings})
    agents = agents_ensure(branches)
    by_branch = {b: [a for a, ab in agents if ab == b] for b in branches}
    tariffs = list(Tariff.objects.values_list("pk", flat=True)) or [None]
    now = datetime.now(UTC).replace(microsecond=0)
    first = now - timedelta(days=3 * 365)
    span = (now - first).total_seconds()
    sources = [s for s in SOURCES for _ in range(s[2])]
    closed = [s for s, w in CLOSED for _ in range(w)]
    opened = [s for s, w in OPEN for _ in range(w)]
    start_id = (Application.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    columns = (
        "id", "number", "branch_id", "source", "channel", "state", "state_changed_at",
        "full_name", "phone", "email", "address", "building_id", "flat", "technology",
        "tariff_id", "agent_id", "paid", "paid_at", "note", "created_at", "first_contact_at",
        "contact_due", "install_due", "connected_at",
    )  # fmt: skip
    rows = []
    # More applications lately: the operator grows (the power bends time towards now). They
    # come in the order of their registration, as the table fills in a real database.
    moments = sorted(first + timedelta(seconds=span * (rng.random() ** 0.7)) for _ in range(total))
    for i, created in enumerate(moments):
        pk = start_id + i
        building = rng.choice(buildings)
        source, channel, _weight, credited = rng.choice(sources)
        age = (now - created).days
        if rng.random() < 0.07:  # typed outside coverage
            state, building_id, technology = "no_coverage", None, ""
            address = f"{building[2]}, {rng.randint(150, 400)}"
        else:
            state = rng.choice(closed) if age > 30 or rng.random() < age / 40 else None
            if state is None or (age > 30 and rng.random() < 0.015):  # a few left open, late
                state = rng.choice(opened)
            building_id, technology = building[0], building[4]
            address = f"{building[2]}, {building[3]}"
        agent = None
        if rng.random() < credited:
            agent = rng.choice(by_branch[building[1]])
        male = rng.random() < 0.5
        name = rng.choice(SURNAMES) + ("" if male else "а")
        full_name = f"{name} {rng.choice(MALE if male else FEMALE)}"
        paid = Decimal(rng.choice((0, 0, 0, 500, 1000, 1500))) if state != "no_coverage" else 0
        contact = created + timedelta(minutes=rng.randint(5, 240))
        first_contact = contact if state not in ("new", "no_coverage") else None
        connected = created + timedelta(days=rng.randint(1, 9)) if state == "connected" else None
        rows.append(
            (
                pk, f"{created:%y}-{pk:06d}", building[1], source, channel, state,
                connected or first_contact or created, full_name,
                f"+79{rng.randint(0, 999_999_999):09d}", "", address, building_id,
                str(rng.randint(1, building[5] or 60)) if building_id else "", technology,
                rng.choice(tariffs), agent, paid, created if paid else None, "bench", created,
                first_contact, created + timedelta(minutes=30), created + timedelta(days=5),
                connected,
            )
        )  # fmt: skip
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                sql = f"COPY sales_application ({', '.join(columns)}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence('sales_application', 'id'), "
                    "(SELECT max(id) FROM sales_application))"
                )
        else:
            marks = ", ".join("%s" for _ in columns)
            sql = f"INSERT INTO sales_application ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
            with connection.cursor() as cursor:
                for chunk in range(0, len(rows), 10_000):
                    cursor.executemany(
                        sql,
                        [tuple(_sqlite(v) for v in row) for row in rows[chunk : chunk + 10_000]],
                    )
    with connection.cursor() as cursor:
        # As autovacuum leaves a live table: its statistics, and the visibility map that lets
        # an index answer alone.
        cursor.execute(
            "VACUUM ANALYZE sales_application"
            if connection.vendor == "postgresql"
            else "ANALYZE sales_application"
        )
    return time.perf_counter() - started


def _sqlite(value):
    from core.sql import db_datetime

    if isinstance(value, datetime):
        return db_datetime(value)
    if isinstance(value, Decimal):
        return str(value)
    return value


# -- the cases ----------------------------------------------------------------------------------
def build_cases(samples: int):
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from core.models import StaffProfile
    from core.registry import _encode, _key, get, ordered
    from core.roles import roles_sync
    from sales.models import Application, Source

    groups = roles_sync()
    branch_id = (
        Application.objects.values("branch").annotate(n=Count("id")).order_by("-n")[0]["branch"]
    )
    users = {}
    for code, every in (("head", True), ("coordinator", False)):
        user, _ = get_user_model().objects.get_or_create(username=f"bench_sales_{code}")
        user.groups.set([groups[code]])
        profile, _ = StaffProfile.objects.update_or_create(
            user=user, defaults={"all_branches": every}
        )
        profile.branches.set([] if every else [branch_id])
        users[code] = user
    total = Application.objects.count()
    step = max(1, total // samples)
    ids = list(Application.objects.order_by("pk").values_list("pk", flat=True)[::step][:samples])
    rows = list(Application.objects.filter(pk__in=ids))
    agents = list(
        get_user_model()
        .objects.filter(username__startswith=PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    registry = get("applications")
    deep = []
    for sort in ("-created_at", "contact_due"):
        ordered_rows, fields, _desc = ordered(registry, Application.objects.all(), sort)
        for offset in (10_000, total // 2, total - 100):
            row = ordered_rows[max(0, offset)]
            deep.append({"sort": sort, "after": _encode(_key(row, fields))})

    def each(make):
        return [make(r) for r in rows][:samples]

    def cycle(values, make):
        return [make(values[i % len(values)]) for i in range(samples)]

    states = [s for s, _ in Application.State.choices]
    months = [(2026 * 12 + 9 - i * 3) for i in range(samples)]
    cases = [
        (FLOOR, [{}] * samples),
        ("number", each(lambda r: {"q": r.number})),
        ("phone +7 912 345-67-89", each(lambda r: {"q": fmt_phone(r.phone)})),
        ("phone, last 4 digits", each(lambda r: {"q": r.phone[-4:]})),
        ("part of the name (surname)", each(lambda r: {"q": r.full_name.split()[0]})),
        ("part of the address (street)", each(lambda r: {"q": r.address.split(",")[0]})),
        ("filter state", cycle(states, lambda s: {"state": s})),
        ("filter open states", [{"state": ["new", "qualified", "scheduled"]}] * samples),
        ("filter source", cycle([s for s, _ in Source.choices], lambda s: {"source": s})),
        ("filter channel", cycle(["active", "passive"], lambda c: {"channel": c})),
        ("filter branch", [{"branch": branch_id}] * samples),
        ("filter agent", cycle(agents, lambda a: {"agent": a})),
        ("filter registered in a month", [month_range(m) for m in months]),
        ("filter SLA breached", [{"overdue": "true"}] * samples),
        ("filter SLA kept", [{"overdue": "false"}] * samples),
        (
            "state + source + a month",
            [
                {"state": "connected", "source": SOURCES[i % len(SOURCES)][0], **month_range(m)}
                for i, m in enumerate(months)
            ],
        ),
        ("sort by first contact due, open", [{"sort": "contact_due", "state": "new"}] * samples),
        ("deep page (keyset), two sorts", (deep * samples)[:samples]),
    ]
    return cases, users, total


def fmt_phone(phone: str) -> str:
    d = phone[2:]
    return f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"


def month_range(index: int) -> dict:
    year, month = divmod(index, 12)
    after = f"{year}-{month + 1:02d}-01"
    year, month = divmod(index + 1, 12)
    before = f"{year}-{month + 1:02d}-01"
    return {"created_after": after, "created_before": before}


def run(samples: int, total: int = APPLICATIONS) -> list[tuple]:
    from django.db import connection

    from bench.search import time_pages

    made = generate(total)
    cases, users, count = build_cases(samples)
    print(
        f"Registry of applications on {connection.vendor}: {count:,} applications "
        f"(made in {made:.0f} s), {samples} values per case"
    )
    users = (("all branches", users["head"]), ("one branch", users["coordinator"]))
    return time_pages("/r/applications/", cases, users)


if __name__ == "__main__":
    main()

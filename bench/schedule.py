"""`python -m bench.schedule`: the installation schedule's board of a branch with 50 teams for a
week, timed as the server answers the page (the whole request through Django: session,
permissions, the queries, the template).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/abonent_bench python -m bench.schedule

It makes (once, set-based) a branch "Bench schedule" with 50 teams of 4 slots a day, two visits
a slot, and about two thirds of the places booked, then prints the median and the 95th
percentile beside the target and beside the reference measured in the same run: a bare
`SELECT count(*)` of the same slots."""

import argparse
import statistics
import time
from datetime import date, datetime, timedelta

TARGET_MS = 300
TEAMS = 50
BRANCH = "Bench schedule"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=30, help="requests timed")
    args = parser.parse_args()
    from bench import django_setup

    django_setup()
    run(args.samples)


def generate(monday: date):
    """The branch, its teams, a week of slots and the visits in them (skipped if there)."""
    from django.db import transaction
    from django.db.models import Count, OuterRef, Subquery
    from django.db.models.functions import Coalesce
    from django.utils import timezone

    from core.models import Branch
    from sales.models import Application, Slot, Team, Visit
    from sales.schedule import slots_ensure

    branch, _ = Branch.objects.get_or_create(name=BRANCH)
    end = monday + timedelta(days=6)
    with transaction.atomic():
        Team.objects.bulk_create(
            [
                Team(
                    branch=branch,
                    name=f"Team {n:02d}",
                    technologies=["FTTB", "GPON"],
                    weekdays=[1, 2, 3, 4, 5, 6, 7],
                    slot_capacity=2,
                    slot_times=["09:00-11:00", "11:00-13:00", "14:00-16:00", "16:00-18:00"],
                )  # fmt: skip
                for n in range(TEAMS)
            ],
            ignore_conflicts=True,
        )
        slots_ensure(branch=branch, start=monday, end=end)
        if Visit.objects.filter(
            slot__team__branch=branch, slot__date__range=(monday, end)
        ).exists():
            return branch
        slots = list(
            Slot.objects.filter(team__branch=branch, date__range=(monday, end)).order_by("id")
        )
        now = timezone.now()
        wanted = [(slot, place) for i, slot in enumerate(slots) for place in range(i % 3)]
        first = Application.objects.count()
        applications = Application.objects.bulk_create(
            [
                Application(
                    number=f"B-{first + i:08d}",
                    branch=branch,
                    source="inbound_call",
                    channel="passive",
                    state=Application.State.SCHEDULED,
                    state_changed_at=now,
                    contact_due=now,
                    install_due=now + timedelta(days=5),
                    full_name=f"Bench prospect {i}",
                    phone=f"+7912{i:07d}",
                    address=f"ул. Стендовая, {i % 200 + 1}",
                    flat=str(i % 90 + 1),
                    technology="FTTB",
                )  # fmt: skip
                for i in range(len(wanted))
            ],
            batch_size=1000,
        )
        if applications[0].pk is None:  # backends that do not return ids
            applications = list(Application.objects.filter(branch=branch).order_by("id"))
        Visit.objects.bulk_create(
            [
                Visit(application=a, slot=slot, order=place)
                for a, (slot, place) in zip(applications, wanted, strict=True)
            ],
            batch_size=1000,
        )

        booked = (
            Visit.objects.filter(slot=OuterRef("pk"))
            .values("slot")
            .annotate(n=Count("id"))
            .values("n")
        )
        Slot.objects.filter(team__branch=branch, date__range=(monday, end)).update(
            booked=Coalesce(Subquery(booked), 0)
        )
    return branch


def run(samples: int) -> dict:
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench.search import percentile
    from core.models import StaffProfile
    from core.roles import roles_sync
    from sales.models import Slot, Visit
    from sales.schedule import local_now

    settings.ALLOWED_HOSTS = ["*"]
    groups = roles_sync()
    user, _ = get_user_model().objects.get_or_create(username="bench_coordinator")
    user.groups.set([groups["coordinator"]])
    StaffProfile.objects.update_or_create(user=user, defaults={"all_branches": True})

    from core.models import Branch

    branch, _ = Branch.objects.get_or_create(name=BRANCH)
    today = local_now(branch).date()
    monday = today - timedelta(days=today.weekday())
    started = time.perf_counter()
    generate(monday)
    made = time.perf_counter() - started
    end = monday + timedelta(days=6)
    slots = Slot.objects.filter(team__branch=branch, date__range=(monday, end))
    visits = Visit.objects.filter(slot__team__branch=branch, slot__date__range=(monday, end))
    print(
        f"Schedule board on {connection.vendor}: {TEAMS} teams, {slots.count():,} slots and "
        f"{visits.count():,} visits in the week (made in {made:.1f} s)"
    )

    client = Client()
    client.force_login(user)
    url = f"{reverse('sales:schedule')}?branch={branch.pk}&view=week&date={monday:%Y-%m-%d}"
    assert client.get(url).status_code == 200  # warm: the slots exist, the templates loaded
    page = []
    for _ in range(samples):
        with CaptureQueriesContext(connection) as queries:
            t0 = time.perf_counter()
            response = client.get(url)
            page.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200

    sql, params = slots.values("id").query.sql_with_params()
    reference = []
    with connection.cursor() as cursor:
        for _ in range(samples):
            t0 = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM ({sql}) AS s", params)  # noqa: S608 — our own
            cursor.fetchone()
            reference.append((time.perf_counter() - t0) * 1000)

    result = {
        "p50": statistics.median(page),
        "p95": percentile(page, 0.95),
        "reference_p50": statistics.median(reference),
        "queries": len(queries),
    }
    print("| measure | p50 ms | p95 ms | target ms | queries |")
    print("|---|---|---|---|---|")
    print(
        f"| board, week of {TEAMS} teams | {result['p50']:.1f} | {result['p95']:.1f} | "
        f"{TARGET_MS} | {result['queries']} |"
    )
    print(
        f"| reference: SELECT count(*) of the same slots | {result['reference_p50']:.2f} | "
        f"{percentile(reference, 0.95):.2f} | | 1 |"
    )
    verdict = "meets" if result["p95"] < TARGET_MS else "MISSES"
    print(f"The board {verdict} its target of {TARGET_MS} ms (p95) on {datetime.now():%Y-%m-%d}.")
    return result


if __name__ == "__main__":
    main()

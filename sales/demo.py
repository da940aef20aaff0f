"""The demo operator's coordination data: teams with their weeks, reasons, and applications of
the past three months (most connected, some rejected or cancelled, a few still open) and of
the next two weeks booked into the schedule, written in bulk (demo_setup)."""

import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core.models import Branch
from subscribers.models import Building, Tariff

from .models import (
    Application,
    ApplicationEvent,
    Installer,
    Reason,
    Slot,
    Source,
    Team,
    Visit,
    channel_of,
)
from .schedule import slots_ensure
from .standard import reasons_install

S = Application.State
SLOTS = ["09:00-11:00", "11:00-13:00", "14:00-16:00", "16:00-18:00"]
SOURCES = [
    (Source.INBOUND_CALL, 30), (Source.WEB_FORM, 20), (Source.FIELD_AGENT, 20),
    (Source.OFFICE, 10), (Source.PROMO_STAND, 8), (Source.OUTBOUND_CALL, 7),
    (Source.REFERRAL, 5),
]  # fmt: skip
NAMES = ["Иванов Сергей", "Петрова Анна", "Смирнов Олег", "Кузнецова Ольга", "Попов Денис",
         "Васильева Мария", "Соколов Артём", "Михайлова Ирина", "Новиков Павел",
         "Фёдорова Елена"]  # fmt: skip


def _teams(branch: Branch, technologies: list[str]) -> list[Team]:
    teams = []
    for i in range(1, 4):
        team, _created = Team.objects.get_or_create(
            branch=branch, name=f"{branch.name[:20]} · {i}",
            defaults={"technologies": technologies, "weekdays": [1, 2, 3, 4, 5, 6],
                      "slot_times": SLOTS, "slot_capacity": 1},
        )  # fmt: skip
        teams.append(team)
    return teams


@transaction.atomic
def demo_sales_seed(*, days_back: int = 90, days_ahead: int = 14, seed: int = 11) -> int:
    """Make the demo's coordination data unless there is some; returns the applications made."""
    if Application.objects.exists():
        return 0
    reasons_install()
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    User = get_user_model()
    agent = User.objects.filter(username="sales_agent").first()
    coordinator = User.objects.filter(username="coordinator").first()
    tariffs = list(Tariff.objects.all()[:6])
    rejected = list(Reason.objects.filter(kind="rejected"))
    cancelled = list(Reason.objects.filter(kind="cancelled"))
    made = 0
    for branch in Branch.objects.order_by("pk"):
        buildings = list(
            Building.objects.filter(street__city__branch=branch)
            .exclude(technology="")
            .select_related("street")[:400]
        )
        if not buildings:
            continue
        teams = _teams(branch, sorted({b.technology for b in buildings}))
        slots_ensure(
            branch=branch,
            start=today - timedelta(days=days_back),
            end=today + timedelta(days=days_ahead),
        )
        installer = User.objects.filter(username="installer").first()
        if installer is not None and not Installer.objects.filter(user=installer).exists():
            Installer.objects.create(user=installer, team=teams[0])
        apps, events, visits = [], [], []
        for back in range(days_back, -1, -1):
            day = today - timedelta(days=back)
            for _n in range(rng.randint(2, 6)):
                building = rng.choice(buildings)
                source = rng.choices([s for s, _w in SOURCES], [w for _s, w in SOURCES])[0]
                at = timezone.make_aware(
                    datetime.combine(day, time(rng.randint(8, 19), rng.randint(0, 59)))
                )
                age = back
                if age > 10:
                    state = rng.choices([S.CONNECTED, S.REJECTED, S.CANCELLED], [75, 15, 10])[0]
                elif age > 2:
                    state = rng.choices([S.CONNECTED, S.SCHEDULED, S.QUALIFIED], [40, 45, 15])[0]
                else:
                    state = rng.choices([S.NEW, S.QUALIFIED], [60, 40])[0]
                apps.append(Application(
                    number=f"{day:%y}-D{made:05d}", branch=branch, source=source,
                    channel=channel_of(source), state=state, state_changed_at=at,
                    full_name=rng.choice(NAMES), phone=f"+7912{rng.randint(1000000, 9999999)}",
                    address=f"{building.street.name}, {building.house}", building=building,
                    flat=str(rng.randint(1, max(building.flats, 1))),
                    technology=building.technology,
                    tariff=rng.choice(tariffs) if tariffs else None,
                    agent=agent if source in (Source.FIELD_AGENT, Source.PROMO_STAND) else None,
                    paid=Decimal(rng.choice([0, 0, 500, 1000])),
                    reason=rng.choice(rejected) if state == S.REJECTED and rejected else (
                        rng.choice(cancelled) if state == S.CANCELLED and cancelled else None),
                    created_by=coordinator,
                    first_contact_at=at + timedelta(minutes=rng.randint(5, 90)),
                    contact_due=at + timedelta(minutes=30), install_due=at + timedelta(days=5),
                    connected_at=(
                        min(at + timedelta(days=rng.randint(1, 6)), now)
                        if state == S.CONNECTED
                        else None
                    ),
                ))  # fmt: skip
                made += 1
        Application.objects.bulk_create(apps, batch_size=1000)
        for application in Application.objects.filter(branch=branch).order_by("pk"):
            events.append(ApplicationEvent(
                application=application, action="create", to_state=application.state,
                by=coordinator, at=application.state_changed_at,
            ))  # fmt: skip
        ApplicationEvent.objects.bulk_create(events, batch_size=2000)
        # created_at is set on saving: put it back on the day the application came.
        Application.objects.filter(branch=branch).update(created_at=F("state_changed_at"))
        # Visits: done in the past for the connected, booked in the next days for the scheduled.
        free = {
            (slot.team_id, slot.date, slot.starts): slot
            for slot in Slot.objects.filter(team__in=teams, booked=0).select_related("team")
        }
        keys = sorted(free)
        for application in Application.objects.filter(
            branch=branch, state__in=[S.CONNECTED, S.SCHEDULED]
        ):
            if application.state == S.CONNECTED:
                wanted = application.connected_at.date()
                state = Visit.State.DONE
            else:
                wanted = today + timedelta(days=rng.randint(1, days_ahead - 1))
                state = Visit.State.BOOKED
            key = next((k for k in keys if k[1] >= wanted and k in free
                        and application.technology in free[k].team.technologies), None)  # fmt: skip
            if key is None:
                continue
            slot = free.pop(key)
            visits.append(
                Visit(application=application, slot=slot, state=state, booked_by=coordinator)
            )
        Visit.objects.bulk_create(visits, batch_size=1000)
        Slot.objects.filter(pk__in=[v.slot_id for v in visits]).update(booked=F("booked") + 1)
    return made

"""The head's monthly plans of connections (SalesPlan): the grid of a month (each branch and its
sales agents) to read, and saving it; every change is kept by the model's history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from core.access import branches_of

from .models import SalesPlan

AGENT_ROLE = "sales_agent"
MOST = 100_000  # a plan beyond this is a typing error


@dataclass
class PlanCell:
    """One input of the grid: a branch (agent None) or an agent of it."""

    branch_id: int
    agent_id: int | None
    label: str
    value: int | None
    previous: int | None  # the month before, for reference

    @property
    def name(self) -> str:
        return f"plan-{self.branch_id}-{self.agent_id or 0}"


@dataclass
class PlanBranch:
    branch_id: int
    name: str
    cells: list[PlanCell] = field(default_factory=list)  # the branch first, then its agents


def _previous(month: date) -> date:
    return (month.replace(day=1) - timedelta(days=1)).replace(day=1)


def plans_grid(*, user, month: date) -> list[PlanBranch]:
    """The month's plans of the user's branches: each branch, then its agents (active users of
    the sales agent role working in the branch, and whoever already has a plan there)."""
    month = month.replace(day=1)
    branches = list(branches_of(user))
    ids = [b.pk for b in branches]
    plans = {
        (p.month, p.branch_id, p.agent_id): p.connections
        for p in SalesPlan.objects.filter(month__in=[month, _previous(month)], branch__in=ids)
    }
    users = get_user_model().objects.filter(
        Q(groups__name=AGENT_ROLE, is_active=True)
        | Q(pk__in=[a for (_m, _b, a) in plans if a is not None])
    )
    people = {}
    works_in: dict[int, set[int]] = {}
    for pk, first, last, username, every, branch in users.values_list(
        "pk",
        "first_name",
        "last_name",
        "username",
        "staff_profile__all_branches",
        "staff_profile__branches",
    ).distinct():
        people[pk] = " ".join(p for p in (first, last) if p) or username
        for b in ids if every else [branch] if branch else []:
            works_in.setdefault(b, set()).add(pk)
    grid = []
    for branch in branches:
        row = PlanBranch(branch.pk, branch.name)
        row.cells.append(
            PlanCell(
                branch.pk,
                None,
                branch.name,
                plans.get((month, branch.pk, None)),
                plans.get((_previous(month), branch.pk, None)),
            )
        )
        agents = works_in.get(branch.pk, set()) | {
            a for (m, b, a) in plans if b == branch.pk and a is not None and m == month
        }
        for agent_id in sorted(agents, key=lambda a: people.get(a, "").casefold()):
            row.cells.append(
                PlanCell(
                    branch.pk,
                    agent_id,
                    people.get(agent_id, str(agent_id)),
                    plans.get((month, branch.pk, agent_id)),
                    plans.get((_previous(month), branch.pk, agent_id)),
                )
            )
        grid.append(row)
    return grid


@transaction.atomic
def plans_save(*, month: date, values: dict[tuple[int, int | None], int | None], by) -> int:
    """Set the month's plans: (branch id, agent id or None) → connections, None removes the
    plan. Each row is saved on its own so the history records who changed what. Returns the
    number of plans changed."""
    month = month.replace(day=1)
    current = {
        (p.branch_id, p.agent_id): p
        for p in SalesPlan.objects.select_for_update().filter(
            month=month, branch__in={b for b, _a in values}
        )
    }
    changed = 0
    for (branch_id, agent_id), connections in values.items():
        plan = current.get((branch_id, agent_id))
        if connections is None:
            if plan is not None:
                plan._history_user = by
                plan.delete()
                changed += 1
            continue
        if plan is None:
            plan = SalesPlan(month=month, branch_id=branch_id, agent_id=agent_id)
        elif plan.connections == connections:
            continue
        plan.connections = connections
        plan._history_user = by
        plan.save()
        changed += 1
    return changed

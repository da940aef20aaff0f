"""Workflows as data (STYLE.md, "State machines are data"): each workflow declares its states,
the transitions between them, who may make each (a permission), and whether a reason from the
list is required. The service that moves an object asks `Workflow.step()`, which refuses an
illegal step with a translated message; the pages render the allowed buttons from `allowed()`;
a test walks every pair of states.

    APPLICATION = Workflow(
        states={"new": _("New"), "qualified": _("Qualified"), ...},
        transitions=[
            Transition("qualify", _("Qualify"), ("new",), "qualified", "sales.change_application"),
            Transition("reject", _("Reject"), ("new", "qualified"), "rejected",
                       "sales.change_application", reason="rejected"),
        ],
    )
"""

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Transition:
    action: str  # the service's word for it: "qualify", "schedule"
    label: Promise | str  # the button
    sources: tuple[str, ...]  # the states it starts from
    target: str
    permission: str | None = None  # who may ("app.codename"); None: anyone who may see it
    reason: str = ""  # the kind of reason from the list it requires, "" for none
    automatic: bool = False  # made by the system (a booking, a closed job), never a button


@dataclass
class Workflow:
    states: dict[str, Promise | str]
    transitions: list[Transition]
    final: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self):
        seen = set()
        for t in self.transitions:
            unknown = {*t.sources, t.target} - set(self.states)
            if unknown:
                raise ValueError(f"transition {t.action}: unknown states {sorted(unknown)}")
            for source in t.sources:
                if (source, t.action) in seen:
                    raise ValueError(f"transition {t.action} twice from {source}")
                seen.add((source, t.action))

    def label(self, state: str) -> str:
        return str(self.states.get(state, state))

    def find(self, state: str, action: str) -> Transition | None:
        return next(
            (t for t in self.transitions if t.action == action and state in t.sources), None
        )

    def allowed(self, state: str, user=None, *, automatic: bool = False) -> list[Transition]:
        """The transitions from `state` this user may make (the buttons)."""
        return [
            t
            for t in self.transitions
            if state in t.sources
            and (automatic or not t.automatic)
            and (user is None or t.permission is None or user.has_perm(t.permission))
        ]

    def step(self, state: str, action: str, *, user=None, reason=None) -> Transition:
        """The transition `action` from `state`, checked: an illegal one, one the user may not
        make, or one without its required reason is refused."""
        transition = self.find(state, action)
        if transition is None:
            any_named = any(t.action == action for t in self.transitions)
            if not any_named:
                raise ValidationError(
                    _("There is no such step: “%(action)s”.") % {"action": action}
                )
            raise ValidationError(
                _("It cannot be done now: the item is “%(state)s”.") % {"state": self.label(state)}
            )
        if user is not None and transition.permission and not user.has_perm(transition.permission):
            raise PermissionDenied(_("Your role may not do this."))
        if transition.reason and not reason:
            raise ValidationError({"reason": _("Choose the reason.")})
        return transition

    def reachable(self, start: str) -> set[str]:
        seen, todo = {start}, [start]
        while todo:
            state = todo.pop()
            for t in self.transitions:
                if state in t.sources and t.target not in seen:
                    seen.add(t.target)
                    todo.append(t.target)
        return seen

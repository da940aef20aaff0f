"""The application's workflow (1.3, 3.2.2) as data: its states, steps, who may take each and
which need a reason from the list. Steps marked automatic are the system's: booking a visit
schedules the application, the installer's start and close move it to installing and
connected (or back to rescheduled when the visit fails)."""

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow

from .models import Application, ReasonKind

S = Application.State
CHANGE = "sales.change_application"

APPLICATION = Workflow(
    states=dict(S.choices),
    transitions=[
        Transition("qualify", _("Qualified"), (S.NEW,), S.QUALIFIED, CHANGE),
        Transition("no_coverage", _("No coverage"), (S.NEW, S.QUALIFIED), S.NO_COVERAGE, CHANGE),
        Transition("reopen", _("Coverage is there now"), (S.NO_COVERAGE,), S.NEW, CHANGE),
        Transition(
            "schedule", _("Book a visit"), (S.QUALIFIED, S.RESCHEDULED), S.SCHEDULED, CHANGE,
            automatic=True,
        ),
        Transition(
            "reschedule", _("Reschedule"), (S.SCHEDULED,), S.RESCHEDULED, CHANGE,
            reason=ReasonKind.RESCHEDULED,
        ),
        Transition(
            "start", _("Installation started"), (S.SCHEDULED,), S.INSTALLING, None, automatic=True
        ),
        Transition(
            "connect", _("Connected"), (S.INSTALLING,), S.CONNECTED, None, automatic=True
        ),
        Transition(
            "fail", _("Installation failed"), (S.INSTALLING,), S.RESCHEDULED, None,
            reason=ReasonKind.FAILED, automatic=True,
        ),
        Transition(
            "reject", _("Reject"), (S.NEW, S.QUALIFIED, S.NO_COVERAGE), S.REJECTED, CHANGE,
            reason=ReasonKind.REJECTED,
        ),
        Transition(
            "cancel", _("Cancel"), (S.QUALIFIED, S.SCHEDULED, S.RESCHEDULED), S.CANCELLED,
            CHANGE, reason=ReasonKind.CANCELLED,
        ),
    ],
    final=frozenset({S.CONNECTED, S.REJECTED, S.CANCELLED}),
)  # fmt: skip

# Open: the coordinator still has something to do with it.
OPEN = (S.NEW, S.QUALIFIED, S.SCHEDULED, S.RESCHEDULED, S.INSTALLING)

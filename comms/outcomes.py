"""What a call's outcome may start in another block: a promise to pay (receivables), an
application (sales), a retention case (retention), a QC record (quality).

Each block registers its actions in its AppConfig.ready(); a script's end step names one by its
code (comms.graph), and the player runs it in the same transaction as the call record, so a
call is never logged with its action half done. comms registers the one it owns: the
subscriber asks not to be offered anything again (an opt-out)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# (call, the user, the values the operator entered) → what was made, for the call record.
Run = Callable[..., str]


@dataclass(frozen=True)
class OutcomeAction:
    code: str
    label: Promise | str
    run: Run
    needs_subscriber: bool = True


_ACTIONS: dict[str, OutcomeAction] = {}


def register(action: OutcomeAction) -> OutcomeAction:
    _ACTIONS[action.code] = action
    return action


def registered() -> list[OutcomeAction]:
    return sorted(_ACTIONS.values(), key=lambda a: a.code)


def get(code: str) -> OutcomeAction | None:
    return _ACTIONS.get(code)


def _opt_out(*, call, by, values) -> str:
    from .models import OptOut

    OptOut.objects.get_or_create(
        subscriber=call.subscriber,
        defaults={"source": OptOut.Source.CARD, "created_by": by},
    )
    return _("Opted out of offers")


register(OutcomeAction("comms.opt_out", gettext_lazy("Opt the subscriber out of offers"), _opt_out))

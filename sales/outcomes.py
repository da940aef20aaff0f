"""What a call's outcome does to the application it was made about (comms.outcomes): the
prospect's call (3.3.6) qualifies it, the reminder (2.4.1) records the confirmed visit."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comms.outcomes import OutcomeAction, register


def _application_of(call):
    link = getattr(call, "application_link", None)
    return link.application if link is not None else None


def _qualify(*, call, by, values) -> str:
    from .services import application_step

    application = _application_of(call)
    if application is None:
        return _("No application is linked to this call.")
    if application.state != application.State.NEW:
        return _("Application %(number)s was already qualified.") % {"number": application.number}
    application_step(application=application, action="qualify", by=by, note=_("By call"))
    return _("Application %(number)s qualified") % {"number": application.number}


def _confirmed(*, call, by, values) -> str:
    from .models import ApplicationEvent

    application = _application_of(call)
    if application is None:
        return _("No application is linked to this call.")
    from django.utils import timezone

    ApplicationEvent.objects.create(
        application=application, action="confirm", from_state=application.state,
        to_state=application.state, note=_("The subscriber confirmed the visit by phone."),
        by=by, at=timezone.now(),
    )  # fmt: skip
    return _("Visit confirmed for application %(number)s") % {"number": application.number}


register(OutcomeAction("sales.qualify", gettext_lazy("Qualify the application"), _qualify, False))
register(
    OutcomeAction(
        "sales.visit_confirmed", gettext_lazy("Record the confirmed visit"), _confirmed, False
    )
)

"""The script player: a call made step by step with a published script, logged as it goes.

A call starts at the script's start step with the version published then, and every step the
operator passes is a CallStep, with the answer chosen there. Each move names the position it
was made from, so a form sent twice (or from a stale tab) moves the call once. The call ends
with its result (was the subscriber reached) and, at an end step, its outcome: the outcome's
action in another block (comms.outcomes) and its SMS after the call (the outbox) are written in
the same transaction as the record."""

from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from subscribers.models import Subscriber

from . import graph, outcomes, placeholders, triggers
from .models import (
    Call,
    CallListEntry,
    CallObjection,
    CallResult,
    CallStep,
    MessageTemplate,
    Objection,
    Script,
)
from .outbox import OutboxError, template_queue
from .scripts import current_version


def call_start(
    *,
    script: Script,
    operator,
    subscriber: Subscriber | None = None,
    phone: str = "",
    entry: CallListEntry | None = None,
) -> Call:
    """A call with the script's current version, at its start step."""
    version = current_version(script)
    if version is None:
        raise ValidationError(_("The script “%(name)s” is not published yet.") % {"name": script})
    if not script.active:
        raise ValidationError(_("The script “%(name)s” is not in use.") % {"name": script})
    now = timezone.now()
    branch = subscriber.branch if subscriber is not None else _operator_branch(operator)
    with transaction.atomic():
        call = Call.objects.create(
            subscriber=subscriber,
            phone=phone or (subscriber.phone if subscriber is not None else ""),
            branch=branch,
            operator=operator,
            script_version=version,
            entry=entry,
            started_at=now,
        )
        CallStep.objects.create(call=call, order=0, node=version.graph["start"], at=now)
    return call


def _operator_branch(user):
    profile = getattr(user, "staff_profile", None)
    return profile.branches.order_by("pk").first() if profile is not None else None


@dataclass(frozen=True)
class Position:
    """Where a call stands: its steps so far and the step it is at."""

    steps: list[CallStep]
    node: dict

    @property
    def number(self) -> int:
        return len(self.steps) - 1


def position(call: Call) -> Position:
    steps = list(call.steps.order_by("order"))
    node = graph.node(call.script_version.graph, steps[-1].node) or {}
    return Position(steps, node)


def _locked(call: Call, by) -> Call:
    call = Call.objects.select_for_update().select_related("script_version").get(pk=call.pk)
    if call.operator_id != by.pk:
        raise PermissionDenied(_("Only the operator making the call may record it."))
    if call.ended_at is not None:
        raise ValidationError(_("This call is already recorded."))
    return call


@transaction.atomic
def call_advance(*, call: Call, by, at: int, answer: str = "") -> Call:
    """Go on from step number `at`: to the next step, or where the chosen answer leads. A move
    from a step the call has already left (a form sent twice) changes nothing."""
    call = _locked(call, by)
    here = position(call)
    if at != here.number:
        return call
    node = here.node
    if node.get("kind") == graph.END:
        raise ValidationError(_("The call is at its end: record the outcome."))
    if node.get("kind") == graph.ASK:
        chosen = next((a for a in node.get("answers") or [] if a.get("label") == answer), None)
        if chosen is None:
            raise ValidationError(_("Choose one of the answers."))
        target = chosen["next"]
    else:  # a step that says, or a survey the subscriber would not take
        target, answer = node["next"], (SKIPPED if node.get("kind") == graph.SURVEY else "")
    last = here.steps[-1]
    last.answer = answer
    last.save(update_fields=["answer"])
    CallStep.objects.create(call=call, order=at + 1, node=target, at=timezone.now())
    return call


SKIPPED = "—"  # the answer recorded at a survey step the subscriber would not take


@transaction.atomic
def call_survey_answer(*, call: Call, by, at: int, answers: dict):
    """Record the subscriber's answers to the survey of the step the call is at (a response
    by call) and go on; wrong answers raise ValidationError by question and change nothing.
    Answers sent twice from the same step are recorded once."""
    from .models import Survey
    from .surveys.services import response_record

    call = _locked(call, by)
    here = position(call)
    if at != here.number:
        return None
    node = here.node
    if node.get("kind") != graph.SURVEY:
        raise ValidationError(_("This step puts no survey."))
    survey = Survey.objects.filter(code=node.get("survey") or "").first()
    if survey is None:
        raise ValidationError(_("The survey of this step is no longer there."))
    response = response_record(survey=survey, answers=answers, channel="call", call=call, by=by)
    last = here.steps[-1]
    last.answer = survey.name[:250]
    last.save(update_fields=["answer"])
    CallStep.objects.create(call=call, order=at + 1, node=node["next"], at=timezone.now())
    return response


@transaction.atomic
def call_back(*, call: Call, by, at: int) -> Call:
    """Back to the step before step number `at` (a second click from the same place is one)."""
    call = _locked(call, by)
    here = position(call)
    if at != here.number or here.number == 0:
        return call
    here.steps[-1].delete()
    previous = here.steps[-2]
    previous.answer = ""
    previous.save(update_fields=["answer"])
    return call


@transaction.atomic
def call_objection_add(*, call: Call, by, objection: Objection) -> CallObjection:
    """The subscriber raised this objection, at the step the call is at (once a call)."""
    call = _locked(call, by)
    met, _created = CallObjection.objects.get_or_create(
        call=call,
        objection=objection,
        defaults={"node": position(call).steps[-1].node, "at": timezone.now()},
    )
    return met


NOT_REACHED = (CallResult.NO_ANSWER, CallResult.BUSY, CallResult.CALLBACK, CallResult.WRONG_NUMBER)


@transaction.atomic
def call_finish(
    *,
    call: Call,
    by,
    result: str,
    note: str = "",
    callback_at: datetime | None = None,
    values: dict | None = None,
) -> Call:
    """Record how the call ended. A reached subscriber ends at an end step, whose outcome is
    recorded and whose action and SMS follow; otherwise the call ends unreached (no answer,
    busy, a callback asked for at a time, a wrong number) wherever it stood."""
    call = _locked(call, by)
    if result not in CallResult.values:
        raise ValidationError(_("Choose how the call ended."))
    now = timezone.now()
    if result == CallResult.CALLBACK:
        if callback_at is None:
            raise ValidationError(_("Say when to call back."))
        if callback_at <= now:
            raise ValidationError(_("The time to call back has already passed."))
    node = position(call).node
    if result == CallResult.REACHED:
        if node.get("kind") != graph.END:
            raise ValidationError(
                _("The conversation is not at an end yet: go on with the script, or record "
                  "that the subscriber was not reached.")
            )  # fmt: skip
        missing = [p.label for p in values_needed(node, values or {})]
        if missing:
            raise ValidationError(
                _("The SMS after the call needs: %(names)s.")
                % {"names": ", ".join(str(m) for m in missing)}
            )
        due = _promised_date(call, node, values or {})  # a past date refused before any write
        call.outcome = node["outcome"]
        call.outcome_title = node.get("title", "")[:120]
        call.success = bool(node.get("success"))
        call.action_result = "; ".join(_follow_up(call, node, by, values or {}, due=due))[:250]
    call.result = result
    call.note = note.strip()
    call.ended_at = now
    call.save()
    if call.entry_id:
        from .calllists import entry_attempt_record

        entry_attempt_record(entry=call.entry, call=call, callback_at=callback_at)
    return call


def values_needed(node: dict, values: dict) -> list[placeholders.Placeholder]:
    """What only the operator can tell the end step's SMS (a promised date, an amount) and
    the call does not know yet."""
    if not node.get("message"):
        return []
    template = MessageTemplate.objects.filter(code=node["message"]).first()
    if template is None:
        return []
    return [
        placeholders.get(name)
        for name in placeholders.names_in(template.body + template.subject)
        if name in placeholders.CALLER_GIVEN and not values.get(name)
    ]


def _promised_date(call: Call, node: dict, values: dict) -> date | None:
    """The date the subscriber promised, when the end step's SMS reminds of a promise and
    the operator typed one that reads as a date (a past one is refused)."""
    if call.subscriber is None or node.get("message") != triggers.get("promise_reminder").template:
        return None
    today = timezone.localdate(timezone=call.subscriber.branch.tz)
    return triggers.due_date_parse(values.get("due_date"), today=today)


def _follow_up(call: Call, node: dict, by, values: dict, due: date | None = None) -> list[str]:
    """Start the end step's action and queue its SMS (a promise's reminder for the day before
    the promised date); what they did, for the record."""
    done: list[str] = []
    if node.get("action"):
        action = outcomes.get(node["action"])
        if action is None:
            raise ValidationError(
                _("No block offers the action “%(code)s”.") % {"code": node["action"]}
            )
        if action.needs_subscriber and call.subscriber is None:
            raise ValidationError(_("This outcome needs a subscriber to act on."))
        done.append(str(action.run(call=call, by=by, values=values)))
    if node.get("message") and call.subscriber is not None:
        template = MessageTemplate.objects.filter(code=node["message"], active=True).first()
        if template is None:
            done.append(_("SMS not sent: the template is not in use."))
        elif due is not None:
            fired = triggers.promise_reminder_schedule(
                subscriber=call.subscriber, due=due, amount=values.get("amount"),
                key=f"call:{call.pk}",
            )  # fmt: skip
            if fired.message is None:
                reason = {
                    triggers.OFF: _("the reminder is turned off in the branch (Event messages)"),
                    triggers.ALREADY: _("it is queued already"),
                    triggers.NO_TEMPLATE: _("the template is not in use"),
                    triggers.NO_GATEWAY: _("no gateway sends SMS yet"),
                }.get(fired.skipped, fired.skipped)
                done.append(_("SMS not sent: %(reason)s") % {"reason": reason})
            else:
                done.append(
                    _("%(template)s: %(status)s, %(when)s")
                    % {
                        "template": template.name,
                        "status": fired.message.get_status_display(),
                        "when": timezone.localtime(
                            fired.message.not_before, call.subscriber.branch.tz
                        ).strftime("%d.%m.%Y %H:%M"),
                    }
                )
        else:
            try:
                message = template_queue(
                    template=template, subscriber=call.subscriber, values=values
                )
            except OutboxError as e:
                done.append(_("SMS not sent: %(reason)s") % {"reason": e})
            else:
                done.append(
                    _("%(template)s: %(status)s")
                    % {"template": template.name, "status": message.get_status_display()}
                )
    return done


def duration_text(call: Call) -> str:
    """How long the call took, as m:ss (h:mm:ss past an hour)."""
    if call.ended_at is None:
        return ""
    seconds = int((call.ended_at - call.started_at).total_seconds())
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def say(text: str, subscriber=None, values=None) -> str:
    """A step's text for the operator: each placeholder filled from the subscriber and the
    call's values, or shown as its label in brackets when it cannot be known (the operator
    asks or looks it up), never as a sample that could be read out as true."""
    values = values or {}
    known = {}
    for name in placeholders.names_in(text):
        placeholder = placeholders.get(name)
        value = values.get(name)
        if value is None and placeholder is not None:
            try:
                value = placeholder.value(subscriber, values) if subscriber is not None else None
            except Exception:  # a value that cannot be read is asked for, not a broken page
                value = None
        known[name] = (
            value if value is not None else f"[{placeholder.label if placeholder else name}]"
        )
    try:
        return text.format_map(known)
    except (ValueError, KeyError):
        return text

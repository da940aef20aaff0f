"""Call lists: the subscribers to call with one script, worked through by operators.

A campaign whose channel is a call list fills one (`call_list_fill`, set-based). An operator
takes the next call (`entry_take_next`): their own callbacks that are due first, then entries
assigned to them, then the shared queue, oldest first. The contact rules are asked at that
moment (a call is the contact, not the entry): an entry they put off waits until the moment they
give, one they refuse (an opt-out from offers, consent to advertising calls withdrawn since)
leaves the list with the reason logged. Two
operators never get the same entry (row locks, SKIP LOCKED on PostgreSQL). After each attempt
the entry is done, comes back after the list's pause, waits for its agreed callback, or runs
out of attempts (`entry_attempt_record`).

Entries move as a state machine (TRANSITIONS below); a move it does not list is refused."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.access import branch_ids

from .consent import consent_channel, consenting, needs_consent
from .models import Call, CallList, CallListEntry, CallResult, Campaign, ContactKind
from .services import contact_plan

S = CallListEntry.Status
# The entry's moves: from → the states it may go to.
TRANSITIONS: dict[str, set[str]] = {
    S.WAITING: {S.TAKEN, S.REFUSED, S.CANCELLED},
    S.CALLBACK: {S.TAKEN, S.REFUSED, S.CANCELLED},
    S.TAKEN: {S.DONE, S.WAITING, S.CALLBACK, S.EXHAUSTED},
    S.DONE: set(),
    S.EXHAUSTED: set(),
    S.REFUSED: set(),
    S.CANCELLED: set(),
}
OPEN = (S.WAITING, S.CALLBACK)


def _move(entry: CallListEntry, to: str) -> None:
    if to not in TRANSITIONS[entry.status]:
        raise ValidationError(
            _("A call list entry that is “%(status)s” cannot become “%(to)s”.")
            % {"status": entry.get_status_display(), "to": S(to).label}
        )
    entry.status = to


def call_list_fill(*, call_list: CallList, subscribers: QuerySet, starts_at: datetime) -> int:
    """An entry for each subscriber with a phone — for advertising, only those who consented
    to calls (38-FZ, art. 18) — in batched INSERTs; returns how many."""
    rows = subscribers.exclude(phone="")
    if needs_consent(call_list.purpose):
        rows = rows.filter(pk__in=consenting(channel=consent_channel(kind=ContactKind.CALL)))
    rows = rows.values("pk", "phone")
    entries = [
        CallListEntry(call_list=call_list, subscriber_id=r["pk"], phone=r["phone"],
                      not_before=starts_at)
        for r in rows.iterator(chunk_size=5000)
    ]  # fmt: skip
    CallListEntry.objects.bulk_create(entries, batch_size=2000, ignore_conflicts=True)
    return len(entries)


def _due(user, call_list: CallList | None, now) -> QuerySet[CallListEntry]:
    rows = CallListEntry.objects.filter(
        status__in=OPEN,
        not_before__lte=now,
        call_list__status=CallList.Status.ACTIVE,
    ).filter(Q(assigned_to=None) | Q(assigned_to=user))
    if call_list is not None:
        rows = rows.filter(call_list=call_list)
    ids = branch_ids(user)
    if ids is not None:
        rows = rows.filter(subscriber__branch__in=ids)
    return rows


def entry_current(user) -> CallListEntry | None:
    """The entry the operator took and has not finished calling."""
    return (
        CallListEntry.objects.filter(status=S.TAKEN, taken_by=user)
        .select_related("call_list__script", "subscriber")
        .first()
    )


def entry_take_next(*, user, call_list: CallList | None = None, now=None) -> CallListEntry | None:
    """The next entry the operator should call, taken by them; None when nothing is due.
    An operator who already holds an entry gets it back."""
    held = entry_current(user)
    if held is not None:
        return held
    now = now or timezone.now()
    for _tries in range(50):  # each turn settles one entry: taken, put off or refused
        with transaction.atomic():
            # The operator's own entries (their callbacks among them) before the shared
            # queue; the longest waiting first.
            rows = _due(user, call_list, now).order_by(
                F("assigned_to").asc(nulls_last=True), "not_before", "pk"
            )
            if connection.features.has_select_for_update_skip_locked:
                rows = rows.select_for_update(skip_locked=True, of=("self",))
            entry = rows.select_related("call_list", "subscriber__branch").first()
            if entry is None:
                return None
            verdict = contact_plan(
                subscriber=entry.subscriber,
                kind=ContactKind.CALL,
                purpose=entry.call_list.purpose,
                asked=now,
                defer=False,
            )
            if verdict.at is None:
                _move(entry, S.REFUSED)
                entry.last_result = ""
                entry.outcome = verdict.reason
                entry.save(update_fields=["status", "last_result", "outcome", "updated_at"])
                continue
            if verdict.reason:  # not now: back when the rules allow
                entry.not_before = verdict.at
                entry.save(update_fields=["not_before", "updated_at"])
                continue
            _move(entry, S.TAKEN)
            entry.taken_by = user
            entry.taken_at = now
            entry.save(update_fields=["status", "taken_by", "taken_at", "updated_at"])
            return entry
    return None


def entry_attempt_record(*, entry: CallListEntry, call: Call, callback_at=None) -> CallListEntry:
    """What the call means for its entry (called inside the call's transaction)."""
    entry = CallListEntry.objects.select_for_update().select_related("call_list").get(pk=entry.pk)
    call_list = entry.call_list
    entry.attempts += 1
    entry.last_result = call.result
    entry.outcome = call.outcome
    if call.result in (CallResult.REACHED, CallResult.WRONG_NUMBER):
        _move(entry, S.DONE)
    elif call.result == CallResult.CALLBACK:
        _move(entry, S.CALLBACK)
        entry.not_before = callback_at
        entry.assigned_to = call.operator  # the one who agreed the time calls back
    elif entry.attempts >= call_list.max_attempts:
        _move(entry, S.EXHAUSTED)
    else:
        _move(entry, S.WAITING)
        entry.not_before = call.ended_at + timedelta(minutes=call_list.retry_minutes)
    entry.taken_by = None
    entry.taken_at = None
    entry.save()
    return entry


@transaction.atomic
def entry_release(*, entry: CallListEntry, by) -> CallListEntry:
    """Give a taken entry back to the queue without calling (the call was not started)."""
    entry = CallListEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.taken_by_id != by.pk:
        raise ValidationError(_("This entry is not yours to give back."))
    _move(entry, S.WAITING)
    entry.taken_by = None
    entry.taken_at = None
    entry.save()
    return entry


@transaction.atomic
def entries_assign(*, call_list: CallList, operator, count: int, by) -> int:
    """Give `count` entries of the shared queue to an operator; returns how many were free."""
    if count < 1:
        raise ValidationError(_("Say how many entries to assign."))
    free = list(
        CallListEntry.objects.filter(call_list=call_list, status__in=OPEN, assigned_to=None)
        .order_by("not_before", "pk")
        .values_list("pk", flat=True)[:count]
    )
    return CallListEntry.objects.filter(pk__in=free).update(
        assigned_to=operator, updated_at=timezone.now()
    )


@transaction.atomic
def entries_unassign(*, call_list: CallList, operator, by) -> int:
    """Put an operator's open entries back in the shared queue (a callback stays theirs)."""
    return CallListEntry.objects.filter(
        call_list=call_list, assigned_to=operator, status=S.WAITING
    ).update(assigned_to=None, updated_at=timezone.now())


def call_list_status(*, call_list: CallList, status: str) -> None:
    """Follow the campaign: paused, running again, or cancelled (open entries cancelled)."""
    call_list.status = status
    call_list.save(update_fields=["status"])
    if status == CallList.Status.CLOSED:
        call_list.entries.filter(status__in=OPEN).update(status=S.CANCELLED)


def call_list_launch(*, campaign: Campaign, subscribers: QuerySet, by, now) -> dict[str, int]:
    """The call list of a campaign whose channel is calls, filled with its recipients."""
    call_list = CallList.objects.create(
        name=campaign.name,
        purpose=campaign.script.purpose,
        script=campaign.script,
        campaign=campaign,
        created_by=by,
    )
    total = subscribers.count()
    made = call_list_fill(
        call_list=call_list,
        subscribers=subscribers,
        starts_at=max(campaign.starts_at or now, now),
    )
    with_phone = subscribers.exclude(phone="").count() if needs_consent(call_list.purpose) else made
    return {
        "recipients": total,
        "queued": made,
        "no_consent": with_phone - made,
        "no_address": total - with_phone,
    }


def call_list_progress(call_list: CallList) -> dict:
    """Entries by status, calls by result and the outcomes reached, for the progress bar and
    the results."""
    by_status = dict(
        call_list.entries.values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    total = sum(by_status.values())
    open_ = sum(by_status.get(s, 0) for s in (*OPEN, S.TAKEN))
    calls = Call.objects.filter(entry__call_list=call_list, ended_at__isnull=False)
    by_result = dict(calls.values_list("result").annotate(n=Count("id")).values_list("result", "n"))
    by_outcome = list(
        calls.exclude(outcome="")
        .values("outcome", "outcome_title", "success")
        .annotate(n=Count("id"))
        .order_by("-n", "outcome")
    )
    return {
        "by_status": by_status,
        "total": total,
        "open": open_,
        "percent": 100 if not total else round(100 * (total - open_) / total),
        "by_result": by_result,
        "reached": by_result.get(CallResult.REACHED, 0),
        "not_reached": [
            (label, by_result[value])
            for value, label in CallResult.choices
            if value != CallResult.REACHED and by_result.get(value)
        ],
        "outcomes": by_outcome,
    }


def my_calls(user, now=None) -> dict:
    """For the start page: the open call lists with the calls due for this user in each, and
    the entry they hold."""
    now = now or timezone.now()
    due = dict(
        _due(user, None, now)
        .values_list("call_list")
        .annotate(n=Count("id"))
        .values_list("call_list", "n")
    )
    lists = list(CallList.objects.filter(pk__in=due).select_related("script").order_by("name"))
    return {
        "lists": [(call_list, due[call_list.pk]) for call_list in lists],
        "held": entry_current(user),
    }

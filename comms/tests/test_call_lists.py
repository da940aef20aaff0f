"""Call lists (comms.calllists): filled from a campaign whose channel is calls, the next call
for an operator (their own first, then the shared queue), the contact rules asked when a call
is taken, attempts and callbacks, the entry's state machine."""

import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError

from comms import calllists, player
from comms.campaigns import campaign_cancel, campaign_launch, campaign_pause, campaign_preview
from comms.consent import consent_give
from comms.models import CallList, CallListEntry, Campaign, Contact, ContactRefusal
from comms.services import opt_out_set
from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import script_published

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")
NOON = datetime(2030, 3, 5, 12, tzinfo=MOSCOW)  # a Tuesday
S = CallListEntry.Status


@pytest.fixture
def world(db):
    tver = BranchFactory(name="Тверь", time_zone="Europe/Moscow")
    people = [
        SubscriberFactory(account=str(500 + i), branch=tver, phone=f"+7912555000{i}")
        for i in range(4)
    ]
    people[3].phone = ""
    people[3].save()
    ann = UserFactory(username="ann", roles=["operator"], branches=[tver])
    bob = UserFactory(username="bob", roles=["operator"], branches=[tver])
    head = UserFactory(roles=["head"])
    script = script_published(purpose="debt")
    campaign = Campaign.objects.create(
        name="Должники", script=script, accounts="500\n501\n502\n503", starts_at=NOON
    )
    return {"people": people, "ann": ann, "bob": bob, "head": head, "campaign": campaign}


def launched(world):
    campaign_launch(campaign=world["campaign"], by=world["head"])
    return CallList.objects.get(campaign=world["campaign"])


def test_the_preview_counts_who_goes_on_the_list(world):
    preview = campaign_preview(world["campaign"], world["head"])
    assert (preview.recipients, preview.going, preview.no_address) == (4, 3, 1)


def test_a_marketing_call_list_counts_an_opt_out_as_refused(world):
    world["campaign"].script.purpose = "marketing"
    world["campaign"].script.save()
    opt_out_set(subscriber=world["people"][0], source="card")
    assert campaign_preview(world["campaign"], world["head"]).refused == 1


def test_a_launch_fills_the_list_with_those_who_have_a_phone(world):
    call_list = launched(world)
    assert call_list.entries.count() == 3
    world["campaign"].refresh_from_db()
    assert world["campaign"].counts == {
        "recipients": 4,
        "queued": 3,
        "no_consent": 0,
        "no_address": 1,
    }
    assert set(call_list.entries.values_list("status", flat=True)) == {S.WAITING}


def test_a_campaign_needs_a_template_or_a_script_not_both(world):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Campaign.objects.create(name="x", accounts="500")


def test_operators_take_different_entries_oldest_first(world):
    launched(world)
    first = calllists.entry_take_next(user=world["ann"], now=NOON)
    second = calllists.entry_take_next(user=world["bob"], now=NOON)
    assert first.subscriber.account == "500" and second.subscriber.account == "501"
    assert first.status == S.TAKEN and first.taken_by == world["ann"]


def test_an_operator_holding_an_entry_gets_it_back(world):
    launched(world)
    first = calllists.entry_take_next(user=world["ann"], now=NOON)
    assert calllists.entry_take_next(user=world["ann"], now=NOON) == first


def test_an_entry_assigned_to_an_operator_comes_to_them_first(world):
    call_list = launched(world)
    last = call_list.entries.get(subscriber__account="502")
    last.assigned_to = world["bob"]
    last.save()
    assert calllists.entry_take_next(user=world["bob"], now=NOON) == last
    taken = calllists.entry_take_next(user=world["ann"], now=NOON)
    assert taken.subscriber.account == "500"


def test_nothing_is_due_before_the_campaign_starts(world):
    launched(world)
    assert calllists.entry_take_next(user=world["ann"], now=NOON - timedelta(hours=1)) is None


def test_quiet_hours_put_the_entries_off_to_the_morning(world):
    launched(world)
    night = datetime(2030, 3, 5, 22, 30, tzinfo=MOSCOW)
    assert calllists.entry_take_next(user=world["ann"], now=night) is None
    morning = datetime(2030, 3, 6, 8, tzinfo=MOSCOW)
    assert set(CallListEntry.objects.values_list("not_before", flat=True)) == {morning}
    assert not Contact.objects.exists()  # nothing reserved for a call not made


def test_the_day_limit_puts_a_second_debt_call_off(world):
    call_list = launched(world)
    entry = call_list.entries.get(subscriber__account="500")
    calllists.entry_take_next(user=world["ann"], now=NOON)  # the first call of the day
    other = CallList.objects.create(name="again", purpose="debt", script=call_list.script)
    CallListEntry.objects.create(
        call_list=other, subscriber=entry.subscriber, phone=entry.phone, not_before=NOON
    )
    taken = calllists.entry_take_next(user=world["bob"], call_list=other, now=NOON)
    assert taken is None
    assert other.entries.get().not_before.date() > NOON.date()


def test_an_opted_out_subscriber_leaves_a_marketing_list_with_the_reason(world):
    world["campaign"].script.purpose = "marketing"
    world["campaign"].script.save()
    for person in world["people"]:  # advertising needs prior consent (38-FZ, art. 18)
        consent_give(subscriber=person, channel="call", source="contract")
    opt_out_set(subscriber=world["people"][0], source="card")
    call_list = launched(world)
    taken = calllists.entry_take_next(user=world["ann"], now=NOON)
    assert taken.subscriber.account == "501"
    refused = call_list.entries.get(subscriber__account="500")
    assert refused.status == S.REFUSED
    assert ContactRefusal.objects.filter(reason="opt_out", kind="call").exists()


def _call(world, entry, result, **kw):
    call = player.call_start(
        script=entry.call_list.script, operator=world["ann"], subscriber=entry.subscriber,
        entry=entry,
    )  # fmt: skip
    return player.call_finish(call=call, by=world["ann"], result=result, **kw)


def test_an_unanswered_call_comes_back_after_the_pause(world):
    launched(world)
    entry = calllists.entry_take_next(user=world["ann"], now=NOON)
    call = _call(world, entry, "no_answer")
    entry.refresh_from_db()
    assert (entry.status, entry.attempts, entry.last_result) == (S.WAITING, 1, "no_answer")
    assert entry.not_before == call.ended_at + timedelta(minutes=entry.call_list.retry_minutes)
    assert entry.taken_by is None


def test_attempts_run_out(world):
    call_list = launched(world)
    call_list.max_attempts = 2
    call_list.save()
    entry = calllists.entry_take_next(user=world["ann"], now=NOON)
    _call(world, entry, "busy")
    entry.refresh_from_db()
    entry.status = S.TAKEN
    entry.taken_by = world["ann"]
    entry.save()
    _call(world, entry, "no_answer")
    entry.refresh_from_db()
    assert (entry.status, entry.attempts) == (S.EXHAUSTED, 2)


def test_a_callback_waits_for_its_time_with_the_operator_who_agreed_it(world):
    launched(world)
    entry = calllists.entry_take_next(user=world["ann"], now=NOON)
    later = datetime(2031, 3, 5, 15, tzinfo=MOSCOW)
    _call(world, entry, "callback", callback_at=later)
    entry.refresh_from_db()
    assert (entry.status, entry.not_before, entry.assigned_to) == (S.CALLBACK, later, world["ann"])


def test_a_reached_call_is_done(world):
    launched(world)
    entry = calllists.entry_take_next(user=world["ann"], now=NOON)
    call = player.call_start(
        script=entry.call_list.script, operator=world["ann"], subscriber=entry.subscriber,
        entry=entry,
    )  # fmt: skip
    player.call_advance(call=call, by=world["ann"], at=0)
    player.call_advance(call=call, by=world["ann"], at=1, answer="Busy")
    player.call_finish(call=call, by=world["ann"], result="reached")
    entry.refresh_from_db()
    assert (entry.status, entry.outcome) == (S.DONE, "later")
    progress = calllists.call_list_progress(entry.call_list)
    assert progress["reached"] == 1 and progress["outcomes"][0]["outcome"] == "later"


def test_an_illegal_move_of_an_entry_is_refused(world):
    call_list = launched(world)
    entry = call_list.entries.first()
    entry.status = S.DONE
    with pytest.raises(ValidationError):
        calllists._move(entry, S.TAKEN)
    for state, allowed in calllists.TRANSITIONS.items():
        for target in S.values:
            entry.status = state
            if target in allowed:
                calllists._move(entry, target)
            else:
                with pytest.raises(ValidationError):
                    calllists._move(entry, target)


def test_pausing_the_campaign_stops_the_list_and_cancelling_closes_it(world):
    call_list = launched(world)
    campaign_pause(campaign=world["campaign"], by=world["head"])
    assert calllists.entry_take_next(user=world["ann"], now=NOON) is None
    campaign_cancel(campaign=world["campaign"], by=world["head"])
    call_list.refresh_from_db()
    assert call_list.status == CallList.Status.CLOSED
    assert set(call_list.entries.values_list("status", flat=True)) == {S.CANCELLED}


def test_assigning_gives_free_entries_only(world):
    call_list = launched(world)
    assert (
        calllists.entries_assign(
            call_list=call_list, operator=world["bob"], count=2, by=world["head"]
        )
        == 2
    )
    assert (
        calllists.entries_assign(
            call_list=call_list, operator=world["ann"], count=5, by=world["head"]
        )
        == 1
    )
    with pytest.raises(ValidationError):
        calllists.entries_assign(call_list=call_list, operator=world["ann"], count=0, by=None)
    assert calllists.entries_unassign(call_list=call_list, operator=world["bob"], by=None) == 2

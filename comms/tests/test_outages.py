"""Outages and planned works: everyone affected is told once, within the contact rules; the
restored message goes to those told; cancelled works take their messages back."""

import datetime
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from comms.models import Message, Outage, TriggerFiring, TriggerSetting
from comms.outages import outage_cancel, outage_create, outage_notify, outage_restore
from comms.services import standard_install
from core.tests.factories import BranchFactory
from subscribers.tests.factories import BuildingFactory, StreetFactory, SubscriberFactory

from .factories import GatewayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped(db):
    GatewayFactory()
    standard_install(language="en")


@pytest.fixture(autouse=True)
def after_commit(django_capture_on_commit_callbacks, monkeypatch):
    """The notice goes after the outage's transaction commits: run those callbacks at once."""
    import comms.outages as outages

    for name in ("outage_create", "outage_restore"):
        service = getattr(outages, name)

        def committed(*args, _service=service, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _service(*args, **kwargs)

        monkeypatch.setitem(globals(), name, committed)


@pytest.fixture
def place(tver):
    street = StreetFactory(city__branch=tver, name="Lenina")
    return {
        "street": street,
        "twelve": BuildingFactory(street=street, house="12"),
        "fourteen": BuildingFactory(street=street, house="14"),
        "elsewhere": BuildingFactory(street__city__branch=tver, street__name="Mira", house="1"),
    }


def subscriber(building, n, **fields):
    return SubscriberFactory(
        branch=building.street.city.branch, building=building, phone=f"+7912000{n:04d}", **fields
    )


def handed_over():
    """What the outbox worker does: the messages due go to the gateway."""
    Message.objects.filter(status=Message.Status.QUEUED).update(status=Message.Status.SENT)


def emergency(branch, **fields):
    fields = {"ends_at": timezone.now() + timedelta(hours=3), **fields}
    return globals()["outage_create"](
        branch=branch, kind=Outage.Kind.EMERGENCY, title="Fibre cut", starts_at=timezone.now(),
        **fields,
    )  # fmt: skip


def test_everyone_in_the_buildings_and_on_the_streets_is_told_once(tver, place):
    in_twelve = [subscriber(place["twelve"], i) for i in range(3)]
    on_street = subscriber(place["fourteen"], 10)
    elsewhere = subscriber(place["elsewhere"], 20)
    gone = subscriber(place["twelve"], 30, status="terminated", terminated_on="2025-01-01")
    outage = emergency(tver, buildings=[place["twelve"]], streets=[place["street"]])
    told = set(Message.objects.values_list("subscriber", flat=True))
    assert told == {s.pk for s in [*in_twelve, on_street]}  # a building on the street: once
    assert elsewhere.pk not in told and gone.pk not in told
    assert Message.objects.count() == 4
    outage.refresh_from_db()
    assert outage.counts["affected"] == 4
    assert outage.counts["queued"] + outage.counts["deferred"] == 4
    body = Message.objects.first().body
    assert (
        "outage" in body and timezone.localtime(outage.ends_at, tver.tz).strftime("%H:%M") in body
    )


def test_running_the_notice_again_sends_nothing_more(tver, place):
    subscriber(place["twelve"], 1)
    outage = emergency(tver, buildings=[place["twelve"]])
    outage_notify(outage.pk, "outage")
    assert Message.objects.count() == 1
    assert TriggerFiring.objects.count() == 1


def test_the_same_works_entered_twice_are_refused(tver, place):
    subscriber(place["twelve"], 1)
    start = timezone.now() + timedelta(days=2)
    fields = dict(branch=tver, kind="planned", title="Switch upgrade", starts_at=start)
    outage_create(**fields, buildings=[place["twelve"]])
    with pytest.raises(ValidationError, match="entered already"):
        outage_create(**fields, buildings=[place["twelve"]])
    assert Outage.objects.count() == 1 and Message.objects.count() == 1


def test_planned_works_are_announced_a_day_before(tver, place):
    subscriber(place["twelve"], 1)
    start = timezone.now() + timedelta(days=3)
    outage_create(
        branch=tver, kind="planned", title="Switch upgrade", starts_at=start,
        buildings=[place["twelve"]],
    )  # fmt: skip
    message = Message.objects.get()
    assert message.status in (Message.Status.QUEUED, Message.Status.DEFERRED)
    assert start - timedelta(days=1) <= message.not_before < start
    assert message.template.code == "planned_works"


def test_a_message_at_night_waits_for_the_morning_of_the_subscriber(place):
    # A branch where it is 03:00 now: the service messages' hours start at 08:00 there.
    offset = (3 - timezone.now().astimezone(datetime.UTC).hour) % 24
    offset = offset - 24 if offset > 12 else offset
    zone = f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"
    night = BranchFactory(name="Night", time_zone=zone)
    building = BuildingFactory(street__city__branch=night)
    subscriber(building, 1)
    emergency(night, buildings=[building])
    message = Message.objects.get()
    assert message.status == Message.Status.DEFERRED
    assert timezone.localtime(message.not_before, night.tz).hour >= 8


def test_nothing_goes_where_the_event_message_is_off(tver, place):
    TriggerSetting.objects.create(trigger="outage", branch=tver, enabled=False)
    subscriber(place["twelve"], 1)
    outage = emergency(tver, buildings=[place["twelve"]])
    assert not Message.objects.exists()
    outage.refresh_from_db()
    assert outage.counts["off"] == 1


def test_restored_goes_to_those_told_of_the_outage(tver, place):
    told = subscriber(place["twelve"], 1)
    no_phone = subscriber(place["twelve"], 2)
    no_phone.phone = ""
    no_phone.save()
    outage = emergency(tver, buildings=[place["twelve"]])
    handed_over()
    subscriber(place["twelve"], 3)  # moved in after the outage was announced
    outage_restore(outage=outage)
    restored = Message.objects.filter(template__code="restored")
    assert list(restored.values_list("subscriber", flat=True)) == [told.pk]
    outage.refresh_from_db()
    assert outage.state == Outage.State.RESTORED and outage.counts["restored"]["affected"] == 1


def test_an_outage_message_still_waiting_is_taken_back_instead(tver, place):
    subscriber(place["twelve"], 1)
    outage = emergency(tver, buildings=[place["twelve"]])
    outage_restore(outage=outage)
    assert Message.objects.get().status == Message.Status.CANCELLED
    assert not Message.objects.filter(template__code="restored").exists()
    outage.refresh_from_db()
    assert outage.counts["taken_back"] == 1 and outage.counts["restored"]["affected"] == 0


def test_restoring_twice_or_planned_works_is_refused(tver, place):
    subscriber(place["twelve"], 1)
    outage = emergency(tver, buildings=[place["twelve"]])
    handed_over()
    outage_restore(outage=outage)
    with pytest.raises(ValidationError, match="closed already"):
        outage_restore(outage=outage)
    assert Message.objects.filter(template__code="restored").count() == 1
    planned = outage_create(
        branch=tver, kind="planned", title="Works", starts_at=timezone.now() + timedelta(days=2),
        buildings=[place["twelve"]],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Only an emergency"):
        outage_restore(outage=planned)


def test_cancelled_works_take_their_messages_back(tver, place):
    subscriber(place["twelve"], 1)
    subscriber(place["twelve"], 2)
    planned = outage_create(
        branch=tver, kind="planned", title="Works", starts_at=timezone.now() + timedelta(days=2),
        buildings=[place["twelve"]],
    )  # fmt: skip
    assert outage_cancel(outage=planned) == 2
    assert set(Message.objects.values_list("status", flat=True)) == {Message.Status.CANCELLED}
    with pytest.raises(ValidationError, match="closed already"):
        outage_cancel(outage=planned)


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"buildings": [], "streets": []}, "buildings or the streets"),
        ({"ends_at": timezone.now() - timedelta(days=1)}, "after the start"),
        ({"title": "  "}, "Say what happens"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(tver, place, fields, message):
    subscriber(place["twelve"], 1)
    data = dict(
        branch=tver, kind="emergency", title="Cut", starts_at=timezone.now(),
        buildings=[place["twelve"]],
    )  # fmt: skip
    data.update(fields)
    with pytest.raises(ValidationError, match=message):
        outage_create(**data)
    assert not Outage.objects.exists() and not Message.objects.exists()


def test_a_building_of_another_branch_is_refused(tver, place):
    other = BuildingFactory(street__city__branch=BranchFactory(name="Other"))
    with pytest.raises(ValidationError, match="of the outage's branch"):
        emergency(tver, buildings=[other])
    assert not Outage.objects.exists()


def test_cancelled_works_give_back_the_contacts_they_reserved(tver, place):
    from comms.models import Contact

    subscriber(place["twelve"], 1)
    planned = outage_create(
        branch=tver, kind="planned", title="Works", starts_at=timezone.now() + timedelta(days=2),
        buildings=[place["twelve"]],
    )  # fmt: skip
    assert Contact.objects.count() == 1
    outage_cancel(outage=planned)
    assert not Contact.objects.exists()
    planned.refresh_from_db()
    assert planned.state == Outage.State.CANCELLED and planned.counts["taken_back"] == 1


def test_works_already_started_cannot_be_cancelled(tver, place):
    subscriber(place["twelve"], 1)
    started = outage_create(
        branch=tver, kind="planned", title="Works", starts_at=timezone.now() - timedelta(hours=1),
        buildings=[place["twelve"]],
    )  # fmt: skip
    with pytest.raises(ValidationError, match="have started"):
        outage_cancel(outage=started)
    assert Outage.objects.get().state == Outage.State.OPEN
    assert Message.objects.get().status != Message.Status.CANCELLED


def test_the_message_says_when_in_the_branchs_time(tver, place, settings):
    settings.LANGUAGE_CODE = "en"
    subscriber(place["twelve"], 1)
    start = timezone.now() + timedelta(days=2)
    outage_create(
        branch=tver, kind="planned", title="Works", starts_at=start, buildings=[place["twelve"]]
    )
    local = timezone.localtime(start, tver.tz)
    assert f"{local:%d.%m} at {local:%H:%M}" in Message.objects.get().body


def test_an_emergency_without_an_end_says_so(tver, place, settings):
    settings.LANGUAGE_CODE = "en"
    subscriber(place["twelve"], 1)
    emergency(tver, buildings=[place["twelve"]], ends_at=None)
    assert "back by the end of the repairs" in Message.objects.get().body


def test_without_a_gateway_nothing_is_spent_and_the_page_says_why(tver, place):
    from comms.models import Gateway

    Gateway.objects.update(active=False)
    subscriber(place["twelve"], 1)
    outage = emergency(tver, buildings=[place["twelve"]])
    outage.refresh_from_db()
    assert outage.counts["not_sent"] == 1 and not TriggerFiring.objects.exists()
    Gateway.objects.update(active=True)
    outage_notify(outage.pk, "outage")  # run again once the gateway is set up: it goes
    assert Message.objects.count() == 1


def test_a_run_that_fails_shows_the_error_instead_of_sending_for_ever(tver, place, monkeypatch):
    import comms.outages as outages

    subscriber(place["twelve"], 1)
    outage = emergency(tver, buildings=[place["twelve"]])

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(outages.triggers, "fire", broken)
    with pytest.raises(RuntimeError):
        outage_notify(outage.pk, "outage")
    outage.refresh_from_db()
    progress = outages.outage_progress(outage)
    assert not progress["sending"] and "database went away" in progress["error"]


def test_each_firing_is_keyed_by_the_outage_and_the_subscriber(tver, place):
    told = subscriber(place["twelve"], 1)
    planned = outage_create(
        branch=tver, kind="planned", title="Works", starts_at=timezone.now() + timedelta(days=2),
        buildings=[place["twelve"]],
    )  # fmt: skip
    assert TriggerFiring.objects.get().key == f"outage:{planned.pk}:{told.pk}"

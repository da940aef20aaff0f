"""Registering an application: the phone normalised, the address resolved to a building and
checked against coverage (not served: the demand registry), duplicates found, the SLA clocks
set in working minutes, the confirmation SMS through the outbox in the same transaction."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from comms.models import Message
from comms.services import standard_install
from comms.tests.factories import GatewayFactory
from sales.models import Application, SlaPolicy
from sales.services import application_check, application_create, working_minutes_after
from subscribers.tests.factories import SubscriberFactory

from .factories import ApplicationFactory

pytestmark = pytest.mark.django_db


def create(by, **fields):
    data = {
        "source": "inbound_call", "full_name": "Иванова Мария", "phone": "8 (912) 345-67-89",
        "address": "Ленина 12", "flat": "7", **fields,
    }  # fmt: skip
    return application_create(by=by, **data)


def test_an_application_at_a_served_building_is_new_with_its_clocks_and_sms(coordinator, lenina):
    GatewayFactory()
    standard_install(language="en")
    application = create(coordinator)
    assert (application.state, application.building, application.phone) == (
        "new", lenina, "+79123456789",
    )  # fmt: skip
    assert application.channel == "passive" and application.technology == "FTTB"
    assert application.number.endswith(f"{application.pk:06d}")
    assert application.contact_due > application.created_at
    assert Message.objects.get().to == "+79123456789"


def test_an_address_outside_coverage_goes_to_the_demand_registry_without_an_sms(coordinator, ural):
    GatewayFactory()
    application = create(coordinator, address="Мира 99", branch=ural)
    assert application.state == Application.State.NO_COVERAGE and application.building is None
    assert not Message.objects.exists()


def test_a_phone_that_is_not_one_is_refused_and_nothing_written(coordinator, lenina):
    with pytest.raises(ValidationError) as refused:
        create(coordinator, phone="12345")
    assert "phone" in refused.value.message_dict
    assert not Application.objects.exists()


def test_an_empty_name_or_address_is_refused(coordinator, lenina):
    with pytest.raises(ValidationError):
        create(coordinator, full_name="  ")
    with pytest.raises(ValidationError):
        create(coordinator, address=" ")
    assert not Application.objects.exists()


def test_duplicates_by_phone_or_flat_are_found(coordinator, lenina, ural):
    open_one = ApplicationFactory(building=lenina, flat="7", phone="+79120000000")
    subscriber = SubscriberFactory(branch=ural, phone="+79123456789", status="active")
    check = application_check(
        user=coordinator, phone="+7 912 345-67-89", address="Ленина 12", flat="7"
    )
    assert check.applications == [open_one] and check.subscribers == [subscriber]
    linked = create(coordinator, duplicate_of=open_one)
    assert linked.duplicate_of == open_one


def test_the_first_contact_clock_counts_working_minutes_only():
    zone = zoneinfo.ZoneInfo("Asia/Yekaterinburg")
    policy = SlaPolicy(first_contact_minutes=30)
    friday_evening = datetime.datetime(2026, 11, 27, 17, 50, tzinfo=zone)
    due = working_minutes_after(friday_evening, 30, "Asia/Yekaterinburg", policy)
    assert due == datetime.datetime(2026, 11, 30, 9, 20, tzinfo=zone)  # Monday morning
    night = datetime.datetime(2026, 11, 25, 23, 0, tzinfo=zone)
    assert working_minutes_after(night, 30, "Asia/Yekaterinburg", policy) == datetime.datetime(
        2026, 11, 26, 9, 30, tzinfo=zone
    )

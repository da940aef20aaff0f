"""Closing a job as connected welcomes the new subscriber (comms' welcome trigger) in the same
transaction: once, only where the welcome is on, and not when the close fails."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from comms.models import Message, TriggerFiring, TriggerSetting
from comms.services import standard_install
from comms.tests.factories import GatewayFactory
from core.tests.factories import UserFactory
from sales import installer
from sales.models import Visit
from sales.tests.factories import InstallerFactory, SlotFactory, TeamFactory, VisitFactory
from subscribers.tests.factories import TariffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fitter(ural):
    team = TeamFactory(branch=ural, name="Бригада 1")
    user = UserFactory(username="installer", roles=["installer"], branches=[ural])
    return InstallerFactory(user=user, team=team).user


@pytest.fixture
def started(fitter, lenina):
    visit = VisitFactory(
        slot=SlotFactory(
            team=fitter.installer.team, starts=datetime.time(9), ends=datetime.time(11)
        ),
        application__building=lenina,
        application__full_name="Петрова Анна",
        application__phone="+79221234567",
        application__tariff=TariffFactory(name="Домашний 100"),
    )
    return installer.visit_start(visit=visit, by=fitter)


@pytest.fixture(autouse=True)
def shipped(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ABONENT_ACCOUNT_PREFIX = ""
    settings.ABONENT_ACCOUNT_DIGITS = 8
    settings.ABONENT_ACCOUNT_START = 1
    GatewayFactory(name="sms")
    GatewayFactory(name="mail", kind="smtp")
    standard_install(language="en")


def welcomes() -> list[tuple[str, str]]:
    return sorted(
        Message.objects.filter(template__code__in=["welcome", "welcome_letter"]).values_list(
            "template__code", "to"
        )
    )


def close(visit, by):
    installer.visit_finish(visit=visit, by=by, result="connected")
    visit.application.refresh_from_db()


def test_the_connected_subscriber_gets_the_welcome_sms(started, fitter):
    close(started, fitter)
    subscriber = started.application.subscriber
    assert welcomes() == [("welcome", "+79221234567")]
    [message] = Message.objects.filter(template__code="welcome")
    assert subscriber.account in message.body
    assert TriggerFiring.objects.get(trigger="welcome").key == f"subscriber:{subscriber.pk}"


def test_one_with_an_e_mail_gets_the_welcome_letter_too(started, fitter):
    started.application.email = "anna@mail.ru"
    started.application.save(update_fields=["email"])
    close(started, fitter)
    assert welcomes() == [("welcome", "+79221234567"), ("welcome_letter", "anna@mail.ru")]


def test_closing_twice_welcomes_once(started, fitter):
    close(started, fitter)
    close(Visit.objects.get(pk=started.pk), fitter)
    assert len(welcomes()) == 1


def test_the_welcome_off_in_the_branch_sends_nothing(started, fitter, ural):
    TriggerSetting.objects.create(trigger="welcome", branch=ural, enabled=False)
    close(started, fitter)
    assert started.application.subscriber is not None and welcomes() == []


def test_a_close_refused_leaves_no_welcome(started, fitter):
    from subscribers.tests.factories import SubscriberFactory

    SubscriberFactory(account="00000777")
    with pytest.raises(ValidationError):
        installer.visit_finish(visit=started, by=fitter, result="connected", account="00000777")
    assert welcomes() == [] and not TriggerFiring.objects.exists()

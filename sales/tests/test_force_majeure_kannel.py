"""Force majeure (3.2.3) through the real gateway: a day's visits are moved and each affected
prospect's "slot changed" SMS reaches Debian's Kannel (bearerbox, smsbox, its fake SMSC) once,
with the new slot in it, and comes back delivered. Skipped where Kannel is not installed, unless
ABONENT_KANNEL_REQUIRED=1 (as in .ci/run)."""

import datetime
import os

import pytest
from django.utils import timezone

from comms import outbox
from comms.kannel import LocalKannel, available
from comms.models import Gateway, Message
from comms.services import standard_install
from comms.tests.factories import GatewayFactory
from comms.tests.test_kannel import wait_for
from sales import force_majeure as fm
from sales import schedule
from sales.models import Application, Slot, Visit
from sales.standard import reasons_install
from sales.tests.factories import ApplicationFactory, TeamFactory

REQUIRED = os.environ.get("ABONENT_KANNEL_REQUIRED") == "1"
pytestmark = pytest.mark.skipif(
    not available() and not REQUIRED, reason="Kannel (apt-get install kannel kannel-extras)"
)


@pytest.fixture
def kannel(tmp_path):
    local = LocalKannel(tmp_path / "kannel").start()
    yield local
    local.stop()


@pytest.mark.django_db(transaction=True)
def test_a_day_moved_by_force_majeure_reaches_each_prospect_through_kannel(
    kannel, live_server, settings, ural, lenina, coordinator
):
    settings.ABONENT_PUBLIC_URL = live_server.url  # the delivery reports come back here
    GatewayFactory(
        kind=Gateway.Kind.KANNEL, url=kannel.sendsms_url, username="abonent",
        password="abonent", sender="Abonent", status_url=kannel.status_url,
    )  # fmt: skip
    standard_install(language="ru")
    reasons_install(language="ru")
    day = schedule.local_now(ural).date() + datetime.timedelta(days=2)
    team = TeamFactory(branch=ural, name="Бригада 1", slot_capacity=2)
    schedule.slots_ensure(branch=ural, start=day, end=day + datetime.timedelta(days=20))
    phones = []
    for n, hour in enumerate((9, 11, 14)):
        application = ApplicationFactory(
            building=lenina, state=Application.State.QUALIFIED, phone=f"+7912444{n:04d}"
        )
        slot = Slot.objects.get(team=team, date=day, starts=datetime.time(hour))
        schedule.visit_book(application=application, slot=slot, by=coordinator)
        phones.append(application.phone)

    moves = [(p.visit, p.slot) for p in fm.proposal(fm.affected_visits(branch=ural, day=day))]
    summary = fm.force_majeure_apply(moves=moves, by=coordinator)
    assert len(summary.moves) == 3
    assert not Visit.objects.filter(slot__date=day, state=Visit.State.BOOKED).exists()
    # The quiet hours may hold the texts until the branch's morning: let the morning come.
    Message.objects.filter(template__code="slot_changed").update(not_before=timezone.now())

    before = len(kannel.received())
    assert outbox.dispatch_all() == 3
    assert wait_for(lambda: len(kannel.received()) - before >= 3)
    got = {to: text for _sender, to, text in kannel.received()[before:]}
    assert sorted(got) == sorted(phones)
    for visit, slot in moves:
        assert schedule.slot_label(slot) in got[visit.application.phone]
    delivered = lambda: Message.objects.filter(status="delivered").count() == 3  # noqa: E731
    assert wait_for(delivered), list(Message.objects.values_list("status", flat=True))
    assert len(kannel.received()) - before == 3  # each handed over once

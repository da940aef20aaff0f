"""The forms that show money name the branch's currency, not a rouble sign: the public form's
tariffs (the default currency, the operator's site has no branch) and the field agent's form
(the agent's branch)."""

from decimal import Decimal

import pytest
from django.utils import translation

from core.tests.factories import BranchFactory, UserFactory
from subscribers.tests.factories import TariffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tenge(db):
    BranchFactory(name="Алматы", currency="KZT", time_zone="Asia/Almaty")
    return TariffFactory(name="Home 100", monthly_fee=Decimal("4990"))


def test_the_public_form_of_a_kzt_operator_shows_fees_in_tenge(client, tenge):
    page = client.get("/apply/").content.decode()
    assert "Home 100 — 4,990.00 KZT a month" in page
    assert "₽" not in page


def test_in_russian_the_fee_is_written_with_the_short_name(client, tenge):
    client.cookies["django_language"] = "ru"
    with translation.override("ru"):
        page = client.get("/apply/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "4\xa0990,00 тг" in page


def test_the_field_form_takes_the_payment_in_the_agent_s_branch_currency(client, tenge):
    minsk = BranchFactory(name="Минск", currency="BYN", time_zone="Europe/Minsk")
    agent = UserFactory(username="agent", roles=["sales_agent"], branches=[minsk])
    client.force_login(agent)
    page = client.get("/sales/field/").content.decode()
    assert "Payment taken, BYN" in page
    assert "Home 100 — 4,990.00 BYN a month" in page
    assert "₽" not in page

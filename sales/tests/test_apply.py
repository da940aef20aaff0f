"""The public application form (/apply/): a prospect's application with its SMS, and the
spam it keeps out."""

import datetime
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from comms.models import Message
from comms.services import standard_install
from comms.tests.factories import GatewayFactory
from sales.models import Application, Source
from sales.public_forms import STAMP_SALT
from subscribers.tests.factories import BuildingFactory, TariffFactory

pytestmark = pytest.mark.django_db

URL = "/apply/"


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def sms(db):
    GatewayFactory()
    standard_install(language="en")


def stamp(seconds_ago: float = 10) -> str:
    return signing.dumps(time.time() - seconds_ago, salt=STAMP_SALT, compress=True)


def data(**fields):
    return {
        "full_name": "Ivan Petrov",
        "phone": "+7 912 345-67-89",
        "address": "ул. Ленина, 12",
        "flat": "7",
        "consent": "on",
        "website": "",
        "stamp": stamp(),
        **fields,
    }


def test_it_shows_the_form_to_anyone(client):
    response = client.get(URL)
    assert response.status_code == 200
    assert 'name="stamp"' in response.content.decode()
    assert response["X-Frame-Options"] == "DENY"


def test_it_registers_an_application_and_queues_its_sms(client, lenina, sms):
    tariff = TariffFactory(name="Home 100")
    response = client.post(URL, data(tariff=tariff.pk), follow=True)
    application = Application.objects.get()
    assert application.source == Source.WEB_FORM
    assert application.channel == "passive"
    assert application.state == Application.State.NEW
    assert application.building == lenina
    assert application.tariff == tariff
    assert application.created_by is None and application.agent is None
    assert application.phone == "+79123456789"
    message = Message.objects.get()
    assert message.to == "+79123456789"
    assert "application is received" in message.body
    page = response.content.decode()
    assert application.number in page
    assert "will call you soon" in page


def test_it_offers_only_active_tariffs(client):
    TariffFactory(name="On sale")
    TariffFactory(name="Archived", active_to=datetime.date(2020, 1, 1))
    page = client.get(URL).content.decode()
    assert "On sale" in page and "Archived" not in page


def test_it_puts_an_address_not_covered_yet_into_demand(client, lenina, sms):
    far = BuildingFactory(street=lenina.street, house="40", technology="")
    response = client.post(URL, data(address="ул. Ленина, 40"), follow=True)
    application = Application.objects.get()
    assert application.state == Application.State.NO_COVERAGE
    assert application.building == far
    assert "will tell you when it is" in response.content.decode()
    assert not Message.objects.exists()


def test_it_takes_an_address_no_building_matches(client, lenina):
    client.post(URL, data(address="ул. Неизвестная, 1"))
    application = Application.objects.get()
    assert application.state == Application.State.NO_COVERAGE
    assert application.building is None
    assert application.branch == lenina.street.city.branch


def test_it_asks_which_building_when_several_match(client, lenina):
    one = BuildingFactory(street=lenina.street, house="30к1")
    two = BuildingFactory(street=lenina.street, house="30к2")
    response = client.post(URL, data(address="ул. Ленина, 30"))
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="apply-candidates"' in page
    assert f'value="{one.pk}"' in page and f'value="{two.pk}"' in page
    assert not Application.objects.exists()
    client.post(URL, data(address="ул. Ленина, 30", building=two.pk))
    assert Application.objects.get().building == two


def test_it_pretends_to_a_robot_that_filled_the_honeypot(client, lenina, sms):
    response = client.post(URL, data(website="http://spam.example"), follow=True)
    assert response.status_code == 200
    assert "Thank you" in response.content.decode()
    assert not Application.objects.exists()
    assert not Message.objects.exists()


def test_it_pretends_to_a_robot_that_sent_too_fast(client, lenina):
    response = client.post(URL, data(stamp=stamp(seconds_ago=0.5)), follow=True)
    assert "Thank you" in response.content.decode()
    assert not Application.objects.exists()


def test_it_pretends_to_a_robot_without_our_stamp(client, lenina):
    client.post(URL, data(stamp="forged"))
    assert not Application.objects.exists()


def test_it_asks_to_send_again_a_form_open_for_days(client, lenina, monkeypatch):
    days_ago = time.time() - 3 * 24 * 3600
    with monkeypatch.context() as m:
        m.setattr(time, "time", lambda: days_ago)  # the signer's own clock too
        old = stamp(seconds_ago=0)
    response = client.post(URL, data(stamp=old))
    assert response.status_code == 400
    assert "open too long" in response.content.decode()
    assert not Application.objects.exists()


def test_it_limits_applications_from_one_address(client, lenina, settings):
    settings.ABONENT_APPLY_LIMIT_PER_IP = (2, 3600)
    for n in range(2):
        client.post(URL, data(phone=f"+7912345670{n}"))
    response = client.post(URL, data(phone="+79123456709"))
    assert response.status_code == 429
    assert "Too many applications" in response.content.decode()
    assert Application.objects.count() == 2
    other = client.post(URL, data(phone="+79123456708"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_it_limits_applications_with_one_phone(client, lenina, settings):
    settings.ABONENT_APPLY_LIMIT_PER_PHONE = (3, 86400)
    for n in range(3):
        client.post(URL, data(), REMOTE_ADDR=f"10.0.0.{n + 1}")
    response = client.post(URL, data(), REMOTE_ADDR="10.0.0.50")
    assert response.status_code == 429
    assert "with this phone number" in response.content.decode()
    assert Application.objects.count() == 3


def test_it_refuses_a_bad_phone(client, lenina):
    response = client.post(URL, data(phone="12"))
    assert response.status_code == 400
    assert "is not a phone number" in response.content.decode()
    assert not Application.objects.exists()


def test_it_refuses_an_empty_address(client, lenina):
    response = client.post(URL, data(address=""))
    assert response.status_code == 400
    assert "Give the address to connect" in response.content.decode()
    assert not Application.objects.exists()


def test_it_refuses_without_consent(client, lenina):
    response = client.post(URL, data(consent=""))
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_it_rejects_other_methods(client):
    assert client.put(URL).status_code == 405
    assert client.post(reverse("apply_thanks")).status_code == 405


def test_the_embedded_form_may_be_framed_by_the_operators_site(client, settings):
    settings.ABONENT_APPLY_FRAME_ANCESTORS = "https://www.example-isp.ru"
    response = client.get(URL + "?embed=1")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert response["Content-Security-Policy"] == "frame-ancestors https://www.example-isp.ru"
    page = response.content.decode()
    assert 'action="/apply/?embed=1"' in page
    assert "navbar" not in page


def test_the_embedded_form_stays_in_its_frame_after_sending(client, lenina):
    response = client.post(URL + "?embed=1", data())
    assert response.status_code == 302
    assert "embed=1" in response["Location"]
    thanks = client.get(response["Location"])
    assert "X-Frame-Options" not in thanks


def test_the_thanks_page_ignores_a_forged_number(client):
    response = client.get(reverse("apply_thanks") + "?t=26-000001")
    assert response.status_code == 200
    assert "26-000001" not in response.content.decode()

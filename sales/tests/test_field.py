"""The field agent's form (/sales/field/): an application on a phone, credited to the agent,
with the coverage hint and the duplicates asked about before saving."""

from decimal import Decimal

import pytest
from django.urls import reverse

from core.tests.factories import UserFactory
from sales.models import Application, Source
from sales.tests.factories import ApplicationFactory
from subscribers.tests.factories import BuildingFactory, TariffFactory

pytestmark = pytest.mark.django_db

URL = "/sales/field/"


@pytest.fixture
def agent(ural):
    return UserFactory(username="agent", roles=["sales_agent"], branches=[ural])


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def data(**fields):
    return {
        "source": Source.FIELD_AGENT,
        "full_name": "Anna Smirnova",
        "phone": "8 (912) 111-22-33",
        "address": "Ленина 12",
        "flat": "15",
        "paid": "",
        "tariff": "",
        **fields,
    }


def test_it_shows_a_light_form(agent_client):
    response = agent_client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="field-form"' in page and "<table" not in page
    assert f'hx-get="{reverse("sales:field_coverage")}"' in page


def test_it_saves_an_application_credited_to_the_agent(agent_client, agent, lenina):
    tariff = TariffFactory()
    response = agent_client.post(URL, data(paid="500", tariff=tariff.pk))
    application = Application.objects.get()
    assert application.agent == agent and application.created_by == agent
    assert application.source == Source.FIELD_AGENT and application.channel == "active"
    assert application.building == lenina and application.flat == "15"
    assert application.paid == Decimal("500") and application.paid_at is not None
    assert application.tariff == tariff
    assert response.status_code == 302
    page = agent_client.get(response["Location"]).content.decode()
    assert f"Application {application.number} is saved" in page
    assert 'value="Anna Smirnova"' not in page  # a clean form for the next one


def test_it_takes_a_promo_stand_application_and_keeps_the_toggle(agent_client, lenina):
    response = agent_client.post(URL, data(source=Source.PROMO_STAND))
    assert Application.objects.get().source == Source.PROMO_STAND
    page = agent_client.get(response["Location"]).content.decode()
    assert 'value="promo_stand" class="btn-check" id="id_source_1" required checked' in page


def test_it_shows_a_duplicate_and_writes_nothing_yet(agent_client, lenina):
    existing = ApplicationFactory(number="OLD-1", building=lenina, phone="+79121112233")
    response = agent_client.post(URL, data())
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="field-duplicates"' in page and existing.number in page
    assert Application.objects.count() == 1


def test_it_links_to_the_duplicate(agent_client, lenina):
    existing = ApplicationFactory(number="OLD-1", building=lenina, phone="+79121112233")
    agent_client.post(URL, data(link_to=existing.pk))
    new = Application.objects.exclude(pk=existing.pk).get()
    assert new.duplicate_of == existing


def test_it_saves_a_duplicate_anyway(agent_client, lenina):
    existing = ApplicationFactory(number="OLD-1", building=lenina, flat="15")
    agent_client.post(URL, data(decision="save"))
    new = Application.objects.exclude(pk=existing.pk).get()
    assert new.duplicate_of is None


def test_it_does_not_link_to_an_application_not_among_the_duplicates(agent_client, lenina):
    other = ApplicationFactory(number="OLD-1", phone="+79990000000")
    response = agent_client.post(URL, data(link_to=other.pk))
    # No duplicate at all: it saves, without the foreign link.
    assert response.status_code == 302
    assert Application.objects.exclude(pk=other.pk).get().duplicate_of is None


def test_it_asks_which_building_when_several_match(agent_client, lenina):
    BuildingFactory(street=lenina.street, house="30к1")
    two = BuildingFactory(street=lenina.street, house="30к2")
    response = agent_client.post(URL, data(address="Ленина 30"))
    assert response.status_code == 400
    assert 'id="field-candidates"' in response.content.decode()
    assert not Application.objects.exists()
    agent_client.post(URL, data(address="Ленина 30", building=two.pk))
    assert Application.objects.get().building == two


def test_it_refuses_a_bad_phone(agent_client, lenina):
    response = agent_client.post(URL, data(phone="abc"))
    assert response.status_code == 400
    assert "is not a phone number" in response.content.decode()
    assert not Application.objects.exists()


def test_it_refuses_a_negative_payment(agent_client, lenina):
    response = agent_client.post(URL, data(paid="-5"))
    assert response.status_code == 400
    assert not Application.objects.exists()


def test_it_hints_the_coverage_as_the_address_is_typed(agent_client, lenina):
    response = agent_client.get(reverse("sales:field_coverage"), {"address": "Ленина 12"})
    assert response.status_code == 200
    assert 'data-status="served"' in response.content.decode()
    unknown = agent_client.get(reverse("sales:field_coverage"), {"address": "Пушкина 1"})
    assert 'data-status="unknown"' in unknown.content.decode()


def test_it_is_forbidden_to_a_role_that_takes_no_applications(client, ural):
    client.force_login(UserFactory(roles=["cashier"], branches=[ural]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, data()).status_code == 403
    assert client.get(reverse("sales:field_coverage"), {"address": "x 1"}).status_code == 403


def test_it_rejects_other_methods(agent_client):
    assert agent_client.put(URL).status_code == 405
    assert agent_client.post(reverse("sales:field_coverage")).status_code == 405

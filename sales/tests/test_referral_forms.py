"""A friend's referral code on every application form: the coordinator's, the public one and the
field agent's credit the referrer; an unknown code, the applicant's own code or a programme
switched off is refused on the field and nothing is written."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from core.tests.factories import UserFactory
from sales.models import Application, ReferralProgramme
from sales.referrals import referral_code_for
from subscribers.tests.factories import SubscriberFactory

from .test_apply import data as public_data
from .test_field import data as field_data

pytestmark = pytest.mark.django_db
NEW = reverse("sales:application_new")


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def referrer(ural):
    return SubscriberFactory(branch=ural, phone="+79120000001")


@pytest.fixture
def code(referrer):
    return referral_code_for(referrer).code


def coordinator_form(**fields):
    return {
        "source": "inbound_call", "full_name": "Иванова Мария", "phone": "89123456789",
        "address": "Ленина 12", "flat": "7", "save": "1", **fields,
    }  # fmt: skip


@pytest.fixture
def agent_client(client, ural):
    client.force_login(UserFactory(username="agent", roles=["sales_agent"], branches=[ural]))
    return client


def test_the_coordinator_credits_the_referrer_of_a_code_typed_any_way(
    client, coordinator, lenina, referrer, code
):
    client.force_login(coordinator)
    typed = f" {code[:3].lower()}-{code[3:].lower()} "
    client.post(NEW, coordinator_form(referral_code=typed))
    assert Application.objects.get().referrer == referrer


def test_the_public_form_credits_the_referrer(client, lenina, referrer, code):
    client.post("/apply/", public_data(referral_code=code))
    assert Application.objects.get().referrer == referrer


def test_a_friends_link_fills_the_code_in_on_the_public_form(client, code):
    html = client.get(f"/apply/?ref={code}").content.decode()
    assert f'value="{code}"' in html


def test_the_field_agent_credits_the_referrer(agent_client, lenina, referrer, code):
    agent_client.post("/sales/field/", field_data(referral_code=code))
    assert Application.objects.get().referrer == referrer


def test_no_code_is_no_referrer(client, coordinator, lenina):
    client.force_login(coordinator)
    client.post(NEW, coordinator_form())
    assert Application.objects.get().referrer is None


def post(form, client, coordinator, agent_client, **fields):
    """The application form `form` posted with these fields, by whoever fills it in."""
    if form == "coordinator":
        client.force_login(coordinator)
        return client.post(NEW, coordinator_form(**fields))
    if form == "public":
        client.logout()
        return client.post("/apply/", public_data(**fields))
    return agent_client.post("/sales/field/", field_data(**fields))


FORMS = ["coordinator", "public", "field"]


@pytest.mark.parametrize("form", FORMS)
def test_an_unknown_code_is_refused_on_each_form_and_nothing_is_written(
    form, client, coordinator, agent_client, lenina, referrer
):
    response = post(form, client, coordinator, agent_client, referral_code="ZZZZZZ")
    assert "No subscriber has this referral code." in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("form", FORMS)
def test_the_applicants_own_code_is_refused_on_each_form(
    form, client, coordinator, agent_client, lenina, referrer, code
):
    # The phone is the referrer's: "save" answers the field form's question on the duplicate.
    response = post(
        form, client, coordinator, agent_client, referral_code=code, phone="+7 912 000-00-01",
        decision="save",
    )  # fmt: skip
    assert "the applicant&#x27;s own code" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("form", FORMS)
def test_a_code_is_refused_on_each_form_while_the_programme_is_off(
    form, client, coordinator, agent_client, lenina, referrer, code
):
    ReferralProgramme.objects.create(active=False, friend_bonus="a gift")
    response = post(form, client, coordinator, agent_client, referral_code=code)
    assert "The refer-a-friend programme is off" in response.content.decode()
    assert not Application.objects.exists()


def test_without_a_code_the_form_works_while_the_programme_is_off(client, coordinator, lenina):
    ReferralProgramme.objects.create(active=False)
    client.force_login(coordinator)
    client.post(NEW, coordinator_form())
    assert Application.objects.get().referrer is None


def test_a_credited_application_keeps_the_source_of_its_form(client, lenina, referrer, code):
    client.post("/apply/", public_data(referral_code=code))
    application = Application.objects.get()
    assert (application.referrer, application.source) == (referrer, "web_form")

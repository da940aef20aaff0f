"""The subscriber block's API: branch scoping, permissions, cursor pages, search, the ledger of
a subscriber and the billing-import upload."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from core.models import Job
from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import Charge, ExtraAttribute, Payment, Service, Subscriber
from subscribers.tests.factories import BuildingFactory, SubscriberFactory, TariffFactory

pytestmark = pytest.mark.django_db

SUBSCRIBERS = reverse("api:subscriber-list")
IMPORTS = reverse("api:import-list")


def api_client(client, *perms, branches=None, **kwargs):
    client.force_login(UserFactory(perms=list(perms), branches=branches, **kwargs))
    return client


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


# -- subscribers ------------------------------------------------------------------------------


def test_a_user_sees_only_the_subscribers_of_their_branches(client):
    mine, other = BranchFactory(), BranchFactory()
    visible = SubscriberFactory.create_batch(2, branch=mine)
    hidden = SubscriberFactory(branch=other)
    api_client(client, "subscribers.view_subscriber", branches=[mine])
    assert sorted(ids(client.get(SUBSCRIBERS))) == sorted(s.pk for s in visible)
    assert client.get(reverse("api:subscriber-detail", args=[hidden.pk])).status_code == 404


def test_a_user_without_branches_sees_no_subscriber(client):
    SubscriberFactory()
    api_client(client, "subscribers.view_subscriber", branches=[])
    assert ids(client.get(SUBSCRIBERS)) == []


def test_a_user_without_the_view_permission_gets_403(client):
    SubscriberFactory()
    api_client(client, "subscribers.view_tariff")
    assert client.get(SUBSCRIBERS).status_code == 403


def test_cursor_pages_cover_every_row_exactly_once(client, django_assert_max_num_queries):
    made = {s.pk for s in SubscriberFactory.create_batch(11)}
    api_client(client, "subscribers.view_subscriber")
    seen, url = [], f"{SUBSCRIBERS}?page_size=4"
    while url:
        with django_assert_max_num_queries(10):
            response = client.get(url)
        seen += ids(response)
        url = response.json()["next"]
    assert len(seen) == len(made) == 11
    assert set(seen) == made


@pytest.mark.parametrize(
    "text", ["+7 912 345-67-89", "89123456789", "9123456789", "8 (912) 345 67 89", "6789"]
)
def test_it_finds_a_subscriber_by_phone_in_any_form(client, text):
    wanted = SubscriberFactory(phone="+79123456789")
    SubscriberFactory(phone="+79990001122")
    api_client(client, "subscribers.view_subscriber")
    assert ids(client.get(SUBSCRIBERS, {"q": text})) == [wanted.pk]


def test_it_filters_by_status_and_tariff(client):
    tariff = TariffFactory()
    wanted = SubscriberFactory(tariff=tariff, status="suspended")
    SubscriberFactory(tariff=tariff)
    SubscriberFactory(status="suspended")
    api_client(client, "subscribers.view_subscriber")
    response = client.get(SUBSCRIBERS, {"status": "suspended", "tariff": tariff.pk})
    assert ids(response) == [wanted.pk]


def test_it_refuses_a_bad_filter_value_with_400(client):
    api_client(client, "subscribers.view_subscriber")
    query = {"status": "sleeping", "tenure_from": 10**30, "branch": 10**30, "city": -1}
    response = client.get(SUBSCRIBERS, query)
    assert response.status_code == 400
    assert set(response.json()) == {"status", "tenure_from", "branch", "city"}


def test_it_masks_personal_data_for_whom_may_not_see_it(client):
    SubscriberFactory(phone="+79123456789", email="ivanov@mail.ru", flat="12")
    api_client(client, "subscribers.view_subscriber")
    row = client.get(SUBSCRIBERS).json()["results"][0]
    assert (row["phone"], row["email"], row["flat"]) == ("+7 912 ***-**-89", "i***@mail.ru", "**")


def test_it_shows_personal_data_to_whom_may_see_it(client):
    SubscriberFactory(phone="+79123456789", email="ivanov@mail.ru", flat="12")
    api_client(client, is_superuser=True)
    row = client.get(SUBSCRIBERS).json()["results"][0]
    assert (row["phone"], row["email"], row["flat"]) == ("+79123456789", "ivanov@mail.ru", "12")


# -- buildings and tariffs --------------------------------------------------------------------


def test_a_user_sees_only_the_buildings_of_their_branches(client):
    mine = BranchFactory()
    visible = BuildingFactory(street__city__branch=mine)
    BuildingFactory()
    api_client(client, "subscribers.view_building", branches=[mine])
    assert ids(client.get(reverse("api:building-list"))) == [visible.pk]


def test_tariffs_are_not_scoped(client):
    tariffs = {TariffFactory().pk, TariffFactory().pk}
    api_client(client, "subscribers.view_tariff", branches=[])
    assert set(ids(client.get(reverse("api:tariff-list")))) == tariffs


# -- the ledger -------------------------------------------------------------------------------


def ledger(subscriber):
    internet, _ = Service.objects.get_or_create(name="Internet")
    for month in (1, 2, 3):
        Charge.objects.create(
            subscriber=subscriber,
            period=date(2025, month, 1),
            service=internet,
            tariff=subscriber.tariff,
            amount=Decimal("500.00"),
        )
    Payment.objects.create(
        subscriber=subscriber,
        paid_at=datetime(2025, 2, 3, 10, tzinfo=UTC),
        month=date(2025, 2, 1),
        amount=Decimal("1000.00"),
        method="cash",
    )


def test_it_lists_a_subscribers_charges_and_payments_newest_first(client):
    subscriber = SubscriberFactory()
    ledger(subscriber)
    ledger(SubscriberFactory())
    api_client(client, "subscribers.view_charge", "subscribers.view_payment")
    charges = client.get(reverse("api:charge-list", args=[subscriber.pk])).json()["results"]
    assert [c["period"] for c in charges] == ["2025-03-01", "2025-02-01", "2025-01-01"]
    assert charges[0]["service"] == "Internet" and charges[0]["amount"] == "500.00"
    payments = client.get(reverse("api:payment-list", args=[subscriber.pk])).json()["results"]
    assert [(p["amount"], p["method"]) for p in payments] == [("1000.00", "cash")]


def test_the_ledger_of_another_branchs_subscriber_is_empty(client):
    mine = BranchFactory()
    stranger = SubscriberFactory()
    ledger(stranger)
    api_client(client, "subscribers.view_charge", branches=[mine])
    response = client.get(reverse("api:charge-list", args=[stranger.pk]))
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_ledger_needs_its_own_permission(client):
    subscriber = SubscriberFactory()
    api_client(client, "subscribers.view_subscriber")
    assert client.get(reverse("api:payment-list", args=[subscriber.pk])).status_code == 403


# -- the billing import -----------------------------------------------------------------------


@pytest.fixture
def importing(settings, tmp_path, import_env):
    settings.ABONENT_JOB_RUNNER = "sync"
    settings.MEDIA_ROOT = tmp_path / "media"


def csv(name, text):
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_a_good_upload_starts_an_import_and_tells_where_to_follow_it(client, importing, operator):
    api_client(client, "subscribers.add_importbatch", "subscribers.view_importbatch")
    files = [csv(name, text) for name, text in operator.items()]
    response = client.post(IMPORTS, {"files": files})
    assert response.status_code == 201, response.content
    body = response.json()
    job = Job.objects.get(pk=body["id"])
    assert job.kind == Job.Kind.BILLING_IMPORT and job.created_by.has_perm
    assert response["Location"] == body["status_url"]
    assert body["status_url"].endswith(reverse("api:import-detail", args=[job.pk]))
    assert body["page_url"] == reverse("job_detail", args=[job.pk])
    status = client.get(body["status_url"]).json()
    assert status["status"] == "done", status["result"]
    assert sorted(status["files"]) == sorted(operator)
    assert Subscriber.objects.count() == 5
    assert ids(client.get(IMPORTS)) == [job.pk]


def test_a_bad_upload_is_refused_and_creates_nothing(client, importing):
    api_client(client, "subscribers.add_importbatch")
    response = client.post(
        IMPORTS,
        {"files": [csv("subscribers.txt", "x"), csv("charges.csv", "")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    errors = response.json()["files"]
    assert "“subscribers.txt” is neither a CSV nor an XLSX file." in errors
    assert "“charges.csv” is empty." in errors
    assert not Job.objects.exists()


def test_an_upload_without_files_is_refused(client, importing):
    api_client(client, "subscribers.add_importbatch")
    response = client.post(IMPORTS, {}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"files": ["Choose at least one file to import."]}


def test_an_unknown_mapping_is_refused(client, importing, operator):
    api_client(client, "subscribers.add_importbatch")
    response = client.post(IMPORTS, {"files": [csv("subscribers.csv", "a")], "mapping": "nope"})
    assert response.status_code == 400
    assert "mapping" in response.json()
    assert not Job.objects.exists()


def test_uploading_needs_the_add_permission(client, importing):
    api_client(client, "subscribers.view_importbatch")
    assert client.get(IMPORTS).status_code == 200
    assert client.post(IMPORTS, {"files": [csv("subscribers.csv", "a")]}).status_code == 403
    assert not Job.objects.exists()


def test_it_filters_by_an_extra_attribute_after_the_schema_was_generated(client):
    ExtraAttribute.objects.create(key="has_router", label="Router", value_type="bool")
    wanted = SubscriberFactory(extra={"has_router": True})
    SubscriberFactory(extra={"has_router": False})
    api_client(client, "subscribers.view_subscriber")
    SchemaGenerator().get_schema(request=None, public=True)
    query = {"attribute": "has_router", "attribute_value": "да"}
    assert ids(client.get(SUBSCRIBERS, query)) == [wanted.pk]
    assert ids(client.get(SUBSCRIBERS, {"attribute": "nothing__like"})) == []

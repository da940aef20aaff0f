"""The export of connected applications to the billing system."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import UserFactory
from sales import installer as service
from sales.models import Application
from sales.tests.factories import ApplicationFactory
from subscribers.tests.factories import SubscriberFactory, TariffFactory

URL = reverse("sales:billing_export")


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def connected(lenina, account: str, *, ago_hours: int = 1, **kwargs) -> Application:
    subscriber = SubscriberFactory(
        account=account, branch=lenina.street.city.branch, building=lenina
    )
    return ApplicationFactory(
        building=lenina,
        state=Application.State.CONNECTED,
        connected_at=timezone.now() - datetime.timedelta(hours=ago_hours),
        subscriber=subscriber,
        tariff=TariffFactory(name="Гигабит"),
        paid=Decimal("750.00"),
        **kwargs,
    )


@pytest.fixture
def done(lenina, coordinator):
    return [
        connected(lenina, "00000001", full_name="Первый Абонент", agent=coordinator),
        connected(lenina, "00000002", full_name="Второй Абонент", ago_hours=30),
    ]


def test_it_previews_what_is_to_export(client, coordinator, done, lenina):
    ApplicationFactory(building=lenina, state=Application.State.SCHEDULED, full_name="Не Готов")
    client.force_login(coordinator)
    body = client.get(URL).content.decode()
    assert "Первый Абонент" in body and "Второй Абонент" in body and "Не Готов" not in body
    assert "2 connections to export" in body


def test_it_downloads_csv_and_xlsx(client, coordinator, done):
    from openpyxl import load_workbook

    client.force_login(coordinator)
    text = client.get(URL, {"format": "csv"}).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Account;Name;Phone;Address;Tariff;Connected;Payment taken;Agent")
    assert any(line.startswith("00000001;Первый Абонент;") and "750.00" in line for line in lines)
    assert "Гигабит" in text and coordinator.get_full_name() in text
    book = load_workbook(io.BytesIO(client.get(URL, {"format": "xlsx"}).content))
    values = list(book.active.iter_rows(values_only=True))
    assert len(values) == 3 and {values[1][0], values[2][0]} == {"00000001", "00000002"}


def test_marking_exported_is_idempotent(client, coordinator, done):
    client.force_login(coordinator)
    until = timezone.now().isoformat()
    assert client.post(URL, {"until": until}).status_code == 302
    first = dict(Application.objects.values_list("pk", "exported_at"))
    assert all(first[a.pk] is not None for a in done)
    assert client.post(URL, {"until": until}).status_code == 302
    assert dict(Application.objects.values_list("pk", "exported_at")) == first
    assert "0 connections to export" in client.get(URL).content.decode()


def test_it_marks_only_what_was_shown(coordinator, done, lenina):
    until = timezone.now()
    later = connected(lenina, "00000003", ago_hours=0)
    later.connected_at = until + datetime.timedelta(seconds=5)
    later.save(update_fields=["connected_at"])
    assert service.billing_export_mark(by=coordinator, until=until) == 2
    assert service.billing_export_mark(by=coordinator, until=until) == 0
    later.refresh_from_db()
    assert later.exported_at is None


def test_since_narrows_the_rows(coordinator, done):
    since = timezone.now() - datetime.timedelta(hours=2)
    rows = service.billing_export(user=coordinator, since=since)
    assert [a.pk for a in rows] == [done[0].pk]


def test_it_refuses_an_installer(client, ural):
    fitter = UserFactory(username="fitter", roles=["installer"], branches=[ural])
    client.force_login(fitter)
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 403


def test_it_rejects_other_methods(client, coordinator):
    client.force_login(coordinator)
    assert client.put(URL).status_code == 405
    assert client.delete(URL).status_code == 405

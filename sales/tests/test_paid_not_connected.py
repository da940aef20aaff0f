"""Paid but not connected (2.2.1): the registry's rows, the days boundary, the memo."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from core.tests.factories import BranchFactory, UserFactory
from sales.models import Application, SlaPolicy
from sales.tests.factories import ApplicationFactory

S = Application.State
REGISTRY = reverse("registry", kwargs={"name": "paid_not_connected"})


def memo_url(fmt: str) -> str:
    return reverse("sales:paid_not_connected_memo", kwargs={"fmt": fmt})


def paid(days: float, *, state=S.SCHEDULED, amount="500.00", **kwargs) -> Application:
    return ApplicationFactory(
        state=state,
        paid=Decimal(amount),
        paid_at=timezone.now() - datetime.timedelta(days=days),
        **kwargs,
    )


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rows(lenina):
    """Who is in (waiting 3 days or more, default policy) and who is not."""
    return {
        "in": paid(5, building=lenina, full_name="Ждёт Долго", phone="+79120000001"),
        "edge_in": paid(3 + 1 / 1440, building=lenina, full_name="Ровно Три"),
        "edge_out": paid(3 - 1 / 1440, building=lenina, full_name="Почти Три"),
        "recent": paid(1, building=lenina, full_name="Недавно"),
        "unpaid": paid(9, building=lenina, amount="0", full_name="Без Оплаты"),
        "connected": paid(9, building=lenina, state=S.CONNECTED, full_name="Подключён"),
        "cancelled": paid(9, building=lenina, state=S.CANCELLED, full_name="Отменён"),
        "no_coverage": paid(9, building=lenina, state=S.NO_COVERAGE, full_name="Нет Покрытия"),
    }


def names(response) -> set[str]:
    body = response.content.decode()
    every = {
        "Ждёт Долго", "Ровно Три", "Почти Три", "Недавно", "Без Оплаты", "Подключён", "Отменён",
        "Нет Покрытия",
    }  # fmt: skip
    return {name for name in every if name in body}


def test_it_lists_the_paid_and_not_connected_after_n_days(client, coordinator, rows):
    client.force_login(coordinator)
    response = client.get(REGISTRY)
    assert response.status_code == 200
    assert names(response) == {"Ждёт Долго", "Ровно Три", "Нет Покрытия"}
    assert "+79120000001" in response.content.decode()


def test_the_days_come_from_the_sla_policy(client, coordinator, rows):
    SlaPolicy.objects.create(paid_not_connected_days=1)
    client.force_login(coordinator)
    assert names(client.get(REGISTRY)) == {
        "Ждёт Долго", "Ровно Три", "Почти Три", "Недавно", "Нет Покрытия",
    }  # fmt: skip


def test_the_filter_sets_other_days(client, coordinator, rows):
    client.force_login(coordinator)
    assert names(client.get(REGISTRY, {"days": 6})) == {"Нет Покрытия"}
    assert "Недавно" in names(client.get(REGISTRY, {"days": 0}))


def test_it_shows_how_many_days_each_waits(rows):
    from sales.registries import days_waiting

    assert days_waiting(rows["in"]) == 5


def test_it_masks_the_phone_for_roles_without_personal_data(client, rows, ural):
    agent = UserFactory(username="agent", roles=["sales_agent"], branches=[ural])
    client.force_login(agent)
    body = client.get(REGISTRY).content.decode()
    assert "Ждёт Долго" in body and "+79120000001" not in body and "+7 912 ***-**-01" in body


def test_it_shows_only_the_users_branches(client, rows, lenina):
    other = BranchFactory(name="Другой")
    stranger = UserFactory(username="stranger", roles=["coordinator"], branches=[other])
    client.force_login(stranger)
    assert names(client.get(REGISTRY)) == set()


def test_it_refuses_a_role_without_applications(client, ural):
    trainer = UserFactory(username="trainer", roles=["trainer"], branches=[ural])
    client.force_login(trainer)
    assert client.get(REGISTRY).status_code == 403
    assert client.get(memo_url("docx")).status_code == 403


def test_the_page_offers_the_memo(client, coordinator, rows):
    client.force_login(coordinator)
    body = client.get(REGISTRY, {"days": 2}).content.decode()
    assert f"{memo_url('docx')}?days=2" in body and f"{memo_url('pdf')}?days=2" in body


def test_the_memo_docx_holds_the_rows(client, coordinator, rows, settings):
    from docx import Document

    from core import documents

    # The shipped template speaks the operator's language; this test reads it in English.
    settings.LANGUAGE_CODE = "en"
    documents._default.cache_clear()

    client.force_login(coordinator)
    response = client.get(memo_url("docx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    document = Document(io.BytesIO(response.content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert {rows["in"].number, rows["edge_in"].number, rows["no_coverage"].number} <= cells
    assert rows["recent"].number not in cells and rows["connected"].number not in cells
    assert "+79120000001" in cells and "5" in cells
    text = "\n".join(p.text for p in document.paragraphs)
    assert "3 applications" in text and "1,500.00" in text and "____" in text


def test_the_memo_follows_the_filters(client, coordinator, rows):
    from docx import Document

    client.force_login(coordinator)
    document = Document(io.BytesIO(client.get(memo_url("docx"), {"days": 6}).content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert rows["no_coverage"].number in cells and rows["in"].number not in cells


def test_the_memo_pdf_is_a_pdf(client, coordinator, rows):
    client.force_login(coordinator)
    response = client.get(memo_url("pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_memo_rejects_post_and_unknown_formats(client, coordinator, rows):
    client.force_login(coordinator)
    assert client.post(memo_url("docx")).status_code == 405
    assert client.get(memo_url("odt")).status_code == 404

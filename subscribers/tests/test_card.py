"""The subscriber card: profile with personal data masked per role (revealing it is audited),
status timeline, ledger with running balance, the months' chart, extra attributes, tabs added by
other blocks; and the audit registry of who looked at what."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from core.models import AuditEvent
from core.tests.factories import BranchFactory, UserFactory
from subscribers import card
from subscribers.models import Charge, MonthlyFact, Payment, Service, StatusEvent

from .factories import SubscriberFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def branch():
    return BranchFactory(name="Тверь")


@pytest.fixture
def subscriber(branch):
    s = SubscriberFactory(
        account="40000001",
        branch=branch,
        full_name="Иванов Иван",
        phone="+79123456789",
        email="ivanov@mail.ru",
        flat="12",
        reported_balance=Decimal("-150.00"),
        balance_discrepancy=Decimal("0.00"),
        extra={"contract_no": "Д-1"},
    )
    internet = Service.objects.create(name="Интернет")
    Charge.objects.create(subscriber=s, period=date(2025, 1, 1), service=internet, amount=500)
    Charge.objects.create(subscriber=s, period=date(2025, 2, 1), service=internet, amount=500)
    Payment.objects.create(
        subscriber=s,
        paid_at=datetime(2025, 1, 10, 9, tzinfo=UTC),
        month=date(2025, 1, 1),
        amount=Decimal("850.00"),
        method="cash",
        seq=0,
    )
    StatusEvent.objects.create(subscriber=s, kind="connected", happened_on=date(2024, 12, 1))
    for month, charged, paid, balance in (
        (date(2025, 1, 1), 500, 850, 350),
        (date(2025, 2, 1), 500, 0, -150),
    ):
        MonthlyFact.objects.create(
            subscriber=s,
            month=month,
            branch=branch,
            status="active",
            charged=charged,
            paid=paid,
            balance_end=balance,
        )
    return s


def url(subscriber):
    return reverse("subscribers:card", kwargs={"pk": subscriber.pk})


def login(client, branch, *roles):
    user = UserFactory(roles=list(roles), branches=[branch])
    client.force_login(user)
    return user


def test_the_card_shows_the_ledger_with_its_running_balance_and_the_chart(
    client, branch, subscriber
):
    login(client, branch, "cashier")
    response = client.get(url(subscriber), **EN)
    assert response.status_code == 200
    lines = response.context["ledger"]
    assert [(line.kind, line.amount, line.balance) for line in lines] == [
        ("charge", Decimal("-500.00"), Decimal("-150.00")),
        ("payment", Decimal("850.00"), Decimal("350.00")),
        ("charge", Decimal("-500.00"), Decimal("-500.00")),
    ]
    html = response.content.decode()
    assert 'id="card-chart"' in html and "vendor/plotly.min.js" in html
    assert "Д-1" in html
    assert "Connected" in html  # the status timeline


def test_opening_a_card_is_recorded(client, branch, subscriber):
    user = login(client, branch, "operator")
    client.get(url(subscriber))
    event = AuditEvent.objects.get()
    assert (event.user, event.action, event.object_id) == (
        user,
        AuditEvent.Action.CARD_OPENED,
        str(subscriber.pk),
    )


def test_personal_data_is_masked_until_revealed_and_the_reveal_is_recorded(
    client, branch, subscriber
):
    user = login(client, branch, "cashier")
    html = client.get(url(subscriber), **EN).content.decode()
    assert "+79123456789" not in html and "+7 912 ***-**-89" in html
    assert "ivanov@mail.ru" not in html and 'id="reveal"' in html
    html = client.post(url(subscriber), {"action": "reveal"}, **EN).content.decode()
    assert "+79123456789" in html and "ivanov@mail.ru" in html
    assert AuditEvent.objects.filter(
        user=user, action=AuditEvent.Action.PERSONAL_DATA_REVEALED
    ).exists()


def test_a_role_without_the_right_cannot_reveal(client, branch, subscriber):
    login(client, branch, "trainer")
    html = client.get(url(subscriber), **EN).content.decode()
    assert "+79123456789" not in html and 'id="reveal"' not in html
    assert client.post(url(subscriber), {"action": "reveal"}).status_code == 403
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.PERSONAL_DATA_REVEALED).exists()


def test_the_registry_masks_phones_for_a_role_without_the_right(client, branch, subscriber):
    registry = reverse("registry", kwargs={"name": "subscribers"})
    login(client, branch, "trainer")
    html = client.get(registry, {"q": "89123456789"}, **EN).content.decode()
    assert "+7 912 ***-**-89" in html and "+79123456789" not in html
    login(client, branch, "cashier")
    html = client.get(registry, {"q": "89123456789"}, **EN).content.decode()
    assert "+79123456789" in html
    assert url(subscriber) in html  # the account links to the card


def test_another_branch_s_card_is_not_found(client, subscriber):
    login(client, BranchFactory(name="Самара"), "head")
    assert client.get(url(subscriber)).status_code == 404
    assert not AuditEvent.objects.exists()


def test_a_block_adds_its_tab_to_the_card(client, branch, subscriber):
    before = dict(card._TABS)
    card.register_tab(
        card.Tab("debt.promises", "Promises", "subscribers/widgets/import.html", order=10)
    )
    try:
        login(client, branch, "collector")
        html = client.get(url(subscriber), **EN).content.decode()
        assert 'data-bs-target="#tab-debtpromises"' in html and ">Promises<" in html
    finally:
        card._TABS.clear()
        card._TABS.update(before)


def test_the_audit_registry_shows_who_looked_at_what_to_the_head_only(client, branch, subscriber):
    operator = login(client, branch, "operator")
    client.get(url(subscriber))
    audit = reverse("registry", kwargs={"name": "audit"})
    assert client.get(audit).status_code == 403
    login(client, branch, "head")
    response = client.get(audit, {"action": "card_opened"}, **EN)
    assert response.status_code == 200
    rows = [[value for _c, value, _href in row] for row in response.context["cells"]]
    assert any(operator.username == str(r[1]) and "Иванов Иван" in str(r[3]) for r in rows)

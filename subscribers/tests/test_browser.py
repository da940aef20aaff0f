"""Browser journeys on the real pages, driven by Playwright in Debian's chromium: log in, find a
subscriber by a phone typed as people type it, open the card and its chart, switch to English;
personal data masked for a role without the right; nothing found by another branch's user.
A screenshot of every page visited goes to var/screenshots/ (the CI's artifacts).

Skipped where no chromium is installed, unless ABONENT_BROWSER_REQUIRED=1 (as in .ci/run)."""

import os
import shutil
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from core.tests.factories import PASSWORD, BranchFactory, UserFactory
from subscribers.models import MonthlyFact, Payment

from .factories import SubscriberFactory

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRED = os.environ.get("ABONENT_BROWSER_REQUIRED") == "1"
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", Path(settings.BASE_DIR) / "var" / "screenshots"))

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM and not REQUIRED, reason="no chromium on this machine"),
]
# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def browser():
    assert CHROMIUM, "chromium is required here (apt-get install chromium)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def base(transactional_db):
    tver, samara = BranchFactory(name="Тверь"), BranchFactory(name="Самара")
    subscriber = SubscriberFactory(
        account="40000001",
        branch=tver,
        full_name="Иванов Иван Петрович",
        phone="+79123456789",
        reported_balance=Decimal("-150.00"),
    )
    SubscriberFactory(account="40000002", branch=tver, phone="+79160000000")
    Payment.objects.create(
        subscriber=subscriber,
        paid_at=datetime(2025, 1, 10, 9, tzinfo=UTC),
        month=date(2025, 1, 1),
        amount=Decimal("850.00"),
        method="cash",
        seq=0,
    )
    for month, charged, paid, balance in ((1, 500, 850, 350), (2, 500, 0, -150)):
        MonthlyFact.objects.create(
            subscriber=subscriber,
            month=date(2025, month, 1),
            branch=tver,
            status="active",
            charged=charged,
            paid=paid,
            balance_end=balance,
        )
    return {"tver": tver, "samara": samara, "subscriber": subscriber}


class Journey:
    def __init__(self, browser, live_server, name: str):
        self.page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="ru-RU")
        self.url = live_server.url
        self.name = name
        self.step = 0

    def shot(self, what: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.step += 1
        self.page.screenshot(path=str(SHOTS / f"{self.name}-{self.step:02d}-{what}.png"))

    def log_in(self, username: str) -> None:
        self.page.goto(f"{self.url}/login/")
        self.shot("login")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.click("button[type=submit]")
        self.page.wait_for_url(f"{self.url}/")
        self.shot("my-day")

    def search(self, text: str) -> None:
        self.page.goto(f"{self.url}/r/subscribers/")
        self.page.fill("#q", text)
        self.page.click("#registry-filters button[type=submit]")
        self.page.wait_for_load_state()
        self.shot("search")


def test_an_operator_finds_a_subscriber_by_phone_and_reads_the_card(browser, live_server, base):
    UserFactory(username="operator", roles=["operator"], branches=[base["tver"]])
    journey = Journey(browser, live_server, "operator")
    journey.log_in("operator")
    journey.search("8 912 345-67-89")
    page = journey.page
    rows = page.locator("#registry-table tbody tr")
    assert rows.count() == 1
    assert "Иванов Иван Петрович" in rows.first.inner_text()
    rows.first.locator("a").first.click()
    page.wait_for_selector("#card-chart .main-svg")  # the chart of the months is drawn
    journey.shot("card")
    assert "-150,00" in page.inner_text("#card-balance")
    page.click("button[data-bs-target='#tab-ledger']")
    assert page.locator("#card-ledger tbody tr").count() == 1
    journey.shot("ledger")
    page.click(".ab-lang button[value=en]")
    page.wait_for_load_state()
    assert page.locator("button[data-bs-target='#tab-ledger']").inner_text() == "Ledger"
    journey.shot("card-in-english")


def test_a_role_without_the_right_sees_the_phone_masked(browser, live_server, base):
    UserFactory(username="trainer", roles=["trainer"], branches=[base["tver"]])
    journey = Journey(browser, live_server, "trainer")
    journey.log_in("trainer")
    journey.page.goto(f"{live_server.url}/subscribers/{base['subscriber'].pk}/")
    journey.shot("card")
    assert journey.page.inner_text("#card-phone") == "+7 912 ***-**-89"
    assert journey.page.locator("#reveal").count() == 0


def test_another_branch_s_user_finds_nothing(browser, live_server, base):
    UserFactory(username="samara", roles=["operator"], branches=[base["samara"]])
    journey = Journey(browser, live_server, "other-branch")
    journey.log_in("samara")
    journey.search("89123456789")
    assert journey.page.locator("#registry-empty").count() == 1

"""The coordination journey in a real browser (Debian's chromium), on the real pages: a
prospect fills the public form on a phone-sized window, the coordinator qualifies the
application and books a slot, the installer closes the job on a phone-sized window, and the new
subscriber is in the registry and the daily report counts the connection. Screenshots go to
var/screenshots/. Runs on PostgreSQL (the live server's threads write at once; SQLite's
in-memory test database locks tables between them); skipped where chromium is missing, unless
ABONENT_BROWSER_REQUIRED=1 (as in .ci/run)."""

import datetime
import os
from datetime import UTC

import pytest
from django.conf import settings

from core.tests.factories import BranchFactory, UserFactory
from sales.models import Application, Installer, Team
from sales.schedule import slots_ensure
from subscribers.models import Subscriber
from subscribers.tests.factories import BuildingFactory, CityFactory, StreetFactory
from subscribers.tests.test_browser import CHROMIUM, Journey

REQUIRED = os.environ.get("ABONENT_BROWSER_REQUIRED") == "1"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM and not REQUIRED, reason="no chromium on this machine"),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="threads writing at once need PostgreSQL in tests",
    ),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


def morning_zone() -> str:
    """A time zone where it is about 10:00 now: the day's 14:00 slot is still ahead."""
    offset = 10 - datetime.datetime.now(UTC).hour
    offset = offset - 24 if offset > 14 else offset + 24 if offset < -12 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{-offset:+d}"


@pytest.mark.django_db(transaction=True)
def test_a_prospect_applies_is_booked_and_connected_and_counted(browser, live_server, settings):
    settings.ABONENT_JOB_RUNNER = "sync"
    branch = BranchFactory(name="Уральский филиал", time_zone=morning_zone())
    city = CityFactory(name="Екатеринбург", branch=branch)
    BuildingFactory(
        street=StreetFactory(city=city, name="Ленина"), house="12", technology="FTTB",
        coverage_since=datetime.date(2020, 1, 1),
    )  # fmt: skip
    team = Team.objects.create(
        branch=branch, name="Бригада 1", technologies=["FTTB"], weekdays=[1, 2, 3, 4, 5, 6, 7],
        slot_times=["14:00-16:00"], slot_capacity=2,
    )  # fmt: skip
    from sales.schedule import local_now

    today = local_now(branch).date()
    slots_ensure(branch=branch, start=today, end=today + datetime.timedelta(days=2))
    UserFactory(username="coordinator", roles=["coordinator"], branches=[branch])
    installer = UserFactory(username="installer", roles=["installer"], branches=[branch])
    Installer.objects.create(user=installer, team=team)
    UserFactory(username="head", roles=["head"])

    # The prospect, on a phone, on the operator's site.
    prospect = browser.new_page(viewport=PHONE, locale="ru-RU")
    prospect.goto(f"{live_server.url}/apply/")
    prospect.fill("input[name=full_name]", "Орлова Светлана")
    prospect.fill("input[name=phone]", "8 912 444-55-66")
    prospect.fill("input[name=address]", "Ленина 12")
    prospect.fill("input[name=flat]", "41")
    prospect.check("input[name=consent]")
    prospect.wait_for_timeout(2100)  # a person takes longer than the bot check's 2 s
    prospect.click("#apply-submit")
    prospect.wait_for_selector("#apply-number")
    number = prospect.inner_text("#apply-number").strip()
    application = Application.objects.get()
    assert number == application.number and application.state == "new"

    # The coordinator qualifies it and books the 14:00 slot of today.
    coordinator = Journey(browser, live_server, "coordination")
    coordinator.log_in("coordinator")
    page = coordinator.page
    page.goto(f"{live_server.url}/sales/applications/{application.pk}/")
    page.click("#step-qualify")
    page.wait_for_selector("#application-book")
    page.click("#application-book")
    page.wait_for_selector("#book-form")
    page.locator("input[name=slot]").first.check()
    coordinator.shot("booking")
    page.click("#book-submit")
    page.wait_for_selector("#application-state")
    application.refresh_from_db()
    assert application.state == "scheduled"

    # The installer, on a phone, starts and closes the job as connected.
    mobile = Journey(browser, live_server, "installer")
    mobile.page.set_viewport_size(PHONE)
    mobile.log_in("installer")
    mobile.page.goto(f"{live_server.url}/sales/installer/")
    mobile.page.locator("a.stretched-link").first.click()
    mobile.page.click("#job-start")
    mobile.page.wait_for_selector("#job-finish")
    mobile.page.click("label[for=result-connected]")
    assert mobile.page.is_checked("#result-connected")
    mobile.shot("closing")
    with mobile.page.expect_navigation():
        mobile.page.click("#job-close")
    mobile.shot("closed")
    application.refresh_from_db()
    assert application.state == "connected"
    subscriber = Subscriber.objects.get(phone="+79124445566")
    assert application.subscriber == subscriber and subscriber.building.house == "12"

    # The head finds the subscriber and the day's report counts the connection.
    head = Journey(browser, live_server, "head")
    head.log_in("head")
    head.search(subscriber.account)
    assert head.page.locator("#registry-table tbody tr").count() == 1
    head.page.goto(
        f"{live_server.url}/sales/reports/daily/?date_from={today:%Y-%m-%d}&date_to={today:%Y-%m-%d}"
    )
    head.shot("report")
    cells = head.page.locator("#sales-report-total td").all_inner_texts()
    assert cells[4] == "1"  # connected

"""The segment journey in a real browser (Playwright, Debian's chromium): filter the registry,
save the filter as a segment, read its count on the list (loaded after the page) and open it
in the registry again. Screenshots go to var/screenshots/ like the other journeys."""

import pytest

from core.tests.factories import BranchFactory, UserFactory
from subscribers.models import Status
from subscribers.tests.factories import SubscriberFactory
from subscribers.tests.test_browser import CHROMIUM, REQUIRED, Journey, browser  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM and not REQUIRED, reason="no chromium on this machine"),
]


@pytest.fixture
def base(transactional_db):
    tver, samara = BranchFactory(name="Тверь"), BranchFactory(name="Самара")
    for i in range(3):
        SubscriberFactory(account=f"5000000{i}", branch=tver, status=Status.SUSPENDED)
    SubscriberFactory(account="50000009", branch=tver, status=Status.ACTIVE)
    SubscriberFactory(account="60000001", branch=samara, status=Status.SUSPENDED)
    return {"tver": tver}


def test_a_retention_specialist_saves_a_filter_as_a_segment_and_opens_it(
    browser,  # noqa: F811
    live_server,
    base,
):
    UserFactory(username="retention", roles=["retention"], branches=[base["tver"]])
    journey = Journey(browser, live_server, "segment")
    page = journey.page
    journey.log_in("retention")
    page.goto(f"{live_server.url}/r/subscribers/")
    page.check("#registry-filters input[name=status][value=suspended]")
    page.click("#registry-filters button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("#registry-table tbody tr").count() == 3
    journey.shot("registry")
    page.click("#save-as-segment")
    page.wait_for_selector("#segment-form")
    assert "Приостановлен" in page.inner_text("#segment-filter")
    page.fill("#id_name", "Приостановленные Твери")
    page.fill("#id_description", "Звонок до расторжения")
    journey.shot("new")
    page.click("#segment-form button[type=submit]")
    page.wait_for_selector("#segment-count")
    assert page.inner_text("#segment-count") == "3"
    journey.shot("segment")
    page.click("#segment-open")
    page.wait_for_selector("#registry-table")
    assert page.locator("#registry-table tbody tr").count() == 3
    page.goto(f"{live_server.url}/segments/")
    page.wait_for_selector("#segments [data-count]")
    assert page.locator("#segments [data-count]").first.get_attribute("data-count") == "3"
    journey.shot("list")

"""The daily sales report: its arithmetic in each branch's local days, the plan against the
actual, scoping by branch, the XLSX, the pages, and the morning e-mail."""

import datetime
import io
from datetime import UTC

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from core.models import Job
from core.tests.conftest import smtp_server  # noqa: F401 — the real local SMTP server
from core.tests.factories import BranchFactory, UserFactory
from sales.models import Application, ApplicationEvent, ReportRecipient, SalesPlan
from sales.report_mail import daily_report_send
from sales.reports import daily_sales, report_xlsx
from subscribers.tests.factories import BuildingFactory

from .factories import ApplicationFactory, ReportRecipientFactory, SalesPlanFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 3, 10)


def utc(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=UTC)


def application(branch, created, *, source="inbound_call", agent=None, connected=None, steps=()):
    """An application registered at `created` (UTC), connected at `connected`, with its steps
    [(action, at)]."""
    made = ApplicationFactory(
        building=BuildingFactory(street__city__branch=branch),
        source=source,
        channel="active"
        if source in ("field_agent", "outbound_call", "promo_stand")
        else "passive",
        agent=agent,
        state="connected" if connected else "new",
    )
    Application.objects.filter(pk=made.pk).update(created_at=created, connected_at=connected)
    for action, at in steps:
        ApplicationEvent.objects.create(application=made, action=action, to_state="x", at=at)
    return made


@pytest.fixture
def moscow(db):
    return BranchFactory(name="Moscow", time_zone="Europe/Moscow")  # UTC+3


@pytest.fixture
def novosibirsk(db):
    return BranchFactory(name="Novosibirsk", time_zone="Asia/Novosibirsk")  # UTC+7


@pytest.fixture
def agent(moscow):
    return UserFactory(
        username="agent", first_name="Alexey", last_name="Novikov", roles=["sales_agent"],
        branches=[moscow],
    )  # fmt: skip


@pytest.fixture
def world(moscow, novosibirsk, agent):
    """18:00 UTC on the 10th is 21:00 on the 10th in Moscow and 01:00 on the 11th in
    Novosibirsk: the same moment falls on different days."""
    return {
        # Moscow, the 10th: 00:30 local, agent's, qualified, booked and connected the same day
        "m1": application(
            moscow, utc(2026, 3, 9, 21, 30), source="field_agent", agent=agent,
            connected=utc(2026, 3, 10, 15), steps=[
                ("qualify", utc(2026, 3, 10, 6)), ("schedule", utc(2026, 3, 10, 7)),
            ],
        ),
        "m2": application(moscow, utc(2026, 3, 10, 18)),  # 21:00 on the 10th
        "m3": application(moscow, utc(2026, 3, 10, 21, 30)),  # 00:30 on the 11th: not counted
        # connected on the 10th, registered in February; and one on the 2nd (month to date)
        "m4": application(
            moscow, utc(2026, 2, 20, 10), source="field_agent", agent=agent,
            connected=utc(2026, 3, 10, 10), steps=[("reject", utc(2026, 3, 10, 9))],
        ),
        "m5": application(moscow, utc(2026, 2, 25, 10), connected=utc(2026, 3, 2, 10)),
        # Novosibirsk: 00:30 on the 10th counts; 18:00 UTC on the 10th is the 11th there
        "n1": application(
            novosibirsk, utc(2026, 3, 9, 17, 30),
            steps=[("cancel", utc(2026, 3, 10, 3))],
        ),
        "n2": application(novosibirsk, utc(2026, 3, 10, 18)),
        "n3": application(novosibirsk, utc(2026, 3, 9, 16, 30)),  # 23:30 on the 9th
    }  # fmt: skip


@pytest.fixture
def head(db):
    return UserFactory(username="sales-head", roles=["head"])


def rows_of(report):
    return {(r.branch, r.source, r.agent): r for r in report.rows}


def test_it_counts_each_branch_in_its_local_day(world, head, agent):
    report = daily_sales(user=head, day=DAY)
    rows = rows_of(report)
    field = rows[("Moscow", "field_agent", "Alexey Novikov")]
    assert (field.registered, field.qualified, field.scheduled, field.connected) == (1, 1, 1, 2)
    assert field.rejected == 1 and field.conversion == 1.0
    assert rows[("Moscow", "inbound_call", "")].registered == 1  # m2, not m3 nor m5
    nsk = rows[("Novosibirsk", "inbound_call", "")]
    assert (nsk.registered, nsk.cancelled) == (1, 1)  # n1 only
    total = report.total
    assert (total.registered, total.connected, total.scheduled) == (3, 2, 1)


def test_the_funnel_follows_the_applications_registered(world, head):
    funnel = {s.code: s.count for s in daily_sales(user=head, day=DAY).funnel}
    assert funnel == {"registered": 3, "qualified": 1, "scheduled": 1, "connected": 1}


def test_a_range_sums_its_days(world, head):
    report = daily_sales(user=head, date_from=DAY, date_to=DAY + datetime.timedelta(days=1))
    assert report.total.registered == 5  # m1 m2 m3 (the 11th), n1, n2 (the 11th there)
    assert {r.branch for r in report.rows} == {"Moscow", "Novosibirsk"}


def test_it_compares_the_month_to_date_with_the_plans(world, head, moscow, agent):
    SalesPlanFactory(branch=moscow, connections=10)
    SalesPlanFactory(branch=moscow, agent=agent, connections=4)
    plans = {(p.branch, p.agent): p for p in daily_sales(user=head, day=DAY).plans}
    branch = plans[("Moscow", "")]
    assert (branch.plan, branch.actual, branch.percent) == (10, 3, 0.3)  # m1, m4, m5
    person = plans[("Moscow", "Alexey Novikov")]
    assert (person.plan, person.actual, person.percent) == (4, 2, 0.5)
    nsk = plans[("Novosibirsk", "")]
    assert (nsk.plan, nsk.actual, nsk.percent) == (None, 0, None)


def test_it_shows_only_the_users_branches(world, novosibirsk):
    local = UserFactory(username="nsk", roles=["coordinator"], branches=[novosibirsk])
    report = daily_sales(user=local, day=DAY)
    assert {r.branch for r in report.rows} == {"Novosibirsk"}
    assert {p.branch for p in report.plans} == {"Novosibirsk"}


def test_it_filters_by_source_and_agent(world, head, agent):
    report = daily_sales(user=head, day=DAY, source="field_agent")
    assert report.total.registered == 1 and report.total.connected == 2
    assert daily_sales(user=head, day=DAY, agent=agent).total.connected == 2


def test_the_xlsx_opens_with_the_table_the_plan_and_the_funnel(world, head):
    book = openpyxl.load_workbook(io.BytesIO(report_xlsx(daily_sales(user=head, day=DAY))))
    assert book.sheetnames == ["Sales", "Plan", "Funnel"]
    sales = list(book["Sales"].values)
    assert sales[1][:5] == ("Branch", "Channel", "Source", "Agent", "Registered")
    assert sales[-1][0] == "Total" and sales[-1][4] == 3


# -- the page -----------------------------------------------------------------------------------
def test_the_page_shows_the_report_and_the_chart(
    client, world, head, django_assert_max_num_queries
):
    client.force_login(head)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("sales:report_daily"), {"date_from": DAY, "date_to": DAY})
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="sales-report"' in content and "sales-funnel" in content
    assert "Novosibirsk" in content


def test_the_page_downloads_xlsx(client, world, head):
    client.force_login(head)
    response = client.get(reverse("sales:report_daily"), {"date_from": DAY, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert openpyxl.load_workbook(io.BytesIO(response.content))["Sales"]["A1"].value


def test_a_sales_agent_may_not_see_the_report(client, agent):
    client.force_login(agent)
    assert client.get(reverse("sales:report_daily")).status_code == 403


def test_the_report_rejects_post(client, head):
    client.force_login(head)
    assert client.post(reverse("sales:report_daily")).status_code == 405


def test_a_backward_range_is_a_form_error(client, head):
    client.force_login(head)
    response = client.get(
        reverse("sales:report_daily"), {"date_from": "2026-03-10", "date_to": "2026-03-01"}
    )
    assert response.status_code == 400


# -- the plans ----------------------------------------------------------------------------------
def test_the_head_saves_the_plans_with_history(client, head, moscow, agent):
    client.force_login(head)
    url = reverse("sales:plans") + "?month=2026-03"
    response = client.get(url)
    assert response.status_code == 200 and f"plan-{moscow.pk}-{agent.pk}" in response.text
    response = client.post(url, {f"plan-{moscow.pk}-0": "12", f"plan-{moscow.pk}-{agent.pk}": "5"})
    assert response.status_code == 302
    plan = SalesPlan.objects.get(month=DAY.replace(day=1), branch=moscow, agent=None)
    assert plan.connections == 12
    client.post(url, {f"plan-{moscow.pk}-0": "15", f"plan-{moscow.pk}-{agent.pk}": ""})
    plan.refresh_from_db()
    assert plan.connections == 15 and plan.history.count() == 2
    assert not SalesPlan.objects.filter(agent=agent).exists()


def test_a_bad_plan_writes_nothing(client, head, moscow):
    client.force_login(head)
    response = client.post(reverse("sales:plans") + "?month=2026-03", {f"plan-{moscow.pk}-0": "-3"})
    assert response.status_code == 400 and "A whole number" in response.text
    assert not SalesPlan.objects.exists()


def test_a_coordinator_may_not_plan(client, moscow):
    client.force_login(UserFactory(username="co", roles=["coordinator"], branches=[moscow]))
    assert client.get(reverse("sales:plans")).status_code == 403


def test_the_plans_reject_put(client, head):
    client.force_login(head)
    assert client.put(reverse("sales:plans")).status_code == 405


# -- the recipients -----------------------------------------------------------------------------
def test_the_head_adds_and_pauses_a_recipient(client, head, moscow):
    client.force_login(head)
    url = reverse("sales:report_recipients")
    assert client.post(url, {"email": "Boss@Example.com", "branch": moscow.pk}).status_code == 302
    recipient = ReportRecipient.objects.get()
    assert recipient.email == "boss@example.com" and recipient.active
    client.post(url, {"toggle": recipient.pk})
    recipient.refresh_from_db()
    assert not recipient.active
    assert client.post(url, {"email": "not an e-mail"}).status_code == 400


# -- the morning e-mail -------------------------------------------------------------------------
def test_each_branch_gets_its_report_once_after_nine_local(world, moscow, novosibirsk, smtp_server):  # noqa: F811
    ReportRecipientFactory(email="moscow@example.com", branch=moscow)
    ReportRecipientFactory(email="nsk@example.com", branch=novosibirsk)
    ReportRecipientFactory(email="all@example.com", branch=None)
    ReportRecipientFactory(email="paused@example.com", branch=None, active=False)

    # 05:30 UTC on the 11th: 08:30 in Moscow, 12:30 in Novosibirsk
    assert daily_report_send(utc(2026, 3, 11, 5, 30)) == [(novosibirsk.pk, "2026-03-10")]
    assert daily_report_send(utc(2026, 3, 11, 5, 45)) == []
    # 06:15 UTC: 09:15 in Moscow
    assert daily_report_send(utc(2026, 3, 11, 6, 15)) == [(moscow.pk, "2026-03-10")]
    assert daily_report_send(utc(2026, 3, 11, 6, 30)) == []

    assert [sorted(d.rcpt_tos) for d in smtp_server.deliveries] == [
        ["all@example.com", "nsk@example.com"],
        ["all@example.com", "moscow@example.com"],
    ]
    letter = smtp_server.deliveries[1].message
    assert "Moscow" in letter["Subject"]
    (attachment,) = list(letter.iter_attachments())
    book = openpyxl.load_workbook(io.BytesIO(attachment.get_content()))
    assert list(book["Sales"].values)[-1][4] == 2  # Moscow's registered on the 10th
    assert Job.objects.filter(params__report="daily_sales", status="done").count() == 2


def test_a_failed_letter_is_sent_on_the_next_run(moscow, settings, smtp_server):  # noqa: F811
    ReportRecipientFactory(email="moscow@example.com", branch=moscow)
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nobody listens
    assert daily_report_send(utc(2026, 3, 11, 6, 15)) == []
    assert Job.objects.get().status == "failed"
    settings.EMAIL_PORT = port
    assert daily_report_send(utc(2026, 3, 11, 6, 30)) == [(moscow.pk, "2026-03-10")]
    assert len(smtp_server.deliveries) == 1


def test_the_command_writes_the_xlsx(world, tmp_path):
    out = tmp_path / "report.xlsx"
    call_command("daily_sales_report", "--date", "2026-03-10", "--output", str(out))
    assert list(openpyxl.load_workbook(out)["Sales"].values)[-1][4] == 3


def test_the_command_sends_again(moscow, smtp_server):  # noqa: F811
    ReportRecipientFactory(email="moscow@example.com", branch=moscow)
    call_command("daily_sales_report", "--date", "2026-03-10", "--send")
    call_command("daily_sales_report", "--date", "2026-03-10", "--send")
    assert len(smtp_server.deliveries) == 2

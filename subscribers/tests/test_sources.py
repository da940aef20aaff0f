"""Billing sources: a watched folder's run end to end, the schedule, the failures (a file still
being copied, bad rows, another import running, nothing new) and the e-mail they send."""

import contextlib
import fcntl
import io
import os
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import Job
from core.sql import is_postgres
from subscribers.models import BillingSource, ImportBatch, Payment, Subscriber
from subscribers.services import IMPORT_LOCK_KEY
from subscribers.sources import folder, schedule
from subscribers.sources.sync import source_sync_start, sources_run_due

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("import_env")]

OLD = time.time() - 3600  # an hour ago: the copy is long finished


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def drop(directory: Path, *, mtime: float = OLD) -> Path:
    for path in directory.iterdir():
        if path.is_file():
            os.utime(path, (mtime, mtime))
    return directory


def folder_source(directory: Path, **fields) -> BillingSource:
    fields.setdefault("notify_email", "admin@isp.example")
    return BillingSource.objects.create(
        name="Billing cron", kind=BillingSource.Kind.FOLDER, folder=str(directory), **fields
    )


@contextlib.contextmanager
def another_import_running():
    """The import lock held as another process's import would hold it."""
    if is_postgres():
        import psycopg

        params = connection.get_connection_params()
        with psycopg.connect(
            dbname=params["dbname"],
            user=params.get("user"),
            host=params.get("host"),
            port=params.get("port"),
            autocommit=True,
        ) as other:
            other.execute("SELECT pg_advisory_lock(%s)", [IMPORT_LOCK_KEY])
            yield
        return
    from django.conf import settings

    name = Path(str(connection.settings_dict["NAME"] or "memory")).name
    if "memory" in name:
        name = f"{name}-{os.getpid()}"
    path = Path(settings.VAR_DIR) / f"billing-import-{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def test_a_folder_run_imports_the_files_and_moves_them_aside(billing, operator, media):
    directory = drop(billing.write(operator, "drop"))
    source = folder_source(directory)
    job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.result
    assert Subscriber.objects.count() == 5 and Payment.objects.count() == 5
    assert not [p for p in directory.iterdir() if p.is_file()]
    [archived] = (directory / folder.IMPORTED).iterdir()
    assert sorted(p.name for p in archived.iterdir()) == sorted(operator)
    source.refresh_from_db()
    assert source.last_success_at is not None and source.last_error == ""
    assert source.last_job == job and job.result["stats"]["source"] == "Billing cron"
    assert source.history.count() == 1  # the run is not an edit


def test_two_days_of_drops_are_imported_in_the_order_they_came(billing, operator, media):
    directory = billing.write(operator, "drop")
    drop(directory, mtime=OLD - 60)
    (directory / "payments-2.csv").write_text(
        "account,paid_at,amount,method\n1005,2025-03-30 10:00,550.00,cash\n", encoding="utf-8"
    )
    (directory / "subscribers-2.csv").write_text(
        operator["subscribers.csv"].replace("2025-03-25,,0.00", "2025-03-25,,550.00"),
        encoding="utf-8",
    )
    for name in ("payments-2.csv", "subscribers-2.csv"):
        os.utime(directory / name, (OLD, OLD))
    job = source_sync_start(source=folder_source(directory))
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.result
    assert ImportBatch.objects.count() == 2
    assert Subscriber.objects.get(account="1005").reported_balance == 550
    assert Subscriber.objects.get(account="1005").balance_discrepancy == 0


@pytest.mark.parametrize(
    "name, age",
    [("payments.csv", 5), ("payments.csv.part", 3600)],
    ids=["changed a moment ago", "named .part"],
)
def test_a_file_still_being_copied_makes_the_run_wait(
    billing,
    operator,
    media,
    smtp_server,
    name,
    age,
):
    files = {k: v for k, v in operator.items() if k != "payments.csv"}
    directory = drop(billing.write(files, "drop"))
    (directory / name).write_text(operator["payments.csv"][:40], encoding="utf-8")
    mtime = time.time() - age
    os.utime(directory / name, (mtime, mtime))
    job = source_sync_start(source=folder_source(directory))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "the next run will take it" in job.result["error"]
    assert Subscriber.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert len([p for p in directory.iterdir() if p.is_file()]) == len(files) + 1
    [mail] = smtp_server.deliveries
    assert mail.rcpt_tos == ["admin@isp.example"]
    assert "Billing cron" in mail.message["Subject"]
    assert name in mail.message.get_content()


def test_bad_rows_fail_the_run_and_leave_the_files_for_the_next(
    billing,
    operator,
    media,
    smtp_server,
):
    operator["payments.csv"] += "9999,2025-03-01 10:00,100.00,cash\n"
    directory = drop(billing.write(operator, "drop"))
    source = folder_source(directory)
    job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and job.result["error_count"] == 1
    assert Subscriber.objects.count() == 0
    assert (directory / "payments.csv").exists()
    source.refresh_from_db()
    assert source.last_success_at is None
    assert "1 bad rows" in source.last_error and "unknown account" in source.last_error
    assert "unknown account" in smtp_server.deliveries[0].message.get_content()


def test_another_import_running_fails_the_run_and_writes_nothing(billing, operator, media):
    directory = drop(billing.write(operator, "drop"))
    source = folder_source(directory)
    with another_import_running():
        job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "Another billing import is running" in job.result["error"]
    assert Subscriber.objects.count() == 0 and (directory / "payments.csv").exists()
    # The next run retries, and takes the files.
    job = source_sync_start(source=source)
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and Subscriber.objects.count() == 5


def test_an_empty_folder_is_a_failed_day(tmp_path, media, smtp_server):
    directory = tmp_path / "empty"
    directory.mkdir()
    job = source_sync_start(source=folder_source(directory))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "No new files" in job.result["error"]
    assert len(smtp_server.deliveries) == 1


def test_a_missing_folder_is_a_clear_failure(tmp_path, media):
    job = source_sync_start(source=folder_source(tmp_path / "gone"))
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "does not exist" in job.result["error"]


def test_the_administrators_are_told_when_no_address_is_given(
    tmp_path,
    media,
    smtp_server,
):
    from core.tests.factories import UserFactory

    UserFactory(email="root@isp.example", is_superuser=True)
    UserFactory(email="clerk@isp.example")
    source = folder_source(tmp_path / "gone", notify_email="")
    source_sync_start(source=source)
    assert [d.rcpt_tos for d in smtp_server.deliveries] == [["root@isp.example"]]


# -- the schedule -----------------------------------------------------------------------------
def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def scheduled(**fields) -> BillingSource:
    source = BillingSource(
        name="s",
        kind=BillingSource.Kind.FOLDER,
        run_at=clock(6, 0),
        time_zone="Asia/Yekaterinburg",  # UTC+5: 06:00 there is 01:00 UTC
        **fields,
    )
    source.created_at = at("2026-12-01 00:00")
    return source


def test_a_source_is_due_from_its_time_in_its_zone():
    source = scheduled()
    assert schedule.is_due(source, at("2026-12-07 00:59"))  # yesterday's run never happened
    source.last_success_at = at("2026-12-06 01:05")
    assert not schedule.is_due(source, at("2026-12-07 00:59"))
    assert schedule.is_due(source, at("2026-12-07 01:00"))


def test_a_failed_run_is_retried_after_half_an_hour_and_a_success_ends_the_day():
    source = scheduled(last_success_at=at("2026-12-06 01:05"), last_run_at=at("2026-12-07 01:01"))
    assert not schedule.is_due(source, at("2026-12-07 01:20"))
    assert schedule.is_due(source, at("2026-12-07 01:31"))
    source.last_success_at = at("2026-12-07 01:32")
    assert not schedule.is_due(source, at("2026-12-07 09:00"))


def test_switched_off_and_upload_sources_never_run():
    assert not schedule.is_due(scheduled(enabled=False), at("2026-12-07 02:00"))
    upload = scheduled()
    upload.kind = BillingSource.Kind.UPLOAD
    assert not schedule.is_due(upload, at("2026-12-07 02:00"))


def test_the_data_is_late_two_hours_after_a_scheduled_time_without_a_sync():
    source = scheduled(last_success_at=at("2026-12-06 01:05"))
    assert not schedule.is_late(source, at("2026-12-07 02:59"))
    assert schedule.is_late(source, at("2026-12-07 03:01"))
    source.last_success_at = at("2026-12-07 01:10")
    assert not schedule.is_late(source, at("2026-12-07 23:00"))


def test_a_new_source_is_not_late_before_its_first_time():
    source = scheduled()
    source.created_at = at("2026-12-07 05:00")
    assert not schedule.is_late(source, at("2026-12-07 10:00"))
    assert schedule.is_late(source, at("2026-12-08 03:01"))


def test_beat_starts_only_the_due_sources(tmp_path, media):
    due = folder_source(tmp_path / "a")
    BillingSource.objects.filter(pk=due.pk).update(created_at=datetime(2026, 1, 1, tzinfo=UTC))
    fresh = BillingSource.objects.create(
        name="Done today",
        kind=BillingSource.Kind.FOLDER,
        folder=str(tmp_path / "b"),
        last_success_at=datetime.now(UTC),
    )
    jobs = sources_run_due()
    assert [j.params["source"] for j in jobs] == [due.pk]
    assert fresh.pk not in [j.params["source"] for j in sources_run_due()]


# -- manage.py sync_billing ---------------------------------------------------------------------
def test_sync_billing_runs_a_named_source_and_reports_it(billing, operator, media):
    directory = drop(billing.write(operator, "drop"))
    folder_source(directory)
    out = io.StringIO()
    call_command("sync_billing", source=["Billing cron"], stdout=out)
    assert "Billing cron: Done" in out.getvalue()
    assert Subscriber.objects.count() == 5


def test_sync_billing_fails_loudly_when_a_run_fails(tmp_path, media):
    folder_source(tmp_path / "gone")
    with pytest.raises(CommandError, match="1 billing sources failed"):
        call_command("sync_billing", source=["Billing cron"], stderr=io.StringIO())
    with pytest.raises(CommandError, match="No billing source named"):
        call_command("sync_billing", source=["nope"])


def test_sync_billing_with_nothing_due_says_so(media):
    out = io.StringIO()
    call_command("sync_billing", stdout=out)
    assert "No billing source is due" in out.getvalue()


def test_a_late_source_shows_on_the_money_pages(client, billing, operator, media):
    from core.tests.factories import UserFactory

    assert billing.run(billing.write(operator)).ok
    BillingSource.objects.create(
        name="Night export",
        kind=BillingSource.Kind.FOLDER,
        folder="/srv/x",
        last_success_at=datetime.now(UTC) - timedelta(days=3),
        created_at=datetime.now(UTC) - timedelta(days=30),
    )
    BillingSource.objects.update(created_at=datetime.now(UTC) - timedelta(days=30))
    user = UserFactory(
        perms=["subscribers.view_subscriber", "subscribers.view_billingsource", "core.view_branch"]
    )
    client.force_login(user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    subscriber = Subscriber.objects.get(account="1001")
    for url in (f"/subscribers/{subscriber.pk}/", "/r/subscribers/"):
        html = client.get(url).content.decode()
        assert 'data-freshness="late"' in html, url
        assert "Night export" in html and "Billing data as of" in html

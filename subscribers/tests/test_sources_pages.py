"""The pages of the billing sources: the list, adding and changing one (bad input refused,
the password never shown), "Run now", deleting; who may do what."""

import pytest
from django.urls import reverse

from core.models import Job
from core.tests.factories import UserFactory
from subscribers import tasks
from subscribers.models import BillingSource

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]

LIST = reverse("subscribers:sources")
NEW = reverse("subscribers:source_new")
EDIT_PERMS = [
    "subscribers.view_billingsource",
    "subscribers.add_billingsource",
    "subscribers.change_billingsource",
    "subscribers.delete_billingsource",
]


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture
def admin(client):
    user = UserFactory(perms=EDIT_PERMS)
    client.force_login(user)
    return user


@pytest.fixture
def viewer(client):
    user = UserFactory(perms=["subscribers.view_billingsource"])
    client.force_login(user)
    return user


def sql_form(**overrides) -> dict:
    data = {
        "name": "UTM5",
        "kind": "sql",
        "url": "mysql://abonent@billing.local:3306/utm5",
        "password": "s3cret",
        "enabled": "on",
        "run_at": "06:00",
        "time_zone": "Europe/Moscow",
        "notify_email": "",
        "query_subscribers": "SELECT login AS account FROM users",
    }
    data.update(overrides)
    return data


def test_the_list_shows_each_source_with_its_state(
    client, viewer, tmp_path, django_assert_max_num_queries
):
    BillingSource.objects.create(name="Night export", kind="folder", folder=str(tmp_path))
    BillingSource.objects.create(name="Office uploads", kind="upload")
    with django_assert_max_num_queries(12):
        response = client.get(LIST)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Night export" in html and "Office uploads" in html
    assert "Run now" not in html  # a viewer may not run them


def test_the_list_needs_its_permission(client):
    client.force_login(UserFactory(perms=["subscribers.view_subscriber"]))
    assert client.get(LIST).status_code == 403


def test_the_list_rejects_a_post(client, viewer):
    assert client.post(LIST).status_code == 405


def test_a_sql_source_is_saved_with_its_password_kept_apart(client, admin):
    response = client.post(NEW, sql_form())
    assert response.status_code == 302
    source = BillingSource.objects.get()
    assert source.url == "mysql://abonent@billing.local:3306/utm5"
    assert source.password == "s3cret"
    assert source.queries == {"subscribers": "SELECT login AS account FROM users"}
    assert source.connection_url() == "mysql://abonent:s3cret@billing.local:3306/utm5"
    html = client.get(reverse("subscribers:source_edit", args=[source.pk])).content.decode()
    assert "s3cret" not in html
    # Saved again without typing it: the password stays.
    client.post(reverse("subscribers:source_edit", args=[source.pk]), sql_form(password=""))
    source.refresh_from_db()
    assert source.password == "s3cret"
    assert all("s3cret" not in str(h.__dict__) for h in source.history.all())


def test_a_password_in_the_url_is_moved_out_of_it(client, admin):
    client.post(NEW, sql_form(url="postgres://bill:p%40ss@10.0.0.5:5432/lanbilling", password=""))
    source = BillingSource.objects.get()
    assert source.url == "postgres://bill@10.0.0.5:5432/lanbilling"
    assert source.password == "p@ss"
    assert source.connection_url() == "postgres://bill:p%40ss@10.0.0.5:5432/lanbilling"


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"url": "http://billing/"}, "url", "Write it as mysql://"),
        ({"url": ""}, "url", "needs its connection URL"),
        ({"query_subscribers": ""}, "query_subscribers", "Write at least one query"),
        ({"time_zone": "Mars/Olympus"}, "time_zone", ""),
        ({"kind": "folder", "folder": "relative/path"}, "folder", "full path"),
        ({"kind": "folder", "folder": "/no/such/folder"}, "folder", "no such folder"),
        ({"kind": "folder", "folder": ""}, "folder", "needs its folder"),
        ({"run_at": "25:00"}, "run_at", ""),
    ],
    ids=[
        "not a database URL",
        "no URL",
        "no query",
        "unknown zone",
        "relative folder",
        "missing folder",
        "no folder",
        "bad time",
    ],
)
def test_bad_input_is_refused_and_nothing_saved(client, admin, overrides, field, message):
    response = client.post(NEW, sql_form(**overrides))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert field in errors and message in " ".join(errors[field])
    assert not BillingSource.objects.exists()


def test_a_folder_source_keeps_no_database_fields(client, admin, tmp_path):
    client.post(NEW, sql_form(kind="folder", folder=str(tmp_path)))
    source = BillingSource.objects.get()
    assert (source.folder, source.url, source.password, source.queries) == (
        str(tmp_path),
        "",
        "",
        {},
    )


def test_the_same_name_twice_is_refused(client, admin, tmp_path):
    BillingSource.objects.create(name="UTM5", kind="upload")
    response = client.post(NEW, sql_form())
    assert response.status_code == 400 and "name" in response.context["form"].errors


def test_checking_an_unreachable_database_says_so_and_saves_nothing(client, admin):
    response = client.post(NEW, {**sql_form(url="mysql://abonent@127.0.0.1:1/utm5"), "check": "1"})
    assert response.status_code == 200
    assert not response.context["checked"][0]
    assert "127.0.0.1" in response.context["checked"][1]
    assert not BillingSource.objects.exists()


def test_adding_needs_the_permission(client, viewer):
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, sql_form()).status_code == 403
    assert not BillingSource.objects.exists()


def test_run_now_starts_a_job_and_shows_it(client, admin, tmp_path, monkeypatch, settings):
    settings.ABONENT_JOB_RUNNER = "sync"
    ran = []
    monkeypatch.setattr(tasks.billing_sync_task, "run", ran.append)
    source = BillingSource.objects.create(name="Night", kind="folder", folder=str(tmp_path))
    response = client.post(reverse("subscribers:source_run", args=[source.pk]))
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("job_detail", args=[job.pk])
    assert ran == [job.pk] and job.params["source"] == source.pk
    source.refresh_from_db()
    assert source.last_job == job and source.last_run_at is not None


def test_run_now_of_an_upload_source_is_refused(client, admin):
    source = BillingSource.objects.create(name="Office", kind="upload")
    response = client.post(reverse("subscribers:source_run", args=[source.pk]), follow=True)
    assert "nothing to fetch" in response.content.decode()
    assert not Job.objects.exists()


def test_run_now_needs_the_permission_and_a_post(client, viewer, tmp_path):
    source = BillingSource.objects.create(name="Night", kind="folder", folder=str(tmp_path))
    url = reverse("subscribers:source_run", args=[source.pk])
    assert client.post(url).status_code == 403
    assert client.get(url).status_code in (403, 405)
    assert not Job.objects.exists()


def test_a_source_is_deleted_by_who_may(client, admin):
    source = BillingSource.objects.create(name="Office", kind="upload")
    url = reverse("subscribers:source_delete", args=[source.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 302
    assert not BillingSource.objects.exists()


def test_an_upload_for_a_source_marks_its_data_fresh(client, settings, tmp_path, operator, billing):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    settings.ABONENT_JOB_RUNNER = "sync"
    source = BillingSource.objects.create(name="Office", kind="upload")
    client.force_login(UserFactory(perms=["subscribers.add_importbatch", "core.view_job"]))
    files = [
        SimpleUploadedFile(name, text.encode(), content_type="text/csv")
        for name, text in operator.items()
    ]
    response = client.post(
        reverse("subscribers:import_list"), {"files": files, "source": source.pk}
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.last_success_at is not None and source.last_error == ""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import Job
from core.tests.factories import JobFactory, UserFactory
from subscribers import tasks
from subscribers.tests.factories import ImportBatchFactory, ImportMappingFactory

pytestmark = pytest.mark.django_db

URL = reverse("subscribers:import_list")
SUBSCRIBERS_CSV = (
    "account,full_name,branch,city,street,house,tariff,status,connected_on,balance\n"
    "100001,Иванов Иван,Центр,Город,Ленина,1,Базовый,active,2024-01-15,-120.00\n"
).encode()


class FakeTask:
    """Stands in for billing_import_task: records the jobs it was given."""

    def __init__(self):
        self.job_ids = []

    def run(self, job_id):
        self.job_ids.append(job_id)


@pytest.fixture
def importer(client):
    user = UserFactory(perms=["subscribers.add_importbatch"])
    client.force_login(user)
    return user


@pytest.fixture
def task(settings, tmp_path, monkeypatch):
    settings.ABONENT_JOB_RUNNER = "sync"
    settings.MEDIA_ROOT = tmp_path
    fake = FakeTask()
    monkeypatch.setattr(tasks, "billing_import_task", fake)  # read by services.import_job_start
    return fake


def upload(name, content=SUBSCRIBERS_CSV):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_it_shows_the_form_and_the_history(client, importer, django_assert_max_num_queries):
    ImportBatchFactory.create_batch(3, created_by=importer)
    JobFactory.create_batch(3, created_by=importer)
    with django_assert_max_num_queries(12):
        response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'type="file"' in html and "multiple" in html
    assert html.count(reverse("job_detail", args=[Job.objects.first().pk])) >= 1
    assert 'id="import-batches"' in html
    assert 'id="import-jobs"' in html


def test_it_refuses_a_user_without_the_permission(client):
    client.force_login(UserFactory(perms=["subscribers.view_importbatch"]))
    assert client.get(URL).status_code == 403
    assert client.post(URL, {"files": [upload("subscribers.csv")]}).status_code == 403
    assert not Job.objects.exists()


def test_it_rejects_put(client, importer):
    assert client.put(URL).status_code == 405


def test_it_refuses_an_empty_file(client, importer, task):
    response = client.post(URL, {"files": [upload("subscribers.csv", b"")]})
    assert response.status_code == 200
    assert "subscribers.csv" in str(response.context["form"].errors["files"])
    assert 'id="import-errors"' in response.content.decode()
    assert not Job.objects.exists()
    assert task.job_ids == []


def test_it_refuses_a_file_that_is_not_csv_or_xlsx(client, importer, task):
    response = client.post(URL, {"files": [upload("subscribers.csv"), upload("notes.txt")]})
    assert response.status_code == 200
    errors = response.context["form"].errors["files"]
    assert len(errors) == 1 and "notes.txt" in errors[0]
    assert not Job.objects.exists()


def test_it_refuses_no_file_at_all(client, importer, task):
    response = client.post(URL, {"mapping": ""})
    assert response.context["form"].errors["files"]
    assert not Job.objects.exists()


def test_it_refuses_the_same_file_twice(client, importer, task):
    response = client.post(URL, {"files": [upload("subscribers.csv"), upload("subscribers.csv")]})
    assert response.context["form"].errors["files"]
    assert not Job.objects.exists()


def test_it_refuses_an_unknown_mapping(client, importer, task):
    response = client.post(URL, {"files": [upload("subscribers.csv")], "mapping": "nope"})
    assert response.context["form"].errors["mapping"]
    assert not Job.objects.exists()


def test_it_saves_the_files_starts_a_job_and_redirects_to_it(client, importer, task, tmp_path):
    files = [upload("subscribers.csv"), upload("Payments 2026.XLSX", b"PK\x03\x04fake")]
    response = client.post(URL, {"files": files})
    job = Job.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    assert job.kind == Job.Kind.BILLING_IMPORT
    assert job.created_by == importer
    assert job.params["mapping"] is None
    saved = [Path(p) for p in job.params["paths"]]
    assert [p.name for p in saved] == ["subscribers.csv", "Payments_2026.XLSX"]
    assert all(p.parent == tmp_path / "imports" / str(job.pk) for p in saved)
    assert saved[0].read_bytes() == SUBSCRIBERS_CSV
    assert task.job_ids == [job.pk]


def test_it_passes_the_chosen_mapping_to_the_job(client, importer, task):
    ImportMappingFactory(slug="utm5", name="UTM5")
    client.post(URL, {"files": [upload("abonents.csv")], "mapping": "utm5"})
    assert Job.objects.get().params["mapping"] == "utm5"


def test_it_imports_a_good_file_end_to_end(client, importer, settings, tmp_path):
    pytest.importorskip("subscribers.services", reason="billing_import is not written yet")
    settings.ABONENT_JOB_RUNNER = "sync"
    settings.MEDIA_ROOT = tmp_path
    response = client.post(URL, {"files": [upload("subscribers.csv")]})
    job = Job.objects.get()
    assert response["Location"] == reverse("job_detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == Job.Status.DONE, job.result
    from subscribers.models import Subscriber

    assert Subscriber.objects.get(account="100001").full_name == "Иванов Иван"
    html = client.get(response["Location"]).content.decode()
    assert "alert-success" in html


def test_it_remembers_the_language_of_the_person_who_started_it(client, importer, task):
    client.post(URL, {"files": [upload("subscribers.csv")]}, HTTP_ACCEPT_LANGUAGE="en")
    assert Job.objects.get().params["language"] == "en"


def test_it_reports_bad_rows_in_the_language_of_the_person_who_started_it(
    client, importer, settings, tmp_path
):
    pytest.importorskip("subscribers.services", reason="billing_import is not written yet")
    settings.ABONENT_JOB_RUNNER = "sync"
    settings.MEDIA_ROOT = tmp_path
    bad = SUBSCRIBERS_CSV.replace(b"2024-01-15", b"2024-13-45")
    response = client.post(
        URL, {"files": [upload("subscribers.csv", bad)]}, HTTP_ACCEPT_LANGUAGE="en"
    )
    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.result["errors"][0]["column"] == "connected_on"
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "not a date" in html
    from subscribers.models import Subscriber

    assert not Subscriber.objects.exists()

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Job
from core.tests.factories import JobFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def finished(job, **result):
    job.status = Job.Status.DONE if result.get("ok", True) else Job.Status.FAILED
    job.result = result
    job.progress = 100
    job.started_at = job.finished_at = timezone.now()
    job.save()
    return job


def test_it_shows_the_whole_page_to_the_creator(client):
    job = JobFactory(status=Job.Status.RUNNING, progress=40, stage="Reading charges")
    client.force_login(job.created_by)
    response = client.get(reverse("job_detail", args=[job.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" in html
    assert "Reading charges" in html
    assert 'hx-trigger="every 1s"' in html


def test_it_returns_only_the_progress_to_htmx(client):
    job = JobFactory(status=Job.Status.RUNNING, progress=40, stage="Reading charges")
    client.force_login(job.created_by)
    response = client.get(reverse("job_detail", args=[job.pk]), **HTMX)
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="job-progress"' in html
    assert 'hx-trigger="every 1s"' in html
    assert 'style="width: 40%"' in html


def test_it_stops_polling_when_the_job_is_finished(client):
    job = finished(JobFactory(), ok=True, stats={"subscribers": 120, "payments": 340})
    client.force_login(job.created_by)
    html = client.get(reverse("job_detail", args=[job.pk]), **HTMX).content.decode()
    assert "hx-trigger" not in html
    assert "alert-success" in html
    assert "340" in html


def test_it_lists_the_errors_of_a_failed_job_up_to_a_cap(client):
    errors = [
        {"file": "payments.csv", "line": n, "column": "amount", "value": "x", "message": "bad"}
        for n in range(2, 602)
    ]
    job = finished(JobFactory(), ok=False, stats={}, errors=errors, error_count=700)
    client.force_login(job.created_by)
    response = client.get(reverse("job_detail", args=[job.pk]), **HTMX)
    html = response.content.decode()
    assert "alert-danger" in html
    assert html.count('<td class="ab-mono">payments.csv</td>') == 500
    assert response.context["errors_more"] == 200


def test_it_shows_the_exception_that_stopped_a_job(client):
    job = finished(JobFactory(), ok=False, error="Disk full", trace="Traceback…")
    client.force_login(job.created_by)
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Disk full" in html
    assert "Traceback" not in html  # only administrators see the trace


def test_it_refuses_another_users_job(client):
    job = JobFactory()
    client.force_login(UserFactory())
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 403


def test_it_shows_any_job_to_a_user_who_may_view_jobs(client):
    job = JobFactory()
    client.force_login(UserFactory(perms=["core.view_job"]))
    assert client.get(reverse("job_detail", args=[job.pk])).status_code == 200


def test_it_shows_any_job_and_its_trace_to_a_superuser(client):
    job = finished(JobFactory(), ok=False, error="Disk full", trace="Traceback…")
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    assert "Traceback" in html


def test_it_answers_404_for_a_missing_job(client):
    client.force_login(UserFactory())
    assert client.get(reverse("job_detail", args=[999999])).status_code == 404


def test_it_rejects_post(client):
    job = JobFactory()
    client.force_login(job.created_by)
    assert client.post(reverse("job_detail", args=[job.pk])).status_code == 405

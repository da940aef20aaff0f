"""Background work of the shared kernel; every task calls a service."""

from celery import shared_task
from django.conf import settings
from django.utils import translation


@shared_task
def registry_export_task(job_id: int) -> None:
    from .jobs import job_execute
    from .registry import export_job_run

    def run(job):
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            return export_job_run(job)

    job_execute(job_id, run)

"""Background work of the subscriber block; every task calls a service."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import job_execute

from .models import ImportMapping


@shared_task
def billing_import_task(job_id: int) -> None:
    def run(job):
        from .services import billing_import  # imported late: services import heavy modules

        slug = job.params.get("mapping")
        mapping = ImportMapping.objects.filter(slug=slug).first() if slug else None
        if slug and mapping is None:
            raise ValueError(_("The column mapping “%(slug)s” no longer exists.") % {"slug": slug})
        result = billing_import(
            paths=[Path(p) for p in job.params["paths"]],
            mapping=mapping,
            job=job,
            by=job.created_by,
        )
        return result.as_dict()

    def run_in_language(job):
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            return run(job)

    job_execute(job_id, run_in_language)

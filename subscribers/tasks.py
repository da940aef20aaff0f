"""Background work of the subscriber block; every task calls a service."""

from pathlib import Path

from celery import shared_task
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from core.jobs import job_execute

from .models import BillingSource, ImportMapping


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
        outcome = result.as_dict()
        source_id = job.params.get("source")
        source = BillingSource.objects.filter(pk=source_id).first() if source_id else None
        if source is not None:  # an upload of a web-upload source: its data is fresh now
            from .sources.sync import failure_text, source_record

            outcome["stats"]["source"] = source.name
            source_record(source=source, ok=result.ok, error=failure_text(outcome), job=job)
        return outcome

    def run_in_language(job):
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            return run(job)

    job_execute(job_id, run_in_language)


@shared_task
def billing_sync_task(job_id: int) -> None:
    """One run of a billing source (subscribers.sources.sync)."""

    def run(job):
        from .sources.sync import source_sync

        source = (
            BillingSource.objects.select_related("mapping")
            .filter(pk=job.params.get("source"))
            .first()
        )
        with translation.override(job.params.get("language") or settings.LANGUAGE_CODE):
            if source is None:
                raise ValueError(_("The billing source of this job no longer exists."))
            return source_sync(source=source, job=job)

    job_execute(job_id, run)


@shared_task
def billing_sources_due_task() -> int:
    """Beat, every five minutes: start the billing sources whose daily time has come."""
    from .sources.sync import sources_run_due

    return len(sources_run_due())

"""manage.py sync_billing [--source NAME …]: run the billing sources whose time has come (from
cron, where no Celery beat runs), or the named ones now."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.models import Job
from subscribers.models import BillingSource
from subscribers.sources.errors import SourceError
from subscribers.sources.sync import source_sync_start, sources_run_due


class Command(BaseCommand):
    help = (
        "Synchronise with the billing: start every source whose daily time has come and whose "
        "day's sync has not yet succeeded (run it from cron every few minutes), or --source."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--source", action="append", default=[], help="a source's name: run it now"
        )

    def handle(self, *args, source, **options):
        if settings.ABONENT_JOB_RUNNER == "thread":
            # A daemon thread would die with this command: the runs happen here, one by one.
            settings.ABONENT_JOB_RUNNER = "sync"
        if source:
            chosen = []
            for name in source:
                found = BillingSource.objects.filter(name=name).first()
                if found is None:
                    raise CommandError(_("No billing source named “%(name)s”.") % {"name": name})
                chosen.append(found)
            try:
                jobs = [source_sync_start(source=s) for s in chosen]
            except SourceError as exc:
                raise CommandError(str(exc)) from None
        else:
            jobs = sources_run_due()
        failed = 0
        for job in jobs:
            job.refresh_from_db()
            name = (job.result.get("stats") or {}).get("source", "")
            if job.status == Job.Status.FAILED:
                failed += 1
                message = job.result.get("error") or _("%(n)s bad rows") % {
                    "n": job.result.get("error_count", 0)
                }
                self.stderr.write(f"{name}: {message} (job {job.pk})")
            else:
                self.stdout.write(f"{name}: {job.get_status_display()} (job {job.pk})")
        if not jobs:
            self.stdout.write(_("No billing source is due."))
        if failed:
            raise CommandError(_("%(n)s billing sources failed.") % {"n": failed})

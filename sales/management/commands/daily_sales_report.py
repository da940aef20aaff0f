"""The daily sales report of a day: written to an XLSX file, or e-mailed to the recipients."""

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.models import Branch
from sales.report_mail import recipients_of, report_send
from sales.reports import daily_sales, report_xlsx


class Command(BaseCommand):
    help = (
        "Write the daily sales report of --date (yesterday by default) of every branch to an "
        "XLSX file, or with --send e-mail each branch's report to its recipients now (sent "
        "again even if the morning's letter went)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day, YYYY-MM-DD (default: yesterday)")
        parser.add_argument("--branch", type=int, help="one branch, by its id")
        parser.add_argument("--send", action="store_true", help="e-mail it to the recipients")
        parser.add_argument("--output", help="the XLSX file (default daily-sales-DATE.xlsx)")

    def handle(self, *args, **options):
        try:
            day = (
                date.fromisoformat(options["date"])
                if options["date"]
                else timezone.localdate() - timedelta(days=1)
            )
        except ValueError:
            raise CommandError("--date: give the day as YYYY-MM-DD") from None
        branches = Branch.objects.order_by("pk")
        if options["branch"]:
            branches = branches.filter(pk=options["branch"])
            if not branches.exists():
                raise CommandError(f"No branch {options['branch']}")
        if options["send"]:
            for branch in branches:
                if not recipients_of(branch):
                    self.stdout.write(f"{branch}: no recipients")
                    continue
                sent = report_send(branch, day, again=True)
                self.stdout.write(f"{branch}: {'sent' if sent else 'NOT sent (see the log)'}")
            return
        branch = branches.first() if options["branch"] else None
        report = daily_sales(user=None, day=day, branch=branch)
        path = options["output"] or f"daily-sales-{day:%Y-%m-%d}.xlsx"
        with open(path, "wb") as out:
            out.write(report_xlsx(report))
        self.stdout.write(f"{path}: {len(report.rows)} rows")

"""Send the installation visits' reminders due now (what beat does every 15 minutes), for a
server without Redis: run it from cron every 15 minutes."""

from django.core.management.base import BaseCommand

from sales.schedule import visit_reminders_send


class Command(BaseCommand):
    help = "Queue the eve and morning SMS reminders of installation visits that are due."

    def handle(self, *args, **options):
        queued = visit_reminders_send()
        self.stdout.write(f"{queued} reminders queued")

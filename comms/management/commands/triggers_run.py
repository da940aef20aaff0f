"""Send each branch's daily event messages (what beat does every 15 minutes), for a server
without Redis: run it from cron every 15 minutes."""

from django.core.management.base import BaseCommand

from comms.triggers import daily_run


class Command(BaseCommand):
    help = "Send the daily event messages (payment due, low balance, birthday) that are due."

    def handle(self, *args, **options):
        counts = daily_run()
        self.stdout.write(", ".join(f"{code}: {n}" for code, n in counts.items()))

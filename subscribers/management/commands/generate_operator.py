"""Generate a realistic demo operator as billing export files, or the billing's next day or month
after such an export (--next-day, --next-month; see subscribers.generator)."""

import re
import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from subscribers.generator import FLAVORS, DeltaError, default_end, generate_operator, write_delta


def month_arg(value: str) -> date:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not match or not 1 <= int(match[2]) <= 12:
        raise CommandError(f"--end must be a month as YYYY-MM, not {value!r}")
    return date(int(match[1]), int(match[2]), 1)


class Command(BaseCommand):
    help = (
        "Write a deterministic demo operator (branches, buildings, subscribers, charges, "
        "payments) as billing export files: the canonical import format, or shaped like a UTM5 "
        "or LANBilling export that the mapping in subscribers/mappings/ turns back into it."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--subscribers",
            type=int,
            default=20000,
            help="Accounts in the export, terminated ones included.",
        )
        parser.add_argument("--months", type=int, default=24, help="Months of history.")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", required=True, help="Directory to write the files into.")
        parser.add_argument("--end", help="Last month of data, YYYY-MM (default: last month).")
        parser.add_argument("--flavor", choices=FLAVORS, default="canonical")
        parser.add_argument(
            "--next-day",
            action="store_true",
            help="Instead of a whole operator, write the day after --from as a billing's daily "
            "delta: its payments, the subscribers it changed and, on the first of a month, the "
            "month's charges; chain it with --from the delta.",
        )
        parser.add_argument(
            "--next-month",
            action="store_true",
            help="Write the next calendar month after --from as a delta (with what is left of "
            "the current month, if --from ends within one).",
        )
        parser.add_argument(
            "--days", type=int, default=1, help="With --next-day: this many days in one delta."
        )
        parser.add_argument(
            "--from",
            dest="prev",
            help="With --next-day/--next-month: the canonical export, or the delta, to continue.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes (default: one per CPU); the output does not change.",
        )

    def handle(self, *args, **options):
        if options["next_day"] or options["next_month"]:
            return self.delta(options)
        if options["subscribers"] < 1 or options["months"] < 1:
            raise CommandError("--subscribers and --months must be positive")
        end = month_arg(options["end"]) if options["end"] else default_end()
        shown = {"step": 0}

        def progress(done: int, total: int) -> None:
            step = done * 10 // total
            if step != shown["step"] and total > 10:
                shown["step"] = step
                self.stdout.write(f"  {done * 100 // total:3d}%")

        started = time.monotonic()
        counts = generate_operator(
            options["out"],
            subscribers=options["subscribers"],
            months=options["months"],
            seed=options["seed"],
            end=end,
            flavor=options["flavor"],
            workers=options["workers"],
            progress=progress,
        )
        took = time.monotonic() - started
        for name, rows in counts.items():
            self.stdout.write(f"  {name}: {rows} rows")
        self.stdout.write(
            f"Generated a {options['flavor']} operator ({options['months']} months to "
            f"{end:%Y-%m}) in {options['out']} in {took:.1f} s."
        )

    def delta(self, options) -> None:
        if options["next_day"] and options["next_month"]:
            raise CommandError("--next-day or --next-month, not both")
        if not options["prev"]:
            raise CommandError(
                "--next-day and --next-month need --from DIR, the export to continue"
            )
        if options["flavor"] != "canonical":
            raise CommandError("a delta is written in the canonical format only, not --flavor "
                               f"{options['flavor']}")  # fmt: skip
        started = time.monotonic()
        try:
            result = write_delta(
                options["prev"],
                options["out"],
                seed=options["seed"],
                month=options["next_month"],
                days=options["days"],
            )
        except DeltaError as exc:
            raise CommandError(str(exc)) from None
        for name, rows in result.counts.items():
            self.stdout.write(f"  {name}: {rows} rows")
        days = f"{result.first}" if result.first == result.last else f"{result.first}…{result.last}"
        self.stdout.write(
            f"Generated the billing's delta of {days} after {options['prev']} in "
            f"{options['out']} in {time.monotonic() - started:.1f} s."
        )

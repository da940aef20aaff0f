"""Make a ready-to-show demo: roles, a generated operator imported into an empty base, one user
per role. Running it again reuses all of it."""

import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from core.jobs import job_execute
from core.models import Job, StaffProfile
from core.roles import ROLES, roles_sync

# The kinds of the canonical import format, in the order they are best read.
IMPORT_KINDS = ("branches", "buildings", "subscribers", "charges", "payments")
IMPORT_SUFFIXES = (".csv", ".xlsx")
# Demo staff, so the start page greets a person rather than a role.
DEMO_NAMES = {
    "head": ("Ирина", "Соколова"),
    "coordinator": ("Мария", "Кузнецова"),
    "cashier": ("Ольга", "Васильева"),
    "supervisor": ("Дмитрий", "Морозов"),
    "office_manager": ("Анна", "Павлова"),
    "operator": ("Екатерина", "Смирнова"),
    "collector": ("Сергей", "Волков"),
    "retention": ("Наталья", "Лебедева"),
    "sales_agent": ("Алексей", "Новиков"),
    "installer": ("Павел", "Федоров"),
    "recruiter": ("Юлия", "Егорова"),
    "trainer": ("Татьяна", "Орлова"),
    "admin": ("Андрей", "Козлов"),
}


def demo_password(code: str) -> str:
    return f"demo-{code}-2026"


def import_files(directory: Path) -> list[Path]:
    """The files of the canonical format in directory, kinds in IMPORT_KINDS order."""
    if not directory.is_dir():
        return []
    files = [
        path
        for path in directory.iterdir()
        if path.is_file() and path.suffix.lower() in IMPORT_SUFFIXES
    ]

    def kind_rank(path: Path) -> int:
        name = path.name.lower()
        return next((i for i, kind in enumerate(IMPORT_KINDS) if name.startswith(kind)), -1)

    return sorted((p for p in files if kind_rank(p) >= 0), key=lambda p: (kind_rank(p), p.name))


class Command(BaseCommand):
    help = (
        "Set up a demo: role groups, a generated operator imported into an empty base, "
        "and one user per role with a known password."
    )

    def add_arguments(self, parser):
        parser.add_argument("--subscribers", type=int, default=20000)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument(
            "--dir",
            default=str(settings.BASE_DIR / "var" / "demo"),
            help="Where the generated billing export is (or will be) kept.",
        )
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument(
            "--force", action="store_true", help="Create the demo users even with DEBUG off."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "demo_setup creates users with well-known passwords; with DEBUG off "
                "pass --force if this really is a demo machine."
            )
        groups = roles_sync()
        self.stdout.write(f"Roles: {len(groups)} groups up to date.")
        users = self.ensure_users(groups)
        self.ensure_data(options, by=users.get("admin"))
        self.ensure_segments(by=users.get("head"))
        self.ensure_messages()
        self.ensure_call_list(by=users.get("head"))
        self.ensure_sales()
        self.report()

    def ensure_users(self, groups) -> dict:
        User = get_user_model()
        users = {}
        for role in ROLES:
            user, created = User.objects.get_or_create(
                username=role.code,
                defaults={
                    "first_name": DEMO_NAMES.get(role.code, ("", ""))[0],
                    "last_name": DEMO_NAMES.get(role.code, ("", ""))[1],
                    "is_staff": role.code == "admin",
                    "is_superuser": role.code == "admin",
                },
            )
            if created:
                user.set_password(demo_password(role.code))
                user.save(update_fields=["password"])
            user.groups.add(groups[role.code])
            # The demo's staff see every branch; an administrator narrows them on Staff.
            StaffProfile.objects.get_or_create(user=user, defaults={"all_branches": True})
            users[role.code] = (user, created)
        made = sum(created for _user, created in users.values())
        self.stdout.write(f"Users: {made} created, {len(users) - made} already there.")
        return {code: user for code, (user, _created) in users.items()}

    def ensure_data(self, options, *, by) -> None:
        from subscribers.queries import has_subscribers

        if has_subscribers():
            self.stdout.write("Subscriber base: already imported, left as it is.")
            return
        directory = Path(options["dir"]).resolve()
        paths = import_files(directory)
        if not any(path.name.lower().startswith("subscribers") for path in paths):
            self.stdout.write(
                f"Generating an operator of {options['subscribers']} subscribers × "
                f"{options['months']} months into {directory} …"
            )
            started = time.monotonic()
            call_command(
                "generate_operator",
                "--subscribers",
                str(options["subscribers"]),
                "--months",
                str(options["months"]),
                "--seed",
                str(options["seed"]),
                "--out",
                str(directory),
                stdout=self.stdout,
                stderr=self.stderr,
            )
            self.stdout.write(f"  generated in {time.monotonic() - started:.0f} s.")
            paths = import_files(directory)
        else:
            self.stdout.write(f"Billing export: reusing the files in {directory}.")
        if not paths:
            raise CommandError(f"No import files in {directory}.")
        self.import_files(paths, by=by)

    def import_files(self, paths: list[Path], *, by) -> None:
        try:
            from subscribers.services import billing_import
        except ImportError as exc:
            raise CommandError(f"The billing import is not available: {exc}") from exc

        self.stdout.write("Importing " + ", ".join(path.name for path in paths) + " …")
        job = Job.objects.create(
            kind=Job.Kind.BILLING_IMPORT,
            params={"paths": [str(path) for path in paths], "mapping": None},
            created_by=by,
        )
        last = {"stage": None}

        def progress(job):
            if job.stage != last["stage"]:
                last["stage"] = job.stage
                self.stdout.write(f"  {job.progress:3d}%  {job.stage}")

        def run(job):
            job.on_progress = progress  # honoured by core.jobs.job_update when present
            return billing_import(paths=paths, mapping=None, job=job, by=by).as_dict()

        started = time.monotonic()
        job = job_execute(job.pk, run)
        took = time.monotonic() - started
        result = job.result or {}
        if job.status != Job.Status.DONE:
            for error in (result.get("errors") or [])[:20]:
                self.stderr.write(
                    f"  {error.get('file')}:{error.get('line')} {error.get('column') or ''} "
                    f"{error.get('message')}"
                )
            if result.get("error"):
                self.stderr.write(result.get("trace") or result["error"])
            raise CommandError(f"The import failed (job #{job.pk}); the base is unchanged.")
        stats = ", ".join(f"{key} {value}" for key, value in (result.get("stats") or {}).items())
        self.stdout.write(f"  imported in {took:.0f} s: {stats}")

    def ensure_segments(self, *, by) -> None:
        """The standard segments of the segmentation method (docs/segmentation.md)."""
        try:
            from segments.services import standard_install
        except ImportError:
            return
        made, there = standard_install(by=by)
        self.stdout.write(f"Segments: {made} standard ones created, {there} already there.")

    def ensure_messages(self) -> None:
        """The shipped message templates (3.4.16), the objection book (3.4.8) and the call
        scripts that link both, and the local Kannel as the SMS gateway."""
        try:
            from comms.services import demo_gateway_ensure, standard_install
            from comms.standard_scripts import objections_install, scripts_install
        except ImportError:
            return
        made, there = standard_install()
        demo_gateway_ensure()
        self.stdout.write(f"Message templates: {made} created, {there} already there.")
        made, there = objections_install()
        self.stdout.write(f"Objections: {made} created, {there} already there.")
        made, there = scripts_install()
        self.stdout.write(f"Call scripts: {made} created, {there} already there.")
        # The shipped surveys (2.5.6 NPS, 3.2.14 TV channels), with answers to show.
        from comms.surveys.demo import demo_responses_seed
        from comms.surveys.services import surveys_install

        made, there = surveys_install()
        answered = demo_responses_seed()
        self.stdout.write(f"Surveys: {made} created, {there} already there; {answered} answered.")

    def ensure_call_list(self, *, by) -> None:
        """A call list of debtors with the payment-reminder script (2.4.2), for the operators
        to take the next call from."""
        from comms.campaigns import campaign_launch
        from comms.models import Campaign, Script
        from subscribers.models import Subscriber

        script = Script.objects.filter(code="payment-reminder").first()
        if script is None or Campaign.objects.filter(script=script).exists():
            return
        debtors = (
            Subscriber.objects.filter(money__reported_balance__lt=0, status="active")
            .exclude(phone="")
            .order_by("money__reported_balance")
            .values_list("account", flat=True)[:40]
        )
        if not debtors:
            return
        campaign = Campaign.objects.create(
            name=str(script.name), script=script, accounts="\n".join(debtors), created_by=by
        )
        counts = campaign_launch(campaign=campaign, by=by)
        self.stdout.write(f"Call list: {counts['queued']} debtors to call with {script.name}.")

    def ensure_sales(self) -> None:
        """Teams and their schedule, and three months of applications with their visits."""
        from sales.demo import demo_sales_seed

        made = demo_sales_seed()
        self.stdout.write(f"Sales: {made} applications with their teams and visits.")

    def report(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("Abonent is ready: http://127.0.0.1:8000/"))
        self.stdout.write("")
        rows = [(role.code, demo_password(role.code), str(role.name)) for role in ROLES]
        header = ("user", "password", "role")
        widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, tuple("-" * width for width in widths), *rows]:
            cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())

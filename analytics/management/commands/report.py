"""manage.py report NAME --format csv|xlsx [filters] [--out FILE]: an analysis report as a file."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from analytics import export
from analytics.forms import ReportFilterForm
from analytics.reports import REPORTS


class Command(BaseCommand):
    help = "Write an analysis report (churn_inflow, base, tariffs) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("name", choices=sorted(REPORTS), help="report name")
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument(
            "--branch",
            nargs="+",
            action="extend",
            default=[],
            metavar="NAME_OR_ID",
            help="branch name or id (several allowed)",
        )
        parser.add_argument("--from", dest="month_from", metavar="YYYY-MM")
        parser.add_argument("--to", dest="month_to", metavar="YYYY-MM")
        parser.add_argument(
            "--at", metavar="YYYY-MM", help="base report: the month (default: the data month)"
        )
        parser.add_argument("--technology", nargs="+", action="extend", default=[])
        parser.add_argument(
            "--tariff",
            nargs="+",
            action="extend",
            default=[],
            metavar="NAME",
            help="tariff name (several allowed)",
        )
        parser.add_argument(
            "--by-branch", action="store_true", help="churn_inflow: a row per month × branch"
        )
        parser.add_argument(
            "--table", help="csv: only this table of the report (e.g. base: groups, buildings)"
        )
        parser.add_argument("--out", help="output file (csv goes to standard output without it)")
        parser.add_argument(
            "--language",
            default=settings.LANGUAGE_CODE,
            help="language of the column headers (ru, en)",
        )

    def handle(self, *args, **options):
        report = REPORTS[options["name"]]
        fmt = options["format"]
        if fmt == "xlsx" and not options["out"]:
            raise CommandError("--out FILE is required for xlsx.")
        table = options["table"]
        if table and table not in {t.key for t in report.tables}:
            keys = ", ".join(t.key for t in report.tables)
            raise CommandError(f"{report.name} has no table {table!r}; its tables: {keys}.")
        data = {
            "branch": options["branch"],
            "from": options["month_from"] or "",
            "to": options["month_to"] or "",
            "at": options["at"] or "",
            "technology": [t.upper() for t in options["technology"]],
            "tariff": options["tariff"],
            "by_branch": options["by_branch"],
        }
        with translation.override(options["language"]):
            form = ReportFilterForm(data, report=report)
            ignored = [
                f"--{k.replace('_', '-')}"
                for k in ("from", "to", "at", "by_branch")
                if data[k] and k not in form.fields
            ]
            if ignored:
                raise CommandError(f"{report.name} does not take {', '.join(ignored)}.")
            if not form.is_valid():
                raise CommandError(
                    "\n".join(
                        f"--{field.replace('_', '-')}: {' '.join(errors)}"
                        if field != "__all__"
                        else " ".join(errors)
                        for field, errors in form.errors.items()
                    )
                )
            params = form.params()
            result = report.run(params)
            if fmt == "xlsx":
                Path(options["out"]).write_bytes(export.to_xlsx(report, params, result))
                return
            text = export.to_csv(report, params, result, table=table)
        if options["out"]:
            Path(options["out"]).write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")

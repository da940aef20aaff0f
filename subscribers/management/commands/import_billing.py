"""manage.py import_billing PATH… [--mapping CODE]: import billing export files."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from subscribers.models import ImportMapping
from subscribers.services import ImportBusy, billing_import


class Command(BaseCommand):
    help = "Import the subscriber base, charges and payments from billing export files."

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", type=Path, help="files, or folders whose files are all imported"
        )
        parser.add_argument("--mapping", help="code of a saved column mapping")
        parser.add_argument(
            "--max-errors", type=int, default=200, help="how many bad rows to print"
        )

    def handle(self, *args, paths, mapping=None, max_errors=200, **options):
        saved = None
        if mapping:
            saved = ImportMapping.objects.filter(slug=mapping).first()
            if saved is None:
                raise CommandError(
                    _("No column mapping with the code %(code)s") % {"code": mapping}
                )
        files = []
        for path in paths:
            if path.is_dir():
                files.extend(sorted(p for p in path.iterdir() if p.is_file()))
            else:
                files.append(path)
        try:
            result = billing_import(paths=files, mapping=saved)
        except ImportBusy as exc:
            raise CommandError(str(exc)) from None
        if not result.ok:
            for error in result.errors[:max_errors]:
                self.stderr.write(str(error))
            if result.error_count > max_errors:
                self.stderr.write(_("… and %(n)s more") % {"n": result.error_count - max_errors})
            raise CommandError(
                _("Nothing was imported: %(n)s bad rows.") % {"n": result.error_count}
            )
        for key, value in result.stats.items():
            self.stdout.write(f"{key}: {value}")
        self.stdout.write(self.style.SUCCESS(_("Import finished.")))

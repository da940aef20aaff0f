from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from core.roles import roles_document

DOC = Path(settings.BASE_DIR) / "docs" / "roles.md"


class Command(BaseCommand):
    help = "Write docs/roles.md (the roles and their permission matrix) from core/roles.py."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="fail when docs/roles.md is not up to date"
        )

    def handle(self, *args, check=False, **options):
        with translation.override("en"):
            text = roles_document()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise CommandError("docs/roles.md is out of date: run manage.py roles_doc")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {DOC}")

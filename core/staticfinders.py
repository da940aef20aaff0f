"""Static files that installed packages ship outside a Django static dir (Plotly's bundle)."""

from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage


def _plotly_dir() -> Path:
    import plotly

    return Path(plotly.__file__).resolve().parent / "package_data"


class VendorFinder(finders.BaseFinder):
    """Serves files of installed Python packages under the static prefix ``vendor/``.

    FILES maps a name under ``vendor/`` to (directory getter, file name in that directory)."""

    prefix = "vendor"
    FILES = {"plotly.min.js": (_plotly_dir, "plotly.min.js")}

    def _source(self, name: str) -> Path | None:
        entry = self.FILES.get(name)
        if entry is None:
            return None
        directory, filename = entry
        return directory() / filename

    def check(self, **kwargs):
        errors = []
        for name in self.FILES:
            path = self._source(name)
            if not path.is_file():
                errors.append(
                    Error(
                        f"{path} is missing; reinstall the package that ships it.", id="core.E001"
                    )
                )
        return errors

    def find(self, path, find_all=False, **kwargs):
        head, _, name = path.replace("\\", "/").partition("/")
        found = []
        if head == self.prefix:
            source = self._source(name)
            if source is not None and source.is_file():
                finders.searched_locations.append(str(source.parent))
                found.append(str(source))
        if find_all:
            return found
        return found[0] if found else []

    def list(self, ignore_patterns):
        for name in self.FILES:
            source = self._source(name)
            if source.is_file():
                storage = FileSystemStorage(location=str(source.parent))
                storage.prefix = self.prefix
                yield source.name, storage

"""A watched folder: the export files the billing's cron dropped there, once they are whole."""

import shutil
import time
from pathlib import Path

from django.utils.translation import gettext as _

from ..importing.readers import Format
from .errors import SourceError

# A file changed less than this long ago may still be being copied.
SETTLE_SECONDS = 60
# Names that copy tools give a file until it is whole.
PARTIAL_SUFFIXES = (".part", ".partial", ".tmp", ".crdownload", ".filepart", ".!sync", "~")
IMPORTED = "imported"  # the subfolder that imported files are moved to


def ready_groups(
    folder: Path, fmt: Format, *, settle: int = SETTLE_SECONDS, now: float | None = None
) -> list[list[Path]]:
    """The folder's export files in the imports that take them, oldest first: one import, or
    several in the order the files came when a kind comes more than once (two days' drops).
    SourceError when the folder cannot be read or a file is still being written: then
    nothing is taken and the next run tries again."""
    if not folder.is_dir():
        raise SourceError(
            _("The folder %(folder)s does not exist or is not a folder.") % {"folder": folder}
        )
    now = time.time() if now is None else now
    files = []
    try:
        entries = list(folder.iterdir())
    except OSError as exc:
        raise SourceError(
            _("The folder %(folder)s cannot be read: %(error)s")
            % {"folder": folder, "error": exc.strerror or exc}
        ) from None
    for path in entries:
        if path.name.startswith(".") or not path.is_file():
            continue
        stat = path.stat()
        if path.name.lower().endswith(PARTIAL_SUFFIXES):
            raise SourceError(
                _("«%(file)s» is still being copied into the folder; the next run will take it.")
                % {"file": path.name}
            )
        age = now - stat.st_mtime
        if age < settle:
            raise SourceError(
                _(
                    "«%(file)s» changed %(seconds)s s ago and may still be being written; "
                    "the next run will take it."
                )
                % {"file": path.name, "seconds": max(0, int(age))}
            )
        files.append((stat.st_mtime, path.name, path))
    files.sort()
    groups: list[list[Path]] = []
    kinds: set[str] = set()
    for _mtime, _name, path in files:
        kind = fmt.kind_of(path.name) or path.name  # a workbook: a group member of its own
        if not groups or kind in kinds:
            groups.append([])
            kinds = set()
        groups[-1].append(path)
        kinds.add(kind)
    return groups


def archive(paths: list[Path], folder: Path, stamp: str) -> Path:
    """Move imported files to folder/imported/<stamp>/, so the next run does not take them."""
    target = folder / IMPORTED / stamp
    target.mkdir(parents=True, exist_ok=True)
    for path in paths:
        shutil.move(str(path), target / path.name)
    return target

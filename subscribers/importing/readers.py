"""Reading export files (CSV or XLSX) as canonical rows, through an optional column mapping."""

import codecs
import csv
import fnmatch
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.translation import gettext as _

from .columns import flag_columns

KINDS = ("branches", "buildings", "subscribers", "charges", "payments")

# Canonical columns per kind; required ones first in REQUIRED.
COLUMNS = {
    "branches": ("name", "time_zone", "currency"),
    "buildings": (
        "branch",
        "city",
        "street",
        "house",
        "flats",
        "technology",
        "ports",
        "coverage_since",
    ),
    "subscribers": (
        "account",
        "full_name",
        "phone",
        "email",
        "kind",
        "branch",
        "city",
        "street",
        "house",
        "flat",
        "technology",
        "tariff",
        "monthly_fee",
        "status",
        "connected_on",
        "terminated_on",
        "balance",
        "birth_date",
    ),
    "charges": ("account", "period", "service", "tariff", "amount"),
    "payments": ("account", "paid_at", "amount", "method"),
}
REQUIRED = {
    "branches": ("name",),
    "buildings": ("branch", "city", "street", "house"),
    "subscribers": (
        "account",
        "full_name",
        "branch",
        "city",
        "street",
        "house",
        "tariff",
        "status",
        "connected_on",
        "balance",
    ),
    "charges": ("account", "period", "service", "amount"),
    "payments": ("account", "paid_at", "amount"),
}


class FileError(Exception):
    """The file as a whole cannot be read; nothing of it is imported."""

    def __init__(self, message: str, column: str = ""):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class Format:
    """How the files are shaped: the canonical format, or a saved ImportMapping."""

    encoding: str = "utf-8"
    delimiter: str = ","
    files: dict = field(default_factory=dict)
    columns: dict = field(default_factory=dict)

    @classmethod
    def from_mapping(cls, mapping) -> "Format":
        if mapping is None:
            return cls()
        return cls(
            encoding=mapping.encoding,
            delimiter=mapping.delimiter,
            files=mapping.files or {},
            columns=mapping.columns or {},
        )

    def kind_of(self, name: str) -> str | None:
        lower = name.lower()
        for kind, pattern in self.files.items():
            if fnmatch.fnmatch(lower, pattern.lower()):
                return kind
        for kind in KINDS:
            if lower.startswith(kind):
                return kind
        return None


@dataclass
class Table:
    """One table of one file: its kind, canonical header, extra columns and rows."""

    path: Path
    kind: str
    label: str  # file name (and sheet) for error messages
    header: list[str]  # canonical names, one per source column ("" for ignored)
    source_header: list[str]
    rows: Iterator[tuple[int, list]]  # (line number, cells)

    @property
    def extra_columns(self) -> list[tuple[int, str]]:
        known = set(COLUMNS[self.kind]) | set(flag_columns())
        if self.kind != "subscribers":
            return []
        return [(i, name) for i, name in enumerate(self.header) if name and name not in known]


def normalize_name(name) -> str:
    return str(name or "").strip().lstrip("\ufeff").strip().lower()


def canonical_header(kind: str, source: list[str], fmt: Format) -> list[str]:
    renames = {normalize_name(k): v for k, v in (fmt.columns.get(kind) or {}).items()}
    header = []
    for col in source:
        name = normalize_name(col)
        header.append(renames.get(name, name))
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise FileError(
            _("required column missing: %(columns)s") % {"columns": ", ".join(missing)},
            column=missing[0],
        )
    seen = set()
    for name in header:
        if name and name in seen:
            raise FileError(_("column %(column)s appears twice") % {"column": name}, column=name)
        seen.add(name)
    return header


def open_tables(path: Path, fmt: Format) -> list[Table]:
    if path.stat().st_size == 0:
        raise FileError(_("the file is empty"))
    if path.suffix.lower() == ".xlsx":
        return _xlsx_tables(path, fmt)
    if path.suffix.lower() not in (".csv", ".txt", ".tsv"):
        raise FileError(_("not a CSV or XLSX file"))
    kind = fmt.kind_of(path.name)
    if kind is None:
        raise FileError(
            _(
                "cannot tell what the file holds: name it subscribers…, charges…, "
                "payments…, buildings… or branches…, or choose a mapping"
            )
        )
    return [_csv_table(path, kind, fmt)]


def _csv_table(path: Path, kind: str, fmt: Format) -> Table:
    encoding = (
        "utf-8-sig" if fmt.encoding.lower().replace("_", "-") in ("utf-8", "utf8") else fmt.encoding
    )
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise FileError(_("unknown encoding %(encoding)s") % {"encoding": encoding}) from None
    handle = open(path, encoding=encoding, newline="", errors="strict")  # noqa: SIM115
    try:
        first = handle.readline()
    except UnicodeDecodeError:
        handle.close()
        raise FileError(
            _("the file is not in the %(encoding)s encoding") % {"encoding": fmt.encoding}
        ) from None
    if not first.strip():
        handle.close()
        raise FileError(_("the file has no header row"))
    delimiter = fmt.delimiter
    if delimiter == "\\t":
        delimiter = "\t"
    source = next(csv.reader([first], delimiter=delimiter))
    header = canonical_header(kind, source, fmt)
    return Table(
        path=path,
        kind=kind,
        label=path.name,
        header=header,
        source_header=source,
        rows=_csv_rows(handle, delimiter, fmt.encoding),
    )


def _csv_rows(handle: io.TextIOBase, delimiter: str, encoding: str) -> Iterator[tuple[int, list]]:
    """(line, cells) of each non-blank row, numbered by the physical line it starts on (the
    header, read before, is line 1); strict, so an unclosed quote is an error instead of a
    field that swallows the rest of the file."""
    reader = csv.reader(handle, delimiter=delimiter, strict=True)
    done = 1  # physical lines read so far
    try:
        for cells in reader:
            if any(str(c).strip() for c in cells):  # blank lines are skipped, as in XLSX
                yield done + 1, cells
            done = reader.line_num + 1
    except UnicodeDecodeError:
        raise FileError(
            _("the file is not in the %(encoding)s encoding (after line %(line)s)")
            % {"encoding": encoding, "line": done}
        ) from None
    except csv.Error as exc:
        raise FileError(
            _("broken CSV after line %(line)s: %(error)s") % {"line": done, "error": exc}
        ) from None
    finally:
        handle.close()


def _xlsx_tables(path: Path, fmt: Format) -> list[Table]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception:
        raise FileError(_("not a readable XLSX workbook")) from None
    tables = []
    single = len(book.sheetnames) == 1
    for sheet in book.worksheets:
        kind = (
            fmt.kind_of(sheet.title)
            if not single
            else (fmt.kind_of(sheet.title) or fmt.kind_of(path.name))
        )
        if kind is None:
            continue
        rows = sheet.iter_rows(values_only=True)
        try:
            source = [str(c) if c is not None else "" for c in next(rows)]
        except StopIteration:
            raise FileError(_("the sheet %(sheet)s is empty") % {"sheet": sheet.title}) from None
        header = canonical_header(kind, source, fmt)
        tables.append(
            Table(
                path=path,
                kind=kind,
                label=f"{path.name}:{sheet.title}",
                header=header,
                source_header=source,
                rows=_xlsx_rows(rows),
            )
        )
    if not tables:
        raise FileError(
            _("no sheet is named subscribers, charges, payments, buildings or branches")
        )
    return tables


def _xlsx_rows(rows) -> Iterator[tuple[int, list]]:
    for line, cells in enumerate(rows, start=2):
        if all(c is None or c == "" for c in cells):
            continue
        yield line, ["" if c is None else c for c in cells]

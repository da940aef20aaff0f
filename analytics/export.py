"""A report's tables as an XLSX workbook (a sheet per table) or as CSV text."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .reports import INT, MONEY, MONTH, RATE, Column, Report, ReportParams, cell, money

XLSX_FORMATS = {INT: "#,##0", MONEY: "#,##0.00", RATE: "0.0%", MONTH: "yyyy-mm"}
RATE_PLACES = Decimal("0.000001")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def tables(report: Report, params: ReportParams, result: Any):
    """(table, its columns, its rows) for every table of the report."""
    return [(t, t.columns_for(params), t.rows(result)) for t in report.tables]


def filename(report: Report, params: ReportParams, ext: str) -> str:
    f = params.filters
    if report.uses_at and params.at:
        stamp = f"{params.at:%Y-%m}"
    elif f.month_from or f.month_to:
        stamp = "_".join(f"{m:%Y-%m}" if m else "" for m in (f.month_from, f.month_to))
    else:
        stamp = f"{date.today():%Y-%m-%d}"
    return f"{report.name}-{stamp}.{ext}"


def _xlsx_value(value: Any, fmt: str) -> Any:
    if value is None:
        return None
    if fmt == MONEY:
        return money(value)
    if fmt in (INT, RATE, MONTH):
        return value
    return str(value)


def _sheet_title(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:31] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _write_sheet(ws, columns: list[Column], rows: list) -> None:
    ws.append([str(c.label) for c in columns])
    for header in ws[1]:
        header.font = Font(bold=True)
    widths = [len(str(c.label)) for c in columns]
    for row in rows:
        raw = [cell(row, c) for c in columns]
        ws.append([_xlsx_value(v, c.format) for v, c in zip(raw, columns, strict=True)])
        for i, (v, c) in enumerate(zip(raw, columns, strict=True)):
            # the CSV text plus room for thousands separators approximates the shown width
            widths[i] = max(widths[i], len(_csv_value(v, c.format)) * 4 // 3)
    for i, c in enumerate(columns, start=1):
        number_format = XLSX_FORMATS.get(c.format)
        if number_format:
            for (xl_cell,) in ws.iter_rows(min_row=2, min_col=i, max_col=i):
                xl_cell.number_format = number_format
        ws.column_dimensions[get_column_letter(i)].width = min(max(widths[i - 1], 8) + 2, 60)
    ws.freeze_panes = "A2"


def to_xlsx(report: Report, params: ReportParams, result: Any) -> bytes:
    """One sheet per table: bold frozen header, number formats, fitted column widths."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for table, columns, rows in tables(report, params, result):
        _write_sheet(wb.create_sheet(_sheet_title(str(table.title), used)), columns, rows)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _csv_value(value: Any, fmt: str) -> str:
    if value is None:
        return ""
    if fmt == MONEY:
        return str(money(value))
    if fmt == RATE:
        return str(Decimal(value).quantize(RATE_PLACES, rounding=ROUND_HALF_UP))
    if fmt == MONTH:
        return f"{value:%Y-%m}"
    return str(value)


def _csv_table(writer, columns: list[Column], rows: list) -> None:
    writer.writerow([str(c.label) for c in columns])
    for row in rows:
        writer.writerow([_csv_value(cell(row, c), c.format) for c in columns])


def to_csv(report: Report, params: ReportParams, result: Any, *, table: str | None = None) -> str:
    """CSV text: a single table as is; several tables each under a line with its title and
    separated by an empty line. Rates are fractions, money has 2 decimal places."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    parts = [p for p in tables(report, params, result) if table in (None, p[0].key)]
    for i, (t, columns, rows) in enumerate(parts):
        if len(parts) > 1:
            if i:
                writer.writerow([])
            writer.writerow([str(t.title)])
        _csv_table(writer, columns, rows)
    return buffer.getvalue()

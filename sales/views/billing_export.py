"""The export of connected applications to the billing system: a preview, the file (XLSX or
CSV) and "mark as exported" (sales.installer.billing_export)."""

import csv
import io
from datetime import date, datetime

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .. import installer as service

PERMISSION = "sales.change_application"
PREVIEW_ROWS = 200
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bounds(data) -> tuple[date | None, datetime]:
    """(since, until) of the request: `until` is the moment the preview was drawn, so the file
    and the mark cover the rows the person saw."""
    since = parse_date(data.get("since") or "") if data.get("since") else None
    until = None
    try:
        until = parse_datetime(data.get("until") or "")
    except ValueError:
        until = None
    if until is None or timezone.is_naive(until):
        until = timezone.now()
    return since, until


def _file(rows, fmt: str) -> HttpResponse:
    header = [str(label) for _name, label in service.EXPORT_COLUMNS]
    names = [name for name, _label in service.EXPORT_COLUMNS]
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";")  # what Excel opens in the region's locale
        writer.writerow(header)
        for application in rows:
            row = service.billing_export_row(application)
            writer.writerow([_csv_cell(row[name]) for name in names])
        response = HttpResponse(
            out.getvalue().encode("utf-8-sig"), content_type="text/csv; charset=utf-8"
        )
    else:
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_("Connections"))
        sheet.append(header)
        for application in rows:
            row = service.billing_export_row(application)
            sheet.append([row[name] for name in names])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="connections-{stamp}.{fmt}"'
    return response


def _csv_cell(value) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "POST"])
def billing_export(request):
    if request.method == "POST":
        since, until = _bounds(request.POST)
        marked = service.billing_export_mark(by=request.user, since=since, until=until)
        messages.success(request, _("Marked as exported: %(n)s.") % {"n": marked})
        return redirect("sales:billing_export")
    since, until = _bounds(request.GET)
    rows = service.billing_export(user=request.user, since=since, until=until)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        return _file(rows, fmt)
    preview = [service.billing_export_row(a) for a in rows[: PREVIEW_ROWS + 1]]
    return render(
        request,
        "sales/billing_export.html",
        {
            "rows": preview[:PREVIEW_ROWS],
            "more": len(preview) > PREVIEW_ROWS,
            "count": rows.count() if len(preview) > PREVIEW_ROWS else len(preview),
            "columns": service.EXPORT_COLUMNS,
            "since": since,
            "until": until.isoformat(),
        },
    )

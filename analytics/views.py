"""The analysis report page: filters, charts and tables, or the same tables as XLSX/CSV."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.access import branch_ids

from . import export
from .forms import ReportFilterForm
from .reports import INT, MONEY, MONTH, RATE, REPORTS, TEXT, cell, display

PERMISSION = "subscribers.view_monthlyfact"
BUILDINGS_PER_PAGE = 50
NUMBERS = {INT, MONEY, RATE}
CSS = {TEXT: "", MONTH: "text-nowrap", **dict.fromkeys(NUMBERS, "text-end text-nowrap")}


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


def _download(report, params, result, fmt: str) -> HttpResponse:
    if fmt == "xlsx":
        response = HttpResponse(
            export.to_xlsx(report, params, result), content_type=export.XLSX_CONTENT_TYPE
        )
    else:
        response = HttpResponse(
            export.to_csv(report, params, result), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(report, params, fmt)}"'
    )
    return response


def _shown_tables(report, params, result):
    """Each table as header labels and rows of formatted cells for the template."""
    return [
        {
            "key": table.key,
            "title": table.title,
            "columns": [
                {"label": c.label, "class": "text-end" if c.format in NUMBERS else ""}
                for c in columns
            ],
            "rows": [
                [{"text": display(cell(row, c), c.format), "class": CSS[c.format]} for c in columns]
                for row in rows
            ],
        }
        for table, columns, rows in export.tables(report, params, result)
    ]


@require_GET
def report(request, name: str):
    definition = REPORTS.get(name)
    if definition is None:
        raise Http404(name)
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    form = ReportFilterForm(
        request.GET, report=definition, allowed_branches=branch_ids(request.user)
    )
    context = {"report": definition, "form": form}
    if form.is_valid():
        params = form.params()
        fmt = request.GET.get("format")
        if fmt in ("xlsx", "csv"):
            return _download(definition, params, definition.run(params), fmt)
        page = _page_number(request)
        result = definition.run(
            params,
            building_limit=BUILDINGS_PER_PAGE,
            building_offset=(page - 1) * BUILDINGS_PER_PAGE,
        )
        query = request.GET.copy()
        query.pop("page", None)
        query.pop("format", None)
        context.update(
            result=result,
            charts=definition.charts(result),
            tables=_shown_tables(definition, params, result),
            query=query.urlencode(),
            at=getattr(result, "at", None),
        )
        if definition.uses_at and result.buildings_total > BUILDINGS_PER_PAGE:
            pages = -(-result.buildings_total // BUILDINGS_PER_PAGE)
            context["buildings_page"] = {
                "number": page,
                "pages": pages,
                "previous": page - 1 if page > 1 else None,
                "next": page + 1 if page < pages else None,
            }
    return render(request, "analytics/report.html", context)

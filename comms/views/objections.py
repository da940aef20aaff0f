"""Pages of the objection book 3.4.8: the book with its search as you type, the search
fragment the script player shows during a call, editing by the head, and the statistics of
the objections met in calls (with a chart and an XLSX export)."""

from __future__ import annotations

import io
import json

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from openpyxl import Workbook
from openpyxl.styles import Font

from .. import objections
from ..models import Objection, ObjectionCategory
from ..objection_forms import ObjectionCategoryForm, ObjectionForm, ObjectionStatsForm

CHART_ROWS = 20  # the most frequent objections drawn; the table lists them all
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- the book --------------------------------------------------------------------------------
@permission_required("comms.view_objection", raise_exception=True)
@require_safe
def book(request):
    """The whole book, or (for the search box's HTMX request) just the matching part."""
    query = request.GET.get("q", "").strip()
    editor = request.user.has_perm("comms.change_objection")
    book = objections.objection_book(query, with_inactive=editor)
    context = {
        "book": book,
        "found": sum(len(entry.objections) for entry in book),
        "query": query,
        "editor": editor,
    }
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "comms/objection_book_results.html", context)
    context["to_adapt"] = Objection.objects.filter(needs_review=True, active=True).count()
    return render(request, "comms/objection_book.html", context)


@permission_required("comms.view_objection", raise_exception=True)
@require_safe
def search(request):
    """The fragment the script player shows: ?q= the words typed, ?codes= the objections linked
    from the current step (shown first, or alone without words), ?call= the call being made
    (each objection then gets a button that records it in the call)."""
    codes = [c.strip() for c in request.GET.get("codes", "").split(",") if c.strip()]
    call = request.GET.get("call", "").strip()
    if call and not call.isdigit():
        return HttpResponseBadRequest(_("The call is named by its number."))
    context = {
        "objections": objections.objection_search(request.GET.get("q", ""), codes),
        "query": request.GET.get("q", "").strip(),
        "linked": set(codes),
        # The player's endpoint that notes the objection in the call.
        "call_objection_url": reverse("comms:call_objection", kwargs={"pk": int(call)})
        if call
        else "",
    }
    return render(request, "comms/_objection_search.html", context)


# -- editing ---------------------------------------------------------------------------------
def _objection_form_page(request, objection: Objection | None):
    form = ObjectionForm(request.POST or None, instance=objection, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved is not None:
            messages.success(request, _("The objection is saved."))
            return redirect(reverse("comms:objections") + f"#objection-{saved.code}")
    if request.method == "GET" and objection is None and request.GET.get("category"):
        form.initial["category"] = request.GET["category"]
    return render(
        request,
        "comms/objection_form.html",
        {"form": form, "objection": objection},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.add_objection", raise_exception=True)
@require_http_methods(["GET", "POST"])
def objection_new(request):
    if not ObjectionCategory.objects.exists():
        messages.info(request, _("Make a category first: every objection belongs to one."))
        return redirect("comms:objection_category_new")
    return _objection_form_page(request, None)


@permission_required("comms.change_objection", raise_exception=True)
@require_http_methods(["GET", "POST"])
def objection_edit(request, pk: int):
    objection = get_object_or_404(Objection.objects.prefetch_related("answers"), pk=pk)
    return _objection_form_page(request, objection)


@permission_required("comms.change_objection", raise_exception=True)
@require_POST
def objection_active(request, pk: int):
    """Take the objection out of the book (active=0) or put it back (active=1)."""
    objection = get_object_or_404(Objection, pk=pk)
    wanted = request.POST.get("active")
    if wanted not in ("0", "1"):
        return HttpResponseBadRequest(_("Say whether the objection is in use (1) or not (0)."))
    objections.objection_set_active(objection=objection, active=wanted == "1", by=request.user)
    if wanted == "1":
        messages.success(request, _("The objection is back in the book."))
    else:
        messages.success(
            request, _("The objection is taken out of the book; its statistics are kept.")
        )
    return redirect(reverse("comms:objections") + f"#objection-{objection.code}")


def _category_form_page(request, category: ObjectionCategory | None):
    form = ObjectionCategoryForm(request.POST or None, instance=category, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        if saved is not None:
            messages.success(request, _("The category is saved."))
            return redirect(reverse("comms:objections") + f"#category-{saved.code}")
    return render(
        request,
        "comms/objection_category_form.html",
        {"form": form, "category": category},
        status=400 if request.method == "POST" else 200,
    )


@permission_required("comms.add_objectioncategory", raise_exception=True)
@require_http_methods(["GET", "POST"])
def category_new(request):
    return _category_form_page(request, None)


@permission_required("comms.change_objectioncategory", raise_exception=True)
@require_http_methods(["GET", "POST"])
def category_edit(request, pk: int):
    return _category_form_page(request, get_object_or_404(ObjectionCategory, pk=pk))


# -- statistics ------------------------------------------------------------------------------
def _chart(stats: objections.ObjectionStats) -> dict | None:
    """Horizontal bars of the most frequent objections, the most frequent on top."""
    rows = stats.rows[:CHART_ROWS][::-1]
    if not rows:
        return None
    fig = go.Figure(
        go.Bar(
            x=[r.calls for r in rows],
            y=[r.text for r in rows],
            orientation="h",
            marker_color="#2f6db5",
            customdata=[
                [
                    f"{r.share:.1%}" if r.share is not None else "—",
                    f"{r.success_with:.0%}" if r.success_with is not None else "—",
                    f"{r.success_without:.0%}" if r.success_without is not None else "—",
                ]
                for r in rows
            ],
            hovertemplate=_(
                "%{y}<br>calls: %{x} (%{customdata[0]})<br>ended well: %{customdata[1]},"
                " without it %{customdata[2]}<extra></extra>"
            ),
        )
    )
    fig.update_layout(
        height=120 + 28 * len(rows),
        margin={"l": 20, "r": 20, "t": 20, "b": 40},
        template="plotly_white",
        xaxis={"title": {"text": _("Calls")}, "rangemode": "tozero"},
        yaxis={"automargin": True},
    )
    return json.loads(fig.to_json())


def _percent(value: float | None):
    return None if value is None else round(value, 4)


def _shown(value: float | None, places: int = 0, *, signed: bool = False) -> str:
    """A share as the page shows it: "12.5%", "+3 pp" … or a dash when there is none."""
    if value is None:
        return "—"
    # number_format cuts the decimals off; the page rounds them
    number = number_format(round(value * 100, places), places, use_l10n=True)
    if signed:
        sign = "+" if value > 0 else "−" if value < 0 else "±"
        return _("%(sign)s%(number)s pp") % {"sign": sign, "number": number.lstrip("-")}
    return f"{number}%"


def _rows(stats: objections.ObjectionStats) -> list[tuple[objections.ObjectionStatRow, dict]]:
    return [
        (
            row,
            {
                "share": _shown(row.share, 1),
                "success_with": _shown(row.success_with),
                "success_without": _shown(row.success_without),
                "difference": _shown(row.difference, signed=True),
                "sign": (row.difference or 0) and (1 if row.difference > 0 else -1),
            },
        )
        for row in stats.rows
    ]


def _xlsx(stats: objections.ObjectionStats) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Objections"))[:31]
    header = [
        _("Objection"),
        _("Category"),
        _("Calls"),
        _("Share of calls"),
        _("Calls with an outcome"),
        _("Ended well"),
        _("Ended well, with it"),
        _("Ended well, without it"),
        _("Difference"),
    ]
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in stats.rows:
        sheet.append(
            [
                r.text,
                r.category,
                r.calls,
                _percent(r.share),
                r.decided,
                r.ended_well,
                _percent(r.success_with),
                _percent(r.success_without),
                _percent(r.difference),
            ]
        )
    for column in "DGHI":
        for (cell,) in sheet.iter_rows(
            min_row=2, min_col=ord(column) - 64, max_col=ord(column) - 64
        ):
            cell.number_format = "0.0%"
    sheet.column_dimensions["A"].width = 50
    sheet.column_dimensions["B"].width = 24
    for column in "CDEFGHI":
        sheet.column_dimensions[column].width = 14
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@permission_required("comms.view_call", raise_exception=True)
@require_safe
def stats(request):
    form = ObjectionStatsForm(request.GET, user=request.user)
    if not form.is_valid():
        return render(request, "comms/objection_stats.html", {"form": form}, status=400)
    data = form.cleaned_data
    result = objections.objection_stats(
        user=request.user,
        date_from=data["date_from"],
        date_to=data["date_to"],
        script=data["script"],
        branch=data["branch"],
    )
    if request.GET.get("format") == "xlsx":
        response = HttpResponse(_xlsx(result), content_type=XLSX_CONTENT_TYPE)
        name = f"objections-{result.date_from:%Y-%m-%d}-{result.date_to:%Y-%m-%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    query = request.GET.copy()
    query.pop("format", None)
    return render(
        request,
        "comms/objection_stats.html",
        {
            "form": form,
            "stats": result,
            "rows": _rows(result),
            "success": _shown(result.success),
            "chart": _chart(result),
            "query": query.urlencode(),
        },
    )

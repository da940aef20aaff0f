"""One generic registry for every list of the product: filters (a django-filter FilterSet),
search, sort, keyset pagination, a column chooser, saved filters per user, XLSX export and
per-row permission (branch scoping). A block configures one in a few lines and registers it in
its AppConfig.ready():

    register(Registry(
        name="subscribers", model=Subscriber, title=_("Subscribers"),
        permission="subscribers.view_subscriber", filterset=SubscriberFilter,
        columns=[Column("account", _("Account")), ...], search=search_subscribers,
        branch_field="branch", sorts={"account": ("account",), ...}, default_sort="account",
    ))

Pages are keyset-paginated: the URL carries the sort key and id of the last row shown
(`after`), so a deep page costs what the first one does."""

import base64
import html
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import OperationalError, connection, transaction
from django.db.models import Case, F, Model, Q, QuerySet, When
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import access
from .jobs import job_start
from .models import Job, RegistryPreference, SavedFilter
from .sql import by_index, is_postgres

PAGE_SIZE = 50
COUNT_CAP = 1_000  # counted exactly up to this; beyond, the page says "more than" (docs)
EXPORT_AT_ONCE = 20_000  # rows downloaded at once; more are written by a background job
EXPORT_MAX = 1_000_000  # an XLSX sheet holds about a million rows; more must be narrowed
WALK_BUDGET_MS = 25  # see _first_rows
WALK_SHARE = 0.02
WALK_PROBE_MS = 8


def follow(row, path: str):
    """row.a.b for the path "a__b"; None where a step is missing."""
    value = row
    for part in path.split("__"):
        value = getattr(value, part, None) if value is not None else None
    return value


@dataclass(frozen=True)
class Column:
    name: str
    label: Promise | str
    value: Callable[[Model], object] | None = None  # default: the attribute of that name
    default: bool = True  # shown until the user chooses
    link: bool = False  # links to the row's page (the registry's `link`)
    mask: Callable[[Model], object] | None = None  # personal data: what others see instead

    def get(self, row):
        return self.value(row) if self.value is not None else follow(row, self.name)


def choice_label(model: type[Model], name: str) -> Callable[[Model], object]:
    """A column's value: the label of a choice field, by one dictionary lookup (the model's
    get_FOO_display rebuilds the field's choices on every call, some 15 ms a page of 50 rows
    with two such columns)."""
    labels = dict(model._meta.get_field(name).flatchoices)
    return lambda row: labels.get(getattr(row, name), getattr(row, name))


@dataclass(frozen=True)
class Action:
    """A button of the registry's page header that another block adds (e.g. "Save as
    segment"); `name` is its element id."""

    label: Promise | str
    url: str
    name: str = ""


@dataclass
class Registry:
    name: str
    model: type[Model]
    title: Promise | str
    permission: str
    filterset: type
    columns: list[Column]
    sorts: dict[str, tuple[str, ...]]  # sort name → fields (ending in a unique one is added)
    default_sort: str
    search: Callable[[QuerySet, str, object], QuerySet] | None = None  # (rows, text, user)
    search_help: Promise | str = ""
    branch_field: str | None = None  # the path to Branch, for per-row scoping
    link: Callable[[Model], str] | None = None
    select_related: tuple[str, ...] = ()
    description: Promise | str = ""
    sort_labels: dict[str, Promise | str] = field(default_factory=dict)
    private_permission: str | None = None  # who sees the masked columns unmasked
    # Adds what the columns and sorts compute (annotations), applied before scoping.
    prepare: Callable[[QuerySet], QuerySet] | None = None
    # Header buttons added by other blocks: each is called with the request and the current
    # filter's query string (no sort, page or columns) and gives an Action, or None to hide.
    actions: list[Callable[[object, str], Action | None]] = field(default_factory=list)
    # A note above the table from the block that owns the data (the billing data's freshness),
    # called with the request: HTML, or "" for none.
    notice: Callable[[object], str] | None = None

    def queryset(self, user) -> QuerySet:
        rows = self.model._default_manager.all()
        if self.select_related:
            rows = rows.select_related(*self.select_related)
        if self.prepare is not None:
            rows = self.prepare(rows)
        if self.branch_field:
            rows = access.scoped(rows, user, self.branch_field)
        return rows

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


_REGISTRIES: dict[str, Registry] = {}


def register(registry: Registry) -> Registry:
    _REGISTRIES[registry.name] = registry
    return registry


def get(name: str) -> Registry:
    try:
        return _REGISTRIES[name]
    except KeyError:
        raise Http404(name) from None


# -- keyset pagination ----------------------------------------------------------------------
def _encode(values: list) -> str:
    plain = [
        None if v is None else v.isoformat() if isinstance(v, (date, datetime)) else str(v)
        for v in values
    ]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


def _decode(token: str, count: int) -> list | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        values = json.loads(raw)
    except (ValueError, TypeError):
        return None
    if not isinstance(values, list) or len(values) != count:
        return None
    return values


def _after(
    fields: tuple[str, ...], values: list, descending: bool, nullable: frozenset = frozenset()
) -> Q:
    """Rows after `values` in the order of `fields`: a ≥ x and ((a > x) or (a = x and b > y)
    or …); the first term gives an index on `a` a range to start from. An empty value of a
    field in `nullable` sorts after every other when ascending and before when descending
    (PostgreSQL's own order, which `ordered` asks of SQLite too)."""

    def beyond(name, value) -> Q:  # strictly after value
        if value is None:
            return Q(**{f"{name}__isnull": False}) if descending else Q(pk__in=[])
        q = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
        return q | Q(**{f"{name}__isnull": True}) if name in nullable and not descending else q

    def equal(name, value) -> Q:
        return Q(**{f"{name}__isnull": True}) if value is None else Q(**{name: value})

    condition = Q(pk__in=[])
    for i, name in enumerate(fields):
        step = beyond(name, values[i])
        for j in range(i):
            step &= equal(fields[j], values[j])
        condition |= step
    first, value = fields[0], values[0]
    if value is None:
        start = Q() if descending else Q(**{f"{first}__isnull": True})
    else:
        start = Q(**{f"{first}__{'lte' if descending else 'gte'}": value})
        if first in nullable and not descending:
            start |= Q(**{f"{first}__isnull": True})
    return start & condition


def _nullable(model, fields: tuple[str, ...]) -> frozenset:
    """The sort fields that may be empty: a nullable column, or one behind a nullable relation
    (an annotation is taken as never empty). A row of another table whose key is the row's
    own (a subscriber's money) is taken as always there: `ordered` joins it so."""
    found = set()
    for name in fields:
        current, empty = model, False
        for part in name.split("__"):
            try:
                column = current._meta.get_field(part)
            except Exception:  # noqa: BLE001 — an annotation, not a field
                break
            own_row = column.one_to_one and not column.concrete and column.field.primary_key
            empty = empty or (not own_row and bool(getattr(column, "null", False)))
            current = column.related_model or current
        if empty:
            found.add(name)
    return frozenset(found)


def _key(row, fields: tuple[str, ...]) -> list:
    values = [follow(row, name) for name in fields]
    return [v.pk if isinstance(v, Model) else v for v in values]


# -- the page -------------------------------------------------------------------------------
@dataclass
class Page:
    rows: list
    columns: list[Column]
    next_token: str | None
    count: int
    count_capped: bool


def ordered(registry: Registry, rows: QuerySet, sort: str) -> tuple[QuerySet, tuple, bool]:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    fields = registry.sorts.get(name) or registry.sorts[registry.default_sort.lstrip("-")]
    fields = (*fields, "pk") if fields[-1] != "pk" else fields
    nullable = _nullable(rows.model, fields)
    # A key in a row of its own (see _nullable) is read through an inner join, so that the
    # database can walk that row's index in the key's order.
    joined = {f"{f}__isnull": False for f in fields if "__" in f and f not in nullable}
    rows = rows.filter(**joined) if joined else rows
    order = [
        (F(f).desc(nulls_first=True) if descending else F(f).asc(nulls_last=True))
        if f in nullable
        else (f"-{f}" if descending else f)
        for f in fields
    ]
    return rows.order_by(*order), fields, descending


def page_of(
    registry: Registry, rows: QuerySet, sort: str, after: str | None, shown, base=None
) -> Page:
    """The page of `rows` after the key `after`; `base`, the registry's rows for the user before
    any filter, reads the page's rows by id."""
    rows, fields, descending = ordered(registry, rows, sort)
    values = _decode(after, len(fields)) if after else None
    total, chunk = _first_rows(rows, fields, descending, values, base)
    next_token = _encode(_key(chunk[PAGE_SIZE - 1], fields)) if len(chunk) > PAGE_SIZE else None
    return Page(
        rows=chunk[:PAGE_SIZE],
        columns=shown,
        next_token=next_token,
        count=min(total, COUNT_CAP),
        count_capped=total > COUNT_CAP,
    )


def _count(rows: QuerySet) -> int:
    """The rows counted up to one more than COUNT_CAP."""
    return rows.order_by()[: COUNT_CAP + 1].count()


def _filter_first(rows: QuerySet, fields: tuple[str, ...], descending: bool) -> QuerySet:
    """The same order, written so that no index on the sort key serves it: the database then
    finds the rows by the filter's own indexes and sorts what it found. A key in another
    table (a subscriber's money) is written so that it can only be sorted after the join:
    sorted before it, all of that table's rows would be sorted to keep a few."""
    if "__" in fields[0]:
        first = Case(When(pk__isnull=False, then=F(fields[0])))
    else:
        first = Coalesce(F(fields[0]), F(fields[0]))
    order = [first.desc() if descending else first.asc()]
    order += [f"-{f}" if descending else f for f in fields[1:]]
    return rows.order_by(*order)


def _first_rows(
    rows: QuerySet,
    fields: tuple[str, ...],
    descending: bool,
    after: list | None,
    base: QuerySet | None = None,
) -> tuple[int, list]:
    """(the rows counted up to COUNT_CAP + 1, the page's rows and one more, to know a next page
    exists) for the rows after the key `after` (None: the first page); `base` is the user's
    rows before the filter.

    Two plans answer "the first 50 in this order": walk the sort key's index keeping the rows
    that pass the filter, or find every row that passes and sort them. PostgreSQL chooses
    between them assuming the rows that pass are spread evenly along the sort order; when they
    bunch at its far end (new connections, one branch's accounts) its walk reads most of the
    table. So: when the count says few, find and sort. Otherwise walk within a budget, and find
    and sort when the walk runs out of it. The budget is smaller when the planner expects the
    filter to keep under WALK_SHARE of the user's rows (a surname, a small street: a walk would
    read fifty rows for each it keeps): a short try still wins where the planner's guess is far
    too low (a value inside the extra attributes). Each plan picks only the ids; the rows and
    their related rows are then read for those ids, without the filter again."""
    total = _count(rows)
    if after is not None:
        later = rows.filter(_after(fields, after, descending, _nullable(rows.model, fields)))
    else:
        later = rows
    if not is_postgres():
        return total, list(later[: PAGE_SIZE + 1])
    ids = later.values_list("pk", flat=True)
    found = _filter_first(ids, fields, descending)[: PAGE_SIZE + 1]
    if total <= COUNT_CAP:
        pks = list(found)
    else:
        # A key in another table (a subscriber's money) gets the whole budget: finding and
        # sorting would join every row the filter finds, dearer than a longer walk.
        elsewhere = "__" in fields[0]
        sparse = (
            not elsewhere
            and base is not None
            and _expected_rows(rows) < WALK_SHARE * _expected_rows(base)
        )
        budget = WALK_PROBE_MS if sparse else WALK_BUDGET_MS
        pks = _within(budget, lambda: list(ids[: PAGE_SIZE + 1]))
        if pks is None:
            pks = _found(found, joined=elsewhere)
    # The rows of those ids, read without the filter again (a street's thousands of buildings).
    chosen = rows if base is None else base
    found_rows = {row.pk: row for row in chosen.order_by().filter(pk__in=pks)}
    return total, [found_rows[pk] for pk in pks if pk in found_rows]


def _found(found: QuerySet, joined: bool) -> list:
    """The ids of the find-and-sort plan. With the sort key in another table the planner
    would hash that table's every row passing its own filter (all the debtors, to keep one
    branch's suspended ones): joined by index from the rows the filter finds instead."""
    if not joined or not is_postgres():
        return list(found)
    with transaction.atomic(), by_index():
        return list(found)


def _expected_rows(rows: QuerySet) -> float:
    """How many rows PostgreSQL's planner expects the query to give (its EXPLAIN)."""
    sql, params = rows.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return plan[0]["Plan"]["Plan Rows"]


def _within(budget_ms: int, run: Callable[[], list]) -> list | None:
    """run()'s result, or None when its query takes over the budget; the connection's own
    statement timeout is restored either way."""
    nested = connection.in_atomic_block  # else the setting ends with this transaction
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                # No parallel workers either: starting them costs more than the short walk
                # this budget is for (35 ms of a 40 ms page at 500,000 applications).
                cursor.execute(
                    "SELECT current_setting('statement_timeout'), "
                    "set_config('statement_timeout', %s, true), "
                    "current_setting('max_parallel_workers_per_gather'), "
                    "set_config('max_parallel_workers_per_gather', '0', true)",
                    [f"{budget_ms}ms"],
                )
                before, _timeout, workers, _none = cursor.fetchone()
            result = run()
            if nested:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT set_config('statement_timeout', %s, true), "
                        "set_config('max_parallel_workers_per_gather', %s, true)",
                        [before, workers],
                    )
            return result
    except OperationalError as exc:
        if getattr(exc.__cause__, "sqlstate", None) != "57014":  # query_canceled
            raise
    return None


def shown_columns(registry: Registry, user, requested: list[str]) -> list[Column]:
    names = [n for n in requested if registry.column(n)]
    if not names:
        pref = RegistryPreference.objects.filter(user=user, registry=registry.name).first()
        names = [n for n in (pref.columns if pref else []) if registry.column(n)]
    if not names:
        names = [c.name for c in registry.columns if c.default]
    columns = [registry.column(n) for n in names]
    if registry.private_permission and not user.has_perm(registry.private_permission):
        columns = [masked(c) for c in columns]  # personal data as this user may see it
    return columns


def masked(column: Column) -> Column:
    """The column as a user without the right to personal data sees it."""
    if column.mask is None:
        return column
    return Column(
        column.name, column.label, value=column.mask, default=column.default, link=column.link
    )


def styled(form) -> None:
    """Bootstrap's classes on the form's widgets (core/_filter_fields.html draws the rest):
    a plain template is several times faster than a form layout library on every page."""
    for name, form_field in form.fields.items():
        widget = form_field.widget
        if isinstance(widget, (forms.CheckboxSelectMultiple, forms.CheckboxInput)):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        if form.is_bound and name in form.errors:
            css += " is-invalid"
        widget.attrs["class"] = css


def filtered(registry: Registry, request, data: QueryDict):
    """(the FilterSet, the rows it and the search leave) for the user."""
    rows = registry.queryset(request.user)
    filterset = registry.filterset(data, queryset=rows, request=request)
    rows = filterset.qs if filterset.is_valid() else rows.none()
    styled(filterset.form)
    text = data.get("q", "").strip()
    if text and registry.search is not None:
        rows = registry.search(rows, text, request.user)
    return filterset, rows


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime) and timezone.is_aware(value):
        # Excel keeps no time zone: the moment as the page shows it, in the user's zone.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, (int, float, Decimal, date, datetime)):
        return value
    return str(value)


def _shown(value):
    """A cell as the page shows it: short dates, money with two places, localized."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, Decimal):
        return formats.number_format(value, 2, use_l10n=True, force_grouping=True)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value


def _table_body(cells: list[list[tuple]]) -> SafeString:
    """The table's rows as HTML, written here rather than by the template: fifty rows of cells
    cost the template engine a few thousand lookups and escapes a page. Values are localized
    and escaped as the template would."""
    out = []
    for row in cells:
        out.append("<tr>")
        for _column, value, href in row:
            if value is None:
                text = "—"
            else:
                value = localize(value)
                text = value if isinstance(value, SafeData) else html.escape(str(value))
            if href:
                out.append(f'<td><a href="{html.escape(href)}">{text}</a></td>')
            else:
                out.append(f"<td>{text}</td>")
        out.append("</tr>")
    return mark_safe("".join(out))  # noqa: S308 — every value escaped above


def write_xlsx(
    registry: Registry, rows: QuerySet, columns: list[Column], out, progress=None
) -> int:
    """Write the header and the rows to `out` (a path or a file); progress(written) is called
    every 5,000 rows. Returns the number of rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(str(registry.title)[:31])
    sheet.append([str(c.label) for c in columns])
    written = 0
    for row in rows.iterator(chunk_size=2000):
        sheet.append([_cell(c.get(row)) for c in columns])
        written += 1
        if progress is not None and written % 5000 == 0:
            progress(written)
    book.save(out)
    return written


@login_required
@require_http_methods(["GET", "POST"])
def view(request, name: str):
    registry = get(name)
    if not request.user.has_perm(registry.permission):
        raise PermissionDenied
    if request.method == "POST":
        return _save_preferences(request, registry)
    data = request.GET
    filterset, rows = filtered(registry, request, data)
    requested = data.getlist("col")
    columns = shown_columns(registry, request.user, requested)
    sort = data.get("sort") or registry.default_sort
    if data.get("format") == "xlsx":
        rows, _fields, _desc = ordered(registry, rows, sort)
        size = rows.order_by()[: EXPORT_MAX + 1].count()
        if size > EXPORT_MAX:
            return render(
                request,
                "core/registry_too_big.html",
                {"registry": registry, "limit": EXPORT_MAX, "back": _query(data, "format")},
                status=413,
            )
        if size > EXPORT_AT_ONCE:
            # A big download is written in the background; the job page shows its progress
            # and then the link.
            job = Job.objects.create(
                kind=Job.Kind.REGISTRY_EXPORT,
                params={
                    "registry": registry.name,
                    "query": _query(data, "format", "after")[1:],
                    "columns": [c.name for c in columns],
                    "sort": sort,
                    "language": get_language(),
                },
                created_by=request.user,
            )
            from .tasks import registry_export_task

            job_start(job, registry_export_task)
            return redirect("job_detail", pk=job.pk)
        out = io.BytesIO()
        write_xlsx(registry, rows, columns, out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{registry.name}.xlsx"'
        return response
    page = page_of(
        registry, rows, sort, data.get("after"), columns, base=registry.queryset(request.user)
    )
    cells = [
        [
            (c, _shown(c.get(row)), registry.link(row) if c.link and registry.link else None)
            for c in columns
        ]
        for row in page.rows
    ]
    return render(
        request,
        "core/registry.html",
        {
            "registry": registry,
            "filterset": filterset,
            "page": page,
            "cells": cells,
            "body": _table_body(cells),
            "sort": sort,
            "query": data.get("q", ""),
            "next_url": _query(data, "after", after=page.next_token) if page.next_token else None,
            "first_url": _query(data, "after") if data.get("after") else None,
            "export_url": _query(data, "after", format="xlsx"),
            "headers": [
                (
                    c,
                    _query(data, "after", "sort", sort=(f"-{c.name}" if sort == c.name else c.name))
                    if c.name in registry.sorts
                    else None,
                    "↑" if sort == c.name else "↓" if sort == f"-{c.name}" else "",
                )
                for c in columns
            ],
            "all_columns": registry.columns,
            "shown": {c.name for c in columns},
            "saved": SavedFilter.objects.filter(user=request.user, registry=registry.name),
            "filters_query": _query(data, "after", "col", "sort"),
            "actions": [
                action
                for make in registry.actions
                if (action := make(request, _query(data, "after", "col", "sort")[1:]))
            ],
            "notice": registry.notice(request) if registry.notice else "",
        },
    )


def export_path(job: Job) -> Path:
    return Path(settings.MEDIA_ROOT) / "exports" / str(job.pk) / f"{job.params['registry']}.xlsx"


def export_job_run(job: Job) -> dict:
    """The background download: the registry's rows for the job's user, filter and columns."""
    from types import SimpleNamespace

    from .jobs import job_update

    registry = get(job.params["registry"])
    user = job.created_by
    if user is None or not user.has_perm(registry.permission):
        raise PermissionDenied
    request = SimpleNamespace(user=user)
    _filterset, rows = filtered(registry, request, QueryDict(job.params["query"]))
    rows, _fields, _desc = ordered(registry, rows, job.params.get("sort") or registry.default_sort)
    columns = shown_columns(registry, user, job.params.get("columns") or [])
    total = rows.order_by().count() or 1

    def progress(written: int) -> None:
        stage = _("Rows written: %(n)s") % {"n": written}
        job_update(job, progress=int(95 * written / total), stage=stage)

    path = export_path(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = write_xlsx(registry, rows, columns, path, progress)
    return {"ok": True, "stats": {"rows": written}, "download": True}


def _query(data: QueryDict, *drop: str, **set_: str) -> str:
    query = data.copy()
    for key in drop:
        query.pop(key, None)
    for key, value in set_.items():
        query[key] = value
    return "?" + query.urlencode() if query else "?"


def _save_preferences(request, registry: Registry):
    """POST: save the chosen columns, save the current filter under a name, or delete a saved
    filter. Each answers with the page again."""
    action = request.POST.get("action")
    back = request.POST.get("back", "")
    if not back.startswith("?"):
        back = "?"
    if action == "columns":
        names = [n for n in request.POST.getlist("col") if registry.column(n)]
        RegistryPreference.objects.update_or_create(
            user=request.user, registry=registry.name, defaults={"columns": names}
        )
        query = QueryDict(back[1:], mutable=True)
        query.pop("col", None)
        back = "?" + query.urlencode()
    elif action == "save_filter":
        title = request.POST.get("title", "").strip()[:120]
        if title:
            SavedFilter.objects.update_or_create(
                user=request.user,
                registry=registry.name,
                name=title,
                defaults={"query": back[1:][:2000]},
            )
    elif action == "delete_filter":
        SavedFilter.objects.filter(
            user=request.user, registry=registry.name, pk=request.POST.get("id") or 0
        ).delete()
    return redirect(f"{request.path}{back}")

"""Pages of segments: the list (counts loaded one by one), a segment, new / edit / delete, and
the "Save as segment" button of the subscriber registry."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.humanize.templatetags.humanize import intcomma
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from core.registry import Action

from . import services
from .forms import SegmentForm
from .models import Segment
from .queries import describe

LIST_PAGE = 25  # segments a page of the list


def _registry_url(query: str) -> str:
    url = reverse("registry", kwargs={"name": "subscribers"})
    return f"{url}?{query}" if query else url


def save_as_segment_action(request, query: str) -> Action | None:
    """The subscriber registry's header button: the current filter to a new segment."""
    if not request.user.has_perm("segments.add_segment"):
        return None
    return Action(
        gettext_lazy("Save as segment"),
        reverse("segments:new") + "?" + urlencode({"query": query}),
        name="save-as-segment",
    )


@permission_required("segments.view_segment", raise_exception=True)
@require_safe
def segment_list(request):
    segments = Segment.objects.select_related("created_by").order_by("name", "pk")
    # Each row loads its count by a request of its own: a page bounds how many run at once.
    page = Paginator(segments, LIST_PAGE).get_page(request.GET.get("page"))
    return render(request, "segments/list.html", {"segments": page, "page": page})


@permission_required("segments.view_segment", raise_exception=True)
@require_safe
def segment_count(request, pk: int):
    """One segment's count for the user, as a fragment (the list loads these lazily)."""
    segment = get_object_or_404(Segment, pk=pk)
    found = services.count(segment, request.user)
    return HttpResponse(
        format_html(
            '<a href="{}" class="segment-count" data-count="{}">{}</a>',
            _registry_url(f"segment={segment.pk}"),
            found,
            intcomma(found),
        )
    )


@permission_required("segments.view_segment", raise_exception=True)
@require_safe
def segment_detail(request, pk: int):
    segment = get_object_or_404(Segment.objects.select_related("created_by"), pk=pk)
    return render(
        request,
        "segments/detail.html",
        {
            "segment": segment,
            "filters": describe(segment.query, request.user),
            "count": services.count(segment, request.user),
            "open_url": _registry_url(f"segment={segment.pk}"),
            "filters_url": _registry_url(segment.query),
            "may_see_subscribers": request.user.has_perm("subscribers.view_subscriber"),
        },
    )


def _save(form: SegmentForm):
    """Save the form; a rule broken meanwhile (the name taken by another request) becomes the
    form's error. Returns the segment or None."""
    try:
        return form.save()
    except ValidationError as error:
        form.add_error(None, error)  # a dict of errors goes to its fields
        return None


@permission_required("segments.add_segment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def segment_new(request):
    query = request.GET.get("query", "")
    form = SegmentForm(request.POST or None, initial={"query": query}, user=request.user)
    if request.method == "POST" and form.is_valid():
        segment = _save(form)
        if segment is not None:
            messages.success(request, _("The segment “%(name)s” was saved.") % {"name": segment})
            return redirect(segment)
    shown = form.data.get("query", query) if form.is_bound else query
    return render(
        request,
        "segments/form.html",
        {
            "form": form,
            "segment": None,
            "filters": describe(shown, request.user),
            "replaceable": Segment.objects.order_by("name")
            if query and request.user.has_perm("segments.change_segment")
            else Segment.objects.none(),
            "query": query,
        },
    )


@permission_required("segments.change_segment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def segment_edit(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    initial = {"query": request.GET["query"]} if "query" in request.GET else {}
    form = SegmentForm(request.POST or None, instance=segment, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = _save(form)
        if saved is not None:
            messages.success(request, _("The segment “%(name)s” was saved.") % {"name": saved})
            return redirect(saved)
    shown = form.data.get("query", "") if form.is_bound else initial.get("query", segment.query)
    return render(
        request,
        "segments/form.html",
        {"form": form, "segment": segment, "filters": describe(shown, request.user)},
    )


@permission_required("segments.delete_segment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def segment_delete(request, pk: int):
    segment = get_object_or_404(Segment, pk=pk)
    if request.method == "POST":
        services.segment_delete(segment=segment, by=request.user)
        messages.success(request, _("The segment “%(name)s” was deleted.") % {"name": segment})
        return redirect("segments:list")
    return render(request, "segments/delete.html", {"segment": segment})

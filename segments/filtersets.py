"""The subscriber registry's filters plus `segment`: a segment opens as a registry view."""

from collections import OrderedDict

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core.filtersets import IdFilter
from subscribers.filtersets import SubscriberFilter, search_subscribers

from .models import Segment


class SegmentedSubscriberFilter(SubscriberFilter):
    segment = IdFilter(
        label=_("Segment"),
        queryset=Segment.objects.order_by("name"),
        method="filter_segment",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = OrderedDict(
            [("segment", self.filters["segment"])]
            + [(k, v) for k, v in self.filters.items() if k != "segment"]
        )

    def filter_segment(self, rows, name, segment):
        """The rows of the segment's own filter and search (a saved filter never names a
        segment, so this goes one level deep)."""
        if segment is None:
            return rows
        data = QueryDict(segment.query)
        inner = SubscriberFilter(data, queryset=rows, request=self.request)
        if not inner.is_valid():
            return rows.none()
        rows = inner.qs
        text = data.get("q", "").strip()
        user = getattr(self.request, "user", None)
        return search_subscribers(rows, text, user) if text else rows

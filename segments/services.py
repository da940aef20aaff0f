"""Writes of segments, and their members: what campaigns, call lists and reports call.

A segment's filter is the subscriber registry's query string. It is checked by the registry's
own FilterSet when saved, and applied by it (with the registry's search and branch scoping)
whenever its members are read, so a segment and the registry opened on it show the same rows."""

import hashlib
from types import SimpleNamespace

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from core import access
from core.registry import filtered
from subscribers.filtersets import SubscriberFilter
from subscribers.models import ImportBatch, Subscriber
from subscribers.registries import SUBSCRIBERS

from .models import QUERY_LENGTH, Segment

# What the registry's URL carries besides the filter: the sort, the page, the columns, the
# download. Dropped from a segment's filter.
NOT_FILTERS = ("sort", "after", "col", "format")
SEARCH = "q"
COUNT_SECONDS = 120  # a count is cached this long (and until the segment or the data change)


def _as_request(user):
    """What the registry's filters need of a request: the user (their branches)."""
    return SimpleNamespace(user=user)


def query_clean(query: str | QueryDict, user, *, exclude: int | None = None) -> str:
    """The segment filter of a registry query string: only filters with a value, in their
    order. `segment=<id>` is replaced by that segment's filter when the two share no filter.
    Raises ValidationError naming every filter whose value is wrong, as the user sees them."""
    data = QueryDict(query) if isinstance(query, str) else query
    known = set(SubscriberFilter.base_filters) | {SEARCH}
    kept = QueryDict(mutable=True)
    unknown = []
    for key, values in data.lists():
        values = [v.strip() for v in values if v.strip()]
        if key in NOT_FILTERS or not values:
            continue
        if key not in known and key != "segment":
            unknown.append(key)
            continue
        kept.setlist(key, values)
    if unknown:
        raise ValidationError(
            _("Unknown filters: %(names)s.") % {"names": ", ".join(sorted(unknown))},
            code="unknown",
        )
    if "segment" in kept:
        kept = _expand(kept, exclude=exclude)
    filterset = SubscriberFilter(
        kept, queryset=Subscriber.objects.none(), request=_as_request(user)
    )
    if not filterset.is_valid():
        form = filterset.form
        raise ValidationError(
            [
                _("%(filter)s: %(error)s")
                % {"filter": form.fields[name].label if name in form.fields else name, "error": e}
                for name, errors in form.errors.items()
                for e in errors
            ],
            code="invalid",
        )
    text = kept.urlencode()
    if len(text) > QUERY_LENGTH:
        raise ValidationError(
            _("The filter is too long (%(n)s characters, at most %(max)s).")
            % {"n": len(text), "max": QUERY_LENGTH},
            code="too_long",
        )
    return text


def _expand(data: QueryDict, *, exclude: int | None) -> QueryDict:
    """A query that names a segment, with that segment's own filters in its place."""
    value = data.getlist("segment")
    segment = None
    if len(value) == 1 and value[0].isdigit():
        segment = Segment.objects.filter(pk=int(value[0])).first()
    if segment is None:
        raise ValidationError(_("The segment in the filter does not exist."), code="segment")
    if segment.pk == exclude:
        raise ValidationError(_("A segment cannot be made of itself."), code="segment")
    inner = QueryDict(segment.query)
    rest = data.copy()
    del rest["segment"]
    # Different filters narrow each other, so they can be put together; the same filter twice
    # (a status in the segment and another one added) would mean something else in one query.
    groups = [{"attribute", "attribute_value"}]

    def keys(query: QueryDict) -> set[str]:
        names = set(query)
        return names | {n for g in groups if names & g for n in g}

    shared = keys(inner) & keys(rest)
    if shared:
        labels = [
            str(SubscriberFilter.base_filters[n].label) if n in SubscriberFilter.base_filters else n
            for n in sorted(shared)
        ]
        raise ValidationError(
            _(
                "The filter adds %(names)s to the segment “%(segment)s”, which already filters "
                "by it. Open the segment's own filters and change them there."
            )
            % {"names": ", ".join(labels), "segment": segment.name},
            code="segment",
        )
    merged = inner.copy()
    for key, values in rest.lists():
        merged.setlist(key, values)
    return merged


def _name_taken(name: str, *, exclude: int | None = None) -> bool:
    return Segment.objects.filter(name_key=Segment.key_of(name)).exclude(pk=exclude).exists()


def name_clean(name: str, *, exclude: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the segment a name."), code="required")
    if _name_taken(name, exclude=exclude):
        raise ValidationError(_("A segment with this name already exists."), code="unique")
    return name


def _saved(segment: Segment) -> Segment:
    """Save in a savepoint: a name taken meanwhile by another request is the same error as
    one taken before."""
    try:
        with transaction.atomic():
            segment.save()
    except IntegrityError:
        if _name_taken(segment.name, exclude=segment.pk):
            raise ValidationError(
                {"name": _("A segment with this name already exists.")}, code="unique"
            ) from None
        raise
    return segment


@transaction.atomic
def segment_create(
    *, name: str, query: str, by, description: str = "", code: str | None = None
) -> Segment:
    """A new segment; the name and the filter are checked as the user sees the base."""
    segment = Segment(
        name=name_clean(name),
        description=description.strip(),
        query=query_clean(query, by),
        code=code,
        created_by=by,
    )
    return _saved(segment)


@transaction.atomic
def segment_update(
    *, segment: Segment, by, name: str, query: str, description: str = ""
) -> Segment:
    segment.name = name_clean(name, exclude=segment.pk)
    segment.query = query_clean(query, by, exclude=segment.pk)
    segment.description = description.strip()
    return _saved(segment)


@transaction.atomic
def segment_delete(*, segment: Segment, by) -> None:
    segment.delete()


# -- reading: what the other blocks call -------------------------------------------------------


def members(segment: Segment, user) -> QuerySet[Subscriber]:
    """The segment's subscribers in the user's branches: exactly the rows the subscriber
    registry shows the user for the segment's filter. The caller checks the user's right to
    the subscribers (subscribers.view_subscriber)."""
    _filterset, rows = filtered(SUBSCRIBERS, _as_request(user), QueryDict(segment.query))
    return rows


def count(segment: Segment, user) -> int:
    """How many members the user sees; cached briefly per segment version, data import and
    set of branches, so a list of segments costs one count per segment per two minutes."""
    branches = access.branch_ids(user)
    seen = "all" if branches is None else ",".join(str(b) for b in sorted(branches))
    seen = hashlib.sha1(seen.encode()).hexdigest()[:16]
    data = ImportBatch.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    key = f"segments:count:{segment.pk}:{segment.updated_at.timestamp()}:{data}:{seen}"
    found = cache.get(key)
    if found is None:
        found = members(segment, user).order_by().count()
        cache.set(key, found, COUNT_SECONDS)
    return found


# -- the standard segments ---------------------------------------------------------------------


def standard_install(*, by=None) -> tuple[int, int]:
    """Make the standard segments (segments/standard.py) that are missing, found by their code:
    one renamed or changed by the operator is left as it is. A name already taken by another
    segment skips that one. Returns (made, already there)."""
    from .standard import standard_segments

    made = there = 0
    existing = set(Segment.objects.exclude(code=None).values_list("code", flat=True))
    for standard in standard_segments():
        if standard.code in existing:
            there += 1
            continue
        try:
            segment_create(
                name=standard.name,
                description=standard.description,
                query=standard.query,
                code=standard.code,
                by=by,
            )
        except ValidationError:
            continue
        made += 1
    return made, there

"""Which rows a user sees: those of their branches (core.StaffProfile). Every registry, report
and API endpoint narrows its queryset through here."""

from django.db.models import QuerySet

from .models import Branch, StaffProfile

_CACHE = "_abonent_branch_ids"


def branch_ids(user) -> frozenset[int] | None:
    """The ids of the branches whose rows the user sees; None: every branch."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser:
        return None
    cached = getattr(user, _CACHE, False)
    if cached is not False:
        return cached
    rows = list(StaffProfile.objects.filter(user=user).values_list("all_branches", "branches"))
    if any(every for every, _branch in rows):
        ids = None
    else:
        ids = frozenset(branch for _every, branch in rows if branch is not None)
    setattr(user, _CACHE, ids)
    return ids


def forget(user) -> None:
    """Drop the cached branches (after they were changed in this request)."""
    if hasattr(user, _CACHE):
        delattr(user, _CACHE)


def scoped(queryset: QuerySet, user, field: str = "branch") -> QuerySet:
    """The queryset narrowed to the user's branches; `field` leads from its model to Branch."""
    ids = branch_ids(user)
    if ids is None:
        return queryset
    return queryset.filter(**{f"{field}__in": ids})


def branches_of(user) -> QuerySet:
    return scoped(Branch.objects.order_by("name"), user, field="pk")

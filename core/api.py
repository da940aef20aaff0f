"""What every API endpoint shares: the model permission check, branch scoping, cursor pages."""

from django.db.models import QuerySet
from rest_framework.pagination import CursorPagination
from rest_framework.permissions import BasePermission

from .access import scoped


class ModelPermission(BasePermission):
    """The same Django permissions as the pages: reading needs the model's `view_` permission,
    creating its `add_`. The model is the view's `permission_model`, else its queryset's."""

    actions = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "add",
        "PUT": "change",
        "PATCH": "change",
        "DELETE": "delete",
    }

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        action = self.actions.get(request.method)
        if action is None:
            return False
        model = getattr(view, "permission_model", None) or view.queryset.model
        meta = model._meta
        return user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}")


class BranchScopedMixin:
    """A viewset whose rows are narrowed to the user's branches (core.access.scoped);
    `branch_field` leads from the model to Branch."""

    branch_field = "branch"

    def get_queryset(self) -> QuerySet:
        return scoped(super().get_queryset(), self.request.user, self.branch_field)


class CursorPage(CursorPagination):
    """Cursor pages: the link to the next page carries the position of the last row, so a deep
    page costs what the first does. The view's `cursor_ordering` names a unique field (or one
    nearly unique, ties being skipped by an offset)."""

    page_size = 50
    max_page_size = 500
    page_size_query_param = "page_size"
    ordering = "-pk"

    def get_ordering(self, request, queryset, view):
        ordering = getattr(view, "cursor_ordering", self.ordering)
        return (ordering,) if isinstance(ordering, str) else tuple(ordering)

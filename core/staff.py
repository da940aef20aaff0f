"""Administrators manage the staff (users, their roles and branches) and the branches here,
from the web; the Django admin is not needed for it."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from . import services
from .forms import BranchForm, StaffUserForm
from .models import Branch, StaffProfile
from .roles import ROLES, ROLES_BY_CODE

User = get_user_model()
PAGE = 50


@permission_required("auth.change_user", raise_exception=True)
@require_safe
def users(request):
    query = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    branch = request.GET.get("branch", "")
    found = User.objects.order_by("username").prefetch_related("groups", "staff_profile__branches")
    if query:
        found = found.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
        )
    if role in ROLES_BY_CODE:
        found = found.filter(groups__name=role)
    if branch.isdigit():
        found = found.filter(
            Q(staff_profile__branches=int(branch)) | Q(staff_profile__all_branches=True)
        ).distinct()
    page = Paginator(found, PAGE).get_page(request.GET.get("page"))
    rows = []
    for user in page:
        profile = _profile(user)
        rows.append(
            {
                "user": user,
                "roles": [
                    ROLES_BY_CODE[g.name] for g in user.groups.all() if g.name in ROLES_BY_CODE
                ],
                "all_branches": bool(profile and profile.all_branches),
                "branches": list(profile.branches.all()) if profile else [],
            }
        )
    return render(
        request,
        "core/staff/users.html",
        {
            "page": page,
            "pager_params": urlencode({"q": query, "role": role, "branch": branch}),
            "rows": rows,
            "query": query,
            "role": role,
            "branch": branch,
            "roles": ROLES,
            "branches": Branch.objects.order_by("name"),
        },
    )


def _profile(user) -> StaffProfile | None:
    try:
        return user.staff_profile
    except StaffProfile.DoesNotExist:
        return None


@permission_required("auth.change_user", raise_exception=True)
@require_http_methods(["GET", "POST"])
def user_edit(request, pk: int | None = None):
    user = get_object_or_404(User, pk=pk) if pk else User(is_active=True)
    initial = {}
    if user.pk:
        profile = _profile(user)
        initial = {
            "roles": list(user.groups.values_list("name", flat=True)),
            "branches": list(profile.branches.all()) if profile else [],
            "all_branches": bool(profile and profile.all_branches),
        }
    form = StaffUserForm(request.POST or None, instance=user, initial=initial, editor=request.user)
    if request.method == "POST" and form.is_valid():
        saved = services.staff_save(form, by=request.user)
        messages.success(
            request,
            (_("The user %(name)s was saved.") if pk else _("The user %(name)s was created."))
            % {"name": saved.get_username()},
        )
        return redirect("staff:users")
    return render(
        request,
        "core/staff/user_form.html",
        {"form": form, "staff_user": user if user.pk else None},
    )


@permission_required("core.change_branch", raise_exception=True)
@require_safe
def branches(request):
    return render(
        request, "core/staff/branches.html", {"branches": Branch.objects.order_by("name")}
    )


@permission_required("core.change_branch", raise_exception=True)
@require_http_methods(["GET", "POST"])
def branch_edit(request, pk: int | None = None):
    branch = get_object_or_404(Branch, pk=pk) if pk else Branch()
    form = BranchForm(request.POST or None, instance=branch)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("The branch %(name)s was saved.") % {"name": saved.name})
        return redirect("staff:branches")
    return render(
        request, "core/staff/branch_form.html", {"form": form, "branch": branch if pk else None}
    )

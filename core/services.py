"""Writes of the shared kernel, each in one transaction."""

from django.contrib.auth.models import Group
from django.db import transaction

from . import access
from .models import StaffProfile
from .roles import roles_sync


@transaction.atomic
def staff_save(form, *, by=None):
    """Save a StaffUserForm: the user, their roles (groups) and their branches."""
    user = form.save(commit=False)
    password = form.cleaned_data.get("password1")
    if password:
        user.set_password(password)
    user.save()
    codes = set(form.cleaned_data["roles"])
    if not Group.objects.filter(name__in=codes).count() == len(codes):
        roles_sync()
    user.groups.set(Group.objects.filter(name__in=codes))
    profile, _created = StaffProfile.objects.get_or_create(user=user)
    profile.all_branches = form.cleaned_data["all_branches"]
    profile.save(update_fields=["all_branches"])
    profile.branches.set([] if profile.all_branches else form.cleaned_data["branches"])
    access.forget(user)
    return user

"""Factories of the shared kernel: users (optionally with permissions or roles) and branches."""

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission

from core.models import Branch, Job

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    """UserFactory(perms=["app.codename", ...], roles=["head", ...]) grants them directly;
    branches=[branch, ...] limits the rows the user sees to those branches (every branch by
    default)."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"Name{n}")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def perms(self, create, extracted, **kwargs):
        for name in extracted or ():
            app_label, codename = name.split(".")
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            from core.roles import roles_sync

            roles_sync()
            self.groups.add(*Group.objects.filter(name__in=extracted))

    @factory.post_generation
    def branches(self, create, extracted, **kwargs):
        if not create:
            return
        from core.models import StaffProfile

        profile, _created = StaffProfile.objects.get_or_create(user=self)
        if extracted is None:
            profile.all_branches = True
            profile.save(update_fields=["all_branches"])
        else:
            profile.branches.set(extracted)


class BranchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Branch
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Branch {n}")
    time_zone = "Europe/Moscow"


class JobFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Job

    kind = Job.Kind.BILLING_IMPORT
    created_by = factory.SubFactory(UserFactory)

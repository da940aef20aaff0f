import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured

from core import roles
from core.roles import ROLES, ROLES_BY_CODE, roles_sync, user_roles
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def group_perms(code):
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=code).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def test_it_lists_the_thirteen_roles_of_the_department():
    assert len(ROLES) == 13
    assert len(ROLES_BY_CODE) == 13
    for role in ROLES:
        assert str(role.name) and str(role.description)


def test_it_creates_one_group_per_role():
    groups = roles_sync()
    assert set(groups) == set(ROLES_BY_CODE)
    assert Group.objects.filter(name__in=ROLES_BY_CODE).count() == 13


def test_it_is_idempotent():
    roles_sync()
    roles_sync()
    assert Group.objects.filter(name__in=ROLES_BY_CODE).count() == 13


def test_it_gives_the_administrator_every_permission():
    roles_sync()
    assert Group.objects.get(name="admin").permissions.count() == Permission.objects.count()


def test_it_lets_the_head_import_and_see_reports():
    roles_sync()
    perms = group_perms("head")
    assert "subscribers.add_importbatch" in perms
    assert "subscribers.view_monthlysummary" in perms
    assert "subscribers.view_subscriber" in perms


def test_it_keeps_the_import_from_operators():
    roles_sync()
    assert "subscribers.add_importbatch" not in group_perms("operator")
    assert "subscribers.view_subscriber" in group_perms("operator")


def test_it_removes_a_permission_the_role_no_longer_has():
    roles_sync()
    extra = Permission.objects.get(codename="delete_subscriber")
    Group.objects.get(name="cashier").permissions.add(extra)
    roles_sync()
    assert "subscribers.delete_subscriber" not in group_perms("cashier")


def test_it_refuses_an_unknown_permission(monkeypatch):
    broken = roles.Role("ghost", "Ghost", "", ("subscribers.fly_away",))
    monkeypatch.setattr(roles, "ROLES", (*ROLES, broken))
    with pytest.raises(ImproperlyConfigured, match="fly_away"):
        roles_sync()


def test_it_tells_the_roles_of_a_user():
    user = UserFactory(roles=["cashier", "head"])
    assert [role.code for role in user_roles(user)] == ["head", "cashier"]


def test_a_user_with_a_role_gets_its_permissions():
    user = UserFactory(roles=["head"])
    assert user.has_perm("subscribers.add_importbatch")


def test_the_roles_document_is_written_from_the_code():
    from django.core.management import call_command

    call_command("roles_doc", check=True)


def test_the_four_job_descriptions_are_written_into_their_roles():
    for code in ("head", "coordinator", "cashier", "supervisor"):
        assert len(ROLES_BY_CODE[code].duties) >= 3

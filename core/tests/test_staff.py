"""Administrators manage staff and branches from the web: users with their roles and branches,
and the branches with their time zones. Nobody else may, and bad input changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation

from core.access import branch_ids
from core.models import Branch, StaffProfile
from core.tests.factories import PASSWORD, BranchFactory, UserFactory
from subscribers.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db
User = get_user_model()
GOOD_PASSWORD = "Rassvet-nad-Volgoy-7"


@pytest.fixture(autouse=True)
def english(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def admin(client):
    user = UserFactory(username="root", roles=["admin"])
    client.force_login(user)
    return user


def new_user(**changes) -> dict:
    data = {
        "username": "ivanova",
        "first_name": "Анна",
        "last_name": "Иванова",
        "email": "ivanova@example.ru",
        "is_active": "on",
        "roles": ["cashier"],
        "branches": [],
        "password1": GOOD_PASSWORD,
        "password2": GOOD_PASSWORD,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    "url",
    [
        reverse("staff:users"),
        reverse("staff:user_new"),
        reverse("staff:branches"),
        reverse("staff:branch_new"),
    ],
)
def test_only_an_administrator_manages_staff_and_branches(client, url):
    client.force_login(UserFactory(roles=["head"]))
    assert client.get(url).status_code == 403
    assert client.post(url, new_user()).status_code == 403
    assert not User.objects.filter(username="ivanova").exists()


def test_an_administrator_creates_a_user_who_then_logs_in_and_sees_their_branch(client, admin):
    branch, other = BranchFactory(name="Тверь"), BranchFactory(name="Самара")
    response = client.post(
        reverse("staff:user_new"), new_user(roles=["cashier", "operator"], branches=[branch.pk])
    )
    assert response.status_code == 302, response.context["form"].errors
    user = User.objects.get(username="ivanova")
    assert set(user.groups.values_list("name", flat=True)) == {"cashier", "operator"}
    assert branch_ids(user) == frozenset({branch.pk})
    assert other.pk not in branch_ids(user)
    client.logout()
    login = client.post(reverse("login"), {"username": "ivanova", "password": GOOD_PASSWORD})
    assert login.status_code == 302
    listing = client.get(reverse("staff:users"))
    assert listing.status_code == 403  # a cashier is not an administrator


def test_the_list_finds_staff_by_name_role_and_branch(client, admin):
    branch = BranchFactory(name="Тверь")
    UserFactory(username="petrov", first_name="Пётр", roles=["collector"], branches=[branch])
    UserFactory(username="sidorova", first_name="Ольга", roles=["cashier"], branches=[])
    html = client.get(reverse("staff:users"), {"q": "Пётр"}).content.decode()
    assert "petrov" in html and "sidorova" not in html
    html = client.get(reverse("staff:users"), {"role": "cashier"}).content.decode()
    assert "sidorova" in html and "petrov" not in html
    html = client.get(reverse("staff:users"), {"branch": branch.pk}).content.decode()
    assert "petrov" in html and "sidorova" not in html


BAD_USERS = {
    "no role": (new_user(roles=[]), "roles", "at least one role"),
    "no branch": (new_user(), "branches", "branches, or all branches"),
    "passwords differ": (new_user(password2="Другой-пароль-42"), "password2", "differ"),
    "weak password": (new_user(password1="12345", password2="12345"), "password1", "too short"),
    "e-mail taken": (new_user(email="ROOT@example.ru"), "email", "Another user"),
    "not an e-mail": (new_user(email="ivanova@"), "email", "valid email"),
    "login taken": (new_user(username="root"), "username", "already exists"),
}


@pytest.mark.parametrize(("data", "field", "reason"), BAD_USERS.values(), ids=BAD_USERS.keys())
def test_a_bad_user_form_is_refused_with_the_reason_and_creates_nobody(
    client, admin, data, field, reason
):
    admin.email = "root@example.ru"
    admin.save()
    if field != "branches":
        data = {**data, "all_branches": "on"}
    before = User.objects.count()
    response = client.post(reverse("staff:user_new"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert reason in " ".join(errors.get(field, [])), errors
    assert User.objects.count() == before


def test_the_same_form_sent_twice_creates_one_user(client, admin):
    data = new_user(all_branches="on")
    assert client.post(reverse("staff:user_new"), data).status_code == 302
    again = client.post(reverse("staff:user_new"), data)
    assert again.status_code == 200
    assert "already exists" in " ".join(again.context["form"].errors["username"])
    assert User.objects.filter(username="ivanova").count() == 1


def test_an_administrator_cannot_lock_themselves_out(client, admin):
    url = reverse("staff:user_edit", kwargs={"pk": admin.pk})
    data = new_user(username="root", email="root@example.ru", roles=["head"], all_branches="on")
    response = client.post(url, data)
    assert response.status_code == 200
    assert "your own administrator role" in " ".join(response.context["form"].non_field_errors())
    assert admin.groups.filter(name="admin").exists()
    data = new_user(username="root", email="root@example.ru", roles=["admin"], all_branches="on")
    data.pop("is_active")
    assert client.post(url, data).status_code == 200
    admin.refresh_from_db()
    assert admin.is_active


def test_another_administrator_may_be_relieved_while_one_remains(client, admin):
    other = UserFactory(username="deputy", email="deputy@example.ru", roles=["admin"])
    url = reverse("staff:user_edit", kwargs={"pk": other.pk})
    data = new_user(username="deputy", email="deputy@example.ru", roles=["head"])
    data["all_branches"] = "on"
    assert client.post(url, data).status_code == 302
    assert not other.groups.filter(name="admin").exists()


def test_editing_a_user_changes_their_branches(client, admin):
    tver, samara = BranchFactory(name="Тверь"), BranchFactory(name="Самара")
    user = UserFactory(
        username="petrov", email="p@example.ru", roles=["collector"], branches=[tver]
    )
    url = reverse("staff:user_edit", kwargs={"pk": user.pk})
    form = client.get(url).context["form"]
    assert form.initial["roles"] == ["collector"] and form.initial["branches"] == [tver]
    data = new_user(username="petrov", email="p@example.ru", roles=["collector"])
    data["branches"] = [samara.pk]
    for key in ("password1", "password2"):
        data.pop(key)
    assert client.post(url, data).status_code == 302
    assert set(StaffProfile.objects.get(user=user).branches.all()) == {samara}


def test_an_administrator_adds_and_renames_a_branch(client, admin):
    response = client.post(
        reverse("staff:branch_new"),
        {"name": "Казань", "time_zone": "Europe/Moscow", "currency": "RUB"},
    )
    assert response.status_code == 302
    branch = Branch.objects.get(name="Казань")
    url = reverse("staff:branch_edit", kwargs={"pk": branch.pk})
    client.post(url, {"name": "Казанский филиал", "time_zone": "Europe/Moscow", "currency": "RUB"})
    branch.refresh_from_db()
    assert branch.name == "Казанский филиал"


def test_a_branch_with_imported_subscribers_keeps_its_time_zone(client, admin):
    branch = BranchFactory(name="Урал", time_zone="Asia/Yekaterinburg")
    SubscriberFactory(branch=branch)
    url = reverse("staff:branch_edit", kwargs={"pk": branch.pk})
    response = client.post(url, {"name": "Урал", "time_zone": "Europe/Moscow", "currency": "RUB"})
    assert response.status_code == 200
    assert "cannot be changed" in " ".join(response.context["form"].errors["time_zone"])
    branch.refresh_from_db()
    assert branch.time_zone == "Asia/Yekaterinburg"


def test_an_unknown_time_zone_is_refused(client, admin):
    response = client.post(
        reverse("staff:branch_new"),
        {"name": "Марс", "time_zone": "Mars/Olympus", "currency": "RUB"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["time_zone"]
    assert not Branch.objects.filter(name="Марс").exists()


def test_changes_to_branches_and_staff_are_kept_with_who_made_them(client, admin):
    tver, samara = BranchFactory(name="Тверь"), BranchFactory(name="Самара")
    url = reverse("staff:branch_edit", kwargs={"pk": tver.pk})
    client.post(url, {"name": "Тверской филиал", "time_zone": "Europe/Moscow", "currency": "RUB"})
    last = tver.history.order_by("-history_date").first()
    assert (last.name, last.history_user) == ("Тверской филиал", admin)
    user = UserFactory(
        username="petrov", email="p@example.ru", roles=["collector"], branches=[tver]
    )
    data = new_user(username="petrov", email="p@example.ru", roles=["collector"])
    data["branches"] = [samara.pk]
    for key in ("password1", "password2"):
        data.pop(key)
    client.post(reverse("staff:user_edit", kwargs={"pk": user.pk}), data)
    records = StaffProfile.objects.get(user=user).history.order_by("-history_date")
    assert records.first().history_user == admin


def test_a_user_s_roles_and_e_mail_changes_are_kept_with_who_made_them(client, admin):
    user = UserFactory(username="petrov", email="p@example.ru", roles=["collector"])
    data = new_user(username="petrov", email="petrov@example.ru", roles=["retention"])
    data["all_branches"] = "on"
    for key in ("password1", "password2"):
        data.pop(key)
    assert client.post(reverse("staff:user_edit", kwargs={"pk": user.pk}), data).status_code == 302
    records = list(user.history.order_by("history_date"))
    assert records[-1].history_user == admin
    assert records[-1].email == "petrov@example.ru"
    assert [g.group.name for g in records[-1].groups.all()] == ["retention"]
    assert any(r.email == "p@example.ru" for r in records[:-1])
    assert not hasattr(records[-1], "password")


def test_logging_in_is_not_recorded_as_a_change_of_the_user(client):
    user = UserFactory(username="ivanova")
    before = user.history.count()
    response = client.post(reverse("login"), {"username": "ivanova", "password": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before

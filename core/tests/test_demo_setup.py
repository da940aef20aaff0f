from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command, get_commands

from core.management.commands.demo_setup import demo_password, import_files
from core.models import Job
from core.roles import ROLES
from subscribers.tests.factories import SubscriberFactory

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("demo_setup", "--force", *args, stdout=out)
    return out.getvalue()


def test_it_creates_a_user_per_role_and_keeps_an_imported_base(tmp_path):
    SubscriberFactory()
    output = run("--dir", str(tmp_path))
    User = get_user_model()
    assert User.objects.filter(username__in=[r.code for r in ROLES]).count() == len(ROLES)
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(demo_password("admin"))
    head = User.objects.get(username="head")
    assert not head.is_superuser and head.has_perm("subscribers.add_importbatch")
    assert "already imported" in output
    assert "http://127.0.0.1:8000/" in output
    assert "demo-head-2026" in output
    assert not Job.objects.exists()


def test_it_reuses_everything_the_second_time(tmp_path):
    SubscriberFactory()
    run("--dir", str(tmp_path))
    User = get_user_model()
    head = User.objects.get(username="head")
    head.set_password("changed-by-the-head")
    head.save()
    output = run("--dir", str(tmp_path))
    assert User.objects.count() == len(ROLES)
    assert "0 created" in output
    head.refresh_from_db()
    assert head.check_password("changed-by-the-head")


def test_it_refuses_to_run_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("demo_setup", stdout=StringIO())


def test_it_finds_the_import_files_in_kind_order(tmp_path):
    for name in ("payments.csv", "subscribers.csv", "README.txt", "notes.csv", "branches.xlsx"):
        (tmp_path / name).write_text("x")
    assert [p.name for p in import_files(tmp_path)] == [
        "branches.xlsx",
        "subscribers.csv",
        "payments.csv",
    ]


@pytest.mark.slow
def test_it_generates_and_imports_a_small_operator(tmp_path):
    if "generate_operator" not in get_commands():
        pytest.skip("generate_operator is not written yet")
    pytest.importorskip("subscribers.services", reason="billing_import is not written yet")
    output = run("--subscribers", "60", "--months", "3", "--dir", str(tmp_path), "--seed", "7")
    from subscribers.models import Subscriber

    assert Subscriber.objects.count() > 0
    assert Job.objects.get().status == Job.Status.DONE
    assert "Importing" in output
    # The second run neither regenerates nor imports again.
    files_before = {p.name: p.stat().st_mtime for p in tmp_path.iterdir()}
    again = run("--subscribers", "60", "--months", "3", "--dir", str(tmp_path))
    assert "already imported" in again
    assert {p.name: p.stat().st_mtime for p in tmp_path.iterdir()} == files_before
    assert Job.objects.count() == 1

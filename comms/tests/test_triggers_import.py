"""The event messages of a billing import: welcome to new active accounts, payment received,
tariff changed — after the import commits, once each however often the files come."""

from datetime import timedelta

import pytest
from django.utils import timezone

from comms.models import Message, TriggerFiring, TriggerSetting
from comms.services import standard_install
from subscribers.models import ImportBatch, Subscriber
from subscribers.tests.conftest import OPERATOR, Billing

from .factories import GatewayFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shipped(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    GatewayFactory(name="sms")
    GatewayFactory(name="mail", kind="smtp")
    standard_install(language="en")


@pytest.fixture
def billing(tmp_path, django_capture_on_commit_callbacks):
    class Imports(Billing):
        def run(self, paths, **kwargs):
            kwargs.setdefault("today", timezone.localdate())
            with django_capture_on_commit_callbacks(execute=True):
                return super().run(paths, **kwargs)

    return Imports(tmp_path)


def recent_files(**changes) -> dict:
    """The hand-written operator, with 1005 connected yesterday (and an e-mail), and a payment
    of 1001 an hour ago beside its old ones."""
    files = dict(OPERATOR)
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    files["subscribers.csv"] = (
        files["subscribers.csv"]
        .replace("2025-03-25", yesterday)
        .replace("89161112233,,person", "89161112233,maria@mail.ru,person")
    )
    hour_ago = timezone.localtime() - timedelta(hours=1)
    files["payments.csv"] += f"1001,{hour_ago:%Y-%m-%d %H:%M:%S},300.00,card\n"
    for name, (old, new) in changes.items():
        files[name] = files[name].replace(old, new)
    return files


def sent(code: str) -> list[Message]:
    return list(Message.objects.filter(template__code=code).select_related("subscriber"))


def test_a_new_active_account_connected_lately_is_welcomed(billing):
    assert billing.run(billing.write(recent_files())).ok
    assert [m.subscriber.account for m in sent("welcome")] == ["1005"]
    assert [m.to for m in sent("welcome_letter")] == ["maria@mail.ru"]


def test_a_first_load_does_not_greet_the_old_base(billing):
    assert billing.run(billing.write(dict(OPERATOR))).ok
    assert sent("welcome") == [] and sent("welcome_letter") == []


def test_a_recent_payment_is_thanked_for_once_and_old_ones_not_at_all(billing):
    assert billing.run(billing.write(recent_files())).ok
    [message] = sent("payment_received")
    assert message.subscriber.account == "1001" and "300,00" in message.body
    [firing] = TriggerFiring.objects.filter(trigger="payment_received")
    assert firing.key.startswith(f"{message.subscriber_id}:") and ":300.00:card:0" in firing.key


def test_the_same_files_imported_again_send_nothing_more(billing):
    files = recent_files()
    assert billing.run(billing.write(files)).ok
    assert billing.run(billing.write(files, "again", other_bytes=True)).ok
    assert len(sent("welcome")) == 1 and len(sent("payment_received")) == 1
    assert ImportBatch.objects.count() == 2


def test_a_tariff_change_is_told_with_its_date(billing):
    assert billing.run(billing.write(recent_files())).ok
    changed = recent_files(**{"subscribers.csv": ("GPON,Гигабит,", "GPON,Домашний 100,")})
    assert billing.run(billing.write(changed, "changed")).ok
    [message] = sent("tariff_changed")
    assert message.subscriber.account == "1002"
    assert timezone.localdate().strftime("%d.%m.%Y") in message.body
    assert billing.run(billing.write(changed, "changed again")).ok
    assert len(sent("tariff_changed")) == 1


def test_triggers_off_in_a_branch_send_nothing_there(billing):
    assert billing.run(billing.write(dict(OPERATOR))).ok  # the branches exist now
    for branch_id in Subscriber.objects.values_list("branch_id", flat=True).distinct():
        for code in ("welcome", "welcome_letter", "payment_received"):
            TriggerSetting.objects.update_or_create(
                trigger=code, branch_id=branch_id, defaults={"enabled": False}
            )
    Subscriber.objects.filter(account="1005").delete()
    assert billing.run(billing.write(recent_files(), "later")).ok
    assert Subscriber.objects.filter(account="1005").exists()
    assert sent("welcome") == [] and sent("payment_received") == []


def test_an_import_refused_for_a_bad_row_sends_nothing(billing):
    bad = recent_files(**{"payments.csv": ("300.00,card", "3oo,card")})
    assert not billing.run(billing.write(bad)).ok
    assert not Message.objects.exists() and not TriggerFiring.objects.exists()


def test_the_messages_go_after_the_import_commits(tmp_path, django_capture_on_commit_callbacks):
    plain = Billing(tmp_path)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert plain.run(plain.write(recent_files()), today=timezone.localdate()).ok
    assert not Message.objects.exists()  # nothing while the import's transaction is open
    for callback in callbacks:
        callback()
    assert len(sent("welcome")) == 1

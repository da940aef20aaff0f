"""The billing's consent to advertising (consent_sms, consent_email, consent_call: yes gives it,
no withdraws it, an empty cell leaves what Abonent has) and the birth date, imported with the
subscribers; a bad value is a row error and nothing is imported."""

import pytest

from comms.consent import consent_give, consent_withdraw
from comms.models import Consent
from subscribers.models import ExtraAttribute, Subscriber

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("import_env")]


def with_consents(operator: dict, answers: dict[str, tuple[str, str, str]]) -> dict:
    """The operator's files, the subscribers file with the three consent columns added:
    account → (sms, email, call) as the billing writes them."""
    lines = operator["subscribers.csv"].splitlines()
    out = [lines[0] + ",consent_sms,consent_email,consent_call"]
    for line in lines[1:]:
        account = line.split(",", 1)[0]
        out.append(line + "," + ",".join(answers.get(account, ("", "", ""))))
    return {**operator, "subscribers.csv": "\n".join(out) + "\n"}


def consents() -> dict[tuple[str, str], tuple]:
    return {
        (c.subscriber.account, c.channel): (c.active, c.source, c.withdrawal)
        for c in Consent.objects.select_related("subscriber")
    }


def test_yes_gives_the_consent_from_the_billing(billing, operator):
    files = with_consents(operator, {"1001": ("да", "yes", "true"), "1002": ("нет", "", "")})
    result = billing.run(billing.write(files))
    assert result.ok, result.errors
    assert consents() == {
        ("1001", "sms"): (True, "billing", ""),
        ("1001", "email"): (True, "billing", ""),
        ("1001", "call"): (True, "billing", ""),
    }
    assert result.stats["consents_given"] == 3
    consent = Consent.objects.get(subscriber__account="1001", channel="sms")
    assert list(consent.history.values_list("history_type", "source")) == [("+", "billing")]


def test_the_consent_columns_are_no_extra_attributes(billing, operator):
    files = with_consents(operator, {"1001": ("да", "", "")})
    assert billing.run(billing.write(files)).ok
    keys = set(ExtraAttribute.objects.values_list("key", flat=True))
    assert not keys & {"consent_sms", "consent_email", "consent_call", "birth_date"}
    assert "consent_sms" not in Subscriber.objects.get(account="1001").extra


def test_no_withdraws_an_active_consent_and_empty_leaves_it(billing, operator, base):
    person = Subscriber.objects.get(account="1001")
    other = Subscriber.objects.get(account="1002")
    consent_give(subscriber=person, channel="sms", source="contract", note="Д-1")
    consent_give(subscriber=person, channel="email", source="web")
    consent_give(subscriber=other, channel="sms", source="card")
    files = with_consents(operator, {"1001": ("нет", "", ""), "1002": ("", "", "")})
    result = billing.run(billing.write(files, "again"))
    assert result.ok, result.errors
    assert consents() == {
        ("1001", "sms"): (False, "contract", "billing"),
        ("1001", "email"): (True, "web", ""),  # the billing said nothing
        ("1002", "sms"): (True, "card", ""),
    }
    withdrawn = Consent.objects.get(subscriber=person, channel="sms")
    assert withdrawn.note == "Д-1" and withdrawn.history.count() == 2
    assert result.stats["consents_withdrawn"] == 1


def test_yes_reopens_a_withdrawn_consent_and_leaves_an_active_one(billing, operator, base):
    person = Subscriber.objects.get(account="1001")
    other = Subscriber.objects.get(account="1002")
    consent_give(subscriber=person, channel="sms", source="contract")
    consent_withdraw(subscriber=person, channel="sms", withdrawal="stop")
    active = consent_give(subscriber=other, channel="sms", source="card", note="на карточке")
    files = with_consents(operator, {"1001": ("да", "", ""), "1002": ("да", "", "")})
    assert billing.run(billing.write(files, "again")).ok
    assert consents() == {
        ("1001", "sms"): (True, "billing", ""),
        ("1002", "sms"): (True, "card", ""),
    }
    active.refresh_from_db()
    assert active.note == "на карточке" and active.history.count() == 1


def test_importing_the_same_file_twice_changes_nothing_the_second_time(billing, operator):
    files = with_consents(operator, {"1001": ("да", "нет", ""), "1002": ("нет", "", "")})
    assert billing.run(billing.write(files, "first")).ok
    before = consents(), Consent.history.count()
    result = billing.run(billing.write(files, "second", other_bytes=True))
    assert result.ok and (consents(), Consent.history.count()) == before
    assert (result.stats["consents_given"], result.stats["consents_withdrawn"]) == (0, 0)


def test_a_bad_yes_or_no_is_a_row_error_and_nothing_is_imported(billing, operator):
    files = with_consents(operator, {"1002": ("может быть", "", "")})
    result = billing.run(billing.write(files))
    assert not result.ok
    [error] = result.errors
    assert (error.file, error.line, error.column, error.value) == (
        "subscribers.csv",
        3,
        "consent_sms",
        "может быть",
    )
    assert "yes or no" in error.message
    assert not Subscriber.objects.exists() and not Consent.objects.exists()


def test_the_birth_date_is_imported(billing, operator):
    assert billing.run(billing.write(operator)).ok
    births = dict(Subscriber.objects.values_list("account", "birth_date"))
    assert str(births["1001"]) == "1980-02-29" and births["1005"] is None


def test_a_bad_birth_date_is_a_row_error_naming_where_and_nothing_is_imported(billing, operator):
    files = with_consents(operator, {"1001": ("да", "", "")})
    files["subscribers.csv"] = files["subscribers.csv"].replace("1990-07-15", "1990-02-30")
    result = billing.run(billing.write(files))
    assert not result.ok
    [error] = result.errors
    assert (error.file, error.line, error.column, error.value) == (
        "subscribers.csv",
        3,
        "birth_date",
        "1990-02-30",
    )
    assert "not a date" in error.message
    assert not Subscriber.objects.exists() and not Consent.objects.exists()


def test_a_bad_birth_date_in_a_later_import_leaves_the_base_as_it_was(billing, operator, base):
    before = billing.snapshot(), consents()
    files = with_consents(operator, {"1001": ("да", "да", "да")})
    files["subscribers.csv"] = files["subscribers.csv"].replace("1980-02-29", "29.02.1980")
    assert not billing.run(billing.write(files, "bad")).ok
    assert (billing.snapshot(), consents()) == before
    assert str(Subscriber.objects.get(account="1001").birth_date) == "1980-02-29"

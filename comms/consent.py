"""Consent to advertising (Federal Law 38-FZ "On Advertising", art. 18): given and withdrawn per
subscriber and channel, asked by the contact rules before any marketing contact, and written
in bulk by the billing import (`import_consents`, registered in CommsConfig.ready())."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from core.sql import analyze, by_index, create_temp_table, execute, fetchall
from core.sql import db_datetime as dt
from subscribers.facts import few_touched
from subscribers.models import Subscriber

from .models import Channel, Consent, ContactKind, Purpose

# The import's yes/no columns and the channel each one speaks for.
IMPORT_COLUMNS = {
    "consent_sms": Consent.Channel.SMS,
    "consent_email": Consent.Channel.EMAIL,
    "consent_call": Consent.Channel.CALL,
}


def needs_consent(purpose: str) -> bool:
    """Advertising needs prior consent; service, debt and survey contacts do not."""
    return purpose == Purpose.MARKETING


def consent_channel(*, kind: str, channel: str = "") -> str:
    """The consent a contact asks for: a call's, else the message's channel (SMS by default)."""
    if kind == ContactKind.CALL:
        return Consent.Channel.CALL
    return Consent.Channel.EMAIL if channel == Channel.EMAIL else Consent.Channel.SMS


def consenting(*, channel: str) -> QuerySet:
    """The ids of the subscribers whose consent on the channel is active (a subquery)."""
    return Consent.objects.filter(channel=channel, withdrawn_at__isnull=True).values(
        "subscriber_id"
    )


def has_consent(*, subscriber, channel: str) -> bool:
    return Consent.objects.filter(
        subscriber=subscriber, channel=channel, withdrawn_at__isnull=True
    ).exists()


def _check(value: str, choices, message: str) -> None:
    if value not in choices.values:
        raise ValidationError(message % {"value": value})


@transaction.atomic
def consent_give(
    *, subscriber, channel: str, source: str, by=None, note: str = "", at=None
) -> Consent:
    """Record the subscriber's consent on a channel. Giving it again after a withdrawal opens
    it anew (when and how it was given now); giving it while it holds changes nothing."""
    _check(channel, Consent.Channel, _("Unknown channel of consent: %(value)s."))
    _check(source, Consent.Source, _("Unknown way of giving consent: %(value)s."))
    at = at or timezone.now()
    fields = {"given_at": at, "source": source, "given_by": by, "note": note[:200]}
    consent, created = Consent.objects.select_for_update().get_or_create(
        subscriber=subscriber, channel=channel, defaults=fields
    )
    if created or consent.active:
        return consent
    for name, value in fields.items():
        setattr(consent, name, value)
    consent.withdrawn_at, consent.withdrawal, consent.withdrawn_by = None, "", None
    consent.save()
    return consent


@transaction.atomic
def consent_withdraw(
    *, subscriber, channel: str, withdrawal: str, by=None, at=None
) -> Consent | None:
    """The subscriber takes the consent back; withdrawing one not held changes nothing."""
    _check(channel, Consent.Channel, _("Unknown channel of consent: %(value)s."))
    _check(withdrawal, Consent.Withdrawal, _("Unknown way of withdrawing consent: %(value)s."))
    consent = (
        Consent.objects.select_for_update().filter(subscriber=subscriber, channel=channel).first()
    )
    if consent is None or not consent.active:
        return consent
    consent.withdrawn_at = at or timezone.now()
    consent.withdrawal = withdrawal
    consent.withdrawn_by = by
    consent.save()
    return consent


# -- the billing import ----------------------------------------------------------------------
CONSENT = Consent._meta.db_table
HISTORY = Consent.history.model._meta.db_table
SUBSCRIBER = Subscriber._meta.db_table


def import_consents(staged: str) -> dict[str, int]:
    """The billing's word on consent, set-based inside the import's transaction: `staged` has
    `account` and a nullable boolean per IMPORT_COLUMNS; yes gives the consent (source
    BILLING) where none is active, no withdraws an active one, empty leaves it as it is. Each
    change gets its history row, as a service's save would."""
    now = dt(timezone.now())
    stats = {"consents_given": 0, "consents_withdrawn": 0}
    create_temp_table("stg_consent", "subscriber_id bigint, answer boolean")

    def history(kind: str, where: str, params: list) -> None:
        execute(
            f"""INSERT INTO {HISTORY} (id, subscriber_id, channel, given_at, source,
                    given_by_id, note, withdrawn_at, withdrawal, withdrawn_by_id,
                    history_date, history_change_reason, history_type, history_user_id)
                SELECT c.id, c.subscriber_id, c.channel, c.given_at, c.source, c.given_by_id,
                       c.note, c.withdrawn_at, c.withdrawal, c.withdrawn_by_id, %s,
                       'billing import', %s, NULL
                FROM {CONSENT} c JOIN stg_consent j ON j.subscriber_id = c.subscriber_id
                WHERE c.channel = %s AND {where}""",
            [now, kind, *params],
        )

    # A day's few changed subscribers are matched by index, not against whole tables.
    few = few_touched(fetchall(f"SELECT COUNT(*) FROM {staged}")[0][0])
    for column, channel in IMPORT_COLUMNS.items():
        with by_index(few):
            stats_of = _import_column(staged, column, channel, now, history, few)
        for key, value in stats_of.items():
            stats[key] += value
    return stats


def _import_column(
    staged: str, column: str, channel: str, now, history, few: bool
) -> dict[str, int]:
    stats = {"consents_given": 0, "consents_withdrawn": 0}
    execute("DELETE FROM stg_consent")
    if not execute(
        f"""INSERT INTO stg_consent (subscriber_id, answer)
            SELECT s.id, st.{column} FROM {staged} st
            JOIN {SUBSCRIBER} s ON s.account = st.account
            WHERE st.{column} IS NOT NULL"""
    ):
        return stats
    # The first import fills both from nothing; a day's few rows change no plan.
    analyze("stg_consent", *(() if few else (CONSENT,)))
    reopened = execute(
        f"""UPDATE {CONSENT} SET given_at = %s, source = 'billing', given_by_id = NULL,
                   note = '', withdrawn_at = NULL, withdrawal = '', withdrawn_by_id = NULL
            FROM stg_consent j
            WHERE j.subscriber_id = {CONSENT}.subscriber_id AND j.answer
              AND {CONSENT}.channel = %s AND {CONSENT}.withdrawn_at IS NOT NULL""",
        [now, channel],
    )
    if reopened:
        history("~", "j.answer AND c.given_at = %s", [channel, now])
    last = fetchall(f"SELECT COALESCE(MAX(id), 0) FROM {CONSENT}")[0][0]
    # The unique key skips those already consenting. (An anti-join against the table being
    # filled would scan, per row, the rows this very statement has inserted: quadratic.)
    created = execute(
        f"""INSERT INTO {CONSENT} (subscriber_id, channel, given_at, source, note,
                                   withdrawal)
            SELECT j.subscriber_id, %s, %s, 'billing', '', '' FROM stg_consent j
            WHERE j.answer
            ON CONFLICT (subscriber_id, channel) DO NOTHING""",
        [channel, now],
    )
    if created:
        history("+", "j.answer AND c.id > %s", [channel, last])
        if not few:
            analyze(CONSENT)
    withdrawn = execute(
        f"""UPDATE {CONSENT} SET withdrawn_at = %s, withdrawal = 'billing',
                   withdrawn_by_id = NULL
            FROM stg_consent j
            WHERE j.subscriber_id = {CONSENT}.subscriber_id AND NOT j.answer
              AND {CONSENT}.channel = %s AND {CONSENT}.withdrawn_at IS NULL""",
        [now, channel],
    )
    if withdrawn:
        history("~", "NOT j.answer AND c.withdrawn_at = %s", [channel, now])
    stats["consents_given"] += reopened + created
    stats["consents_withdrawn"] += withdrawn
    return stats

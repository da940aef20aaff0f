"""The events that send the triggers' messages: a subscriber connected, what a billing import
brought, the daily scan (fee due, low balance, birthday), a promise to pay; and the settings'
service of the page Event messages."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext as _t

from core.models import Branch
from subscribers.models import Payment, StatusEvent, Subscriber
from subscribers.models import Status as SubscriberStatus

from ..models import TriggerFiring, TriggerSetting
from . import (
    ALREADY,
    NO_GATEWAY,
    NO_TEMPLATE,
    OFF,
    Fired,
    Trigger,
    _gateway_ready,
    days_of,
    fire,
    get,
    setting,
    settings_of,
    template_of,
)

# -- the events ---------------------------------------------------------------------------------
SEND_AT = time(10)  # the daily triggers and a promise's eve go from 10:00 branch time
RUN = "daily_run"  # TriggerFiring.trigger of the marks "this trigger ran in this branch today"
CHUNK = 1000


def date_text(day: date) -> str:
    """A date as the messages write it: 25.11.2026."""
    return day.strftime("%d.%m.%Y")


def _pk_key(prefix: str = "", suffix: str = "") -> Concat:
    """The key `<prefix><the row's pk><suffix>` in SQL, to leave out the rows already fired."""
    return Concat(Value(prefix), Cast(OuterRef("pk"), CharField()), Value(suffix))


def _not_fired(code: str, prefix: str = "", suffix: str = "") -> Exists:
    return ~Exists(
        TriggerFiring.objects.filter(trigger=code, key=_pk_key(prefix, suffix)).values("pk")
    )


def _subscribers(ids: list[int]):
    """The subscribers of these ids with what their messages say, CHUNK at a time."""
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found = Subscriber.objects.select_related("tariff", "branch").in_bulk(chunk)
        for pk in chunk:
            if pk in found:
                yield found[pk]


def _fire_each(code: str, rows, configs: dict[int, TriggerSetting]) -> int:
    """fire() for each (subscriber, key, values); how many fired (a message written, perhaps
    deferred or refused by the contact rules)."""
    template = template_of(code)
    if template is None or not _gateway_ready(template):
        return 0
    fired = 0
    for subscriber, key, values in rows:
        result = fire(
            code,
            subscriber=subscriber,
            key=key,
            values=values,
            config=configs[subscriber.branch_id],
            template=template,
        )
        fired += result.skipped not in (OFF, ALREADY, NO_TEMPLATE, NO_GATEWAY)
    return fired


def _reachable(candidates: QuerySet, code: str, path: str = "") -> QuerySet:
    """Only those with an address on the trigger's channel: one without is not worth a firing."""
    template = template_of(code)
    field = "email" if template is not None and template.channel == "email" else "phone"
    return candidates.exclude(**{f"{path}{field}": ""})


def _enabled_settings(code: str, branches) -> dict[int, TriggerSetting]:
    """The branches where the trigger is on; none while its template or gateway is missing."""
    template = template_of(code)
    if template is None or not _gateway_ready(template):
        return {}
    return {b: c for b, c in settings_of(code, branches).items() if c.enabled}


# -- a subscriber connected ----------------------------------------------------------------------
def subscriber_connected(*, subscriber) -> list[Fired]:
    """The welcome SMS, and the welcome letter to one with an e-mail, to a subscriber just
    connected (the installer closing the job), in the caller's transaction."""
    key = f"subscriber:{subscriber.pk}"
    fired = [fire("welcome", subscriber=subscriber, key=key)]
    if subscriber.email:
        fired.append(fire("welcome_letter", subscriber=subscriber, key=key))
    return fired


# -- what a billing import brought ---------------------------------------------------------------
def batch_imported(*, batch_id: int, now: datetime | None = None) -> dict[str, int]:
    """Welcome the new active accounts of an import, thank for its recent payments and tell of
    its tariff changes, each trigger in one transaction; run after the import commits, in the
    background (comms.tasks.triggers_import_task)."""
    now = now or timezone.now()
    zones = {b.pk: b.tz for b in Branch.objects.all()}
    counts = {}
    for code in ("welcome", "welcome_letter"):
        with transaction.atomic():
            counts[code] = _import_welcome(code, batch_id, now, zones)
    with transaction.atomic():
        counts["tariff_changed"] = _import_tariff_changed(batch_id, now, zones)
    with transaction.atomic():
        counts["payment_received"] = _import_payments(now, zones)
    return counts


def _local_today(now: datetime, tz) -> date:
    return now.astimezone(tz).date()


def _import_welcome(code: str, batch_id: int, now: datetime, zones: dict) -> int:
    trigger = get(code)
    configs = _enabled_settings(code, zones)
    if not configs:
        return 0
    recent = Q()
    for branch_id, config in configs.items():
        since = _local_today(now, zones[branch_id]) - timedelta(days=days_of(trigger, config))
        recent |= Q(branch_id=branch_id, connected_on__gte=since)
    connected = StatusEvent.objects.filter(
        subscriber=OuterRef("pk"), batch_id=batch_id, kind=StatusEvent.Kind.CONNECTED
    )
    candidates = _reachable(
        Subscriber.objects.filter(
            recent,
            Exists(connected),
            _not_fired(code, "subscriber:"),
            status=SubscriberStatus.ACTIVE,
        ),
        code,
    )
    ids = list(candidates.order_by("pk").values_list("pk", flat=True))
    rows = ((s, f"subscriber:{s.pk}", None) for s in _subscribers(ids))
    return _fire_each(code, rows, configs)


def _import_tariff_changed(batch_id: int, now: datetime, zones: dict) -> int:
    trigger = get("tariff_changed")
    configs = _enabled_settings(trigger.code, zones)
    if not configs:
        return 0
    recent = Q()
    for branch_id, config in configs.items():
        since = _local_today(now, zones[branch_id]) - timedelta(days=days_of(trigger, config))
        recent |= Q(subscriber__branch_id=branch_id, happened_on__gte=since)
    events = list(
        _reachable(StatusEvent.objects, trigger.code, "subscriber__")
        .filter(
            recent, _not_fired(trigger.code, "event:"), batch_id=batch_id,
            kind=StatusEvent.Kind.TARIFF_CHANGED,
        )
        .exclude(subscriber__status=SubscriberStatus.TERMINATED)
        .order_by("pk")
        .values_list("pk", "subscriber_id", "happened_on")
    )  # fmt: skip
    subscribers = {s.pk: s for s in _subscribers(sorted({e[1] for e in events}))}
    rows = (
        (subscribers[sub], f"event:{pk}", {"due_date": date_text(day)})
        for pk, sub, day in events
        if sub in subscribers
    )
    return _fire_each(trigger.code, rows, configs)


def payment_key(subscriber_id: int, paid_at: datetime, amount, method: str, seq: int) -> str:
    """A payment's natural key (the ledger's primary key) as a firing's key."""
    return f"{subscriber_id}:{int(paid_at.timestamp())}:{amount}:{method}:{seq}"


def _import_payments(now: datetime, zones: dict) -> int:
    """Every payment at most `days` old not thanked for yet: an import brings the billing's
    payments, and a re-import or an overlapping export finds those already thanked for by
    their key."""
    trigger = get("payment_received")
    configs = _enabled_settings(trigger.code, zones)
    if not configs:
        return 0
    recent = Q()
    for branch_id, config in configs.items():
        recent |= Q(
            subscriber__branch_id=branch_id,
            paid_at__gte=now - timedelta(days=days_of(trigger, config)),
        )
    payments = list(
        _reachable(Payment.objects, trigger.code, "subscriber__")
        .filter(recent, paid_at__lte=now, amount__gt=0)
        .order_by("subscriber_id", "paid_at")
        .values_list("subscriber_id", "paid_at", "amount", "method", "seq")
    )
    keyed = [(payment_key(*p), p) for p in payments]
    done = set()
    for start in range(0, len(keyed), CHUNK):
        keys = [k for k, _p in keyed[start : start + CHUNK]]
        done.update(
            TriggerFiring.objects.filter(trigger=trigger.code, key__in=keys).values_list(
                "key", flat=True
            )
        )
    keyed = [(k, p) for k, p in keyed if k not in done]
    subscribers = {s.pk: s for s in _subscribers(sorted({p[0] for _k, p in keyed}))}
    rows = ((subscribers[p[0]], key, {"amount": p[2]}) for key, p in keyed if p[0] in subscribers)
    return _fire_each(trigger.code, rows, configs)


# -- the daily scan ------------------------------------------------------------------------------
def billing_date(today: date) -> date:
    """The date the monthly fee is charged: the 1st of the next month."""
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def _payment_due(branch: Branch, today: date, days: int, config) -> tuple[QuerySet, str, dict]:
    billing = billing_date(today)
    suffix = f":{billing:%Y-%m}"
    if today < billing - timedelta(days=days):
        return Subscriber.objects.none(), suffix, {}
    candidates = Subscriber.objects.filter(
        branch=branch,
        status=SubscriberStatus.ACTIVE,
        tariff__monthly_fee__gt=0,
        money__reported_balance__lt=F("tariff__monthly_fee"),
    )
    return candidates, suffix, {"due_date": date_text(billing)}


def _low_balance(branch: Branch, today: date, days: int, config) -> tuple[QuerySet, str, dict]:
    # Lasting fewer than `days` at fee/30 a day: balance × 30 < fee × days, without a division
    # (SQLite would divide whole numbers as whole numbers). An empty balance is a debt, which
    # the dunning steps tell of, not a low balance.
    candidates = (
        Subscriber.objects.filter(
            branch=branch,
            status=SubscriberStatus.ACTIVE,
            tariff__monthly_fee__gt=0,
            money__reported_balance__gt=0,
        )
        .alias(month_of_balance=F("money__reported_balance") * 30)
        .filter(month_of_balance__lt=F("tariff__monthly_fee") * days)
    )
    return candidates, f":{today:%Y-%m}", {}


def _birthday(branch: Branch, today: date, days: int, config) -> tuple[QuerySet, str, dict]:
    born = Q(birth_date__month=today.month, birth_date__day=today.day)
    leap = today.year % 4 == 0 and (today.year % 100 != 0 or today.year % 400 == 0)
    if (today.month, today.day) == (2, 28) and not leap:
        born |= Q(birth_date__month=2, birth_date__day=29)
    candidates = Subscriber.objects.filter(born, branch=branch, status=SubscriberStatus.ACTIVE)
    return candidates, f":{today.year}", {}


DAILY = {"payment_due": _payment_due, "low_balance": _low_balance, "birthday": _birthday}


def daily_run(now: datetime | None = None) -> dict[str, int]:
    """Each branch's daily triggers, once a day after 10:00 its time (Celery beat and
    `manage.py triggers_run` call it every 15 minutes): how many fired of each."""
    now = now or timezone.now()
    counts = dict.fromkeys(DAILY, 0)
    for branch in Branch.objects.order_by("pk"):
        local = now.astimezone(branch.tz)
        if local.time() < SEND_AT:
            continue
        for code, select in DAILY.items():
            counts[code] += _daily(code, select, branch, local.date())
    return counts


def _daily(code: str, select, branch: Branch, today: date) -> int:
    trigger = get(code)
    config = setting(trigger, branch.pk)
    if not config.enabled:
        return 0  # turned on later in the day, it still runs that day
    template = template_of(trigger)
    if template is None or not _gateway_ready(template):
        return 0  # nor is the day spent
    with transaction.atomic():
        try:
            with transaction.atomic():
                TriggerFiring.objects.create(trigger=RUN, key=f"{code}:{branch.pk}:{today}")
        except IntegrityError:
            return 0  # ran today already (or runs now elsewhere: the mark waits for it)
        candidates, suffix, values = select(branch, today, days_of(trigger, config), config)
        ids = list(
            _reachable(candidates, code)
            .filter(_not_fired(code, suffix=suffix))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows = ((s, f"{s.pk}{suffix}", values) for s in _subscribers(ids))
        return _fire_each(code, rows, {branch.pk: config})


# -- a promise to pay ----------------------------------------------------------------------------
_DAY_MONTH = re.compile(r"^(\d{1,2})\.(\d{1,2})\.?$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def due_date_parse(text, *, today: date) -> date | None:
    """The date an operator typed: dd.mm (this year, or the next when this year's is more than
    half a year ago: 05.01 typed in December), dd.mm.yyyy or yyyy-mm-dd; None when it is not a
    date; ValidationError when it has passed."""
    if isinstance(text, date):
        due = text
    else:
        text = str(text or "").strip()
        try:
            if m := _DAY_MONTH_YEAR.match(text):
                due = date(int(m[3]), int(m[2]), int(m[1]))
            elif m := _ISO.match(text):
                due = date(int(m[1]), int(m[2]), int(m[3]))
            elif m := _DAY_MONTH.match(text):
                due = date(today.year, int(m[2]), int(m[1]))
                if (today - due).days > 183:
                    due = date(today.year + 1, due.month, due.day)
            else:
                return None
        except ValueError:
            return None
    if due < today:
        raise ValidationError(
            {"due_date": _t("The promised date %(date)s has already passed.") % {"date": text}}
        )
    return due


def promise_reminder_schedule(*, subscriber, due: date, amount, key: str) -> Fired:
    """The promised-payment reminder, the day before `due` at 10:00 the subscriber's branch
    time (at once when that has passed), once for the promise named by `key` (`call:<pk>`, a
    receivables promise's own), in the caller's transaction."""
    eve = datetime.combine(due - timedelta(days=1), SEND_AT, tzinfo=subscriber.branch.tz)
    values = {"due_date": date_text(due)}
    if amount not in (None, ""):
        values["amount"] = amount
    return fire(
        "promise_reminder",
        subscriber=subscriber,
        key=key,
        values=values,
        not_before=max(eve, timezone.now()),
    )


# -- the settings page ---------------------------------------------------------------------------
@transaction.atomic
def trigger_setting_save(
    *, trigger: Trigger, branch: Branch, enabled: bool, days: int | None, values: dict, by
) -> TriggerSetting:
    """Turn a trigger on or off in a branch and set its days and values (history: who, when)."""
    errors = {}
    if days is not None and days < 0:
        errors["days"] = _t("The days cannot be negative.")
    values = {name: str(values.get(name) or "").strip() for name in trigger.values}
    for name, value in values.items():
        if enabled and not value:
            errors[name] = (
                _t("Say what to offer before turning it on.")
                if name == "offer"
                else _t("Fill this in before turning it on.")
            )
    if errors:
        raise ValidationError(errors)
    config = (
        TriggerSetting.objects.select_for_update()
        .filter(trigger=trigger.code, branch=branch)
        .first()
    ) or TriggerSetting(trigger=trigger.code, branch=branch)
    days = days if trigger.days_label else None
    try:
        with transaction.atomic():
            _setting_write(config, enabled=enabled, days=days, values=values, by=by)
    except IntegrityError:  # the same form sent twice at once: the other one made the row
        config = TriggerSetting.objects.select_for_update().get(trigger=trigger.code, branch=branch)
        _setting_write(config, enabled=enabled, days=days, values=values, by=by)
    return config


def _setting_write(config: TriggerSetting, *, enabled, days, values, by) -> None:
    config.enabled, config.days, config.values = enabled, days, values
    config._history_user = by
    config.save()

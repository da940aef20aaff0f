"""Refer a friend (3.3.5): a subscriber's code, the friend's application credited to its referrer,
the reward recorded once on connection and handed to billing, and the programme's figures."""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.access import scoped
from subscribers.models import Subscriber

from .models import Application, ReferralCode, ReferralProgramme, ReferralReward

# No 0/O, 1/I/L: a code is read out over the phone and typed from a leaflet.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 6
ATTEMPTS = 10
DEFAULT_REWARD = Decimal("300")
DEFAULT_FRIEND_BONUS = gettext_lazy("the first month at half price")


class ReferralError(Exception):
    pass


def code_new() -> str:
    return "".join(secrets.choice(ALPHABET) for _i in range(LENGTH))


def code_clean(text: str) -> str:
    """The code as stored: upper case, without spaces and dashes."""
    return "".join(ch for ch in (text or "").upper() if ch not in " -\t")


def referral_code_for(subscriber: Subscriber) -> ReferralCode:
    """The subscriber's code, made on first use. A clash of random codes (or a second request
    making the same subscriber's code at the same moment) is caught by the unique constraints
    and retried."""
    existing = ReferralCode.objects.filter(subscriber=subscriber).first()
    if existing is not None:
        return existing
    for _attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return ReferralCode.objects.create(subscriber=subscriber, code=code_new())
        except IntegrityError:
            existing = ReferralCode.objects.filter(subscriber=subscriber).first()
            if existing is not None:
                return existing  # another request made it first
    raise ReferralError(_("Could not make a unique referral code; try again."))


def referrer_by_code(code: str) -> Subscriber | None:
    """The subscriber whose code it is, or None."""
    cleaned = code_clean(code)
    if not cleaned:
        return None
    found = ReferralCode.objects.filter(code=cleaned).select_related("subscriber").first()
    return found.subscriber if found is not None else None


def programme_rules() -> ReferralProgramme:
    """The rules in force: the operator's row, else the defaults (the reward of
    ABONENT_REFERRAL_REWARD, unsaved)."""
    saved = ReferralProgramme.objects.order_by("pk").first()
    if saved is not None:
        return saved
    with translation.override(settings.LANGUAGE_CODE):  # what subscribers are told
        bonus = str(DEFAULT_FRIEND_BONUS)
    return ReferralProgramme(
        referrer_reward=Decimal(str(getattr(settings, "ABONENT_REFERRAL_REWARD", DEFAULT_REWARD))),
        friend_bonus=bonus,
    )


def reward_amount() -> Decimal:
    return programme_rules().referrer_reward


def referrer_for(*, code: str, phone: str) -> Subscriber | None:
    """The referrer a code typed on an application form names, or None for no code; a
    ValidationError on the form's field when the programme is off, no subscriber has the code,
    or it is the code of the person applying (their own phone)."""
    from django.core.exceptions import ValidationError

    if not code_clean(code):
        return None
    if not programme_rules().active:
        raise ValidationError(
            {"referral_code": _("The refer-a-friend programme is off: a code cannot be used.")}
        )
    referrer = referrer_by_code(code)
    if referrer is None:
        raise ValidationError({"referral_code": _("No subscriber has this referral code.")})
    if phone and phone in (referrer.phone, referrer.phone2):
        raise ValidationError(
            {"referral_code": _("This is the applicant's own code: a friend's code is needed.")}
        )
    return referrer


def referral_reward_record(application: Application) -> ReferralReward | None:
    """Record the referrer's reward for a connected application, once: the reward is one row per
    application (a unique key), so a second call, or two at once, leave the first. None when
    the application has no referrer, is not connected, or the friend is the referrer."""
    if application.referrer_id is None or application.state != Application.State.CONNECTED:
        return None
    if application.subscriber_id is not None and application.subscriber_id == (
        application.referrer_id
    ):
        return None
    try:
        with transaction.atomic():
            reward, _created = ReferralReward.objects.get_or_create(
                application=application,
                defaults={"referrer_id": application.referrer_id, "amount": reward_amount()},
            )
    except IntegrityError:  # made by a concurrent call between the get and the create
        reward = ReferralReward.objects.get(application=application)
    return reward


# -- the card tab -------------------------------------------------------------------------------
def card_tab_context(request, subscriber: Subscriber) -> dict:
    friends = (
        Application.objects.filter(referrer=subscriber)
        .select_related("reward")
        .order_by("-created_at")[:50]
    )
    return {
        "subscriber": subscriber,
        "referral_code": ReferralCode.objects.filter(subscriber=subscriber).first(),
        "friends": friends,
        "rewards_total": ReferralReward.objects.filter(referrer=subscriber).aggregate(
            s=Sum("amount")
        )["s"]
        or 0,
        "may_issue": request.user.has_perm("sales.add_application"),
    }


# -- the programme ------------------------------------------------------------------------------
@dataclass
class Programme:
    codes: int
    referred: int
    connected: int
    rewards: int
    rewarded: Decimal
    exported: int
    pending: int
    pending_amount: Decimal


def programme(*, user, date_from=None, date_to=None) -> Programme:
    """The programme's figures in the user's branches (applications registered in the period,
    rewards earned in it; codes issued in all)."""
    codes = scoped(ReferralCode.objects.all(), user, field="subscriber__branch")
    applications = scoped(Application.objects.filter(referrer__isnull=False), user)
    rewards = scoped(ReferralReward.objects.all(), user, field="application__branch")
    if date_from is not None:
        codes = codes.filter(created_at__date__gte=date_from)
        applications = applications.filter(created_at__date__gte=date_from)
        rewards = rewards.filter(created_at__date__gte=date_from)
    if date_to is not None:
        codes = codes.filter(created_at__date__lte=date_to)
        applications = applications.filter(created_at__date__lte=date_to)
        rewards = rewards.filter(created_at__date__lte=date_to)
    apps = applications.aggregate(
        referred=Count("pk"), connected=Count("pk", filter=Q(state=Application.State.CONNECTED))
    )
    money = rewards.aggregate(
        n=Count("pk"),
        total=Sum("amount"),
        exported=Count("pk", filter=Q(exported_at__isnull=False)),
        pending=Count("pk", filter=Q(exported_at=None)),
        pending_amount=Sum("amount", filter=Q(exported_at=None)),
    )
    return Programme(
        codes=codes.count(),
        referred=apps["referred"],
        connected=apps["connected"],
        rewards=money["n"],
        rewarded=money["total"] or Decimal("0"),
        exported=money["exported"],
        pending=money["pending"],
        pending_amount=money["pending_amount"] or Decimal("0"),
    )


def rewards_pending(*, user) -> QuerySet[ReferralReward]:
    """The rewards not yet handed to billing, oldest first."""
    return (
        scoped(ReferralReward.objects.filter(exported_at=None), user, field="application__branch")
        .select_related("referrer", "application", "application__branch")
        .order_by("created_at", "pk")
    )


def rewards_xlsx(rewards: QuerySet[ReferralReward]) -> bytes:
    """The rewards for billing: one line per reward, credited to the referrer's account."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = str(_("Referral rewards"))[:31]
    header = (
        _("Reward"), _("Account"), _("Referrer"), _("Amount"), _("Earned"), _("Application"),
        _("Connected"), _("Branch"),
    )  # fmt: skip
    sheet.append([str(h) for h in header])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for r in rewards:
        tz = r.application.branch.tz
        sheet.append(
            [
                r.pk,
                r.referrer.account,
                r.referrer.full_name,
                r.amount,
                timezone.localtime(r.created_at, tz).replace(tzinfo=None),
                r.application.number,
                timezone.localtime(r.application.connected_at, tz).replace(tzinfo=None)
                if r.application.connected_at
                else None,
                r.application.branch.name,
            ]
        )
    for column, width in zip("ABCDEFGH", (10, 16, 30, 12, 18, 14, 18, 20), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@transaction.atomic
def rewards_mark_exported(*, user, ids: list[int], at: datetime | None = None) -> int:
    """Mark the given rewards as handed to billing; those already marked keep their date, so
    marking twice (a double click, a second head) changes nothing. Returns how many were
    marked now."""
    at = at or timezone.now()
    return (
        scoped(ReferralReward.objects.all(), user, field="application__branch")
        .filter(pk__in=ids, exported_at=None)
        .update(exported_at=at)
    )


# -- what the scripts and SMS say of the programme (3.3.5) ---------------------------------------
def _reward_text(subscriber, values) -> str:
    from core import money

    branch_id = getattr(subscriber, "branch_id", None)
    return money.money_text(programme_rules().referrer_reward, money.currency_of(branch_id))


def _friend_bonus_text(subscriber, values) -> str | None:
    return programme_rules().friend_bonus or None


def _code_text(subscriber, values) -> str | None:
    if subscriber is None or getattr(subscriber, "pk", None) is None:
        return None
    return referral_code_for(subscriber).code


def placeholders_register() -> None:
    """The programme's placeholders, for the script 3.3.5 and any SMS naming them."""
    from comms.placeholders import Placeholder, register

    register(
        Placeholder(
            "referrer_reward",
            gettext_lazy("Referral reward"),
            DEFAULT_REWARD,
            _reward_text,
            money=True,
        )
    )
    register(
        Placeholder(
            "friend_bonus",
            gettext_lazy("What the referred friend gets"),
            DEFAULT_FRIEND_BONUS,
            _friend_bonus_text,
        )
    )
    register(Placeholder("referral_code", gettext_lazy("Referral code"), "K7M2QX", _code_text))

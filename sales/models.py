"""The coordination block: applications from both sales channels (1.1, 1.2) and their way to a
connected subscriber (1.3, 3.2.2), the installation schedule (2.3.3) with its teams, slots and
visits, relocations (1.4), plans for the daily sales report (2.3.2) and the refer-a-friend
programme (3.3.5). The application's workflow is data: sales.workflow."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 12, "decimal_places": 2}


class Channel(models.TextChoices):
    ACTIVE = "active", _("Active")
    PASSIVE = "passive", _("Passive")


class Source(models.TextChoices):
    """Where an application came from; the first three are the active channel (1.1)."""

    FIELD_AGENT = "field_agent", _("Field agent")
    OUTBOUND_CALL = "outbound_call", _("Outbound call")
    PROMO_STAND = "promo_stand", _("Promo stand")
    INBOUND_CALL = "inbound_call", _("Inbound call")
    WEB_FORM = "web_form", _("Web form")
    OFFICE = "office", _("Office walk-in")
    REFERRAL = "referral", _("Referral")


ACTIVE_SOURCES = {Source.FIELD_AGENT, Source.OUTBOUND_CALL, Source.PROMO_STAND}


def channel_of(source: str) -> str:
    return Channel.ACTIVE if source in ACTIVE_SOURCES else Channel.PASSIVE


class ReasonKind(models.TextChoices):
    REJECTED = "rejected", _("Rejection")
    CANCELLED = "cancelled", _("Cancellation")
    RESCHEDULED = "rescheduled", _("Rescheduling")
    FAILED = "failed", _("Failed installation")


class Reason(models.Model):
    """A reason from the list, for the steps that need one (rejected, cancelled, …)."""

    kind = models.CharField(_("kind"), max_length=12, choices=ReasonKind.choices)
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=160)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reason")
        verbose_name_plural = _("reasons")
        ordering = ["kind", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="reason_unique")]

    def __str__(self) -> str:
        return self.name


class SlaPolicy(models.Model):
    """The operator's clocks (one row; defaults in sales.sla when there is none)."""

    first_contact_minutes = models.PositiveIntegerField(
        _("first contact within, working minutes"), default=30
    )
    install_days = models.PositiveIntegerField(_("installation within, days"), default=5)
    workday_from = models.TimeField(_("working day from"), default=datetime.time(9))
    workday_to = models.TimeField(_("working day until"), default=datetime.time(18))
    paid_not_connected_days = models.PositiveIntegerField(
        _("paid but not connected after, days"), default=3
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")


class Application(models.Model):
    """A request to connect (or a sale made): the contact, the address resolved to a building,
    the wished tariff, the source, the agent to credit and the payment taken; its state moves
    by sales.workflow.APPLICATION."""

    class State(models.TextChoices):
        NEW = "new", _("New")
        QUALIFIED = "qualified", _("Qualified")
        SCHEDULED = "scheduled", _("Scheduled")
        RESCHEDULED = "rescheduled", _("Rescheduled")
        INSTALLING = "installing", _("Installing")
        CONNECTED = "connected", _("Connected")
        REJECTED = "rejected", _("Rejected")
        CANCELLED = "cancelled", _("Cancelled")
        NO_COVERAGE = "no_coverage", _("No coverage")

    number = models.CharField(_("number"), max_length=20, unique=True)
    branch = models.ForeignKey(
        "core.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.NEW, db_index=True
    )
    state_changed_at = models.DateTimeField(_("state since"))
    full_name = models.CharField(_("name"), max_length=200)
    phone = models.CharField(_("phone"), max_length=16, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address as given"), max_length=250)
    building = models.ForeignKey(
        "subscribers.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("building"),
    )
    flat = models.CharField(_("flat"), max_length=20, blank=True)
    technology = models.CharField(_("technology"), max_length=16, blank=True)
    tariff = models.ForeignKey(
        "subscribers.Tariff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tariff"),
    )
    services = models.ManyToManyField(
        "subscribers.Service", blank=True, related_name="+", verbose_name=_("services")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sales",
        verbose_name=_("agent credited"),
    )
    paid = models.DecimalField(_("payment taken"), default=Decimal("0"), **MONEY)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    reason = models.ForeignKey(
        Reason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    note = models.TextField(_("note"), blank=True)
    # The duplicate it was linked to, and the subscriber it became (or already was).
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("duplicate of"),
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("subscriber"),
    )
    # Refer a friend (3.3.5): the subscriber whose code brought it.
    referrer = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred by"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True, db_index=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    # SLA clocks: when the first contact and the installation are due (sales.sla).
    contact_due = models.DateTimeField(_("first contact due"))
    install_due = models.DateTimeField(_("installation due"), null=True, blank=True)
    connected_at = models.DateTimeField(_("connected"), null=True, blank=True)
    exported_at = models.DateTimeField(_("exported to billing"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["state_changed_at"])

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="application_recent"),
            models.Index(fields=["branch", "state", "created_at"], name="application_branch"),
            models.Index(fields=["building", "flat"], name="application_flat"),
            models.Index(fields=["state", "contact_due"], name="application_contact_due"),
            models.Index(fields=["contact_due", "id"], name="application_contact_sort"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.full_name}"


class ApplicationEvent(models.Model):
    """Every step of an application: from, to, who, when, the reason and a note."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("application"),
    )
    action = models.CharField(_("step"), max_length=20)
    from_state = models.CharField(_("from"), max_length=12, blank=True)
    to_state = models.CharField(_("to"), max_length=12)
    reason = models.ForeignKey(
        Reason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["application", "at", "id"]


# -- the installation schedule (2.3.3) ---------------------------------------------------------
class Team(models.Model):
    """An installation team: its branch, the streets it covers (none: the whole branch), the
    technologies it installs, and its working week."""

    branch = models.ForeignKey(
        "core.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    name = models.CharField(_("name"), max_length=80)
    technologies = models.JSONField(_("technologies"), default=list, blank=True)
    streets = models.ManyToManyField(
        "subscribers.Street", blank=True, related_name="+", verbose_name=_("territory")
    )
    # ISO weekdays the team works (1 = Monday), and its slots of a working day.
    weekdays = models.JSONField(_("working days"), default=list, blank=True)
    slot_times = models.JSONField(_("slots of a day"), default=list, blank=True)  # ["09:00-11:00"]
    slot_capacity = models.PositiveSmallIntegerField(_("visits a slot"), default=1)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[streets])

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["branch", "name"]
        constraints = [models.UniqueConstraint(fields=["branch", "name"], name="team_unique_name")]

    def __str__(self) -> str:
        return self.name


class Installer(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="installer",
        verbose_name=_("user"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="installers", verbose_name=_("team")
    )

    class Meta:
        verbose_name = _("installer")
        verbose_name_plural = _("installers")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class TeamDay(models.Model):
    """An exception to a team's week: a day off (a holiday, sick leave) or an extra day."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="days")
    date = models.DateField(_("date"))
    working = models.BooleanField(_("working"))
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="team_day_unique")]


class Slot(models.Model):
    """A window of a team's day that visits are booked into, at most `capacity` of them."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="slots", verbose_name=_("team")
    )
    date = models.DateField(_("date"))
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))
    capacity = models.PositiveSmallIntegerField(_("visits"), default=1)
    booked = models.PositiveSmallIntegerField(_("booked"), default=0)

    class Meta:
        verbose_name = _("slot")
        verbose_name_plural = _("slots")
        ordering = ["date", "starts", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "date", "starts"], name="slot_unique"),
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="slot_not_overbooked"
            ),
        ]
        indexes = [models.Index(fields=["date", "team"], name="slot_day")]

    def __str__(self) -> str:
        return f"{self.team} {self.date} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Visit(models.Model):
    """An installer's job: an installation for an application or a relocation, in a slot."""

    class Kind(models.TextChoices):
        INSTALL = "install", _("Installation")
        RELOCATION = "relocation", _("Relocation")

    class State(models.TextChoices):
        BOOKED = "booked", _("Booked")
        STARTED = "started", _("Started")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        MOVED = "moved", _("Moved")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.INSTALL)
    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("application"),
    )
    relocation = models.ForeignKey(
        "Relocation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("relocation"),
    )
    slot = models.ForeignKey(
        Slot, on_delete=models.PROTECT, related_name="visits", verbose_name=_("slot")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.BOOKED)
    order = models.PositiveSmallIntegerField(_("order in the day"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    reason = models.ForeignKey(
        Reason,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reason"),
    )
    materials = models.JSONField(_("materials used"), default=list, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("booked by"),
    )
    booked_at = models.DateTimeField(_("booked"), auto_now_add=True)
    reminded = models.JSONField(default=list, blank=True)  # "eve", "morning": SMS sent

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["slot__date", "slot__starts", "order", "id"]
        indexes = [models.Index(fields=["slot", "state"], name="visit_slot")]


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("photo"), upload_to="visits/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)


# -- relocation (1.4) ---------------------------------------------------------------------------
class Relocation(models.Model):
    class State(models.TextChoices):
        NEW = "new", _("New")
        SCHEDULED = "scheduled", _("Scheduled")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")
        NO_COVERAGE = "no_coverage", _("No coverage")

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="relocations",
        verbose_name=_("subscriber"),
    )
    address = models.CharField(_("new address as given"), max_length=250)
    building = models.ForeignKey(
        "subscribers.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("new building"),
    )
    flat = models.CharField(_("new flat"), max_length=20, blank=True)
    old_building = models.ForeignKey(
        "subscribers.Building",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("old building"),
    )
    old_flat = models.CharField(_("old flat"), max_length=20, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.NEW)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registered by"),
    )
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("relocation")
        verbose_name_plural = _("relocations")
        ordering = ["-created_at"]


# -- plans and the refer-a-friend programme ------------------------------------------------------
class SalesPlan(models.Model):
    """The head's monthly plan of connections, for a branch or one agent of it."""

    month = models.DateField(_("month"))  # its first day
    branch = models.ForeignKey(
        "core.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    connections = models.PositiveIntegerField(_("connections planned"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sales plan")
        verbose_name_plural = _("sales plans")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "branch", "agent"], name="sales_plan_agent_unique"
            ),
            models.UniqueConstraint(
                fields=["month", "branch"],
                condition=Q(agent=None),
                name="sales_plan_branch_unique",
            ),
        ]


class ReferralProgramme(models.Model):
    """The refer-a-friend rules (3.3.5; one row, defaults when there is none): what the referrer
    earns and what the friend gets, once the friend is connected, and whether it is on."""

    active = models.BooleanField(_("the programme is on"), default=True)
    referrer_reward = models.DecimalField(
        _("the referrer earns"),
        default=Decimal("300"),
        help_text=_("Credited to the referrer's account once the friend is connected."),
        **MONEY,
    )
    friend_bonus = models.CharField(
        _("the friend gets"),
        max_length=160,
        blank=True,
        help_text=_("As a subscriber would read it, e.g. “the first month at half price”."),
    )
    conditions = models.TextField(_("conditions"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("refer-a-friend rules")
        verbose_name_plural = _("refer-a-friend rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(referrer_reward__gte=0), name="referral_reward_nonnegative"
            ),
        ]


class ReferralCode(models.Model):
    subscriber = models.OneToOneField(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="referral_code",
        verbose_name=_("subscriber"),
    )
    code = models.CharField(_("code"), max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("referral code")
        verbose_name_plural = _("referral codes")


class ReferralReward(models.Model):
    """What a referrer earned when the friend's application was connected."""

    application = models.OneToOneField(
        Application,
        on_delete=models.PROTECT,
        related_name="reward",
        verbose_name=_("application"),
    )
    referrer = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.PROTECT,
        related_name="rewards",
        verbose_name=_("referrer"),
    )
    amount = models.DecimalField(_("reward"), **MONEY)
    created_at = models.DateTimeField(_("earned"), auto_now_add=True)
    exported_at = models.DateTimeField(_("exported to billing"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral reward")
        verbose_name_plural = _("referral rewards")


class ReportRecipient(models.Model):
    """Who gets the daily sales report by e-mail at 09:00 branch time."""

    email = models.EmailField(_("e-mail"))
    branch = models.ForeignKey(
        "core.Branch",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
        help_text=_("Empty: every branch."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("report recipient")
        verbose_name_plural = _("report recipients")


class ApplicationCall(models.Model):
    """A call made from the coordinator's queue about an application: its outcome moves the
    application along (sales.outcomes)."""

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="calls",
        verbose_name=_("application"),
    )
    call = models.OneToOneField(
        "comms.Call",
        on_delete=models.CASCADE,
        related_name="application_link",
        verbose_name=_("call"),
    )

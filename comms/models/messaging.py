"""Communications: message templates and the gateways that carry them (3.4.16; DESIGN.md,
Messaging)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class Purpose(models.TextChoices):
    """Why a message goes: the contact rules differ (quiet hours and limits for debt
    collection, the opt-out for marketing)."""

    SERVICE = "service", _("Service")
    DEBT = "debt", _("Debt collection")
    MARKETING = "marketing", _("Marketing")
    SURVEY = "survey", _("Survey")


class Gateway(models.Model):
    """A way out for one channel: Kannel's sendsms or an SMPP link for SMS, SMTP for e-mail."""

    class Kind(models.TextChoices):
        KANNEL = "kannel", _("Kannel (HTTP sendsms)")
        SMPP = "smpp", _("SMPP")
        SMTP = "smtp", _("SMTP")

    name = models.CharField(_("name"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    active = models.BooleanField(_("active"), default=True)
    # What the operator pays for one part of an SMS (one letter for e-mail), in its currency.
    part_price = models.DecimalField(
        _("price of a part"), max_digits=8, decimal_places=4, default=Decimal("0")
    )
    sender = models.CharField(_("sender"), max_length=80, blank=True)
    url = models.CharField(_("address"), max_length=200, blank=True)
    username = models.CharField(_("user name"), max_length=80, blank=True)
    password = models.CharField(_("password"), max_length=120, blank=True)
    # Kannel's status page (bearerbox admin, status.xml with its password): what tells the
    # outbox that nothing accepted is still in flight (comms.gateways.Kannel.settled).
    status_url = models.CharField(_("status page"), max_length=250, blank=True)
    history = HistoricalRecords(excluded_fields=["password", "status_url"])

    class Meta:
        verbose_name = _("gateway")
        verbose_name_plural = _("gateways")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def channel(self) -> str:
        return Channel.EMAIL if self.kind == self.Kind.SMTP else Channel.SMS


class MessageTemplate(models.Model):
    """An SMS or a letter with `{placeholders}` (comms.placeholders), and when it goes."""

    # Set on the templates shipped with the product (comms/standard.py), so that installing
    # them again finds them after the operator has edited them; the code that sends a message
    # on an event names its template by it.
    code = models.SlugField(_("code"), max_length=64, unique=True, null=True, blank=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    trigger = models.CharField(_("when it goes"), max_length=250, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    # A shipped text that promises what only the operator's contract can say (a fee, a term,
    # when a debt ends the contract): flagged "adapt before use" until the operator edits it.
    needs_review = models.BooleanField(_("adapt before use"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("message template")
        verbose_name_plural = _("message templates")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="email") | Q(subject=""), name="template_sms_has_no_subject"
            ),
        ]

    def __str__(self) -> str:
        return self.name


# -- contact rules (docs/comms.md, Contact rules) ------------------------------------------------
class ContactKind(models.TextChoices):
    CALL = "call", _("Call")
    MESSAGE = "message", _("Message")


class ContactPolicy(models.Model):
    """The rules for one purpose and kind of contact: the allowed hours on working days and on
    days off, in the subscriber's local time, the limits, and whether an opt-out stops it."""

    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    workday_from = models.TimeField(_("working days, from"))
    workday_to = models.TimeField(_("working days, until"))
    dayoff_from = models.TimeField(_("days off, from"))
    dayoff_to = models.TimeField(_("days off, until"))
    per_day = models.PositiveSmallIntegerField(_("at most a day"), null=True, blank=True)
    per_week = models.PositiveSmallIntegerField(_("at most in 7 days"), null=True, blank=True)
    per_month = models.PositiveSmallIntegerField(_("at most in 30 days"), null=True, blank=True)
    respects_opt_out = models.BooleanField(_("stopped by an opt-out"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact rule")
        verbose_name_plural = _("contact rules")
        ordering = ["purpose", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "kind"], name="contact_policy_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()}: {self.get_kind_display()}"


class CalendarDay(models.Model):
    """A date the country's public holidays get wrong for the operator: a day off moved to a
    weekday, or a Saturday made a working day."""

    date = models.DateField(_("date"), unique=True)
    working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return str(self.date)


class OptOut(models.Model):
    """A subscriber who asked for no marketing: by an incoming STOP or a flag on the card."""

    class Source(models.TextChoices):
        STOP = "stop", _("STOP message")
        CARD = "card", _("Card")

    subscriber = models.OneToOneField(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="opt_out",
        verbose_name=_("subscriber"),
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")


class Consent(models.Model):
    """A subscriber's prior consent to advertising on one channel (Federal Law 38-FZ "On
    Advertising", art. 18): an advertising SMS, letter or call goes only to those who gave it
    and have not withdrawn it; an opt-out is not enough. Service messages need none."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        CALL = "call", _("Calls")

    class Source(models.TextChoices):
        BILLING = "billing", _("Billing import")
        CONTRACT = "contract", _("Signed contract or application")
        CALL = "call", _("Recorded call")
        WEB = "web", _("Web form")
        CARD = "card", _("Entered on the card")

    class Withdrawal(models.TextChoices):
        STOP = "stop", _("STOP message")
        CARD = "card", _("Withdrawn on the card")
        BILLING = "billing", _("Billing import")

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="consents",
        db_index=False,  # consent_unique starts with it
        verbose_name=_("subscriber"),
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    given_at = models.DateTimeField(_("given"))
    source = models.CharField(_("how"), max_length=10, choices=Source.choices)
    given_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)  # the document, the call
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawal = models.CharField(
        _("withdrawn how"), max_length=10, choices=Withdrawal.choices, blank=True
    )
    withdrawn_by = models.ForeignKey(
        "auth.User",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("consent to advertising")
        verbose_name_plural = _("consents to advertising")
        constraints = [
            models.UniqueConstraint(fields=["subscriber", "channel"], name="consent_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber_id}: {self.get_channel_display()}"

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None


class Contact(models.Model):
    """A call or a message made or planned, counted by the limits: the outbox and the call
    log write one for each as it is planned."""

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,  # contact_counted starts with it
    )
    kind = models.CharField(max_length=8, choices=ContactKind.choices)
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    at = models.DateTimeField()
    local_date = models.DateField()  # the subscriber's date of `at`, which the limits count
    # Planned by a campaign: a cancelled campaign gives its contacts not yet made back.
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(
                fields=["subscriber", "kind", "purpose", "local_date"], name="contact_counted"
            ),
        ]


class ContactRefusal(models.Model):
    """Each contact the rules refused or moved, with the reason."""

    class Decision(models.TextChoices):
        DEFERRED = "deferred", _("Deferred")
        REFUSED = "refused", _("Refused")

    class Reason(models.TextChoices):
        QUIET_HOURS = "quiet_hours", _("Quiet hours")
        DAY_LIMIT = "day_limit", _("Limit a day")
        WEEK_LIMIT = "week_limit", _("Limit in 7 days")
        MONTH_LIMIT = "month_limit", _("Limit in 30 days")
        OPT_OUT = "opt_out", _("Opted out")
        NO_CONSENT = "no_consent", _("No consent to advertising")
        NO_TIME = "no_time", _("No allowed time")

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("subscriber"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=ContactKind.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    decision = models.CharField(_("decision"), max_length=8, choices=Decision.choices)
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    asked_at = models.DateTimeField(_("asked for"))
    until = models.DateTimeField(_("moved to"), null=True, blank=True)
    created_at = models.DateTimeField(_("logged"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact refused or deferred")
        verbose_name_plural = _("contacts refused or deferred")
        indexes = [models.Index(fields=["created_at"], name="contact_refusal_logged")]


# -- campaigns ---------------------------------------------------------------------------------
class Campaign(models.Model):
    """A message to many: a segment or a list of accounts, a template, when and how fast."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        LAUNCHING = "launching", _("Being launched")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=120)
    # A template sends SMS or letters; a script instead makes the campaign a call list
    # (comms.CallList) that operators work through.
    template = models.ForeignKey(
        MessageTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template"),
    )
    script = models.ForeignKey(
        "comms.Script",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("script"),
    )
    segment = models.ForeignKey(
        "segments.Segment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("segment"),
    )
    # Or a list: accounts or phones, one a line (pasted, or read from an uploaded file).
    accounts = models.TextField(_("accounts or phones"), blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)  # {offer}, {link}, …
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    per_minute = models.PositiveIntegerField(_("at most a minute"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)  # at launch
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    launched_at = models.DateTimeField(_("launched"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["counts"])

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(template__isnull=False, script__isnull=True)
                | Q(template__isnull=True, script__isnull=False),
                name="campaign_template_or_script",
            )
        ]

    def __str__(self) -> str:
        return self.name


# -- outbox ----------------------------------------------------------------------------------------
class Message(models.Model):
    """The outbox: a message to a subscriber (or any number or address), written in the same
    transaction as the business event that causes it and handed to its gateway by the workers
    (comms.outbox): at most once, and none lost."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DEFERRED = "deferred", _("Deferred")
        SENDING = "sending", _("Being handed over")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")

    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # message_subscriber (subscriber, created_at) serves it
        verbose_name=_("subscriber"),
    )
    to = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    parts = models.PositiveSmallIntegerField(_("parts"), default=1)
    # Not indexed: nothing looks messages up by them, and a launch writes 100,000 at once.
    template = models.ForeignKey(
        MessageTemplate,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    gateway = models.ForeignKey(
        Gateway, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    not_before = models.DateTimeField(_("not before"))
    expires_at = models.DateTimeField(_("expires"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.CharField(_("error"), max_length=300, blank=True)
    claim = models.CharField(max_length=40, blank=True)  # the worker handing it over now
    claimed_at = models.DateTimeField(null=True, blank=True)
    # When its worker began to hand it to a gateway that cannot say afterwards what it holds
    # (SMPP, SMTP): a worker that died after this may have handed it over (comms.outbox).
    handing_at = models.DateTimeField(null=True, blank=True)
    gateway_ref = models.CharField(max_length=80, blank=True)
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    handed_at = models.DateTimeField(_("handed over"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [
            models.Index(fields=["status", "not_before"], name="message_due"),
            models.Index(fields=["subscriber", "created_at"], name="message_subscriber"),
            # An SMPP receipt names the message by the SMSC's id.
            models.Index(
                fields=["gateway_ref"], name="message_gateway_ref", condition=~Q(gateway_ref="")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to}"


class IncomingMessage(models.Model):
    """What a subscriber wrote to the operator's number (Kannel passes it on, comms.views.mo):
    "STOP" stops marketing."""

    sender = models.CharField(_("from"), max_length=32)
    receiver = models.CharField(_("to"), max_length=32, blank=True)
    text = models.TextField(_("text"))
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("subscriber"),
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("incoming message")
        verbose_name_plural = _("incoming messages")


# -- event messages (3.4.16: each template's trigger) ---------------------------------------------
class TriggerSetting(models.Model):
    """Whether an event's message (comms.triggers) goes in a branch, and its parameters there:
    how many days before, the values only the operator knows (a birthday's {offer})."""

    trigger = models.CharField(_("event"), max_length=40)
    branch = models.ForeignKey(
        "core.Branch", on_delete=models.CASCADE, related_name="+", verbose_name=_("branch")
    )
    enabled = models.BooleanField(_("on"), default=True)
    days = models.PositiveSmallIntegerField(_("days"), null=True, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("event message setting")
        verbose_name_plural = _("event message settings")
        constraints = [
            models.UniqueConstraint(fields=["trigger", "branch"], name="trigger_setting_unique"),
        ]


class TriggerFiring(models.Model):
    """An event's message, once: (trigger, key) is unique, so one event (a payment, a
    connection, a birthday of a year, an outage) never sends its message twice."""

    trigger = models.CharField(max_length=40)
    key = models.CharField(max_length=120)
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    message = models.ForeignKey(
        Message, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=200, blank=True)  # why no message went
    fired_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["trigger", "key"], name="trigger_firing_unique"),
        ]


class Outage(models.Model):
    """Planned or emergency works in some buildings or streets, entered once: everyone
    affected gets the message within the contact rules, and "restored" when it is over."""

    class Kind(models.TextChoices):
        PLANNED = "planned", _("Planned works")
        EMERGENCY = "emergency", _("Emergency")

    class State(models.TextChoices):
        OPEN = "open", pgettext_lazy("outage", "Open")
        RESTORED = "restored", _("Restored")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    branch = models.ForeignKey(
        "core.Branch", on_delete=models.PROTECT, related_name="+", verbose_name=_("branch")
    )
    title = models.CharField(_("what"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("expected end"), null=True, blank=True)
    buildings = models.ManyToManyField(
        "subscribers.Building", blank=True, related_name="+", verbose_name=_("buildings")
    )
    streets = models.ManyToManyField(
        "subscribers.Street", blank=True, related_name="+", verbose_name=_("streets")
    )
    note = models.TextField(_("note"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    created_by = models.ForeignKey(
        "auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["counts"])

    class Meta:
        verbose_name = _("outage or planned works")
        verbose_name_plural = _("outages and planned works")
        ordering = ["-starts_at"]

    def __str__(self) -> str:
        return self.title

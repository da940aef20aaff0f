"""Communications: message templates and the gateways that carry them (3.4.16; DESIGN.md,
Messaging)."""

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
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
    history = HistoricalRecords(excluded_fields=["password"])

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

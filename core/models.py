"""Shared kernel data: branches with their time zones and currencies, background jobs."""

import zoneinfo

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history import register as register_history
from simple_history.models import HistoricalRecords


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone: %(tz)s"), params={"tz": value})


class Currency(models.TextChoices):
    RUB = "RUB", _("Russian rouble")
    KZT = "KZT", _("Kazakh tenge")
    BYN = "BYN", _("Belarusian rouble")
    UZS = "UZS", _("Uzbek sum")
    KGS = "KGS", _("Kyrgyz som")
    AMD = "AMD", _("Armenian dram")


class Branch(models.Model):
    """A branch (филиал) of the operator: its own time zone and currency."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Moscow", validators=[validate_time_zone]
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=Currency.choices, default=Currency.RUB
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Job(models.Model):
    """A long-running piece of work (import, export, report) with a progress bar."""

    class Kind(models.TextChoices):
        BILLING_IMPORT = "billing_import", _("Billing import")
        REPORT_EXPORT = "report_export", _("Report export")
        REGISTRY_EXPORT = "registry_export", _("List download")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(_("stage"), max_length=200, blank=True)
    progress = models.PositiveIntegerField(_("progress, %"), default=0)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="job_progress_le_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class StaffProfile(models.Model):
    """A member of staff's place in the operator: the branches whose rows they see. The roles
    are the user's groups (core.roles)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name=_("user"),
    )
    branches = models.ManyToManyField(
        Branch, blank=True, related_name="staff", verbose_name=_("branches")
    )
    all_branches = models.BooleanField(
        _("all branches"),
        default=False,
        help_text=_("Sees the rows of every branch, including branches added later."),
    )
    history = HistoricalRecords(m2m_fields=[branches])

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return str(self.user)


class RegistryPreference(models.Model):
    """The columns a user chose for a registry."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    registry = models.CharField(max_length=64)
    columns = models.JSONField(default=list)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "registry"], name="registry_pref_unique")
        ]


class SavedFilter(models.Model):
    """A user's named filter of a registry (the page's query string)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    registry = models.CharField(max_length=64)
    name = models.CharField(_("name"), max_length=120)
    query = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "registry", "name"], name="saved_filter_unique")
        ]

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """Who looked at what: a subscriber card opened, personal data revealed. (Changes to
    editable data are kept by django-simple-history on the models themselves.)"""

    class Action(models.TextChoices):
        CARD_OPENED = "card_opened", _("Card opened")
        PERSONAL_DATA_REVEALED = "pd_revealed", _("Personal data revealed")

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("user"),
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    branch = models.ForeignKey(
        Branch,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("branch"),
    )
    address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.get_action_display()}: {self.object_repr}"


class DocumentTemplate(models.Model):
    """The operator's Word template for a document code (core.documents); without one, the
    shipped default is used."""

    code = models.CharField(_("document"), max_length=64, unique=True)
    file = models.FileField(_("Word template"), upload_to="documents/templates/")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


# Who changed a user — the name, the e-mail, active or blocked, the roles (groups) — and when,
# kept as for the other editable models. Not the password hash, not the time of each login.
_User = django_apps.get_model(settings.AUTH_USER_MODEL, require_ready=False)
register_history(
    _User,
    app="core",
    excluded_fields=["password", "last_login"],
    m2m_fields=[_User._meta.get_field("groups")],
)

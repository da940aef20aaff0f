"""Calls made with a script (the call log) and the call lists operators work through.

A call record keeps who called whom, when, how long, the script version, the path through it
with the answers chosen, the objections met, and the result and outcome. A call list holds the
subscribers to call for one purpose with one script; an operator takes the next entry that the
contact rules allow, and a failed attempt comes back after a pause until its attempts run out."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .messaging import Campaign, Purpose
from .scripts import Objection, Script, ScriptVersion


class CallResult(models.TextChoices):
    """Whether the subscriber was reached; what was agreed is the outcome of the script."""

    REACHED = "reached", _("Reached")
    NO_ANSWER = "no_answer", _("No answer")
    BUSY = "busy", _("Busy")
    CALLBACK = "callback", _("Asked to call back")
    WRONG_NUMBER = "wrong", _("Wrong number")


class CallList(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=120)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    script = models.ForeignKey(
        Script, on_delete=models.PROTECT, related_name="call_lists", verbose_name=_("script")
    )
    # A campaign whose channel is a call list fills its list (comms.campaigns).
    campaign = models.OneToOneField(
        Campaign,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="call_list",
        verbose_name=_("campaign"),
    )
    max_attempts = models.PositiveSmallIntegerField(_("attempts at most"), default=3)
    retry_minutes = models.PositiveIntegerField(_("pause between attempts, minutes"), default=120)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("call list")
        verbose_name_plural = _("call lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CallListEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        TAKEN = "taken", _("Being called")
        CALLBACK = "callback", _("Call back")
        DONE = "done", _("Done")
        EXHAUSTED = "exhausted", _("Attempts ran out")
        REFUSED = "refused", _("Refused by the contact rules")
        CANCELLED = "cancelled", _("Cancelled")

    call_list = models.ForeignKey(
        CallList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("call list")
    )
    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.CASCADE,
        related_name="call_list_entries",
        verbose_name=_("subscriber"),
    )
    phone = models.CharField(_("phone"), max_length=32)
    # None: in the shared queue, for whoever takes the next call.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assigned to"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # Not to be called before: the next attempt, the agreed callback or the contact rules.
    not_before = models.DateTimeField(_("call from"))
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("taken by"),
    )
    taken_at = models.DateTimeField(_("taken"), null=True, blank=True)
    last_result = models.CharField(
        _("last result"), max_length=10, choices=CallResult.choices, blank=True
    )
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("call list entry")
        verbose_name_plural = _("call list entries")
        ordering = ["not_before", "id"]
        indexes = [
            models.Index(fields=["call_list", "status", "not_before"], name="entry_queue"),
            models.Index(fields=["status", "not_before"], name="entry_due"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["call_list", "subscriber"], name="entry_once_per_list")
        ]

    def __str__(self) -> str:
        return f"{self.call_list}: {self.subscriber_id}"


class Call(models.Model):
    """One call as the operator made it, with the script (comms.player)."""

    subscriber = models.ForeignKey(
        "subscribers.Subscriber",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("subscriber"),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    # The branch whose staff see the record: the subscriber's, or the operator's for a call
    # with someone who is not a subscriber yet.
    branch = models.ForeignKey(
        "core.Branch",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("branch"),
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("operator"),
    )
    script_version = models.ForeignKey(
        ScriptVersion,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("script version"),
    )
    entry = models.ForeignKey(
        CallListEntry,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="calls",
        verbose_name=_("call list entry"),
    )
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=CallResult.choices, blank=True)
    outcome = models.CharField(_("outcome"), max_length=64, blank=True)  # the end node's code
    outcome_title = models.CharField(_("outcome"), max_length=120, blank=True)
    success = models.BooleanField(_("ended well"), null=True)
    note = models.TextField(_("note"), blank=True)
    # What the outcome's action made in another block ("promise to pay #12"), or why not.
    action_result = models.CharField(_("action"), max_length=250, blank=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["-started_at", "-id"], name="call_recent"),
            models.Index(fields=["script_version", "started_at"], name="call_by_version"),
        ]

    def __str__(self) -> str:
        return f"{self.phone} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def duration(self):
        return self.ended_at - self.started_at if self.ended_at else None


class CallStep(models.Model):
    """A node the call passed, in order, with the answer chosen there."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    node = models.CharField(max_length=64)
    answer = models.CharField(max_length=250, blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["call", "order"]
        constraints = [models.UniqueConstraint(fields=["call", "order"], name="call_step_unique")]
        indexes = [models.Index(fields=["node", "call"], name="call_step_node")]


class CallObjection(models.Model):
    """An objection the subscriber raised during a call, where in the script."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="objections")
    objection = models.ForeignKey(Objection, on_delete=models.PROTECT, related_name="calls")
    node = models.CharField(max_length=64, blank=True)
    at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["call", "objection"], name="call_objection_once")
        ]

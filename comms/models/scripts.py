"""Call scripts (speech modules 2.4.1–2.4.4, scenarios 3.3.1–3.3.7) and the objection book
3.4.8.

A script's graph is data (comms.graph): nodes that say, ask or end with an outcome. The operator
edits a draft; publishing it, after the graph checks, makes a new numbered version, and a call
keeps the version it was made with, so a call record always reads against the text that was
said."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .messaging import Purpose


class Script(models.Model):
    # Set on the scripts shipped with the product (comms/standard_scripts.py) and named by
    # the code of other blocks (sales asks for "installation-reminder").
    code = models.SlugField(_("code"), max_length=64, unique=True, null=True, blank=True)
    number = models.CharField(_("catalog number"), max_length=12, blank=True)  # "3.3.1"
    name = models.CharField(_("name"), max_length=120, unique=True)
    purpose = models.CharField(_("purpose"), max_length=12, choices=Purpose.choices)
    description = models.TextField(_("when it is used"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    # A shipped script that promises what only the operator can say: until it is edited.
    needs_review = models.BooleanField(_("adapt before use"), default=False)
    # The graph being edited; published as a ScriptVersion once it passes the checks.
    draft = models.JSONField(_("draft"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("call script")
        verbose_name_plural = _("call scripts")
        ordering = ["number", "name"]

    def __str__(self) -> str:
        return f"{self.number} {self.name}".strip()


class ScriptVersion(models.Model):
    """A published, never changed graph of a script."""

    script = models.ForeignKey(
        Script, on_delete=models.CASCADE, related_name="versions", verbose_name=_("script")
    )
    number = models.PositiveIntegerField(_("version"))
    graph = models.JSONField(_("graph"))
    note = models.CharField(_("what changed"), max_length=250, blank=True)
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )

    class Meta:
        verbose_name = _("script version")
        verbose_name_plural = _("script versions")
        ordering = ["script", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["script", "number"], name="script_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.script} v{self.number}"


class ObjectionCategory(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=120)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("objection category")
        verbose_name_plural = _("objection categories")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Objection(models.Model):
    """What a subscriber says against (“it is expensive”), with the answers that work."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    category = models.ForeignKey(
        ObjectionCategory,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("category"),
    )
    text = models.CharField(_("objection"), max_length=250)
    # Other words subscribers use for it, which the search also finds.
    keywords = models.CharField(_("other words"), max_length=250, blank=True)
    active = models.BooleanField(_("active"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # An answer that promises what only the operator's contract can say: "adapt before use"
    # until the operator edits the objection or its answers.
    needs_review = models.BooleanField(_("adapt before use"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["category__order", "order", "text"]

    def __str__(self) -> str:
        return self.text


class ObjectionAnswer(models.Model):
    objection = models.ForeignKey(
        Objection,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("objection"),
    )
    text = models.TextField(_("answer"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("answer to an objection")
        verbose_name_plural = _("answers to objections")
        ordering = ["objection", "order", "id"]

    def __str__(self) -> str:
        return self.text[:60]

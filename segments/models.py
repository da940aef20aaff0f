"""Segments of the subscriber base: a named, shared subscriber filter that campaigns, call lists
and reports target (3.2.4; docs/segmentation.md)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

QUERY_LENGTH = 2000


class Segment(models.Model):
    name = models.CharField(_("name"), max_length=120)
    # The name case-folded, unique: "Должники" and "должники" are one name on both databases
    # (SQLite folds only ASCII letters itself).
    name_key = models.CharField(max_length=120, unique=True, editable=False)
    # Set on the standard segments (segments/standard.py), so installing them again finds them
    # even after the operator renamed them.
    code = models.SlugField(_("code"), max_length=64, unique=True, null=True, blank=True)
    description = models.TextField(_("description"), blank=True)
    # The subscriber registry's query string: its filters and `q` (no sort, page or columns).
    query = models.CharField(_("filter"), max_length=QUERY_LENGTH, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at", "name_key"])

    class Meta:
        verbose_name = _("segment")
        verbose_name_plural = _("segments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key = self.key_of(self.name)
        if "update_fields" in kwargs and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("segments:detail", kwargs={"pk": self.pk})

    @staticmethod
    def key_of(name: str) -> str:
        return " ".join(name.split()).casefold()

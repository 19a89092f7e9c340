"""Stored framework editions: the validated YAML source is the truth, the rest is for lookup."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class FrameworkEdition(models.Model):
    edition_id = models.CharField(_("edition"), max_length=64, unique=True)
    date = models.DateField(_("date"))
    title = models.JSONField(_("title"), help_text=_("language code -> title"))
    source = models.TextField(_("YAML source"))
    sha256 = models.CharField(max_length=64)
    pipeline = models.TextField(
        _("scoring pipeline"),
        blank=True,
        help_text=_("The edition's scoring pipeline file (YAML); empty: the default pipeline."),
    )
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    previous_id = models.CharField(_("previous edition"), max_length=64, blank=True)
    bundled = models.BooleanField(
        _("bundled"), default=False, help_text=_("Shipped with Safer Spaces (editions folder).")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="framework_editions",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-edition_id"]
        verbose_name = _("framework edition")
        verbose_name_plural = _("framework editions")

    def __str__(self) -> str:
        return self.edition_id

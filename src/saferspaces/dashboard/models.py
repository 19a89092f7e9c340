"""What authorities choose to share with similar authorities and the public.

The results the dashboard reads (runs, facts, peer profiles, published aggregates) belong to the
results layer (``saferspaces.results``); the dashboard reads them through its selectors.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeerSharing(models.Model):
    """What an authority agrees to share with similar authorities and the public."""

    authority = models.OneToOneField(
        "authorities.Authority", on_delete=models.CASCADE, related_name="sharing"
    )
    open_to_contact = models.BooleanField(
        _("similar authorities may contact us about our practices"), default=False
    )
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    note = models.TextField(_("what we are happy to talk about"), blank=True)
    publish_results = models.BooleanField(
        _("our scores may be shown under our name"), default=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"sharing of {self.authority_id}"

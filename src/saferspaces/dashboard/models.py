"""What authorities choose to share with similar authorities and the public.

The results the dashboard reads (runs, facts, peer profiles, published aggregates) belong to the
results layer (``saferspaces.results``); the dashboard reads them through its selectors.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

_M = TypeVar("_M", bound=models.Model)


class PeerSharingQuerySet(models.QuerySet[_M]):
    """Writes in bulk, which send no signal, make the copies of the sharing choices the
    processes keep out of date too (``dashboard.sharing``; saves and deletions: ``apps.py``)."""

    def update(self, **kwargs: Any) -> int:
        _changed()
        return super().update(**kwargs)

    def bulk_create(
        self,
        objs: Iterable[_M],
        batch_size: int | None = None,
        ignore_conflicts: bool = False,
        update_conflicts: bool = False,
        update_fields: Collection[str] | None = None,
        unique_fields: Collection[str] | None = None,
    ) -> list[_M]:
        _changed()
        return super().bulk_create(
            objs,
            batch_size=batch_size,
            ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts,
            update_fields=update_fields,
            unique_fields=unique_fields,
        )

    def bulk_update(
        self, objs: Iterable[_M], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        _changed()
        return super().bulk_update(objs, fields, batch_size=batch_size)


def _changed() -> None:
    from saferspaces.dashboard.sharing import peer_sharing_changed

    peer_sharing_changed()


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

    objects = PeerSharingQuerySet.as_manager()

    def __str__(self) -> str:
        return f"sharing of {self.authority_id}"

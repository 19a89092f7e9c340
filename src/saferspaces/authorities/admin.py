"""Admin pages of the registry (repairs by administrators; see web/admin_site). Membership of
networks is changed on the network pages, which also handle open rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils import timezone

from saferspaces.authorities.models import Authority, AuthorityUpload, Network, NutsRegion


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NutsRegion)
class NutsRegionAdmin(_ReadOnly, admin.ModelAdmin):
    """Imported with ``saferspaces import-nuts``; read only here."""

    list_display = ("code", "label", "level", "country_code")
    list_filter = ("level", "country_code")
    search_fields = ("code", "label")


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "is_demo", "created_at", "created_by", "updated_at")
    search_fields = ("name",)
    fields = (
        "name",
        "slug",
        "description",
        "is_demo",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    )
    readonly_fields = ("slug", "created_at", "created_by", "updated_at", "updated_by")

    def save_model(self, request: HttpRequest, obj: Network, form: Any, change: bool) -> None:
        now = timezone.now()
        if change:
            obj.updated_at, obj.updated_by = now, request.user  # type: ignore[assignment]
        else:
            from saferspaces.authorities.services import _network_slug

            obj.slug = _network_slug(obj.name)
            obj.created_at, obj.created_by = now, request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Authority)
class AuthorityAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "country_code",
        "kind",
        "nuts_region",
        "lau_code",
        "population",
        "is_demo",
    )
    list_filter = ("country_code", "kind", "is_demo")
    search_fields = ("name", "lau_code", "nuts_region__code")
    raw_id_fields = ("nuts_region",)
    readonly_fields = ("slug", "networks", "created_at", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # registered through the site, which checks the NUTS region and duplicates


@admin.register(AuthorityUpload)
class AuthorityUploadAdmin(_ReadOnly, admin.ModelAdmin):
    """The record of who registered which authorities from which file."""

    list_display = ("file_name", "network", "uploaded_by", "created_at", "applied_by", "applied_at")
    list_filter = ("network",)
    search_fields = ("file_name", "network__name")

"""Admin pages of people, roles and invitations (repairs by administrators; see web/admin_site)."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.models import Group
from django.http import HttpRequest

from saferspaces.accounts.models import AuthorityMembership, Invitation, NetworkCoordinator, User

# Groups are not used (roles live in accounts.permissions); a person's two-factor authenticators
# are reset as docs/operations.md says, not edited here.
admin.site.unregister(Group)
admin.site.unregister(Authenticator)


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    list_display = ("email", "full_name", "is_active", "is_superuser", "last_login")
    list_filter = ("is_active", "is_superuser")
    search_fields = ("email", "full_name")
    fields = (
        "email",
        "full_name",
        "is_active",
        "is_superuser",
        "is_staff",
        "last_login",
        "date_joined",
    )
    readonly_fields = ("last_login", "date_joined")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # people join by invitation or sign-up, never with a password set here

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: what they did stays attributed


@admin.register(AuthorityMembership)
class AuthorityMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "authority", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__email", "authority__name")
    raw_id_fields = ("user", "authority")
    readonly_fields = ("created_at",)


@admin.register(NetworkCoordinator)
class NetworkCoordinatorAdmin(admin.ModelAdmin):
    list_display = ("user", "network", "granted_by", "created_at")
    search_fields = ("user__email", "network__name")
    raw_id_fields = ("user",)
    readonly_fields = ("granted_by", "created_at")

    def save_model(
        self, request: HttpRequest, obj: NetworkCoordinator, form: Any, change: bool
    ) -> None:
        if not change:
            obj.granted_by = request.user  # type: ignore[assignment]
        super().save_model(request, obj, form, change)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read only: invitations are sent, re-sent and withdrawn from the network and authority
    pages, which e-mail the link (only a hash of it is stored)."""

    list_display = (
        "email",
        "authority",
        "network",
        "role",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "authority__name", "network__name")
    exclude = ("token_hash",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

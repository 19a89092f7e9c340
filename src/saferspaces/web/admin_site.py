"""Django's admin site, for repairs by administrators only.

Administrators (superusers) use it; everyone else is turned away, and logging in goes through the
site's own log-in page (with its two-factor authentication), never through the admin's. The
registered models live in each app's ``admin.py``: audit fields (who did what, when) are read
only, and answers and their history can be read but never changed or deleted there (they change
only through the product, which keeps their history).
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _


class SaferSpacesAdminSite(admin.AdminSite):
    site_header = _("Safer Spaces administration")
    site_title = _("Safer Spaces administration")
    index_title = _("Repairs")

    def has_permission(self, request: HttpRequest) -> bool:
        from saferspaces.accounts.permissions import can_use_admin_site  # models load after apps

        return can_use_admin_site(request.user)

    def login(self, request: HttpRequest, extra_context: object = None) -> HttpResponse:
        if self.has_permission(request):
            return redirect("admin:index")
        if request.user.is_authenticated:
            raise PermissionDenied
        from django.contrib.auth.views import redirect_to_login  # models load after apps

        return redirect_to_login(request.GET.get("next", "/admin/"))


class SaferSpacesAdminConfig(AdminConfig):
    default_site = "saferspaces.web.admin_site.SaferSpacesAdminSite"

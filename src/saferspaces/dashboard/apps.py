from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "saferspaces.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard and peers")
    default_auto_field = "django.db.models.BigAutoField"

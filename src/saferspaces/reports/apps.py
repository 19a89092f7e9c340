from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "saferspaces.reports"
    label = "reports"
    verbose_name = _("Reports and pilot analysis")
    default_auto_field = "django.db.models.BigAutoField"

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "saferspaces.frameworks"
    label = "frameworks"
    verbose_name = _("Self-assessment framework")
    default_auto_field = "django.db.models.BigAutoField"

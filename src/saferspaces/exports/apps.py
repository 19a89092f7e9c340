from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "saferspaces.exports"
    label = "exports"
    verbose_name = _("Data exports")
    default_auto_field = "django.db.models.BigAutoField"

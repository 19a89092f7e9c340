from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "saferspaces.exports"
    label = "exports"
    verbose_name = _("Data exports")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saferspaces.background.recovery import reconciler_register
        from saferspaces.exports.jobs import export_jobs_reconcile

        # the workers repair export jobs whose task was lost, and delete old files
        reconciler_register(export_jobs_reconcile)

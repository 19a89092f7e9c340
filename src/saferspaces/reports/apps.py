from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "saferspaces.reports"
    label = "reports"
    verbose_name = _("Reports and pilot analysis")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saferspaces.background.recovery import reconciler_register
        from saferspaces.reports.jobs import report_jobs_reconcile

        # the workers repair report jobs whose task was lost, after each recovery
        reconciler_register(report_jobs_reconcile)

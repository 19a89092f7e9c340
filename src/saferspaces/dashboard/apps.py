from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "saferspaces.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard and peers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saferspaces.assessments.models import Assessment
        from saferspaces.dashboard.signals import assessment_state_copy

        post_save.connect(
            assessment_state_copy, sender=Assessment, dispatch_uid="dashboard-peer-state"
        )

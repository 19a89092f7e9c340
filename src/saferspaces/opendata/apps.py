from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "saferspaces.opendata"
    label = "opendata"
    verbose_name = _("Open data")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from saferspaces.background.recovery import reconciler_register
        from saferspaces.opendata.import_repairs import import_runs_reconcile

        # the workers repair import runs whose worker or process stopped, after each recovery
        reconciler_register(import_runs_reconcile)

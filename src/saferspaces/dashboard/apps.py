from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "saferspaces.dashboard"
    label = "dashboard"
    verbose_name = _("Dashboard and peers")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from saferspaces.dashboard.models import PeerSharing
        from saferspaces.dashboard.sharing import sharing_follow_change

        # the sharing choices each process keeps (dashboard.sharing) are out of date after any
        # save or deletion (the service's, an authority's deletion; bulk writes: models.py)
        post_save.connect(
            sharing_follow_change, sender=PeerSharing, dispatch_uid="dashboard-sharing-saved"
        )
        post_delete.connect(
            sharing_follow_change, sender=PeerSharing, dispatch_uid="dashboard-sharing-deleted"
        )

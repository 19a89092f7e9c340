from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "saferspaces.results"
    label = "results"
    verbose_name = _("Results")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from saferspaces.assessments.hooks import transition_hook_register
        from saferspaces.assessments.models import Assessment
        from saferspaces.results.hooks import results_follow_deletion, results_follow_transition

        # the workflow (collection) does not import the results layer: it calls this hook
        transition_hook_register(name="results", hook=results_follow_transition)
        # an assessment's peer profile goes with it (on_delete=CASCADE, which also deletes
        # the assessments of a deleted authority; a round with assessments cannot be deleted)
        post_delete.connect(
            results_follow_deletion, sender=Assessment, dispatch_uid="results-assessment-deleted"
        )

from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "saferspaces.scoring"
    label = "scoring"
    verbose_name = "Scoring"
    default_auto_field = "django.db.models.BigAutoField"

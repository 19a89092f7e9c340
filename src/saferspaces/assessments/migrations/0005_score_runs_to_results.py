"""The result runs (``ScoreRun``) belong to the results layer now (``results.ResultRun``): only
the migration state leaves; the table and its rows stay, renamed by ``results.0002``."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_round_closing"),
        ("dashboard", "0005_results_layer"),
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ScoreRun")],
            database_operations=[],
        ),
    ]

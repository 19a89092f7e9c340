"""The results layer takes over the result runs (``assessments.ScoreRun``) and the published
aggregates (``dashboard.PublishedAggregate``) with their rows: only the migration state moves
here; their tables are renamed by ``0002``."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("assessments", "0004_round_closing"),
        ("dashboard", "0004_published_accepted_count"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ResultRun",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("edition_id", models.CharField(max_length=64)),
                        ("pipeline_name", models.CharField(max_length=200)),
                        ("pipeline_sha256", models.CharField(max_length=64)),
                        ("trigger", models.CharField(max_length=20)),
                        ("state", models.CharField(max_length=20)),
                        ("units", models.PositiveIntegerField(default=1)),
                        ("result", models.JSONField()),
                        ("computed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "assessment",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="result_runs",
                                to="assessments.assessment",
                            ),
                        ),
                        (
                            "computed_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"ordering": ["-computed_at", "-id"], "db_table": "assessments_scorerun"},
                ),
                migrations.CreateModel(
                    name="PublishedAggregate",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("node", models.CharField(max_length=64)),
                        ("kind", models.CharField(max_length=20)),
                        ("n", models.PositiveIntegerField()),
                        ("q1", models.FloatField()),
                        ("median", models.FloatField()),
                        ("q3", models.FloatField()),
                        ("gap_counts", models.JSONField(default=dict)),
                        ("accepted", models.PositiveIntegerField(blank=True, null=True)),
                        ("participants", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "published_at",
                            models.DateTimeField(default=django.utils.timezone.now),
                        ),
                        (
                            "published_by",
                            models.ForeignKey(
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "round",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="published",
                                to="assessments.round",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "dashboard_publishedaggregate",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("round", "node", "kind"),
                                name="published_aggregate_unique",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]

"""Result runs of every result model, the long-form fact index and the peer profiles.

The tables taken over in ``0001`` are renamed. Each run's engine document (``result``) becomes
the unit's explanation, the meta of its computation and its packed facts (the measures the old
score index held: ``score``, ``perception``, ``status``, ``coverage``, ``gap`` per dimension,
and ``score`` per indicator), computed here from the document itself so that this migration does
not depend on the code of later versions. The index and the profiles start empty: run
``saferspaces results rebuild`` after migrating (docs/operations.md, "Upgrading").
"""

import django.db.models.deletion
from django.db import migrations, models

OVERALL = "_OVERALL"
EXPLANATION_FORMAT = "saferspaces-result-explanation/1"
FIELDS = ["node", "measure", "category", "instance", "value", "parent", "depth", "coverage", "n"]
FIELDS.append("reason")
MISSING = ("dont_know", "not_collected", "unanswered", "unscorable")
BATCH = 200


def _applicable(availability):
    return availability.get("answered", 0) + sum(availability.get(k, 0) for k in MISSING)


def _share(availability):
    applicable = _applicable(availability)
    return availability.get("answered", 0) / applicable if applicable else None


def unit_facts(body):
    """The facts of one unit of an engine document, as the composite model gives them."""
    nodes = body.get("nodes", {})
    depths = {}
    for code in nodes:
        depth, current = 0, code
        while current is not None and current != OVERALL and current in nodes and depth < 20:
            depth += 1
            current = nodes[current].get("parent")
        depths[code] = depth
    rows = []
    for code, node in nodes.items():
        parent, depth = node.get("parent"), depths[code]
        for measure, key in (("score", "all"), ("perception", "perception"), ("status", "status")):
            kind = node.get(key, {})
            available = kind.get("availability", {})
            rows.append(
                [
                    code,
                    measure,
                    "",
                    "",
                    kind.get("score"),
                    parent,
                    depth,
                    _share(available),
                    available.get("answered", 0),
                    kind.get("reason"),
                ]
            )
        available = node.get("all", {}).get("availability", {})
        rows.append(
            [code, "coverage", "", "", _share(available), parent, depth, None]
            + [_applicable(available), None]
        )
        gap = node.get("gap", {})
        value = gap.get("value")
        reason = gap.get("reason") if value is None else None
        rows.append([code, "gap", "", "", value, parent, depth, None, None, reason])
    for code, indicator in body.get("indicators", {}).items():
        score = indicator.get("score")
        reason = indicator.get("reason") or (indicator.get("status") if score is None else None)
        holder = indicator.get("holder")
        rows.append(
            [code, "score", "", "", score, holder, depths.get(holder, 0) + 1, None]
            + [int(score is not None), reason]
        )
    return {"fields": list(FIELDS), "rows": rows}


def runs_split(apps, schema_editor):
    ResultRun = apps.get_model("results", "ResultRun")
    batch = []
    for run in ResultRun.objects.only("pk", "assessment_id", "result").iterator(chunk_size=BATCH):
        result = run.result if isinstance(run.result, dict) else {}
        body = result.get("units", {}).get(f"A{run.assessment_id}")
        run.meta = {k: v for k, v in result.items() if k != "units"}
        if isinstance(body, dict):
            run.explanation = {"format": EXPLANATION_FORMAT, "model": "composite", **body}
            run.facts = unit_facts(body)
        run.model = "composite"
        batch.append(run)
        if len(batch) >= BATCH:
            ResultRun.objects.bulk_update(batch, ["meta", "explanation", "facts", "model"])
            batch = []
    if batch:
        ResultRun.objects.bulk_update(batch, ["meta", "explanation", "facts", "model"])


def runs_join(apps, schema_editor):
    ResultRun = apps.get_model("results", "ResultRun")
    batch = []
    fields = ["pk", "assessment_id", "explanation", "meta"]
    for run in ResultRun.objects.only(*fields).iterator(chunk_size=BATCH):
        body = {k: v for k, v in run.explanation.items() if k not in ("format", "model")}
        units = {f"A{run.assessment_id}": body} if body else {}
        run.result = {**run.meta, "units": units}
        batch.append(run)
        if len(batch) >= BATCH:
            ResultRun.objects.bulk_update(batch, ["result"])
            batch = []
    if batch:
        ResultRun.objects.bulk_update(batch, ["result"])


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_score_runs_to_results"),
        ("authorities", "0002_registry_audit_and_uploads"),
        ("dashboard", "0005_results_layer"),
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.AlterModelTable(name="resultrun", table=None),
        migrations.AlterModelTable(name="publishedaggregate", table=None),
        migrations.AddField(
            model_name="resultrun",
            name="model",
            field=models.CharField(default="composite", max_length=32),
        ),
        migrations.AddField(
            model_name="resultrun", name="explanation", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="resultrun", name="meta", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="resultrun", name="facts", field=models.JSONField(default=dict)
        ),
        migrations.AddField(
            model_name="resultrun", name="warnings", field=models.JSONField(default=list)
        ),
        migrations.AlterField(
            model_name="resultrun",
            name="result",
            field=models.JSONField(null=True),
        ),
        migrations.RunPython(runs_split, runs_join, elidable=False),
        migrations.RemoveField(model_name="resultrun", name="result"),
        migrations.AlterField(
            model_name="resultrun",
            name="pipeline_name",
            field=models.CharField(blank=True, max_length=200),
        ),
        migrations.AlterField(
            model_name="resultrun",
            name="pipeline_sha256",
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.CreateModel(
            name="ResultFact",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("node", models.CharField(max_length=64)),
                ("measure", models.CharField(max_length=32)),
                ("category", models.CharField(blank=True, default="", max_length=64)),
                ("instance", models.CharField(blank=True, default="", max_length=200)),
                ("value", models.FloatField(null=True)),
                ("parent", models.CharField(blank=True, default="", max_length=64)),
                ("depth", models.PositiveSmallIntegerField(default=0)),
                ("coverage", models.FloatField(null=True)),
                ("n", models.PositiveIntegerField(null=True)),
                ("reason", models.CharField(blank=True, default="", max_length=64)),
                (
                    "assessment",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="authorities.authority",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.round",
                    ),
                ),
                (
                    "run",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="results.resultrun",
                    ),
                ),
            ],
            options={
                "db_table": "results_fact",
                "indexes": [
                    models.Index(
                        fields=["round", "measure", "node"],
                        include=("value", "authority", "assessment"),
                        name="result_fact_round",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("assessment", "measure", "node", "category", "instance"),
                        include=("value",),
                        name="result_fact_unique",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="PeerProfile",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("state", models.CharField(blank=True, max_length=20)),
                ("kind", models.CharField(max_length=30)),
                ("nuts_level", models.PositiveSmallIntegerField(null=True)),
                ("country", models.CharField(max_length=2)),
                ("urbanisation", models.CharField(blank=True, max_length=64)),
                ("population", models.FloatField(null=True)),
                ("density", models.FloatField(null=True)),
                ("income", models.FloatField(null=True)),
                ("sources", models.JSONField(default=dict)),
                (
                    "assessment",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="peer_profile",
                        to="assessments.assessment",
                    ),
                ),
                (
                    "authority",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="authorities.authority",
                    ),
                ),
                (
                    "round",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="assessments.round",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(
                        fields=["round", "kind", "population"],
                        include=("state", "authority", "assessment"),
                        name="peer_profile_kind_population",
                    ),
                    models.Index(fields=["round", "population"], name="peer_profile_population"),
                    models.Index(
                        fields=["round", "state"], include=("authority",), name="peer_profile_pool"
                    ),
                ],
            },
        ),
    ]

"""Peer profiles carry their assessment's top-level scores, packed (``core.dashboard.packed``):
the columns are added, then filled from the fact index that they copy; the fact index's
partial index of the top-level scores, which the peers' reads used, is dropped, and the default
peer sets' indexes carry the other criteria's facts and the packed scores."""

from typing import Any

import django.db.models.deletion
from django.db import migrations, models

BATCH = 2000
KINDS = {"score": "all", "perception": "perception", "status": "status"}
GROUP_COLUMNS = (
    "state",
    "kind",
    "nuts_level",
    "country",
    "urbanisation",
    "density",
    "income",
    "authority",
    "assessment",
    "top_nodes",
    "top_scores",
)


def fill(apps: Any, schema_editor: Any) -> None:
    from saferspaces.core.dashboard.packed import top_scores_pack

    profile_model = apps.get_model("results", "PeerProfile")
    fact_model = apps.get_model("results", "ResultFact")
    db = schema_editor.connection.alias
    ids = list(
        profile_model.objects.using(db).order_by("assessment_id").values_list(
            "assessment_id", flat=True
        )
    )
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        scores: dict[int, dict[tuple[str, str], float | None]] = {i: {} for i in batch}
        for a_id, node, measure, value in (
            fact_model.objects.using(db)
            .filter(
                assessment_id__in=batch,
                depth=1,
                category="",
                instance="",
                measure__in=list(KINDS),
            )
            .values_list("assessment_id", "node", "measure", "value")
        ):
            scores[a_id][node, KINDS[measure]] = value
        rows = list(profile_model.objects.using(db).filter(assessment_id__in=batch))
        for row in rows:
            row.top_nodes, row.top_scores = top_scores_pack(scores=scores[row.assessment_id])
        profile_model.objects.using(db).bulk_update(
            rows, ["top_nodes", "top_scores"], batch_size=500
        )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0005_score_runs_to_results"),
        ("authorities", "0002_registry_audit_and_uploads"),
        ("results", "0009_spread_snapshot"),
    ]

    operations = [
        migrations.AddField(
            model_name="peerprofile",
            name="top_nodes",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="peerprofile",
            name="top_scores",
            field=models.BinaryField(default=b""),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        # read by nobody now (the peers' quartiles and named peers read the packed scores)
        migrations.RemoveIndex(model_name="resultfact", name="result_fact_top"),
        # the peer sets' indexes carry the other criteria's facts and the packed scores: a
        # group read from them alone
        migrations.RemoveIndex(model_name="peerprofile", name="peer_profile_kind_population"),
        migrations.RemoveIndex(model_name="peerprofile", name="peer_profile_population"),
        migrations.AddIndex(
            model_name="peerprofile",
            index=models.Index(
                fields=["round", "kind", "population"],
                include=GROUP_COLUMNS,
                name="peer_profile_kind_population",
            ),
        ),
        migrations.AddIndex(
            model_name="peerprofile",
            index=models.Index(
                fields=["round", "population"],
                include=GROUP_COLUMNS,
                name="peer_profile_population",
            ),
        ),
        # an authority's profiles by round, with their packed scores (the previous round of
        # the peers to learn from), in place of the foreign key's own index
        migrations.AlterField(
            model_name="peerprofile",
            name="authority",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="authorities.authority",
            ),
        ),
        migrations.AddIndex(
            model_name="peerprofile",
            index=models.Index(
                fields=["authority", "round"],
                include=("state", "assessment", "top_nodes", "top_scores"),
                name="peer_profile_authority_round",
            ),
        ),
    ]

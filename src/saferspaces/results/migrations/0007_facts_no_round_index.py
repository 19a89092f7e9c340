"""The fact index loses its index of rounds: a round's values are read through its assessments
and the unique key of an assessment's facts (``results.rounds._round_facts``), and every round's
write no longer enters 1.41 million rows (10,000 assessments) into an index for those few
readers (docs/benchmarks.md)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0006_facts_top_index_scores_only"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="resultfact",
            name="result_fact_round",
        ),
    ]

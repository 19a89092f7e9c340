"""The score index and the peer profiles move to the results layer: they are derived data, so
their tables are dropped here and ``saferspaces results rebuild`` writes the new index from the
result runs. The published aggregates keep their rows: only their migration state leaves (the
results app took it over in ``results.0001``)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dashboard", "0004_published_accepted_count"),
        ("results", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="ScoreFact"),
        migrations.DeleteModel(name="PeerProfile"),
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="PublishedAggregate")],
            database_operations=[],
        ),
    ]

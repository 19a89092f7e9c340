"""A run's explanation is kept as its compact JSON text in a binary column
(``results.fields.CompactJSONField``): PostgreSQL no longer parses 28 kB of JSON into ``jsonb``
for every run written (docs/benchmarks.md). Existing explanations are converted in place: on
PostgreSQL from their ``jsonb`` text (the same JSON, with spaces), elsewhere copied as they are
(text, which the field reads as well as bytes)."""

from django.db import migrations, models

import saferspaces.results.fields

TABLE = "results_resultrun"


def _column(model, field):  # type: ignore[no-untyped-def]
    """``field`` as the model's explanation column, for the schema editor."""
    field.set_attributes_from_name("explanation")
    field.model = model
    return field


def _lz4(schema_editor):  # type: ignore[no-untyped-def]
    """Compressed with LZ4 as before (a new type loses the column's setting), where the server
    has it (0003)."""
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' "
            "AND enumvals::text LIKE '%%lz4%%'"
        )
        if cursor.fetchone() is not None:
            cursor.execute(f'ALTER TABLE "{TABLE}" ALTER COLUMN "explanation" SET COMPRESSION lz4')


def _postgresql_retype(schema_editor, sql_type: str, using: str) -> None:  # type: ignore[no-untyped-def]
    schema_editor.execute(
        f'ALTER TABLE "{TABLE}" ALTER COLUMN "explanation" TYPE {sql_type} USING {using}'
    )
    _lz4(schema_editor)


def _forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        _postgresql_retype(schema_editor, "bytea", "convert_to(\"explanation\"::text, 'UTF8')")
        return
    model = apps.get_model("results", "ResultRun")
    new = _column(model, saferspaces.results.fields.CompactJSONField(default=dict))
    schema_editor.alter_field(model, model._meta.get_field("explanation"), new)


def _backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        _postgresql_retype(schema_editor, "jsonb", "convert_from(\"explanation\", 'UTF8')::jsonb")
        return
    # bytes back to text first: a JSON column checks its values with JSON_VALID, which
    # refuses a blob
    schema_editor.execute(f'UPDATE "{TABLE}" SET "explanation" = CAST("explanation" AS TEXT)')
    model = apps.get_model("results", "ResultRun")
    old = _column(model, saferspaces.results.fields.CompactJSONField(default=dict))
    schema_editor.alter_field(model, old, _column(model, models.JSONField(default=dict)))


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0007_facts_no_round_index"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(_forwards, _backwards)],
            state_operations=[
                migrations.AlterField(
                    model_name="resultrun",
                    name="explanation",
                    field=saferspaces.results.fields.CompactJSONField(default=dict),
                ),
            ],
        ),
    ]

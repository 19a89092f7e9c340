"""The big tables of a round's export read the database a batch of units at a time: one query
per batch of answers (and three per batch of indicators) whatever the number of assessments,
read while the file streams, never one query per authority."""

from __future__ import annotations

import math
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from saferspaces.assessments.models import Answer, Assessment
from saferspaces.core.exports import table_csv_chunks
from saferspaces.exports.selectors import round_export


def _queries(round_: Any, table: str, batch_units: int | None = None) -> tuple[int, int]:
    """Queries made while ``table`` of ``round_``'s export is written in full (after the export
    was read), and the CSV's data rows."""
    export = round_export(round_=round_)
    if batch_units is not None:
        export.batch_units = batch_units
    with CaptureQueriesContext(connection) as ctx:
        body = b"".join(table_csv_chunks(table=export.table(table), chunk_rows=50))
    return len(ctx.captured_queries), body.count(b"\n") - 1


def test_queries_do_not_grow_with_the_assessments(export_round: Any) -> None:
    units = Assessment.objects.filter(round=export_round).count()
    assert units >= 6
    assert Answer.objects.filter(assessment__round=export_round).exists()
    before = {t: _queries(export_round, t) for t in ("answers", "idata")}
    assert before["answers"][1] >= units * 100  # every unit x question
    # half the round's authorities left out (the test's transaction puts them back)
    keep = list(
        Assessment.objects.filter(round=export_round).order_by("pk").values_list("pk", flat=True)
    )[: units // 2]
    Assessment.objects.filter(round=export_round).exclude(pk__in=keep).delete()
    after = {t: _queries(export_round, t) for t in ("answers", "idata")}
    assert after["answers"][1] < before["answers"][1]
    assert after["answers"][0] == before["answers"][0] <= 1
    assert after["idata"][0] == before["idata"][0] <= 3


def test_answers_are_read_a_batch_of_units_at_a_time(export_round: Any) -> None:
    units = Assessment.objects.filter(round=export_round).count()
    queries, rows = _queries(export_round, "answers", batch_units=2)
    assert queries == math.ceil(units / 2)
    # the file streams while it is read: its first chunk needs the first batch only
    export = round_export(round_=export_round)
    export.batch_units = 2
    chunks = table_csv_chunks(table=export.table("answers"), chunk_rows=50)
    with CaptureQueriesContext(connection) as ctx:
        first = next(chunks)
    assert len(ctx.captured_queries) == 1
    assert first.count(b"\n") == 51  # the header and 50 rows
    assert sum(c.count(b"\n") for c in chunks) == rows - 50

"""Reading the answers of many assessments at once (a round's results, exports): plain values
through the database's chunked cursor, without model instances or Django's per-row converters.

A round of 10,000 assessments of the first edition holds about 1.1 million answers; read as
model rows (``values_list``), their converters cost more than the computation that uses them.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from django.db import connections, router

from saferspaces.assessments.models import Answer, IndividualAnswer

#: rows fetched from the server-side cursor at a time
FETCH_ROWS = 20_000
#: assessments whose answers one query reads
IDS_PER_QUERY = 1000
#: decoded answer values a reader keeps (the same texts come back again and again)
DECODED_KEPT = 4096


@functools.lru_cache(maxsize=4096)
def json_value(text: str) -> Any:
    """A stored JSON value decoded (the same few thousand texts come back again and again:
    yes, no, the choices)."""
    return json.loads(text)


def json_cell(value: Any) -> Any:
    """A JSON column's value as a raw cursor hands it over (text on PostgreSQL and SQLite;
    Django decodes it for model reads), decoded."""
    return json_value(value) if isinstance(value, str) else value


def _rows(
    model: type[Answer] | type[IndividualAnswer],
    *,
    assessment_ids: Sequence[int],
    codes: Collection[str] | None,
    answered_only: bool,
    fields: tuple[str, ...],
) -> Iterator[tuple[Any, ...]]:
    connection = connections[router.db_for_read(model)]
    for start in range(0, len(assessment_ids), IDS_PER_QUERY):
        qs = model.objects.filter(assessment_id__in=assessment_ids[start : start + IDS_PER_QUERY])
        if codes is not None:
            qs = qs.filter(code__in=sorted(codes))
        if answered_only:
            qs = qs.filter(status="answered")
        sql, params = qs.order_by().values_list(*fields).query.sql_with_params()
        with connection.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while chunk := cursor.fetchmany(FETCH_ROWS):
                yield from chunk


def answer_fields_read(
    *, assessment_ids: Sequence[int], fields: tuple[str, ...]
) -> Iterator[tuple[Any, ...]]:
    """``fields`` of the agreed answers of ``assessment_ids`` as the database gives them (JSON
    columns as text: :func:`json_cell` decodes them)."""
    return _rows(
        Answer, assessment_ids=assessment_ids, codes=None, answered_only=False, fields=fields
    )


def answer_values_read(
    *, assessment_ids: Sequence[int], codes: Collection[str] | None = None
) -> Iterator[tuple[int, str, str, Any]]:
    """(assessment id, code, status, value) of the agreed answers of ``assessment_ids`` (only
    those of ``codes`` when given), value decoded; one query per
    :data:`IDS_PER_QUERY` assessments."""
    decoded: dict[str, Any] = {}  # as json_value, without a call per answer (1.1 million)
    for a_id, code, status, value in _rows(
        Answer,
        assessment_ids=assessment_ids,
        codes=codes,
        answered_only=False,
        fields=("assessment_id", "code", "status", "value"),
    ):
        if value.__class__ is str:
            try:
                value = decoded[value]
            except KeyError:
                if len(decoded) >= DECODED_KEPT:
                    decoded.clear()
                text = value
                value = decoded[text] = json_value(text)
        yield a_id, code, status, value


def individual_values_read(
    *, assessment_ids: Sequence[int], codes: Collection[str] | None = None
) -> Iterator[tuple[int, str, Any]]:
    """(assessment id, code, value) of the individual answers given (status ``answered``) in
    ``assessment_ids``, value decoded."""
    for a_id, code, value in _rows(
        IndividualAnswer,
        assessment_ids=assessment_ids,
        codes=codes,
        answered_only=True,
        fields=("assessment_id", "code", "value"),
    ):
        yield a_id, code, json_cell(value)

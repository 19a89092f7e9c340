"""A round's spread kept between computations, so that one submission does not read the
data_driven answers of every member of its round (1.6 million answers in a round of 100,000):

- ``SpreadSnapshot``: the members' spread, read back for exactly the set of members it was read
  from (one row), combined with the submission's own (``core.assessment.round_spread_combine``);
- ``SpreadRow``: each member's row of values (``core.assessment.round_spread_rows``), read back
  for the members that did not change since it was read, when the set changed (a member
  returned, resubmitted or recomputed): only the changed members' answers are read, and the
  spread is that of all the rows (``core.assessment.round_spread_of_rows``).

The digest of a set, and a row's stamp, are taken from the members' rows *before* their answers
are read: a member that changes in between moves its ``updated_at``, so a snapshot or a row may
be labelled older than the answers it was read from (a label never read again), never newer.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from django.db import IntegrityError, connections, transaction
from django.db.models import F, QuerySet

from saferspaces.core.assessment import EditionPipeline, RoundSpread
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.results.index import rows_insert
from saferspaces.results.models import SpreadRow, SpreadSnapshot
from saferspaces.results.sql import AnyOf, binary_cursor

#: a member as the digest reads it: (assessment id, edition id, last change)
Member = tuple[int, int, dt.datetime]


def members_read(*, members: QuerySet[Any]) -> list[Member]:
    """The members of a query of assessments as the digest reads them (in binary on
    PostgreSQL: a round of 100,000 members' times were a quarter of a second of parsing)."""
    query = members.order_by().values_list("pk", "edition_id", "updated_at")
    connection = connections[query.db]
    if connection.vendor != "postgresql":
        return list(query)
    sql, params = query.query.sql_with_params()
    with binary_cursor(connection) as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()  # type: ignore[no-any-return]


def members_digest(*, members: Iterable[Member]) -> str:
    """The digest of a set of members (in any order)."""
    digest = hashlib.sha256()
    for pk, edition_id, changed in sorted(members):
        digest.update(f"{pk}:{edition_id}:{changed.isoformat()};".encode())
    return digest.hexdigest()


def spread_snapshot_get(
    *,
    round_id: int,
    edition: FrameworkEdition,
    pipeline: EditionPipeline,
    digest: str,
) -> RoundSpread | None:
    """The kept spread of the members with ``digest`` (None when none is kept for them)."""
    row = SpreadSnapshot.objects.filter(
        round_id=round_id,
        edition_id=edition.pk,
        pipeline_sha256=pipeline.sha256,
        edition_sha256=edition.sha256,
        members=digest,
    ).first()
    if row is None:
        return None
    return RoundSpread(
        n_units=row.n_units,
        columns={code: (int(n), lo, hi) for code, (n, lo, hi) in row.columns.items()},
        min_units=pipeline.options.min_units_data_driven,
    )


def _storable(spread: RoundSpread) -> bool:
    """JSON keeps finite numbers only (an infinite end is not kept: read again next time)."""
    return all(
        v is None or math.isfinite(v) for _n, lo, hi in spread.columns.values() for v in (lo, hi)
    )


def spread_snapshot_put(
    *,
    round_id: int,
    edition: FrameworkEdition,
    pipeline: EditionPipeline,
    digest: str,
    spread: RoundSpread,
    now: dt.datetime,
) -> bool:
    """Keep ``spread`` as the spread of the members with ``digest`` (replacing the round's
    previous one for this edition and pipeline); False when it cannot be kept."""
    if not _storable(spread) or spread.min_units != pipeline.options.min_units_data_driven:
        return False
    values: dict[str, Any] = {
        "edition_sha256": edition.sha256,
        "members": digest,
        "n_units": spread.n_units,
        "columns": {code: [n, lo, hi] for code, (n, lo, hi) in spread.columns.items()},
        "computed_at": now,
    }
    try:
        with transaction.atomic():
            SpreadSnapshot.objects.update_or_create(
                round_id=round_id,
                edition_id=edition.pk,
                pipeline_sha256=pipeline.sha256,
                defaults=values,
            )
    except IntegrityError:  # another worker kept one at the same moment: theirs stays
        return False
    return True


#: a kept row: the assessment's stamp when it was read, its values packed (little-endian
#: doubles: bytes, which the garbage collector does not traverse, for the 100,000 rows a round
#: holds while it is computed)
Kept = tuple[dt.datetime, bytes]


def spread_row_pack(values: Sequence[float]) -> bytes:
    return np.asarray(values, dtype="<f8").tobytes()


def spread_row_unpack(packed: bytes) -> list[float]:
    return np.frombuffer(packed, dtype="<f8").tolist()  # type: ignore[no-any-return]


def spread_rows_get(
    *, round_id: int, edition: FrameworkEdition, pipeline: EditionPipeline, width: int
) -> dict[int, Kept]:
    """The kept rows of a round's assessments for this edition and pipeline (assessment ->
    (stamp, packed values)); a row of another width than ``width`` is not returned."""
    query = (
        SpreadRow.objects.filter(
            round_id=round_id,
            edition_id=edition.pk,
            edition_sha256=edition.sha256,
            pipeline_sha256=pipeline.sha256,
        )
        .order_by()
        .values_list("assessment_id", "stamp", "values")
    )
    connection = connections[query.db]
    if connection.vendor == "postgresql":
        # in binary (100,000 rows of a round of 100,000; the stamps come as the ORM's, aware)
        sql, params = query.query.sql_with_params()
        with binary_cursor(connection) as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    else:
        rows = list(query)
    size = 8 * width
    return {pk: (stamp, bytes(values)) for pk, stamp, values in rows if len(values) == size}


#: the columns of a kept row as written
ROW_COLUMNS = (
    "assessment_id",
    "round_id",
    "edition_id",
    "edition_sha256",
    "pipeline_sha256",
    "stamp",
    "values",
)


def spread_rows_put(
    *,
    round_id: int,
    edition: FrameworkEdition,
    pipeline: EditionPipeline,
    rows: dict[int, Kept],
    clear_round: bool = False,
) -> bool:
    """Keep ``rows`` (assessment -> (stamp, packed values)) for this edition and pipeline,
    replacing those assessments' rows (``clear_round``: every row of the round for this
    edition, as a round's computation replaces them all); False when another computation kept
    some of them at the same moment (theirs stay: a row is only ever a shortcut)."""
    if not rows and not clear_round:
        return True
    head = (round_id, edition.pk, edition.sha256, pipeline.sha256)
    try:
        with transaction.atomic():
            old = SpreadRow.objects.filter(round_id=round_id, edition_id=edition.pk)
            if not clear_round:
                old = old.filter(AnyOf(F("assessment_id"), list(rows)))
            old.delete()
            # with COPY on PostgreSQL: a round of 100,000 keeps 100,000, sent as they are
            rows_insert(
                model=SpreadRow,
                columns=ROW_COLUMNS,
                rows=[(pk, *head, stamp, packed) for pk, (stamp, packed) in rows.items()],
            )
    except IntegrityError:
        return False
    return True

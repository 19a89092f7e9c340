"""A round's spread kept between computations (``SpreadSnapshot``): read back for exactly the
set of members it was read from, so that one submission reads the members' spread in one row
instead of their data_driven answers, and combines its own with it
(``core.assessment.round_spread_combine``).

The digest of a set is taken from the members' rows *before* their answers are read: a member
that changes in between moves its ``updated_at``, so a snapshot may be labelled with a set
older than the answers it was read from (a set whose digest is never read again), never with
a newer one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction

from saferspaces.core.assessment import EditionPipeline, RoundSpread
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.results.models import SpreadSnapshot

#: a member as the digest reads it: (assessment id, edition id, last change)
Member = tuple[int, int, dt.datetime]


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

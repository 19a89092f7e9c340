"""The authorities' sharing choices as a peer view reads them: which peers of a group are open
to contact, which published their results (selectors: reads only).

At 100 000 authorities a default peer group holds some 9 500 peers, and asking the database
which of them share anything took 6 to 8 ms of PostgreSQL a view (4 of them planning the
group's list). The authorities that share something (some 20 000 rows) are read instead once
per version of the sharing choices and kept in each process, as two sorted arrays of authority
ids; a group is then looked up in memory. The version (:class:`saferspaces.kept.KeptVersion`)
is forgotten when a sharing choice is saved or deleted (``dashboard.apps``: every save and
deletion sends the signals, the service's and an authority's deletion included) and when the
choices are written in bulk (``PeerSharing.objects``' ``update``, ``bulk_create`` and
``bulk_update``). A transaction of its own, or one that changed sharing choices, reads the
database, as does a process whose cache cannot say. A copy is kept at most
:data:`~saferspaces.results.peers.POOL_COUNT_TTL_S`, should a change ever bypass all of these
(raw SQL, a data migration).

What a page shows is asked of the database again: the names of the peers that published their
results (``dashboard.peers._named``) and the contacts of the peers suggested to learn from are
read with the choice that allows them, so that a copy out of date can change a count, never
show a name or a contact that is no longer shared.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
from django.db.models import F, Q

from saferspaces.dashboard.models import PeerSharing
from saferspaces.kept import KeptVersion
from saferspaces.results.peers import POOL_COUNT_TTL_S
from saferspaces.results.sql import AnyOf

#: the cache key of the sharing choices' version
SHARING_VERSION_KEY = "dashboard:peer-sharing-version"
_SHARING = KeptVersion(key=SHARING_VERSION_KEY, model=PeerSharing)


@dataclass(frozen=True)
class SharingSets:
    """The authorities open to contact and those that publish their results (sorted ids)."""

    open_to_contact: np.ndarray
    published: np.ndarray


_KEPT: tuple[str, float, SharingSets] | None = None  # (version, read at, sets)
_LOCK = threading.Lock()
_clock = time.monotonic  # (replaced in tests)


def peer_sharing_changed() -> None:
    """Sharing choices changed: once the transaction commits, the copies the processes keep
    are out of date (at once outside a transaction)."""
    _SHARING.changed()


def sharing_sets_forget() -> None:
    """Forget the sharing choices this process keeps."""
    global _KEPT
    with _LOCK:
        _KEPT = None


def _sharing_sets_read(authority_ids: np.ndarray | None = None) -> SharingSets:
    """The authorities that share something (of ``authority_ids`` only, when given: the
    group's authorities as read; the group's filter again, as a subquery, was planned as a
    scan of the round with some criteria)."""
    shares = PeerSharing.objects.filter(Q(open_to_contact=True) | Q(publish_results=True))
    if authority_ids is not None:
        shares = shares.filter(AnyOf(F("authority_id"), authority_ids))
    rows = np.array(
        shares.order_by("authority_id").values_list(
            "authority_id", "open_to_contact", "publish_results"
        ),
        dtype=np.int64,
    ).reshape(-1, 3)
    return SharingSets(
        open_to_contact=_frozen(rows[rows[:, 1] != 0, 0]),
        published=_frozen(rows[rows[:, 2] != 0, 0]),
    )


def _frozen(ids: np.ndarray) -> np.ndarray:
    """A copy of ``ids`` no reader can change (the arrays are shared by every view)."""
    out = np.array(ids, dtype=np.int64)
    out.flags.writeable = False
    return out


def sharing_sets() -> SharingSets | None:
    """The sharing choices kept in this process, read once per version; None (read the
    database then) in a transaction of its own or one that changed sharing choices, or when
    the cache cannot say which version is current."""
    global _KEPT
    if not _SHARING.usable():
        return None
    version = _SHARING.current()  # (read before the rows: a change committed meanwhile forgets it)
    if version is None:
        return None
    now = _clock()
    with _LOCK:
        kept = _KEPT
        if kept is not None and kept[0] == version and now - kept[1] < POOL_COUNT_TTL_S:
            return kept[2]
    sets = _sharing_sets_read()
    with _LOCK:
        _KEPT = (version, now, sets)
    return sets


def group_sharing(*, authority_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which of the authorities ``authority_ids`` are open to contact, and which published
    their results (two boolean arrays in their order; an authority without sharing choices
    shares nothing)."""
    sets = sharing_sets() or _sharing_sets_read(authority_ids)
    return _members(authority_ids, sets.open_to_contact), _members(authority_ids, sets.published)


def _members(ids: np.ndarray, sorted_ids: np.ndarray) -> np.ndarray:
    """Whether each of ``ids`` is in ``sorted_ids`` (a binary search each)."""
    if not len(sorted_ids):
        return np.zeros(len(ids), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_ids, ids), len(sorted_ids) - 1)
    return np.asarray(sorted_ids[at] == ids)


def sharing_follow_change(**_kwargs: object) -> None:
    """A sharing choice was saved or deleted (``post_save``, ``post_delete``)."""
    peer_sharing_changed()

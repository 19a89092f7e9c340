"""Reading peers' results (selectors: reads only): the peer profiles of a round, the pool and
the group under a filter, the quartiles of the group's scores, and the scores of chosen peers.

Peers are other authorities' submitted or accepted assessments of the same round. Nothing here
orders authorities by score.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import F, QuerySet

from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.core.dashboard import PeerFacts, PeerFilter
from saferspaces.core.dashboard.packed import (
    PackedError,
    PackedTable,
    keyed_rows_decode,
    packed_width,
)
from saferspaces.kept import KeptVersion
from saferspaces.results.models import PeerProfile
from saferspaces.results.sql import AnyOf, binary_cursor

#: the states of the assessments that are peers
PEER_STATES = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)


def peer_profile_of(*, assessment: Assessment) -> PeerProfile | None:
    return PeerProfile.objects.filter(assessment=assessment).first()


def peer_facts(profile: PeerProfile) -> PeerFacts:
    """The background conditions of a profile, as the peer filter reads them."""
    return PeerFacts(
        kind=profile.kind or None,
        nuts_level=profile.nuts_level,
        country=profile.country or None,
        urbanisation=profile.urbanisation or None,
        population=profile.population,
        density=profile.density,
        income=profile.income,
    )


def peer_pool(*, assessment: Assessment) -> QuerySet[PeerProfile]:
    """The other authorities' submitted or accepted assessments of the round (their profiles,
    which carry the assessment's state: one table, no join)."""
    if assessment.round_id is None:
        return PeerProfile.objects.none()
    return PeerProfile.objects.filter(round_id=assessment.round_id, state__in=PEER_STATES).exclude(
        authority_id=assessment.authority_id
    )


#: the cache key of the peer profiles' version: a new value whenever profiles are written,
#: removed or change state (:func:`peer_pool_changed`)
POOL_VERSION_KEY = "results:peer-pool-version"
#: how long a round's count of peers is kept at most (should a change ever bypass the index
#: writers and the deletion hook, e.g. a database edited by hand, it shows for this long)
POOL_COUNT_TTL_S = 600


#: the peer profiles' version (:mod:`saferspaces.kept`): forgotten when profiles are written,
#: removed or change state
_POOL = KeptVersion(key=POOL_VERSION_KEY, model=PeerProfile)
_pool_forget = _POOL.forget


def peer_pool_changed() -> None:
    """The peer profiles changed (written, removed, or a state): once the transaction commits,
    the counts of peers kept in the cache (:func:`peer_pool_size`) and the round tables kept
    in the processes (:func:`round_table`) are out of date (at once outside a transaction).
    Until then this transaction counts for itself, and the others read what is kept, which is
    what they can see (:class:`saferspaces.kept.KeptVersion`)."""
    _POOL.changed()


def _round_pool_total(round_id: int) -> int:
    """How many submitted or accepted assessments of the round have a peer profile, counted
    once per version of the profiles and kept in the cache with the version it was counted
    at (at 100 000 authorities the count reads 100 000 index entries, about 19 ms of
    PostgreSQL per peer view; kept, one read of the cache). A transaction of its own counts
    without the cache: the cache's writes (reading deletes expired entries) would hold or wait
    for its rows' locks until the transaction's end."""
    count = PeerProfile.objects.filter(round_id=round_id, state__in=PEER_STATES).count
    if not _POOL.usable():
        return count()  # (reading the cache may write: it deletes the expired entries it finds)
    key = f"results:peer-pool:{round_id}"
    version = _pool_version()  # (read before the count: a change committed meanwhile forgets it)
    kept = cache.get(key)
    if version is not None and isinstance(kept, tuple) and kept[0] == version:
        return int(kept[1])
    total = count()
    if version is not None:
        cache.set(key, (version, total), timeout=POOL_COUNT_TTL_S)
    return total


def peer_pool_size(*, assessment: Assessment) -> int:
    """How many assessments :func:`peer_pool` holds: the round's submitted or accepted
    assessments with a peer profile (counted once per version of the profiles) less the
    assessment's own authority's (one indexed count)."""
    if assessment.round_id is None:
        return 0
    own = PeerProfile.objects.filter(
        round_id=assessment.round_id, state__in=PEER_STATES, authority_id=assessment.authority_id
    ).count()
    return _round_pool_total(assessment.round_id) - own


def peer_filter_apply(qs: QuerySet[PeerProfile], peer_filter: PeerFilter) -> QuerySet[PeerProfile]:
    for fact, value in peer_filter.equal.items():
        qs = qs.filter(**{fact: value})
    for fact, (lo, hi) in peer_filter.ranges.items():
        qs = qs.filter(**{f"{fact}__gte": lo, f"{fact}__lte": hi})
    return qs


def round_peer_profiles(*, round_: Round) -> QuerySet[PeerProfile]:
    return PeerProfile.objects.filter(round=round_)


@dataclass(frozen=True)
class PeerGroup:
    """The peers of a group as columns: their assessments, their authorities (64-bit integer
    arrays) and their packed top-level scores, decoded once (row ``k`` of each is the same
    peer)."""

    assessment_ids: np.ndarray
    authority_ids: np.ndarray
    scores: PackedTable

    def subset(self, keep: Sequence[bool] | np.ndarray) -> PeerGroup:
        """The peers whose ``keep`` is true, in their order."""
        flags = np.asarray(keep, dtype=bool)
        if flags.shape != self.assessment_ids.shape:
            raise ValueError("one flag per peer is needed")
        return PeerGroup(
            self.assessment_ids[flags], self.authority_ids[flags], self.scores.subset(flags)
        )


#: what a group's read asks of each profile, in this order
GROUP_COLUMNS = ("assessment_id", "authority_id", "top_nodes", "top_scores")


def _ids(values: Sequence[int]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def _group_of_rows(
    ids: Sequence[int], authorities: Sequence[int], layouts: Sequence[str], packed: Sequence[bytes]
) -> PeerGroup:
    """A group from its profiles' columns as rows give them (one value per profile each)."""
    table = PackedTable(layouts=layouts, packed=[bytes(p) for p in packed])
    return PeerGroup(_ids(ids), _ids(authorities), table)


def profiles_read(*, profiles: QuerySet[PeerProfile]) -> PeerGroup:
    """The assessments, authorities and packed top-level scores of ``profiles`` (a peer group,
    or the candidates' profiles of the round before), in one query, in no particular order:
    everything a group's quartiles, its named peers and whom to learn from need (one value per
    peer, not one fact per peer, node and kind; on PostgreSQL read from the peer sets' indexes
    alone).

    On PostgreSQL the database joins them into one value per layout (each profile its
    assessment's and authority's ids as ``int8send`` writes them, then its packed scores),
    read in binary (:func:`~saferspaces.results.sql.binary_cursor`) and decoded by NumPy: a
    default peer group at 100 000 authorities is some 9 500 profiles, which as rows cost the
    web process about 28 ms of CPU to receive and take apart. Elsewhere, one row per profile.
    """
    query = profiles.order_by().values_list(*GROUP_COLUMNS)
    connection = connections[query.db]
    try:
        sql, params = query.query.sql_with_params()
    except EmptyResultSet:  # none of nothing (an empty list of ids): Django asks nothing
        sql, params = "", ()
    if not sql or connection.vendor != "postgresql":
        rows: list[tuple[int, int, str, bytes]] = []
        if sql:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        ids, authorities, layouts, packed = zip(*rows, strict=True) if rows else ((), (), (), ())
        return _group_of_rows(ids, authorities, layouts, packed)
    joined = (
        "SELECT g.top_nodes, count(*), min(octet_length(g.top_scores)), "  # noqa: S608
        "max(octet_length(g.top_scores)), string_agg("
        "int8send(g.assessment_id) || int8send(g.authority_id) || g.top_scores, ''::bytea) "
        f"FROM ({sql}) AS g(assessment_id, authority_id, top_nodes, top_scores) "
        "GROUP BY g.top_nodes"
    )
    with binary_cursor(connection) as cursor:
        cursor.execute(joined, params)
        parts = cursor.fetchall()
    size = sum(int(n) for _layout, n, _lo, _hi, _joined in parts)
    assessment_ids, authority_ids = np.zeros(size, np.int64), np.zeros(size, np.int64)
    decoded = []
    at = 0
    for layout, n, shortest, longest, blob in parts:
        width = packed_width(layout=layout)
        if (shortest, longest) != (width, width):  # each value, not only their sum
            raise PackedError(f"a packed value does not fit its layout of {layout!r}")
        keys, values, marks = keyed_rows_decode(
            layout=layout, joined=bytes(blob), rows=int(n), keys=2
        )
        places = np.arange(at, at + int(n))
        assessment_ids[places], authority_ids[places] = keys[:, 0], keys[:, 1]
        decoded.append((layout, places, values, marks))
        at += int(n)
    table = PackedTable.from_matrices(size=size, parts=decoded)
    return PeerGroup(assessment_ids, authority_ids, table)


def previous_round_scores(
    *, round_: Round, authority_ids: Sequence[int], nodes: Sequence[str]
) -> dict[str, np.ndarray]:
    """Node -> the score of each of ``authority_ids`` (in their order) on that node (of
    ``nodes``, top-level dimensions) in the round before ``round_``: the network's latest round
    that ended before ``round_`` started, their submitted or accepted assessments there (of
    several, the first with a score); NaN without such a round, an assessment there, or a
    score."""
    out = {node: np.full(len(authority_ids), np.nan) for node in nodes}
    if not authority_ids or not nodes:
        return out
    previous = (
        Round.objects.filter(network_id=round_.network_id, period_end__lt=round_.period_start)
        .order_by("-period_end")
        .values_list("pk", flat=True)
        .first()
    )
    if previous is None:
        return out
    table = round_table(round_id=previous)
    if table is not None:  # the previous round's peers kept in the process
        rows, found = table.of_authorities(authority_ids)
        keep = np.zeros(table.size, dtype=bool)
        keep[rows[found]] = True
        kept = table.peers.scores.subset(keep)
        places = np.searchsorted(np.flatnonzero(keep), rows[found])  # rows in the subset
        for node in nodes:
            out[node][found] = kept.array(node, "all")[places]
        return out
    # the round as a value, not a subquery: the planner then reads the authorities' profiles
    # through their index (a subquery's round made it scan the whole round, 100 000 profiles)
    earlier = profiles_read(
        profiles=PeerProfile.objects.filter(
            AnyOf(F("authority_id"), authority_ids), round_id=previous, state__in=PEER_STATES
        )
    )
    if not len(earlier.assessment_ids):
        return out
    at = {int(auth): k for k, auth in enumerate(authority_ids)}
    # one profile per authority there: an authority has one assessment per round (a unique
    # constraint), and an assessment one profile
    positions = np.array([at[auth] for auth in earlier.authority_ids.tolist()], dtype=np.intp)
    for node in nodes:
        values = earlier.scores.array(node, "all")
        found = ~np.isnan(values)
        out[node][positions[found]] = values[found]
    return out


# --- a round's peers as columns, kept in the process ---------------------------------------------

#: the facts a peer filter compares for equality, and those it reads as ranges (the fields of
#: :class:`~saferspaces.results.models.PeerProfile` that :func:`peer_filter_apply` filters on)
EQUAL_FACTS = ("kind", "nuts_level", "country", "urbanisation")
RANGE_FACTS = ("population", "density", "income")
#: how many rounds' tables a process keeps (each about 20 MB at 100 000 authorities)
ROUND_TABLES_KEPT = 4
#: a round's table is read again at most this often in a process (reading one of 100 000
#: profiles takes about 0.5 s of CPU): in between, after a change, the database is read as in a
#: transaction (about 25 ms a peer view), so that profiles changing every second near a
#: deadline cost each process at most one reading a round per this many seconds
ROUND_TABLE_READ_EVERY_S = 30


@dataclass(frozen=True)
class RoundTable:
    """A round's submitted or accepted peer profiles as columns (row ``k`` of each is one
    profile): the peers, the facts a peer filter reads, and their packed top-level scores.

    :meth:`select` is :func:`peer_filter_apply` on :func:`peer_pool` (the same peers, tested
    against it): SQL's comparisons, where a profile without the fact (NULL, or a blank text)
    meets no equality and no range."""

    peers: PeerGroup
    #: equality fact -> (value -> code, each row's code; -1: no value)
    codes: dict[str, tuple[dict[object, int], np.ndarray]]
    #: range fact -> each row's value (NaN: no value)
    values: dict[str, np.ndarray]

    @property
    def size(self) -> int:
        return len(self.peers.assessment_ids)

    def pool_size(self, *, without_authority: int) -> int:
        """How many peers the round holds for an assessment of ``without_authority`` (its own
        left out): :func:`peer_pool_size`."""
        return self.size - int(np.count_nonzero(self.peers.authority_ids == without_authority))

    def select(self, *, peer_filter: PeerFilter, without_authority: int) -> np.ndarray:
        """Which rows are peers under ``peer_filter``, the authority ``without_authority``
        left out (one flag per row)."""
        keep = self.peers.authority_ids != without_authority
        for fact, want in peer_filter.equal.items():
            known, codes = self.codes[fact]
            code = known.get(want)
            if code is None:
                return np.zeros(self.size, dtype=bool)
            keep &= codes == code
        for fact, (lo, hi) in peer_filter.ranges.items():
            column = self.values[fact]
            with np.errstate(invalid="ignore"):  # NaN: no value, never within a range
                keep &= (column >= lo) & (column <= hi)
        return keep

    def of_authorities(self, authority_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """For each of ``authority_ids``: its row here (one profile per authority and round: a
        unique constraint), and whether it has one."""
        order = np.argsort(self.peers.authority_ids, kind="stable")
        ordered = self.peers.authority_ids[order]
        wanted = np.asarray(authority_ids, dtype=np.int64)
        at = np.searchsorted(ordered, wanted)
        found = at < len(ordered)
        found[found] = ordered[at[found]] == wanted[found]
        rows = np.zeros(len(wanted), dtype=np.intp)
        rows[found] = order[at[found]]
        return rows, found


def _round_table_read(round_id: int) -> RoundTable:
    """The round's table from the database, in one query (one statement: one snapshot)."""
    rows = list(
        PeerProfile.objects.filter(round_id=round_id, state__in=PEER_STATES)
        .order_by()
        .values_list(*GROUP_COLUMNS, *EQUAL_FACTS, *RANGE_FACTS)
    )
    n = len(rows)
    columns = list(zip(*rows, strict=True)) if rows else [()] * (4 + 7)
    peers = _group_of_rows(*columns[:4])
    codes: dict[str, tuple[dict[object, int], np.ndarray]] = {}
    for fact, column in zip(EQUAL_FACTS, columns[4:8], strict=True):
        known: dict[object, int] = {}
        # a blank text or NULL meets no equality (the filter never asks for one)
        row_codes = [
            -1 if value is None or value == "" else known.setdefault(value, len(known))
            for value in column
        ]
        codes[fact] = (known, np.array(row_codes, dtype=np.int32).reshape(n))
    values = {
        fact: np.array([np.nan if v is None else v for v in column], dtype=float).reshape(n)
        for fact, column in zip(RANGE_FACTS, columns[8:], strict=True)
    }
    return RoundTable(peers, codes, values)


_TABLES: dict[int, tuple[str, float, RoundTable]] = {}  # round -> (version, read at, table)
_READ_AT: dict[int, float] = {}  # round -> when this process last read its table
_TABLES_LOCK = threading.Lock()
_clock = time.monotonic  # (replaced in tests)


def round_tables_forget() -> None:
    """Forget the round tables this process keeps, and when it read them."""
    with _TABLES_LOCK:
        _TABLES.clear()
        _READ_AT.clear()


def _pool_version() -> str | None:
    """The version of the peer profiles, read once per request (a peer view reads its round's
    table and the previous round's)."""
    return _POOL.current()


def round_table(*, round_id: int) -> RoundTable | None:
    """The round's peers as columns (:class:`RoundTable`), read once per version of the peer
    profiles and kept in this process (at most :data:`ROUND_TABLES_KEPT` rounds, the least
    recently used dropped): every peer view of the round selects its group from it, in place of
    reading the group's profiles from the database.

    None (read the database then) in a transaction of its own, or one that changed profiles
    (the version is of what is committed); when the table kept is not of the current version
    and this process read the round's table less than :data:`ROUND_TABLE_READ_EVERY_S` ago
    (profiles changing every second near a deadline: each process reads a round at most that
    often, and the database in between). The version is read before the table: a change
    committed while the table is read forgets it, and the next reader reads again. A table is
    kept at most :data:`POOL_COUNT_TTL_S`, as the counts are, should a change ever bypass the
    writers of profiles."""
    if not _POOL.usable():
        return None
    version = _pool_version()
    now = _clock()
    with _TABLES_LOCK:
        kept = _TABLES.pop(round_id, None)
        if kept is not None and kept[0] == version and now - kept[1] < POOL_COUNT_TTL_S:
            _TABLES[round_id] = kept  # the most recently used last
            return kept[2]
        last = _READ_AT.get(round_id)
        if version is None or (last is not None and now - last < ROUND_TABLE_READ_EVERY_S):
            return None
        _READ_AT[round_id] = now
    table = _round_table_read(round_id)
    with _TABLES_LOCK:
        _TABLES[round_id] = (version, now, table)
        while len(_TABLES) > ROUND_TABLES_KEPT:
            del _TABLES[next(iter(_TABLES))]
    return table

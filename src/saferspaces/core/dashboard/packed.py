"""A peer's top-level scores packed into one value, and a group's quartiles read from many.

A peer view summarises the scores of thousands of peers (a median group of about 9 500 at
100 000 authorities) on each top-level dimension and kind. Read as one fact row per peer,
dimension and kind, that is some 340 000 index entries a page; packed, it is one value per
peer, which the quartiles read as one array.

**Layout.** The slots are the top-level nodes (their codes sorted) times :data:`KINDS`; the
layout is the nodes' codes joined by commas. A packed value is the slots' values as
little-endian 64-bit floats, then one mark per slot (:data:`ABSENT`: no fact; :data:`VALUE`: a
value, which may be NaN or infinite; :data:`NULL`: a fact without a value). The marks keep the
difference the fact index makes between a missing fact (the peer is not counted for that
node and kind) and a fact without a finite value (counted as missing), so that the
quartiles are those of :func:`~saferspaces.core.dashboard.bands.distribution_summary` over the
facts, exactly.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Mapping, Sequence

import numpy as np

from .bands import Distribution

#: the kinds of a top-level dimension's score, in slot order ("all" is the score itself)
KINDS = ("all", "perception", "status")
ABSENT, VALUE, NULL = 0, 1, 2
#: the separator of the layout's node codes (never part of a code: codes are identifiers)
SEPARATOR = ","


class PackedError(ValueError):
    """A packed value that does not match its layout."""


def _dtype(slots: int) -> np.dtype:
    return np.dtype([("v", "<f8", (slots,)), ("m", "u1", (slots,))])


def top_scores_pack(*, scores: Mapping[tuple[str, str], float | None]) -> tuple[str, bytes]:
    """``(layout, packed)`` of an assessment's top-level scores, keyed ``(node, kind)`` (a key
    with the value None is a fact without value; a key not given is no fact)."""
    for node, kind in scores:
        if kind not in KINDS:
            raise PackedError(f"unknown kind {kind!r} of node {node!r}")
        if not node or SEPARATOR in node:
            raise PackedError(f"a node code cannot be empty or hold {SEPARATOR!r}: {node!r}")
    nodes = sorted({node for node, _kind in scores})
    values: list[float] = []
    marks: list[int] = []
    for node in nodes:
        for kind in KINDS:
            if (node, kind) not in scores:
                values.append(math.nan)
                marks.append(ABSENT)
                continue
            value = scores[node, kind]
            values.append(math.nan if value is None else float(value))
            marks.append(NULL if value is None else VALUE)
    # the bytes of one row of _dtype(len(values)): the doubles, then the marks, unaligned
    packed = struct.pack(f"<{len(values)}d{len(marks)}B", *values, *marks)
    return SEPARATOR.join(nodes), packed


def _nodes(layout: str) -> list[str]:
    return layout.split(SEPARATOR) if layout else []


def _matrix(layout: str, blobs: Sequence[bytes]) -> tuple[list[str], np.ndarray, np.ndarray]:
    nodes = _nodes(layout)
    dtype = _dtype(len(nodes) * len(KINDS))
    if set(map(len, blobs)) - {dtype.itemsize}:
        raise PackedError(f"a packed value does not fit its layout of {len(nodes)} nodes")
    if not dtype.itemsize:  # an assessment without top-level scores: nothing to read
        return nodes, np.empty((len(blobs), 0)), np.empty((len(blobs), 0), dtype=np.uint8)
    rows = np.frombuffer(b"".join(blobs), dtype=dtype)
    return nodes, rows["v"], rows["m"]


def top_scores_unpack(*, layout: str, packed: bytes) -> dict[tuple[str, str], float | None]:
    """The ``(node, kind) -> value`` of a packed value (no key for a slot without a fact)."""
    nodes, values, marks = _matrix(layout, [packed])
    out: dict[tuple[str, str], float | None] = {}
    for i, node in enumerate(nodes):
        for j, kind in enumerate(KINDS):
            slot = i * len(KINDS) + j
            mark = int(marks[0, slot])
            if mark == VALUE:
                out[node, kind] = float(values[0, slot])
            elif mark == NULL:
                out[node, kind] = None
            elif mark != ABSENT:
                raise PackedError(f"unknown mark {mark} of node {node!r}")
    return out


#: a layout's rows in a table: its nodes, the rows' places in the table, values and marks
_Part = tuple[list[str], np.ndarray, np.ndarray, np.ndarray]


def _part(layout: str, joined: bytes, places: np.ndarray) -> _Part:
    nodes = _nodes(layout)
    dtype = _dtype(len(nodes) * len(KINDS))
    if not dtype.itemsize:  # assessments without top-level scores: nothing to read
        if joined:
            raise PackedError(f"a packed value does not fit its layout of {len(nodes)} nodes")
        n = len(places)
        return nodes, places, np.empty((n, 0)), np.empty((n, 0), dtype=np.uint8)
    if len(joined) != len(places) * dtype.itemsize:
        raise PackedError(f"a packed value does not fit its layout of {len(nodes)} nodes")
    rows = np.frombuffer(joined, dtype=dtype)
    return nodes, places, rows["v"], rows["m"]


def packed_width(*, layout: str) -> int:
    """The length in bytes of a packed value of ``layout``."""
    return _dtype(len(_nodes(layout)) * len(KINDS)).itemsize


def keyed_rows_decode(
    *, layout: str, joined: bytes, rows: int, keys: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``rows`` rows of one ``layout``, joined: each ``keys`` big-endian 64-bit integers (as
    PostgreSQL's ``int8send`` writes them), then its packed value. Returns the keys (a matrix
    of ``rows`` x ``keys``), the values and the marks (one row each). A length that does not
    fit is refused, as is a row count that does not."""
    slots = len(_nodes(layout)) * len(KINDS)
    dtype = np.dtype([("k", ">i8", (keys,)), ("v", "<f8", (slots,)), ("m", "u1", (slots,))])
    if rows < 0 or len(joined) != rows * dtype.itemsize:
        raise PackedError(f"{rows} packed values do not fit their layout of {layout!r}")
    table = np.frombuffer(joined, dtype=dtype, count=rows)
    return table["k"].astype(np.int64), table["v"], table["m"]


def _quartiles(rows: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """The quartiles (type 7 of Hyndman and Fan) of each row of ``rows``, sorted, whose first
    ``counts`` values (at least one) are its finite values, the rest NaN: one row of three
    each, with the arithmetic of ``np.percentile(values, [25, 50, 75])`` (its virtual index,
    neighbours and interpolation) for every row at once: the same numbers (equal values may
    be ordered otherwise, so a zero may carry the other sign)."""
    every = np.arange(len(rows))
    out = np.empty((len(rows), 3))
    for j, q in enumerate((0.25, 0.5, 0.75)):
        virtual = (counts - 1) * q  # numpy's virtual index of its linear method
        below = np.floor(virtual)
        last = virtual >= counts - 1  # the largest value (for one value, that value)
        lo = np.where(last, counts - 1, below).astype(np.intp)
        hi = np.where(last, counts - 1, below + 1).astype(np.intp)
        # numpy's weight: from the neighbour it reads, -1 (the last) when past the end
        t = np.where(last, virtual + 1.0, virtual - below)
        a, b = rows[every, lo], rows[every, hi]
        step = b - a
        out[:, j] = np.where(t >= 0.5, b - step * (1.0 - t), a + step * t)
    return out


class PackedTable:
    """Many assessments' packed scores, decoded once: one matrix per layout (all of them share
    one when they answered the same edition), each row in its place in the table."""

    @classmethod
    def from_matrices(
        cls, *, size: int, parts: Sequence[tuple[str, np.ndarray, np.ndarray, np.ndarray]]
    ) -> PackedTable:
        """A table of ``size`` rows from decoded parts: each a layout, the places of its rows in
        the table, and their values and marks (as :func:`keyed_rows_decode` gives them). Every
        place is taken exactly once."""
        checked: list[_Part] = []
        taken = np.zeros(size, dtype=np.int64)
        for layout, places, values, marks in parts:
            slots = len(_nodes(layout)) * len(KINDS)
            places = np.asarray(places, dtype=np.intp)
            if values.shape != (len(places), slots) or marks.shape != (len(places), slots):
                raise PackedError(f"the values do not fit their layout of {layout!r}")
            if len(places) and (places.min() < 0 or places.max() >= size):
                raise ValueError("a row's place is outside the table")
            np.add.at(taken, places, 1)
            checked.append((_nodes(layout), places, values, marks))
        if size and not (taken == 1).all():
            raise ValueError("every row of the table is needed exactly once")
        table = cls(layouts=[], packed=[])
        table._set(size, checked)
        return table

    def __init__(self, *, layouts: Sequence[str], packed: Sequence[bytes]) -> None:
        """One row per packed value, in the order given."""
        if len(layouts) != len(packed):
            raise ValueError("as many layouts as packed values are needed")
        at: dict[str, list[int]] = {}
        for k, layout in enumerate(layouts):
            at.setdefault(layout, []).append(k)
        parts = []
        for layout, places in at.items():
            blobs = [packed[k] for k in places]
            width = _dtype(len(_nodes(layout)) * len(KINDS)).itemsize
            if set(map(len, blobs)) - {width}:  # each value, not only their sum
                raise PackedError(f"a packed value does not fit its layout of {layout!r}")
            parts.append(_part(layout, b"".join(blobs), np.array(places, dtype=np.intp)))
        self._set(len(packed), parts)

    def _set(self, size: int, parts: list[_Part]) -> None:
        self.size = size
        # each part's values and marks as arrays of their own, aligned: decoded, they are
        # views into the packed rows (135 bytes apart for five nodes), which every selection
        # and column read gathers slowly (taking a peer group out of a round of 100 000 rows:
        # 2.7 -> 0.9 ms)
        self._parts = [
            (nodes, places, np.ascontiguousarray(values), np.ascontiguousarray(marks))
            for nodes, places, values, marks in parts
        ]

    def subset(self, keep: np.ndarray) -> PackedTable:
        """The rows whose ``keep`` (one boolean per row) is true, in their order."""
        if len(keep) != self.size:
            raise ValueError("one flag per row is needed")
        keep = np.asarray(keep, dtype=bool)
        place = np.cumsum(keep) - 1  # a kept row's place in the subset
        table = PackedTable(layouts=[], packed=[])
        parts = []
        for nodes, places, values, marks in self._parts:
            kept = keep[places]
            parts.append((nodes, place[places[kept]], values[kept], marks[kept]))
        table._set(int(keep.sum()), parts)
        return table

    def column(self, node: str, kind: str) -> list[float | None]:
        """Each row's value of ``node`` and ``kind``, in row order (None: no fact, or a fact
        without a value)."""
        j = KINDS.index(kind)
        out: list[float | None] = [None] * self.size
        for nodes, places, values, marks in self._parts:
            if node not in nodes:
                continue
            slot = nodes.index(node) * len(KINDS) + j
            found = (marks[:, slot] == VALUE).tolist()
            column = values[:, slot].tolist()
            for k, v, ok in zip(places.tolist(), column, found, strict=True):
                if ok:
                    out[k] = v
        return out

    def array(self, node: str, kind: str) -> np.ndarray:
        """Each row's value of ``node`` and ``kind`` as floats, in row order: NaN where a row
        has no value (no fact, a fact without a value, or a value that is NaN)."""
        j = KINDS.index(kind)
        out = np.full(self.size, np.nan)
        for nodes, places, values, marks in self._parts:
            if node not in nodes:
                continue
            slot = nodes.index(node) * len(KINDS) + j
            out[places] = np.where(marks[:, slot] == VALUE, values[:, slot], np.nan)
        return out

    def distributions(
        self, *, nodes: Sequence[str], minimum: int
    ) -> dict[str, dict[str, Distribution | None]]:
        """Quartiles (type 7) per node of ``nodes`` and kind, as
        :func:`~saferspaces.core.dashboard.bands.distribution_summary` gives them over each
        node's and kind's facts: ``n`` finite values, ``missing`` facts without one; None below
        ``minimum`` values or without facts. A node without any fact is left out."""
        if minimum < 1:
            raise ValueError("the minimum group size must be at least 1")
        # one row per node and kind asked, one column per peer (in no particular order: a
        # quartile reads a multiset): the finite values, NaN elsewhere (no fact, a fact
        # without a value, NaN or infinite); the facts and the values counted per row (15
        # calls of np.percentile, one per row, cost a default peer view 9 ms)
        pairs = [(node, kind) for node in nodes for kind in KINDS]
        table = np.full((len(pairs), self.size), np.nan)
        facts = np.zeros(len(pairs), dtype=np.int64)
        counts = np.zeros(len(pairs), dtype=np.int64)
        start = 0
        for present, places, values, marks in self._parts:
            rows = [c for c, (node, _kind) in enumerate(pairs) if node in present]
            if rows:
                slots = [
                    present.index(pairs[c][0]) * len(KINDS) + KINDS.index(pairs[c][1]) for c in rows
                ]
                mark, value = marks[:, slots].T, values[:, slots].T
                facts[rows] += np.count_nonzero(mark, axis=1)  # ABSENT is 0
                with np.errstate(invalid="ignore"):
                    kept = (mark == VALUE) & np.isfinite(value)
                counts[rows] += np.count_nonzero(kept, axis=1)
                table[rows, start : start + len(places)] = np.where(kept, value, np.nan)
            start += len(places)
        # each row sorted (NaN last), all at once: a vectorised sort of 15 rows of 9 500 takes
        # a fifth of the time of the partitions np.percentile makes
        table.sort(axis=1)
        enough = np.flatnonzero(counts >= minimum)
        found = _quartiles(table[enough], counts[enough])
        quartiles = {
            int(c): (float(q1), float(median), float(q3))
            for c, (q1, median, q3) in zip(enough.tolist(), found.tolist(), strict=True)
        }
        out: dict[str, dict[str, Distribution | None]] = {}
        for c in range(0, len(pairs), len(KINDS)):
            kinds = range(c, c + len(KINDS))
            if not facts[c : c + len(KINDS)].any():
                continue  # a node without any fact in the group
            row: dict[str, Distribution | None] = dict.fromkeys(KINDS)
            for j in kinds:
                if not facts[j] or j not in quartiles:
                    continue
                q1, median, q3 = quartiles[j]
                n = int(counts[j])
                row[pairs[j][1]] = Distribution(
                    n=n, q1=q1, median=median, q3=q3, missing=int(facts[j]) - n
                )
            out[pairs[c][0]] = row
        return out

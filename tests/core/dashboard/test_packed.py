"""Packed top-level scores (``core.dashboard.packed``): what is packed reads back, and a group's
quartiles from packed values are those of ``distribution_summary`` over the same facts."""

from __future__ import annotations

import math
import struct
from typing import Any

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from saferspaces.core.dashboard import Distribution, distribution_summary
from saferspaces.core.dashboard.packed import (
    KINDS,
    PackedError,
    PackedTable,
    keyed_rows_decode,
    packed_width,
    top_scores_pack,
    top_scores_unpack,
)

NODES = ("d1", "d2", "d3")


def _table(rows: list[tuple[str, bytes]]) -> PackedTable:
    return PackedTable(layouts=[r[0] for r in rows], packed=[r[1] for r in rows])


def packed_distributions(*, rows: list[tuple[str, bytes]], nodes: Any, minimum: int) -> Any:
    return _table(rows).distributions(nodes=nodes, minimum=minimum)


def packed_values(*, rows: list[tuple[str, bytes]], node: str, kind: str) -> Any:
    return _table(rows).column(node, kind)


# a fact's value: a score, none (a fact without a value), NaN or an infinity
VALUE = (
    st.floats(min_value=0, max_value=100, allow_nan=False)
    | st.none()
    | st.sampled_from([math.nan, math.inf, -math.inf])
)
# one assessment's facts: (node, kind) -> value; a key left out is no fact
FACTS = st.dictionaries(st.tuples(st.sampled_from(NODES), st.sampled_from(KINDS)), VALUE)


def _same(a: Distribution | None, b: Distribution | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.n, a.missing, a.q1, a.median, a.q3) == (b.n, b.missing, b.q1, b.median, b.q3)


def _eq(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b or (math.isnan(a) and math.isnan(b))


@given(FACTS)
def test_what_is_packed_reads_back(facts: dict[tuple[str, str], float | None]) -> None:
    layout, packed = top_scores_pack(scores=facts)
    assert layout.split(",") == sorted({n for n, _k in facts}) or (not facts and layout == "")
    back = top_scores_unpack(layout=layout, packed=packed)
    assert set(back) == set(facts)
    assert all(_eq(back[key], facts[key]) for key in facts)


@given(st.lists(FACTS, max_size=30), st.integers(min_value=1, max_value=8))
def test_the_quartiles_of_packed_scores_are_those_of_the_facts(
    group: list[dict[tuple[str, str], float | None]], minimum: int
) -> None:
    """Per node and kind: the facts present (a value, none, NaN or infinite) are what
    distribution_summary reads; a peer without the fact is not counted; a node without any
    fact in the group is left out."""
    rows = [top_scores_pack(scores=facts) for facts in group]
    got = packed_distributions(rows=rows, nodes=list(NODES), minimum=minimum)
    for node in NODES:
        present = [facts for facts in group if any(n == node for n, _k in facts)]
        if not present:
            assert node not in got
            continue
        for kind in KINDS:
            values = [facts[node, kind] for facts in group if (node, kind) in facts]
            want = distribution_summary(values=values, minimum=minimum) if values else None
            assert _same(got[node][kind], want), (node, kind, values)


def test_groups_of_several_layouts_are_read_together() -> None:
    """Assessments of different editions pack different nodes: each node's values are
    gathered across the layouts that have it."""
    a = top_scores_pack(scores={("d1", "all"): 10.0, ("d2", "all"): 20.0})
    b = top_scores_pack(scores={("d1", "all"): 30.0})
    c = top_scores_pack(scores={("d1", "all"): 50.0, ("x", "all"): 1.0})
    got = packed_distributions(rows=[a, b, c], nodes=["d1", "d2"], minimum=1)
    assert got["d1"]["all"] == distribution_summary(values=[10.0, 30.0, 50.0], minimum=1)
    assert got["d2"]["all"] == distribution_summary(values=[20.0], minimum=1)
    assert got["d1"]["perception"] is None
    assert packed_values(rows=[a, b, c], node="d2", kind="all") == [20.0, None, None]
    assert packed_values(rows=[a, b, c], node="d1", kind="status") == [None, None, None]


def test_a_fact_without_value_is_missing_and_no_fact_is_not_counted() -> None:
    rows = [
        top_scores_pack(scores={("d1", "all"): 1.0}),
        top_scores_pack(scores={("d1", "all"): None}),
        top_scores_pack(scores={("d1", "perception"): 5.0}),  # no score fact at all
    ]
    got = packed_distributions(rows=rows, nodes=["d1"], minimum=1)["d1"]["all"]
    assert got is not None and (got.n, got.missing) == (1, 1)
    assert packed_values(rows=rows, node="d1", kind="all") == [1.0, None, None]


def test_a_packed_value_that_does_not_fit_its_layout_is_refused() -> None:
    layout, packed = top_scores_pack(scores={("d1", "all"): 1.0, ("d2", "all"): 2.0})
    with pytest.raises(PackedError, match="does not fit"):
        packed_distributions(rows=[("d1", packed)], nodes=["d1"], minimum=1)
    with pytest.raises(PackedError, match="does not fit"):
        top_scores_unpack(layout=layout, packed=packed[:-1])
    bad_mark = packed[:-1] + struct.pack("B", 7)
    with pytest.raises(PackedError, match="unknown mark"):
        top_scores_unpack(layout=layout, packed=bad_mark)


@pytest.mark.parametrize(
    ("scores", "message"),
    [
        ({("d1", "gap"): 1.0}, "unknown kind"),
        ({("", "all"): 1.0}, "cannot be empty"),
        ({("a,b", "all"): 1.0}, "cannot be empty or hold"),
    ],
)
def test_what_cannot_be_packed_is_refused(
    scores: dict[tuple[str, str], float | None], message: str
) -> None:
    with pytest.raises(PackedError, match=message):
        top_scores_pack(scores=scores)


def test_the_minimum_group_size_is_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        packed_distributions(rows=[], nodes=["d1"], minimum=0)


LAYOUTS = st.lists(
    st.dictionaries(
        st.tuples(st.sampled_from(("d1", "d2", "x")), st.sampled_from(KINDS)),
        st.floats(min_value=0, max_value=100, allow_nan=False) | st.none(),
    ),
    max_size=25,
)


@given(LAYOUTS, st.data())
def test_a_subset_keeps_its_rows_in_order(group: list[Any], data: st.DataObject) -> None:
    rows = [top_scores_pack(scores=facts) for facts in group]
    keep = data.draw(st.lists(st.booleans(), min_size=len(rows), max_size=len(rows)))
    table = PackedTable(layouts=[r[0] for r in rows], packed=[r[1] for r in rows])
    part = table.subset(np.array(keep, dtype=bool))
    assert part.size == sum(keep)
    for node in ("d1", "d2", "x"):
        for kind in KINDS:
            whole = table.column(node, kind)
            assert part.column(node, kind) == [v for v, k in zip(whole, keep, strict=True) if k]
            got, want = part.array(node, kind), table.array(node, kind)[np.array(keep, bool)]
            assert np.array_equal(got, want, equal_nan=True)


def test_a_subset_needs_a_flag_per_row() -> None:
    layout, packed = top_scores_pack(scores={("d1", "all"): 1.0})
    with pytest.raises(ValueError, match="one flag per row"):
        PackedTable(layouts=[layout], packed=[packed]).subset(np.array([True, False]))


def _keyed_join(rows: list[tuple[int, int, str, bytes]]) -> dict[str, tuple[list[int], bytes]]:
    """Rows grouped by layout as PostgreSQL's ``string_agg`` joins them: each row's two keys
    as ``int8send`` writes them (big-endian), then its packed value; the rows' order kept."""
    out: dict[str, tuple[list[int], bytes]] = {}
    for k, (a, b, layout, packed) in enumerate(rows):
        places, joined = out.get(layout, ([], b""))
        out[layout] = ([*places, k], joined + struct.pack(">qq", a, b) + packed)
    return out


@given(LAYOUTS, st.data())
def test_rows_joined_with_their_keys_read_as_a_table_of_the_rows(
    group: list[Any], data: st.DataObject
) -> None:
    """Decoding each layout's joined rows (keys, then packed value) and placing them gives the
    table of the rows themselves: the same keys, values, marks and quartiles."""
    keys = data.draw(
        st.lists(
            st.tuples(st.integers(-(2**63), 2**63 - 1), st.integers(0, 2**40)),
            min_size=len(group),
            max_size=len(group),
        )
    )
    rows = [
        (a, b, *top_scores_pack(scores=facts)) for (a, b), facts in zip(keys, group, strict=True)
    ]
    want = PackedTable(layouts=[r[2] for r in rows], packed=[r[3] for r in rows])
    parts = []
    got_keys = np.zeros((len(rows), 2), dtype=np.int64)
    for layout, (places, joined) in _keyed_join(rows).items():
        k, values, marks = keyed_rows_decode(layout=layout, joined=joined, rows=len(places), keys=2)
        got_keys[places] = k
        parts.append((layout, np.array(places), values, marks))
    got = PackedTable.from_matrices(size=len(rows), parts=parts)
    assert got_keys.tolist() == [[a, b] for a, b, _l, _p in rows]
    for node in ("d1", "d2", "x"):
        for kind in KINDS:
            assert got.column(node, kind) == want.column(node, kind)
            assert np.array_equal(got.array(node, kind), want.array(node, kind), equal_nan=True)
    nodes = ["d1", "d2", "x"]
    for minimum in (1, 3):
        a = got.distributions(nodes=nodes, minimum=minimum)
        b = want.distributions(nodes=nodes, minimum=minimum)
        assert a.keys() == b.keys()
        assert all(_same(a[n][k], b[n][k]) for n in a for k in KINDS)


def test_joined_rows_that_do_not_fit_their_layout_are_refused() -> None:
    layout, packed = top_scores_pack(scores={("d1", "all"): 1.0})
    assert packed_width(layout=layout) == len(packed) == 3 * 9
    row = struct.pack(">qq", 1, 2) + packed
    keyed_rows_decode(layout=layout, joined=row * 2, rows=2, keys=2)
    for joined, rows in ((row * 2, 3), (row * 2 + b"\0", 2), (row[:-1], 1), (row, -1)):
        with pytest.raises(PackedError, match="do not fit their layout"):
            keyed_rows_decode(layout=layout, joined=joined, rows=rows, keys=2)


def test_a_table_from_parts_takes_each_row_once() -> None:
    layout, packed = top_scores_pack(scores={("d1", "all"): 1.0})
    _k, values, marks = keyed_rows_decode(
        layout=layout, joined=(struct.pack(">qq", 1, 2) + packed) * 2, rows=2, keys=2
    )
    PackedTable.from_matrices(size=2, parts=[(layout, np.array([1, 0]), values, marks)])
    for places, size in (([0, 0], 2), ([0, 1], 3), ([0, 2], 2), ([-1, 0], 2)):
        with pytest.raises(ValueError, match="row"):
            PackedTable.from_matrices(size=size, parts=[(layout, np.array(places), values, marks)])
    with pytest.raises(PackedError, match="do not fit"):
        PackedTable.from_matrices(size=1, parts=[(layout, np.array([0]), values, marks)])


# rows of finite values of any size and spread (ties, signs, tiny and huge), as a group holds
ROWS = st.lists(
    st.lists(
        st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)
        | st.sampled_from([0.0, -0.0, 1.0, 50.0]),
        min_size=1,
        max_size=120,
    ),
    min_size=1,
    max_size=6,
)


@given(ROWS)
@example([[-0.0], [-0.0, -0.0], [0.0, -0.0, 5.0]])
def test_quartiles_of_many_rows_at_once_are_numpys(rows: list[list[float]]) -> None:
    """The group's quartiles come from one sort of all its rows (each row's values first, NaN
    after): each row's are exactly what np.percentile gives for its values alone (equal
    values may come in another order, so a zero's sign may differ)."""
    from saferspaces.core.dashboard.packed import _quartiles

    width = max(map(len, rows))
    table = np.full((len(rows), width), np.nan)
    for k, row in enumerate(rows):
        table[k, : len(row)] = row
    table.sort(axis=1)
    got = _quartiles(table, np.array([len(r) for r in rows]))
    for k, row in enumerate(rows):
        want = np.percentile(np.array(row), [25, 50, 75])
        assert got[k].tolist() == want.tolist(), (row, got[k], want)
        signs = {math.copysign(1, v) for v in row if v == 0}
        if len(signs) < 2:
            # without zeros of both signs, the same bits (a lone -0.0 included)
            assert got[k].tobytes() == want.tobytes(), (row, got[k], want)

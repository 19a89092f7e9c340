"""``AnyOf``: a column equal to one of many integers, given as a list or as an integer array
(a peer group's ids, read with NumPy), on SQLite and on PostgreSQL."""

from __future__ import annotations

import numpy as np
import pytest
from django.db.models import F

from saferspaces.authorities.models import Authority
from saferspaces.results.sql import AnyOf

pytestmark = pytest.mark.django_db


def test_an_integer_array_selects_what_its_list_selects(demo: object) -> None:
    ids = list(Authority.objects.order_by("pk").values_list("pk", flat=True)[:7])
    want = sorted(ids[::2])
    for given in (want, np.array(want, dtype=np.int64), np.array(want, dtype=np.uint32)):
        got = Authority.objects.filter(AnyOf(F("pk"), given)).values_list("pk", flat=True)
        assert sorted(got) == want
    assert not Authority.objects.filter(AnyOf(F("pk"), np.array([], dtype=np.int64))).exists()


def test_lookups_of_arrays_compare_and_hash_as_any_lookup() -> None:
    """Django compares and hashes lookups by their value (combining filters): an array's
    truth value is ambiguous, so an array is held as the tuple of its integers."""
    a = AnyOf(F("pk"), np.array([3, 1, 2]))
    b = AnyOf(F("pk"), np.array([3, 1, 2]))
    assert a == b and hash(a) == hash(b)
    assert a != AnyOf(F("pk"), np.array([3, 1]))
    assert {a, b} == {a}

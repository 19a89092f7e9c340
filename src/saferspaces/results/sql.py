"""SQL helpers of the results layer's reads at scale: ``AnyOf`` (a column equal to one of many
integers, sent as one array on PostgreSQL) and :func:`binary_cursor`.

``field__in=[...]`` writes one placeholder per value: for the 1 400 authorities of a peer
group open to contact, the driver spent about 4 ms splitting the query at its placeholders and
adapting each value, more than PostgreSQL took to answer. On PostgreSQL the values are one
text parameter read as a ``bigint[]`` (``= ANY(string_to_array(%s, ','))``); elsewhere they are written as ``IN`` with a placeholder
each. Used directly in ``filter()``: ``Model.objects.filter(AnyOf(F("authority_id"), ids))``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from django.core.exceptions import EmptyResultSet
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Lookup


class AnyOf(Lookup):  # type: ignore[type-arg]
    lookup_name = "any_of"
    prepare_rhs = False
    can_use_none_as_rhs = False

    def __init__(self, lhs: Any, rhs: Any) -> None:
        # an integer array (a peer group's ids) as a tuple of its integers, already checked:
        # a lookup is compared and hashed by its value, which an array cannot be
        self._integers = isinstance(rhs, np.ndarray) and rhs.dtype.kind in "iu"
        super().__init__(lhs, tuple(rhs.tolist()) if self._integers else rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:  # type: ignore[override]
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(self.rhs) if self._integers else [int(v) for v in self.rhs]
        if not values:
            raise EmptyResultSet  # none of nothing: Django answers without asking the database
        if connection.vendor == "postgresql":
            # one text of the numbers: the driver (client-side binding) wrote a list of ten
            # thousand integers into the query one by one
            text = ",".join(map(str, values))
            return f"{lhs} = ANY(string_to_array(%s, ',')::bigint[])", (*lhs_params, text)
        return f"{lhs} IN ({', '.join(['%s'] * len(values))})", (*lhs_params, *values)


def binary_cursor(connection: BaseDatabaseWrapper) -> Any:
    """A cursor of ``connection`` (Django's, instrumented as any other: query logging, execute
    wrappers) whose results PostgreSQL sends in binary: packed values (a default peer group at
    100 000 authorities is 9 500 rows of 324 bytes) are otherwise sent as hexadecimal for the
    driver to decode (8.5 -> 5 ms of the web process's CPU for that group). Elsewhere a plain
    cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)  # server-side binding, which binary needs
    raw.format = psycopg.pq.Format.BINARY
    django: Any = connection
    return django._prepare_cursor(raw)  # Django's wrapping of a cursor it made

"""A JSON value kept as its compact UTF-8 text in a binary column.

A run's explanation (about 28 kB of JSON for an assessment of the first edition) is written once
and only ever read whole: nothing queries inside it. In a ``jsonb`` column PostgreSQL parsed
each one into its binary form on the way in (about 4.5 s of the database's time for a round of
10,000 assessments, on the round's critical path) and wrote it back out as text on every read,
with its keys sorted by length. Here the database stores the bytes it is given: the value is
written by orjson and read back by orjson, in the order it was computed.
"""

from __future__ import annotations

import json
import numbers
from typing import Any

import orjson
from django.db import models


def json_number(value: Any) -> float | int:
    """orjson's fallback for every JSON the results write: numbers of other types (NumPy's) as
    Python's; anything else is refused (and written by :mod:`json`)."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    raise TypeError(type(value).__name__)


def json_bytes(value: Any) -> bytes:
    """The compact JSON text of ``value`` (non-finite numbers as null, as orjson writes them)."""
    try:
        return orjson.dumps(value, default=json_number)
    except TypeError:
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_read(raw: Any) -> Any:
    """A stored value decoded: bytes (or a memoryview) from a binary column, or text (a row
    copied from a JSON column, as SQLite keeps it)."""
    if isinstance(raw, memoryview):
        raw = raw.tobytes()
    return orjson.loads(raw)


class CompactJSONField(models.BinaryField):
    """A JSON value (dict, list, numbers, text) stored as compact JSON bytes; never queried
    inside (use ``JSONField`` for that)."""

    # what the model's attribute holds, for the type checker's Django plugin (a JSON value,
    # not the column's bytes)
    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("editable") is False:
            del kwargs["editable"]
        return name, path, args, kwargs

    def get_prep_value(self, value: Any) -> Any:
        return None if value is None else json_bytes(value)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return None if value is None else json_read(value)

    def to_python(self, value: Any) -> Any:
        # bytes from the database, or the JSON text of a serialized row (loaddata)
        if isinstance(value, bytes | bytearray | memoryview | str):
            return json_read(value)
        return value

    def value_to_string(self, obj: models.Model) -> str:
        """The JSON text (``dumpdata``)."""
        return json_bytes(self.value_from_object(obj)).decode("utf-8")

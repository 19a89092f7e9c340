"""Bounded readers for hostile input: every parser of outside files goes through these.

Each function enforces the limits of :mod:`saferspaces.core.limits` *while* it reads, before the
cost of an input can grow (a YAML document is measured on its event stream before it is composed;
a zip container is measured from its central directory, then again while it is unpacked since
headers can lie), and turns the parser's own exceptions into
:class:`~saferspaces.core.limits.InputError` with the file, line and column.

- :mod:`.yamlload`: ``yaml_compose``, ``yaml_load`` (depth, aliases, values, cycles)
- :mod:`.zipcheck`: ``zip_check`` (members, unpacked size, ratio, XML markup and depth)
- :mod:`.sheets`: ``workbook_open``, ``sheet_header``, ``sheet_rows`` (openpyxl, bounded)
- :mod:`.jsontext`: ``json_loads`` (depth checked on the text first)
- :mod:`.text`: ``file_read``, ``text_decode``, ``csv_records`` (size, encoding, line length,
  strict quoting)
"""

from __future__ import annotations

from saferspaces.core.limits import InputError, LimitExceeded
from saferspaces.core.safeload.jsontext import json_loads
from saferspaces.core.safeload.text import csv_records, file_read, text_decode
from saferspaces.core.safeload.yamlload import yaml_compose, yaml_load
from saferspaces.core.safeload.zipcheck import zip_check

__all__ = [
    "InputError",
    "LimitExceeded",
    "csv_records",
    "file_read",
    "json_loads",
    "text_decode",
    "yaml_compose",
    "yaml_load",
    "zip_check",
]

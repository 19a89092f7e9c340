"""The limits every reader of outside input obeys: one place, documented in ``docs/operations.md``.

A hostile or broken file (a zip bomb, a YAML alias bomb, a file nested 100,000 deep, one line of a
gigabyte) must be refused with a clear message within bounded time and memory, before it can hold
a worker. Every reader takes its bound from here, never from a literal of its own; the test
``tests/test_hostile_files.py`` runs each reader on a corpus of hostile files in a subprocess and
asserts the time and the peak memory.

Sizes are in bytes. The readers that enforce them raise :class:`LimitExceeded` (or their own
error type carrying its message and location).
"""

from __future__ import annotations

from typing import Final

MB: Final = 1024 * 1024

#: the text fields of one request (a form's body, files apart), as sent: Django's
#: ``DATA_UPLOAD_MAX_MEMORY_SIZE``. Django decodes percent escapes in pure Python, with about 80
#: bytes of memory per byte of body (10 MB of escapes: 0.8 GB and a second of CPU); the longest
#: real form body is a few tens of kilobytes
FORM_BODY_MAX_BYTES: Final = 1 * MB
#: free text typed into a form, in characters (a field stored in a column of limited width takes
#: that width, its model field's ``max_length``)
COMMENT_MAX_CHARS: Final = 5_000
NOTE_MAX_CHARS: Final = 2_000
TEXT_ANSWER_MAX_CHARS: Final = 5_000
#: an authority's population: more than any NUTS 1 region (the column holds up to 2**31 - 1)
POPULATION_MAX: Final = 100_000_000

#: an uploaded or read file, as stored (compressed where it is a zip or gzip container); also the
#: largest request body of a page that declares no upload limit of its own
FILE_MAX_BYTES: Final = 10 * MB
#: room for a form's other fields and multipart headers in a request body, on top of the file
FORM_FIELDS_ROOM_BYTES: Final = 64 * 1024
#: a framework edition file (YAML or XLSForm) as uploaded or read by ``framework`` commands
EDITION_FILE_MAX_BYTES: Final = 5 * MB
#: an answers file or a KoboToolbox / ODK submission export (CSV or XLSX) as uploaded
ANSWERS_FILE_MAX_BYTES: Final = 5 * MB
#: the total of the uncompressed members of a zip container (XLSX, ODS, XLSForm, Kobo exports)
ZIP_UNPACKED_MAX_BYTES: Final = 20 * MB
#: the largest ratio unpacked / packed of one zip member (a bomb has several hundreds) ...
ZIP_RATIO_MAX: Final = 100
#: ... checked on members that unpack to more than this (small parts compress as they like)
ZIP_RATIO_FROM_BYTES: Final = 1 * MB
#: how many members a zip container may have
ZIP_MEMBERS_MAX: Final = 2_000
#: how many tags (``<``) the XML members of one workbook may hold together: the work of the
#: spreadsheet reader grows with them (about 125,000 filled cells)
XML_MARKUP_MAX: Final = 500_000
#: the deepest nesting of XML elements in a member of a zip container
XML_DEPTH_MAX: Final = 64
#: the unpacked size of a gzip stream (``.tsv.gz`` from Eurostat)
GZIP_UNPACKED_MAX_BYTES: Final = 500 * MB
#: the longest line of a text table (TSV, CSV), in characters
LINE_MAX_CHARS: Final = 1 * MB
#: the most cells (rows x columns, empty ones included) of a table read into memory
TABLE_CELLS_MAX: Final = 1_000_000
#: the deepest nesting of YAML collections, counted before the document is composed
YAML_DEPTH_MAX: Final = 64
#: how many aliases (``*name``) a YAML document may use
YAML_ALIASES_MAX: Final = 1_000
#: how many values (scalars and collections) a YAML document may hold, each alias counting as
#: the values it repeats; the bundled edition holds about 7,500, a synthetic edition of 1,000
#: questions (the benchmark) about 75,000
YAML_NODES_MAX: Final = 200_000
#: the same for a scoring pipeline file (the examples hold 23 to 142 values; weights for a
#: framework of 10,000 indicators about 20,000)
PIPELINE_YAML_NODES_MAX: Final = 50_000
#: an iData or iMeta CSV file of ``index build|sensitivity`` (COINr-style tables, read on the
#: command line, never uploaded): room for the most cells below written at full precision
#: (about 20 characters each)
INDEX_TABLE_MAX_BYTES: Final = 256 * MB
#: the most cells (rows x columns) of one iData or iMeta table: 10,000 units x 1,000
#: indicators, or 100,000 units x 100 (issue 18's big table is 10,000 x 500)
INDEX_TABLE_CELLS_MAX: Final = 10_000_000
#: the deepest nesting of JSON arrays and objects
JSON_DEPTH_MAX: Final = 64


class InputError(ValueError):
    """An input cannot be read: it is broken, or (:class:`LimitExceeded`) beyond a limit.

    ``where`` names the file (and sheet or member); ``row`` (of a spreadsheet), ``line`` and
    ``column`` (1-based) the place in it when known. ``str()`` gives all of it in one sentence.
    """

    def __init__(
        self,
        message: str,
        *,
        where: str = "",
        line: int | None = None,
        column: int | None = None,
        row: int | None = None,
    ) -> None:
        self.message = message
        self.where = where
        self.line = line
        self.column = column
        self.row = row
        super().__init__(f"{self.place}: {message}" if self.place else message)

    @property
    def place(self) -> str:
        """``"file, line 3, column 7"`` or ``"file, sheet x, row 12"`` (the parts known)."""
        parts = [self.where] if self.where else []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class LimitExceeded(InputError):
    """An input goes beyond one of the limits above; ``where`` names the file and place."""


#: how many authorities one uploaded table may register at once (bulk registration)
AUTHORITY_TABLE_MAX_ROWS: Final = 500

# --- open-data files: Eurostat TSV (also gzip) and JSON-stat, the NUTS table -------------------
# (docs/operations.md, "Limits on input", "Open-data files"; the NUTS table obeys FILE_MAX_BYTES)

#: a Eurostat file as stored or as sent (packed when it is a ``.tsv.gz``), checked before reading
#: when the size is known and while streaming otherwise
OPENDATA_FILE_MAX_BYTES: Final = 200 * MB
#: the largest ratio unpacked / packed of a gzip stream, checked while it is read (Eurostat's
#: files pack 5 to 70 times; a bomb a thousand times)
GZIP_RATIO_MAX: Final = 200
#: a JSON document, which is parsed whole (JSON-stat), once unpacked
JSON_DOCUMENT_MAX_BYTES: Final = 50 * MB

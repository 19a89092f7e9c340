"""``answers.csv`` of a round written by PostgreSQL (``COPY ... TO STDOUT``), byte for byte the
file the Python writer makes (``core.exports.answers_table`` + ``table_csv_chunks``).

At 100,000 authorities the answers table has about 12 million rows, and formatting them in
Python took most of the export's time. On PostgreSQL the database formats them: for each batch
of units, one ``COPY (SELECT ...) TO STDOUT (FORMAT binary)`` returns one row per unit holding
the unit's CSV lines (``string_agg``), its number of lines and whether Python must write the
unit instead. The binary format leaves the lines as they are (the text format would escape
backslashes and line breaks, and the CSV format ends lines with ``\\n`` where the product's
files end them with ``\\r\\n``); psycopg reads the rows as they arrive, so one unit's lines at a
time are in memory.

What Python fixes once per export is written by Python's own CSV writer and passed as
parameters: the header, each unit's code, each question's code, dimension, kind and type, and
the whole row of a question without answer. What comes from the database is formatted in SQL
exactly as Python would: texts as they are, numbers as Python's ``repr`` (shortest digits,
``12.0`` for a whole float, exponent from ``1e+16`` and below ``1e-04``), JSON integers as
written, booleans ``yes``/``no``, lists joined with ``"; "`` (their items as ``str``: ``True``,
``None``), empty texts as empty fields, quotes doubled and fields with a comma, a quote or a line
break quoted, and the formula guard of ``core.spreadsheets`` on every text cell (its patterns,
from ``postgres_guard_patterns``). Each distinct value of a batch is formatted once. The
background values of coded units are coarsened to two significant digits as ``value_coarsen``
does (the C library's ``log10``, then Python's rounding of the exact binary value, half to even).

A unit whose answers hold anything else is written by Python, with the Python path's own code
(a few queries for that unit, after the batch's ``COPY``): answers inside repeat groups (key
``GROUP[2]/ITEM``), JSON objects or nested lists, numbers from 1e16 on (PostgreSQL writes some
of those doubles with more digits than the shortest) or below 1e-300, a provenance that is not
a JSON object. Values are matched by their JSON text, so ``1`` and ``1.0``, which Python writes
apart, stay apart. The demo and the benchmark sets have no such unit; the file is the same
either way (``tests/exports/test_answers_copy_postgres.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

from django.db import connection, transaction

from saferspaces.assessments.models import Answer
from saferspaces.core.exports import ANSWERS_COLUMNS, Table, answers_table, table_csv_chunks
from saferspaces.core.exports.model import CodedUnit
from saferspaces.core.exports.tables import STATUSES, answer_slots
from saferspaces.core.spreadsheets import QUOTE, csv_writer_open, postgres_guard_patterns
from saferspaces.exports.selectors import RoundExport, answers_load

# units formatted by one COPY statement, and the memory PostgreSQL sorts them in
COPY_UNITS = 1000
WORK_MEM = "64MB"

# Units with a JSON number from this magnitude on, or (but for zero) at most _TINY, are left to
# Python: PostgreSQL writes some whole doubles from 1e16 on with more digits than the shortest
# (8.701082023881699e+16 where Python writes 8.7010820238817e+16), and refuses a number so
# small that Python reads it as 0
_NUMBER_LIMIT = "1e16"
_TINY = "1e-300"
_ALL = "'{}'"  # the path of a JSON value's own text: value #>> '{}'


def _float(x: str) -> str:
    """SQL: the float8 ``x`` as Python's ``repr`` writes it: PostgreSQL's shortest digits
    (``extra_float_digits`` 1), which it writes with an exponent from 1e15 where Python does
    from 1e16, and without ``.0`` when whole."""
    dot = f"CASE WHEN {x} = trunc({x}) THEN '.0' ELSE '' END"
    return (
        f"CASE WHEN abs({x}) >= 1e16 OR (abs({x}) < 1e-4 AND {x} <> 0) THEN {x}::text "
        f"WHEN abs({x}) >= 1e15 THEN ({x}::text)::numeric::text || {dot} "
        f"ELSE {x}::text || {dot} END"
    )


def _number_text(t: str) -> str:
    """SQL: a JSON number's text (``#>> '{}'``: PostgreSQL never writes it with an exponent) as
    Python writes what ``json.loads`` reads: an integer as written, a float as its ``repr``."""
    return f"CASE WHEN strpos({t}, '.') > 0 THEN {_float(f'({t})::float8')} ELSE {t} END"


def _number_hard(n: str) -> str:
    return f"(abs({n}) >= {_NUMBER_LIMIT} OR ({n} <> 0 AND abs({n}) <= {_TINY}))"


def _json_text(j: str) -> str:
    """SQL: the JSON value ``j`` as the answers table's text (``tables._text``); NULL for JSON
    null (and for an object: such a unit goes to Python)."""
    item = (
        "CASE jsonb_typeof(x) WHEN 'string' THEN x #>> '{}' "
        f"WHEN 'number' THEN {_number_text(f'x #>> {_ALL}')} "
        "WHEN 'boolean' THEN CASE WHEN x = 'true'::jsonb THEN 'True' ELSE 'False' END "
        "WHEN 'null' THEN 'None' END"
    )
    return (
        f"CASE jsonb_typeof({j}) WHEN 'string' THEN {j} #>> {_ALL} "  # noqa: S608 (constants)
        f"WHEN 'number' THEN {_number_text(f'{j} #>> {_ALL}')} "
        f"WHEN 'boolean' THEN CASE WHEN {j} = 'true'::jsonb THEN 'yes' ELSE 'no' END "
        f"WHEN 'array' THEN (SELECT string_agg({item}, '; ' ORDER BY n) "
        f"FROM jsonb_array_elements({j}) WITH ORDINALITY e(x, n)) END"
    )


def _json_hard(j: str) -> str:
    """SQL: whether the JSON value ``j`` is one that :func:`_json_text` does not write as Python
    does (an object, a list holding lists or objects, a number out of a double's comfort)."""
    number = f"CASE jsonb_typeof(x) WHEN 'number' THEN {_number_hard('x::numeric')} END"
    return (
        f"CASE jsonb_typeof({j}) WHEN 'object' THEN true "  # noqa: S608 (constants)
        f"WHEN 'number' THEN {_number_hard(f'{j}::numeric')} "
        f"WHEN 'array' THEN EXISTS (SELECT 1 FROM jsonb_array_elements({j}) x "
        f"WHERE jsonb_typeof(x) IN ('object', 'array') OR {number}) "
        "ELSE false END"
    )


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _guarded(t: str) -> str:
    """SQL: the text ``t`` (not empty) through the formula guard (``spreadsheets.text_csv_safe``):
    the quote in front when it is at risk, or when it is quotes in front of a text at risk. The
    patterns are tried only on a text that starts with one of the guard's ASCII characters or
    with a character beyond ASCII."""
    q = _lit(QUOTE)
    risky = (
        f"CASE WHEN ascii({t}) < 128 AND ascii({t}) <> ALL (%(leads)s::int[]) THEN false "
        f"WHEN left({t}, 1) = {q} THEN ltrim({t}, {q}) ~ %(risk)s "
        f"AND ltrim({t}, {q}) !~ %(number)s ELSE {t} ~ %(risk)s AND {t} !~ %(number)s END"
    )
    return f"CASE WHEN {risky} THEN {q} || {t} ELSE {t} END"


def _field(t: str) -> str:
    """SQL: the text ``t`` guarded, as a CSV field: empty for NULL or '' (Python's csv writes
    both so), quoted with its quotes doubled when it holds a comma, a quote or a line break."""
    g = _guarded(t)
    special = " OR ".join(f"strpos({t}, {_lit(c)}) > 0" for c in ('"', ",", "\r", "\n"))
    return (
        f"CASE WHEN {t} IS NULL OR {t} = '' THEN '' "
        f"WHEN {special} THEN '\"' || replace({g}, '\"', '\"\"') || '\"' "
        f"ELSE {g} END"
    )


def _coarse(x: str) -> str:
    """SQL: ``value_coarsen`` of the float8 ``x`` (not 0): ``round(x, 1 - floor(log10(|x|)))``.

    ``log10`` is the C library's, as Python's. Python's ``round`` rounds the exact binary value
    of ``x``: that is rounding its shortest decimal ``s`` unless ``s`` is exactly half-way at the
    digit kept (no other decimal as short lies between ``x`` and ``s``). There the exact value
    ``m * 2**e`` (read from the double's bits, compared in exact numerics) says which way, and
    an exact tie goes to the even digit. The decimal becomes a double through its text
    (PostgreSQL's numeric-to-double cast is not always the nearest double)."""
    d = f"(1 - floor(log(abs({x})))::int)"
    s = f"(({x})::text::numeric)"
    bits = f"(('x' || encode(float8send({x}), 'hex'))::bit(64)::bigint)"
    be = f"(({bits} >> 52) & 2047)"
    m = f"(({bits} & 4503599627370495) + CASE WHEN {be} > 0 THEN 4503599627370496 ELSE 0 END)"
    e = f"(CASE WHEN {be} > 0 THEN {be} - 1075 ELSE -1074 END)"
    # sign(|x| - |s|), exactly: m * 2^e against |s|, both scaled to integers when e < 0
    cmp = (
        f"sign(CASE WHEN {e} >= 0 THEN {m}::numeric * 2::numeric ^ {e} - abs({s}) "
        f"ELSE {m}::numeric * 5::numeric ^ (-{e}) - abs({s}) * 10::numeric ^ (-{e}) END)"
    )
    away, toward = f"round(abs({s}), {d})", f"trunc(abs({s}), {d})"
    # the digit kept, even or odd (a negative power of ten is not exact in numerics: divide)
    last = (
        f"CASE WHEN {d} >= 0 THEN {toward} * 10::numeric ^ {d} "
        f"ELSE {toward} / 10::numeric ^ (-{d}) END"
    )
    even = f"mod(trunc({last}), 2) = 0"
    half = (
        f"sign({s}) * CASE WHEN {cmp} > 0 THEN {away} WHEN {cmp} < 0 THEN {toward} "
        f"WHEN {even} THEN {toward} ELSE {away} END"
    )
    return (
        f"(CASE WHEN round({s} * 2, {d}) = {s} * 2 AND round({s}, {d}) <> {s} THEN {half} "
        f"ELSE round({s}, {d}) END)::text::float8"
    )


_QUERY = """
COPY (
WITH u AS (
    SELECT * FROM unnest(%(ords)s::int[], %(ids)s::bigint[], %(codes)s::text[], %(named)s::bool[])
        AS u(ord, aid, code, named)
), s AS (
    SELECT * FROM unnest(%(pos)s::int[], %(qcodes)s::text[], %(fixed)s::text[], %(empty)s::text[],
        %(numeric)s::bool[], %(background)s::bool[], %(text)s::bool[])
        AS s(pos, qcode, fixed, empty, is_num, is_bg, is_text)
), b AS MATERIALIZED (
    SELECT assessment_id, code, value, prefill, status = 'answered' AS answered
    FROM {answers} WHERE assessment_id = ANY(%(ids)s::bigint[])
), odd AS (
    SELECT DISTINCT assessment_id FROM b WHERE strpos(code, '[') > 0 OR ({prefill_hard})
), d AS (
    SELECT key, value, jsonb_typeof(value) = 'number' AND NOT hard AS is_number, hard,
        CASE WHEN jsonb_typeof(value) = 'number' AND NOT hard THEN (value #>> '{{}}')::float8 END
            AS num
    FROM (SELECT key, value, {value_hard} AS hard FROM (SELECT key, key::jsonb AS value
        FROM (SELECT DISTINCT value::text AS key FROM b WHERE answered AND value IS NOT NULL) k
        ) x) y
    OFFSET 0
), dc AS (
    SELECT d.*, CASE WHEN num IS NULL OR num = 0 THEN num ELSE {coarse} END AS coarse
    FROM d OFFSET 0
), vals AS MATERIALIZED (
    SELECT key, is_number, hard,
        {text_field} AS text_f,
        CASE WHEN is_number THEN {num_text} END AS num_f,
        CASE WHEN is_number THEN {coarse_text} END AS coarse_num_f,
        CASE WHEN is_number THEN {coarse_text_field} END AS coarse_text_f
    FROM dc
)
SELECT COALESCE(x.hard, false) OR EXISTS (SELECT 1 FROM odd WHERE assessment_id = u.aid),
    x.n, convert_to(x.body, 'UTF8')
FROM u CROSS JOIN LATERAL (
    SELECT bool_or(hard) AS hard, count(*)::int AS n,
        string_agg(line, E'\\r\\n' ORDER BY pos) || E'\\r\\n' AS body
    FROM (
    SELECT s.pos, COALESCE(a.answered AND vals.hard, false) AS hard,
        CASE WHEN a.code IS NULL THEN u.code || s.empty ELSE u.code || s.fixed
            || {status} || ','
            || CASE WHEN NOT a.answered OR vals.key IS NULL OR (NOT u.named AND s.is_text)
                THEN '' WHEN NOT u.named AND s.is_bg AND s.is_num AND vals.is_number
                THEN {coarse_field} ELSE vals.text_f END || ','
            || CASE WHEN NOT a.answered OR vals.key IS NULL OR NOT s.is_num
                OR NOT vals.is_number THEN ''
                WHEN NOT u.named AND s.is_bg THEN vals.coarse_num_f ELSE vals.num_f END || ','
            || CASE WHEN u.named AND a.comment <> '' THEN {comment} ELSE '' END || ','
            || CASE WHEN a.pre THEN 'yes,' || {dataset} || ',' || {period} ELSE 'no,,' END
        END AS line
    FROM s
    LEFT JOIN (SELECT code, status, value, comment, prefill, status = 'answered' AS answered,
        COALESCE(jsonb_typeof(prefill) = 'object' AND prefill <> '{{}}'::jsonb, false) AS pre
        FROM {answers} WHERE assessment_id = u.aid) a ON a.code = s.qcode
    LEFT JOIN vals ON vals.key = a.value::text AND a.answered
    ) c
) x
ORDER BY u.ord
) TO STDOUT (FORMAT binary)
"""


def _query(statuses: tuple[str, ...]) -> str:
    pre = "CASE WHEN a.pre THEN a.prefill -> '{key}' END"
    prefill_hard = (
        "CASE jsonb_typeof(prefill) WHEN 'object' THEN "
        f"({_json_hard(chr(40) + 'prefill -> ' + _lit('dataset') + chr(41))}) "
        f"OR ({_json_hard(chr(40) + 'prefill -> ' + _lit('period') + chr(41))}) "
        "WHEN 'null' THEN false ELSE prefill IS NOT NULL END"
    )
    # the statuses the product stores, as the Python writer writes them; any other text too
    status = (
        "CASE a.status "
        + " ".join(f"WHEN {_lit(k)} THEN {_lit(_csv_cells([k, ''])[:-1])}" for k in statuses)
        + f" ELSE {_field('a.status')} END"
    )
    return _QUERY.format(
        answers=connection.ops.quote_name(Answer._meta.db_table),
        prefill_hard=prefill_hard,
        value_hard=_json_hard("value"),
        coarse=_coarse("num"),
        text_field=_field(f"({_json_text('value')})"),
        num_text=_float("num"),
        coarse_text=_float("coarse"),
        coarse_field="vals.coarse_text_f",
        coarse_text_field=_field(f"({_float('coarse')})"),
        status=status,
        comment=_field("a.comment"),
        dataset=_field(f"({_json_text(pre.format(key='dataset'))})"),
        period=_field(f"({_json_text(pre.format(key='period'))})"),
    )


def _csv_cells(cells: list[Any]) -> str:
    """Cells as the Python writer writes them in a row of at least two cells, without the line
    end (a row of one empty cell is written ``""``: never asked here)."""
    assert len(cells) >= 2
    out = StringIO()
    csv_writer_open(out=out).writerow(cells)
    return out.getvalue()[: -len("\r\n")]


def _header() -> bytes:
    return b"".join(table_csv_chunks(table=Table("answers", ANSWERS_COLUMNS, ())))


def _python_lines(export: RoundExport, unit: CodedUnit, header: bytes) -> tuple[bytes, int]:
    """One unit's lines written by the Python path, and their number."""
    got = answers_load([unit.unit.assessment])
    table = answers_table(
        context=export.context, units=[unit], answers_of=lambda u: got[u.unit.assessment]
    )
    rows = list(table.rows)
    body = b"".join(table_csv_chunks(table=Table("answers", ANSWERS_COLUMNS, rows)))
    return body[len(header) :], len(rows)


def answers_copy_chunks(
    *, export: RoundExport, rows_done: Callable[[int], None] | None = None
) -> Iterator[bytes]:
    """``answers.csv`` of ``export`` (header first), formatted by PostgreSQL a batch of
    :data:`COPY_UNITS` units at a time, one chunk per batch; ``rows_done(n)`` is called with the
    rows of each chunk."""
    header = _header()
    yield header
    slots = answer_slots(edition=export.context.edition)
    fixed = {
        "pos": list(range(len(slots))),
        "qcodes": [s.code for s in slots],
        "fixed": ["," + _csv_cells([s.code, s.dimension, s.kind, s.type, ""]) for s in slots],
        "empty": ["," + _csv_cells([*s.unanswered[:8], "no", None, None]) for s in slots],
        "numeric": [s.numeric for s in slots],
        "background": [s.background for s in slots],
        "text": [s.type == "text" for s in slots],
    }
    risk, number, leads = postgres_guard_patterns()
    query = _query(STATUSES)
    units = export.units
    for start in range(0, len(units), COPY_UNITS):
        batch = units[start : start + COPY_UNITS]
        params = {
            **fixed,
            "ords": list(range(len(batch))),
            "ids": [u.unit.assessment for u in batch],
            "codes": [_csv_cells([u.code, ""])[:-1] for u in batch],
            "named": [u.named for u in batch],
            "risk": risk,
            "number": number,
            "leads": list(leads),
        }
        parts: list[bytes] = []
        counts: list[int] = []
        hard: list[int] = []
        with transaction.atomic(), connection.cursor() as wrapper:
            cursor = wrapper.cursor
            # shortest float digits (the default); a batch's rows sorted in memory; no JIT (it
            # compiled the query for longer than the query ran). Inside a caller's transaction
            # these last until it ends.
            cursor.execute(
                "SET LOCAL extra_float_digits = 1; SET LOCAL jit = off; "
                f"SET LOCAL work_mem = '{WORK_MEM}'"
            )
            with cursor.copy(query, params) as copy:
                copy.set_types(["bool", "int4", "bytea"])
                for odd, n, body in copy.rows():
                    if odd:
                        hard.append(len(parts))
                    parts.append(b"" if body is None else bytes(body))  # odd: Python writes it
                    counts.append(n)
        for i in hard:  # after the COPY: the connection reads one thing at a time
            parts[i], counts[i] = _python_lines(export, batch[i], header)
        yield b"".join(parts)
        if rows_done is not None:
            rows_done(sum(counts))

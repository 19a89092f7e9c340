"""``answers.csv`` formatted by PostgreSQL (``exports.answers_copy``) is byte for byte the file
the Python writer makes, on a round full of hostile values: formulas (``=1+1``, ``+``, ``-``,
``@``, a tab or a carriage return first, full-width signs, after invisible characters), quotes,
commas, line breaks, unicode, numbers Python and PostgreSQL write differently (``12.0``,
``1e+16``, ``1e-05``), JSON numbers written with and without a point, lists, nulls, objects,
every answer status and a status the product never writes, every question type of the first
edition, coded and named units, coarsened background values at exact half-way points, open-data
provenances, answers inside repeat groups. Also the guard's SQL against the Python guard, and
the SQL number formatting and coarsening against Python's, value by value. Runs in the
PostgreSQL pass of ``make test``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import struct
from typing import Any

import pytest
from django.db import connection

from conftest import require_postgres
from saferspaces.core.exports import table_csv_chunks, value_coarsen
from saferspaces.core.exports.tables import STATUSES, answer_slots
from saferspaces.core.spreadsheets import _SPACES, DIGIT_ZEROS, postgres_guard_patterns
from saferspaces.exports import answers_copy
from saferspaces.exports.files import csv_chunks
from saferspaces.exports.selectors import round_export

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def _postgres_only() -> None:
    require_postgres()


TEXTS = [
    "=1+1",
    "+",
    "-",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example", "Click")',
    "\t=1",
    "\r=1",
    "\tplain",
    " =1",
    "\u3000\uff1d1",
    "\u200b+1",
    "\ufeff@x",
    "\uff0d1",
    "'=1",
    "''-",
    "'plain",
    "-3.2",
    "+5",
    "-1e-3",
    "-\u0663",
    "\u0663",
    "a,b",
    'say "hi"',
    "line1\nline2",
    "crlf\r\nend",
    "unicode é ü 漢字 👍",
    "",
    " ",
    "plain text",
    "\\N",
    "\\.",
    "back\\slash",
]
NUMBERS = [
    0,
    1,
    -7,
    0.0,
    1.0,
    3.5,
    -2.5,
    0.1,
    2.675,
    2.65,
    0.125,
    45.5,
    44.5,
    -45.5,
    125,
    1350,
    0.0345,
    2.25,
    1e-05,
    -1.5e-07,
    0.0001,
    1e15,
    1234567890123456.7,
    9999999999999998.0,
    123456.0,
]
OTHERS: list[Any] = [
    True,
    False,
    None,
    [],
    ["a", "b"],
    ["=x", 1, 2.5, True, False, None, "a;b"],
    [1.0, "x,y", 1e15],
]
# what the SQL leaves to Python (the unit is written by Python)
HARD: list[Any] = [
    {"a": 1},
    [[1, 2]],
    [{"k": "v"}],
    1e301,
    5e-324,
    1e16,
    8.7010820238817e16,
    12345678901234567890,
    [1e16],
]
PREFILLS: list[Any] = [
    None,
    {},
    {"dataset": "urb_percep", "period": "2019"},
    {"dataset": "=evil()", "period": 2019},
    {"dataset": ["a", 1.5], "period": 2019.0},
    {"dataset": None},
    {"source": "other"},
]
STATUS_CYCLE = [*STATUSES[:4], "=odd status"]


def _round(units: int, *, hard: bool) -> Any:
    from saferspaces.assessments.models import Answer, Assessment, Round
    from saferspaces.authorities.models import Authority, Network, NutsRegion
    from saferspaces.dashboard.models import PeerSharing
    from saferspaces.demo.generator import _ensure_regions
    from saferspaces.frameworks.models import FrameworkEdition
    from saferspaces.frameworks.selectors import edition_parsed
    from saferspaces.frameworks.services import framework_editions_sync_bundled

    framework_editions_sync_bundled()
    _ensure_regions()
    region = NutsRegion.objects.order_by("code").first()
    row = FrameworkEdition.objects.get(edition_id="ssf-2026.1")
    slots = answer_slots(edition=edition_parsed(row=row))
    network = Network.objects.create(name="Copy network", slug="copy-network")
    round_ = Round.objects.create(
        network=network,
        edition=row,
        title="Copy round",
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 3, 31),
    )
    values = TEXTS + NUMBERS + OTHERS + (HARD if hard else [])
    answers = []
    for i in range(units):
        authority = Authority.objects.create(
            name=f'=Authority, "{i}"\n{"é" * i}',
            slug=f"copy-{i}",
            country_code=region.country_code,
            nuts_region=region,
            kind="municipality",
        )
        if i % 3 == 0:  # named in the export
            PeerSharing.objects.create(authority=authority, publish_results=True)
        assessment = Assessment.objects.create(
            authority=authority, round=round_, edition=row, title=round_.title, state="accepted"
        )
        for j, slot in enumerate(slots):
            if (i + j) % 11 == 10:
                continue  # unanswered
            k = i * 7 + j
            answers.append(
                Answer(
                    assessment=assessment,
                    code=slot.code,
                    status=STATUS_CYCLE[0] if k % 6 else STATUS_CYCLE[k // 6 % 5],
                    value=values[k % len(values)],
                    comment=TEXTS[k % len(TEXTS)] if k % 4 == 0 else "",
                    prefill=PREFILLS[k % len(PREFILLS)],
                )
            )
        if hard and i == 1:
            answers.append(Answer(assessment=assessment, code="SITES[2]/X", status="answered"))
    Answer.objects.bulk_create(answers)
    with connection.cursor() as cursor:  # JSON numbers written in ways json.dumps never does
        cursor.execute(
            "UPDATE assessments_answer SET value = '1.50'::jsonb WHERE id IN "
            "(SELECT id FROM assessments_answer WHERE value = '1'::jsonb LIMIT 20)"
        )
        cursor.execute(
            "UPDATE assessments_answer SET value = '[1, 1.0, 0.000001]'::jsonb WHERE id IN "
            "(SELECT id FROM assessments_answer WHERE value = '0'::jsonb LIMIT 20)"
        )
    return round_


def _both(round_: Any) -> tuple[bytes, bytes]:
    export = round_export(round_=round_)
    python = b"".join(table_csv_chunks(table=export.table("answers")))
    rows: list[int] = []
    database = b"".join(answers_copy.answers_copy_chunks(export=export, rows_done=rows.append))
    assert sum(rows) == sum(1 for _ in round_export(round_=round_).table("answers").rows)
    return python, database


def _diff(a: bytes, b: bytes) -> str:
    for i, (x, y) in enumerate(zip(a.split(b"\r\n"), b.split(b"\r\n"), strict=False)):
        if x != y:
            return f"line {i}:\n python   {x!r}\n database {y!r}"
    return f"lengths {len(a)} and {len(b)}"


def test_the_database_writes_the_python_writers_bytes(monkeypatch: Any) -> None:
    round_ = _round(10, hard=False)
    monkeypatch.setattr(answers_copy, "COPY_UNITS", 4)  # several batches
    python, database = _both(round_)
    assert database == python, _diff(python, database)
    # every text of the list reached the file, guarded where it is at risk
    assert b"'=1+1" in database and b",'@SUM(A1)," in database and b'"line1\nline2"' in database
    assert b"=odd status" in database  # a status the product never writes, guarded too
    assert b",'=odd status," in database
    # no unit needed Python: each went through the database
    by_python: list[str] = []
    monkeypatch.setattr(answers_copy, "_python_lines", lambda e, u, h: by_python.append(u))
    export = round_export(round_=round_)
    assert b"".join(csv_chunks(export, "answers")) == python
    assert by_python == []


def test_units_with_what_only_python_writes_are_written_by_python(monkeypatch: Any) -> None:
    round_ = _round(6, hard=True)
    by_python = []
    python_lines = answers_copy._python_lines

    def counted(export: Any, unit: Any, header: bytes) -> tuple[bytes, int]:
        by_python.append(unit.code)
        return python_lines(export, unit, header)

    monkeypatch.setattr(answers_copy, "_python_lines", counted)
    python, database = _both(round_)
    assert database == python, _diff(python, database)
    assert len(by_python) >= 2


def test_the_guard_in_sql_is_the_python_guard() -> None:
    """Every text the guard could read otherwise: each white space and invisible character,
    sign and digit of the rule, alone, before a sign, before a digit, after a quote."""
    from saferspaces.core.spreadsheets import FULL_WIDTH_TRIGGERS

    leads = [*_SPACES, "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "'", "''", "x"]
    signs = ["=", "+", "-", "@", *FULL_WIDTH_TRIGGERS, "\t", "\r", "\n", "a", ""]
    digits = [chr(zero + k) for zero in DIGIT_ZEROS for k in (0, 9)]
    texts = set(TEXTS)
    for lead in leads:
        for sign in signs:
            texts.update({lead + sign, lead + sign + "1", lead + sign + "x"})
    for d in digits:
        texts.update({d, "-" + d, "+" + d + ".5", d + "e-" + d, "-." + d, "=" + d, "-" + d + "x"})
    texts.discard("")
    ordered = sorted(texts)
    risk, number, leads_ascii = postgres_guard_patterns()
    field = answers_copy._field("t")
    sql = f"SELECT {field} FROM unnest(%(texts)s::text[]) WITH ORDINALITY x(t, n) ORDER BY n"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            {"texts": ordered, "risk": risk, "number": number, "leads": list(leads_ascii)},
        )
        got = [r[0] for r in cursor.fetchall()]
    want = [answers_copy._csv_cells([t, ""])[:-1] for t in ordered]
    assert got == want
    assert sum(w.startswith(("'", "\"'")) for w in want) > len(want) // 3


def _floats() -> list[float]:
    r = random.Random(18)
    out = [float(x) for x in NUMBERS if isinstance(x, float | int) and abs(x) < 1e300]
    for _ in range(3000):
        out.append(struct.unpack("<d", r.getrandbits(64).to_bytes(8, "little"))[0])
        out.append(round(r.uniform(-1000, 1000), r.randint(0, 4)))
        out.append(r.randint(1, 999) * 10.0 ** r.randint(-8, 14))
        out.append(float(2**53 - r.randint(0, 2**40)))
        # exact and near half-way points of two significant digits
        out.append((r.randint(10, 99) + 0.5) * 10.0 ** r.randint(-6, 6))
        out.append(r.randint(100, 999) / 8)
    # what the SQL writes itself (units with other numbers go to Python)
    return [x for x in out if (math.isfinite(x) and 1e-300 < abs(x) < 1e16) or x == 0]


def test_numbers_in_sql_are_written_and_coarsened_as_python_does() -> None:
    xs = _floats()
    sql = (
        f"SELECT {answers_copy._float('x')}, CASE WHEN x = 0 THEN x::text ELSE "  # noqa: S608
        f"{answers_copy._float(answers_copy._coarse('x'))} END "
        "FROM unnest(%s::float8[]) WITH ORDINALITY t(x, n) ORDER BY n"
    )
    with connection.cursor() as cursor:
        cursor.execute("SET extra_float_digits = 1")
        cursor.execute(sql, [xs])
        got = cursor.fetchall()
    bad = [
        (x, g)
        for x, g in zip(xs, got, strict=True)
        if g[0] != repr(x) or (x != 0 and g[1] != repr(value_coarsen(x)))
    ]
    assert not bad, bad[:5]

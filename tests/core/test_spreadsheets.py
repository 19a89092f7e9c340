"""The one CSV/XLSX writer of the product: text that a spreadsheet would run as a formula is
neutralised (a quote in front in CSV; a quote-prefixed text cell in XLSX), numbers stay numbers,
and what XML or Excel cannot hold is made storable instead of crashing the download."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.styles import Font

from saferspaces.core.spreadsheets import (
    XLSX_CELL_MAX_CHARS,
    csv_writer_open,
    text_csv_safe,
    text_formula_risk,
    workbook_create,
)

RISKY = (
    "=1+1",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-1+1",
    "-",
    "@SUM(A1)",
    "\t=1+1",
    "\tplain",  # OWASP: a leading tab or carriage return, whatever follows
    "\rplain",
    "\n=1+1",
    "   =1+1",
    "\u00a0+1",
    "\u3000-1",
    "\u200b=1",
    "\ufeff@x",
    "\uff1d1+1",  # full-width signs: Excel in East-Asian locales reads them as = + - @
    "\uff0b1",
    "\uff0d1",
    "\uff20x",
    "-1e5+A1",
    "+33 1 23 45 67 89",  # a phone number is text: it gets the quote
)
SAFE = (
    "",
    "plain text",
    "a = b",
    "2 + 2",
    "-3.2",  # plain numbers are read as numbers, never run
    "+5",
    "-0",
    "-1e-3",
    "-3,5",
    ".5",
    "  text after spaces",
    "U-1a2b3c",
)


@pytest.mark.parametrize("text", RISKY)
def test_text_that_starts_like_a_formula_is_at_risk(text: str) -> None:
    assert text_formula_risk(text=text)
    assert text_csv_safe(text=text) == "'" + text


@pytest.mark.parametrize("text", SAFE)
def test_other_text_and_plain_numbers_are_not(text: str) -> None:
    assert not text_formula_risk(text=text)
    assert text_csv_safe(text=text) == text


class Lazy:
    """Like a lazy translation: not a str, written through str()."""

    def __str__(self) -> str:
        return "=lazy()"


def _csv(rows: list[list[Any]], delimiter: str = ",") -> list[list[str]]:
    buf = io.StringIO()
    writer = csv_writer_open(out=buf, delimiter=delimiter)
    writer.writerow(["=header", "n"])
    writer.writerows(rows)
    assert "\r\n" in buf.getvalue()
    return list(csv.reader(io.StringIO(buf.getvalue(), newline=""), delimiter=delimiter))


def test_csv_quotes_text_at_risk_and_keeps_numbers() -> None:
    got = _csv(
        [
            ["=1+1", -3.2],
            ["\r=1+1", Decimal("-1.50")],
            ["-3.2", -7],
            [None, None],
            [Lazy(), 0.1 + 0.2],
        ],
        delimiter=";",
    )
    assert got == [
        ["'=header", "n"],
        ["'=1+1", "-3.2"],
        ["'\r=1+1", "-1.50"],
        ["-3.2", "-7"],
        ["", ""],
        ["'=lazy()", "0.30000000000000004"],  # numbers as their shortest round-trip text
    ]


def _read_back(data: bytes) -> dict[str, Any]:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    return {c.coordinate: c for row in ws.iter_rows() for c in row}


@pytest.mark.parametrize("write_only", [True, False])
def test_xlsx_keeps_text_as_typed_in_quote_prefixed_text_cells(write_only: bool) -> None:
    wb = workbook_create(write_only=write_only)
    sheet = wb.sheet(title="t")
    for text in RISKY + SAFE:
        sheet.append([text, -3.2, text])
    out = io.BytesIO()
    wb.save(out=out)
    cells = _read_back(out.getvalue())
    assert not [c for c in cells.values() if c.data_type == "f"]
    for i, text in enumerate(RISKY + SAFE, start=1):
        a, b = cells[f"A{i}"], cells[f"B{i}"]
        if text == "":
            assert a.value is None
            continue
        stored = text.replace("\r", "\n")  # as typed (XML keeps no carriage return)
        assert a.value == stored
        assert a.data_type == "s"
        assert a.quotePrefix == text_formula_risk(text=stored), text
        assert a.quotePrefix == (text in RISKY and text != "\rplain"), text
        assert (a.number_format == "@") == a.quotePrefix, text
        assert b.value == -3.2 and b.data_type == "n" and not b.quotePrefix


def test_xlsx_stores_what_excel_cannot_hold_instead_of_failing() -> None:
    wb = workbook_create(write_only=True)
    sheet = wb.sheet(title="t")
    long = "=" + "x" * (XLSX_CELL_MAX_CHARS + 10)
    sheet.append(["a\x00b\x0bc\x1fd", long, float("nan"), float("inf"), "\r\nline"])
    out = io.BytesIO()
    wb.save(out=out)
    cells = _read_back(out.getvalue())
    assert cells["A1"].value == "a\ufffdb\ufffdc\ufffdd"
    assert len(cells["B1"].value) == XLSX_CELL_MAX_CHARS
    assert cells["B1"].value.endswith("\u2026") and cells["B1"].quotePrefix
    assert cells["C1"].value is None and cells["D1"].value is None
    assert cells["E1"].value == "\nline" and not cells["E1"].quotePrefix


def test_a_normal_workbook_is_checked_again_when_saved() -> None:
    """A value written through the layout (openpyxl directly) cannot become a formula either."""
    wb = workbook_create()
    sheet = wb.sheet(title="t")
    sheet.cell(row=1, column=1, value="=1+1").font = Font(bold=True)
    sheet.cell(row=1, column=2, value=2)
    sheet.layout.cell(row=2, column=1, value="=HYPERLINK(1)")  # bypasses the guard
    sheet.layout["B2"] = "@x"
    sheet.append(["+x", 4])
    assert sheet.max_row == 3
    out = io.BytesIO()
    wb.save(out=out)
    cells = _read_back(out.getvalue())
    assert not [c for c in cells.values() if c.data_type == "f"]
    assert cells["A1"].value == "=1+1" and cells["A1"].font.bold and cells["A1"].quotePrefix
    assert cells["A2"].value == "=HYPERLINK(1)" and cells["A2"].quotePrefix
    assert cells["B2"].quotePrefix and cells["A3"].quotePrefix
    assert cells["B1"].value == 2 and cells["B3"].value == 4


def test_sheets_keep_their_titles_and_a_write_only_sheet_has_no_layout() -> None:
    wb = workbook_create()
    assert [wb.sheet(title=t).layout.title for t in ("one", "two")] == ["one", "two"]
    stream = workbook_create(write_only=True).sheet(title="s")
    with pytest.raises(TypeError, match="write-only sheet has no layout"):
        stream.layout  # noqa: B018


@given(
    st.text(alphabet=st.sampled_from("'=+-@ \t\r1a.,\u200b＝"), max_size=8) | st.text(max_size=12)
)
def test_the_csv_guard_is_undone_exactly(text: str) -> None:
    """Reading back removes the guard's quote and nothing else: a person's own quote in front of
    a formula-like text survives the round trip (it was read as the guard before)."""
    from saferspaces.core.spreadsheets import text_csv_unguard

    guarded = text_csv_safe(text=text)
    assert text_csv_unguard(text=guarded) == text
    assert not text_formula_risk(text=guarded)


def test_a_quote_typed_in_front_of_an_equals_sign_is_kept() -> None:
    from saferspaces.core.spreadsheets import text_csv_unguard

    assert text_csv_safe(text="'=") == "''="
    assert text_csv_unguard(text="''=") == "'="
    assert text_csv_unguard(text="'=1+1") == "=1+1"
    assert text_csv_safe(text="'hello") == "'hello" == text_csv_unguard(text="'hello")


def test_the_csv_writer_doubles_a_quote_typed_in_front_of_an_equals_sign() -> None:
    from saferspaces.core.spreadsheets import csv_writer_open

    out = io.StringIO()
    writer = csv_writer_open(out=out)
    writer.writerow(["'=", "'hello", "=1"])
    assert out.getvalue().strip() == "''=,'hello,'=1"


def test_the_guards_character_classes_are_pythons_own() -> None:
    """The guard's patterns spell out white space and digits (so that PostgreSQL reads them as
    Python does): they are exactly what Python's ``\\s`` and ``\\d`` read."""
    from saferspaces.core import spreadsheets

    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == spreadsheets._SPACES
    assert "".join(chr(c) for c in range(0x110000) if chr(c).isdecimal()) == spreadsheets._DIGITS
    risk, number, leads = spreadsheets.postgres_guard_patterns()
    assert risk.startswith("^(?:") and number.endswith(")$")
    assert {chr(c) for c in leads} == {
        "=",
        "+",
        "-",
        "@",
        "'",
        "\t",
        "\r",
        "\n",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1d",
        "\x1e",
        "\x1f",
        " ",
    }

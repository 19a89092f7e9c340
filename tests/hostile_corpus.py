"""A corpus of hostile input files, generated on the fly (nothing binary is committed).

Each :class:`Hostile` writes one file: YAML alias bombs and deep nesting, zip bombs dressed as
Excel workbooks or XLSForms (honest and lying headers), broken or deeply nested XML inside a
worksheet, CSV files with monstrous lines, cut inside a quoted cell or mixing encodings, empty
files, random bytes and files whose name lies about their content. ``says`` is a regular
expression the refusal message must match, so that "refused" also means "refused for the
right reason, in words a person understands".

The measured cost of each file on the code before the limits of issue 14 is in the report of
that change; ``tests/test_hostile_files.py`` runs every importer on every file that concerns it.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Hostile:
    name: str  # the file name, with the extension the uploader gives it
    family: str  # yaml | xlsx | csv | any (empty, random bytes: every importer)
    write: Callable[[Path], None]
    says: str  # regular expression (case-insensitive) the refusal must match


def corpus_write(directory: Path, items: tuple[Hostile, ...]) -> dict[str, Path]:
    """Write every file of ``items`` once into ``directory``; return name -> path."""
    out = {}
    for item in items:
        path = directory / item.name
        if not path.exists():
            item.write(path)
        out[item.name] = path
    return out


# --- YAML -----------------------------------------------------------------------------------


def _yaml_laughs(path: Path) -> None:
    """The classic "billion laughs": 386 bytes, nine levels of nine aliases (9**9 leaves)."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _yaml_alias_flood(path: Path) -> None:
    """About 150 KB: thirty levels of a thousand aliases each."""
    parts = ["l0: &l0 [" + ",".join(["x"] * 100) + "]"]
    for level in range(1, 31):
        parts.append(f"l{level}: &l{level} [" + ",".join([f"*l{level - 1}"] * 1000) + "]")
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")


def _yaml_nested_maps(depth: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text("edition: " + "{a: " * depth + "1" + "}" * depth + "\n", encoding="utf-8")

    return write


def _yaml_nested_lists(depth: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text("edition: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")

    return write


def _yaml_many_nodes(path: Path) -> None:
    """2.4 MB (under the 5 MB upload limit) of one flat list: 1.2 million tiny nodes."""
    path.write_text("edition: [" + "1," * 1_200_000 + "1]\n", encoding="utf-8")


def _yaml_latin1(path: Path) -> None:
    """UTF-8 text with one Latin-1 byte: line 4, column 17 (the byte of "é" in Latin-1)."""
    text = (
        b"format: 1\n"
        b"edition:\n"
        b'  title: {fr: "S\xc3\xa9curit\xc3\xa9"}\n'
        b"  description: S\xe9curit\xe9 des espaces publics\n"
    )
    # line 4 is "  description: S\xe9..."; the byte 0xE9 is its 17th character
    path.write_bytes(text)


def _yaml_cycle(path: Path) -> None:
    """A list that contains itself: every walk of it recurses for ever."""
    path.write_text("edition: &loop [1, *loop]\n", encoding="utf-8")


YAML: tuple[Hostile, ...] = (
    Hostile("laughs-386b.yaml", "yaml", _yaml_laughs, r"alias|repeat"),
    Hostile("alias-flood-150k.yaml", "yaml", _yaml_alias_flood, r"alias"),
    Hostile("nested-2000.yaml", "yaml", _yaml_nested_maps(2_000), r"nest|deep"),
    Hostile("nested-100000.yaml", "yaml", _yaml_nested_lists(100_000), r"nest|deep"),
    Hostile("many-nodes-2mb.yaml", "yaml", _yaml_many_nodes, r"more than [\d,]+ (values|nodes)"),
    Hostile("latin1.yaml", "yaml", _yaml_latin1, r"\b4\D{0,80}column 17"),
    Hostile("cycle.yaml", "yaml", _yaml_cycle, r"contains it"),
)


# --- zip containers: workbooks and XLSForms -----------------------------------------------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    "{overrides}</Types>"
)
_SHEET_CT = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument"/></Relationships>'
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    "<sheets>{sheets}</sheets></workbook>"
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    "{rels}</Relationships>"
)
_WB_REL = (
    '<Relationship Id="rId{n}" Target="worksheets/sheet{n}.xml" Type="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"
#: the header of the answers template, so that a workbook is "an answers file" until its data
ANSWERS_HEADER = (
    b'<row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
    b'<c r="B1" t="inlineStr"><is><t>status</t></is></c>'
    b'<c r="C1" t="inlineStr"><is><t>answer</t></is></c></row>'
)
#: sheets of an XLSForm, in the order the export writes them
XLSFORM_SHEETS = ("survey", "choices", "saferspaces")


def _rows_block(first: int, count: int) -> bytes:
    return b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="B%d"><v>2</v></c><c r="C%d"><v>3</v></c></row>'
        % (r, r, r, r)
        for r in range(first, first + count)
    )


def workbook_write(
    target: Path | io.BytesIO,
    first_sheet: Callable[[Callable[[bytes], object]], None],
    *,
    sheets: tuple[str, ...] = ("answers",),
) -> None:
    """A minimal but valid .xlsx whose first worksheet is streamed by ``first_sheet(write)``.

    The other sheets hold one header cell each. Members are deflated and streamed, so a sheet
    of hundreds of megabytes never sits in memory.
    """
    overrides = "".join(_SHEET_CT.format(n=n) for n in range(1, len(sheets) + 1))
    sheet_tags = "".join(
        f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>'
        for n, name in enumerate(sheets, start=1)
    )
    rels = "".join(_WB_REL.format(n=n) for n in range(1, len(sheets) + 1))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CT.format(overrides=overrides))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB.format(sheets=sheet_tags))
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(rels=rels))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            first_sheet(f.write)
        for n in range(2, len(sheets) + 1):
            z.writestr(
                f"xl/worksheets/sheet{n}.xml",
                SHEET_HEAD + b'<row r="1"><c r="A1" t="inlineStr"><is><t>key</t></is></c></row>'
                b"" + SHEET_TAIL,
            )


def _dense_sheet(unpacked: int) -> Callable[[Callable[[bytes], object]], None]:
    """Rows of three numbers after the answers header, ``unpacked`` bytes of XML in all."""

    def sheet(write: Callable[[bytes], object]) -> None:
        write(SHEET_HEAD + ANSWERS_HEADER)
        block = _rows_block(2, 100)  # the same rows again and again, within deflate's window
        for _ in range(max(1, unpacked // len(block))):
            write(block)
        write(SHEET_TAIL)

    return sheet


def _padded_sheet(unpacked: int) -> Callable[[Callable[[bytes], object]], None]:
    """The answers header, then ``unpacked`` bytes of spaces: about a thousand to one."""

    def sheet(write: Callable[[bytes], object]) -> None:
        write(SHEET_HEAD + ANSWERS_HEADER)
        spaces = b" " * MB
        for _ in range(unpacked // MB):
            write(spaces)
        write(SHEET_TAIL)

    return sheet


def _xlsx(
    sheet: Callable[[Callable[[bytes], object]], None], sheets: tuple[str, ...] = ("answers",)
) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        workbook_write(path, sheet, sheets=sheets)

    return write


def _lying_header(path: Path) -> None:
    """A 200 MB worksheet whose headers (local and central) say it holds 1,000 bytes."""
    buf = io.BytesIO()
    workbook_write(buf, _padded_sheet(200 * MB))
    data = bytearray(buf.getvalue())
    name = b"xl/worksheets/sheet1.xml"
    local = data.find(b"PK\x03\x04")
    while local != -1:
        n = struct.unpack_from("<H", data, local + 26)[0]
        if data[local + 30 : local + 30 + n] == name:
            _lie(data, local + 22, local + 30 + n, struct.unpack_from("<H", data, local + 28)[0])
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        n = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + n] == name:
            _lie(
                data,
                central + 24,
                central + 46 + n,
                struct.unpack_from("<H", data, central + 30)[0],
            )
        central = data.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(data))


def _lie(data: bytearray, size_at: int, extra_at: int, extra_len: int) -> None:
    """Write 1,000 as the uncompressed size, in the header and in its zip64 extra field."""
    struct.pack_into("<I", data, size_at, 1000)
    end = extra_at + extra_len
    while extra_at + 4 <= end:
        tag, length = struct.unpack_from("<HH", data, extra_at)
        if tag == 0x0001 and length >= 8:  # zip64: the real sizes live here
            struct.pack_into("<Q", data, extra_at + 4, 1000)
            struct.pack_into("<I", data, size_at, 0xFFFFFFFF)
        extra_at += 4 + length


def _malformed_sheet(write: Callable[[bytes], object]) -> None:
    write(SHEET_HEAD + ANSWERS_HEADER + b'<row r="2"><c r="A2"><v>1</v></c></roww>' + SHEET_TAIL)


def _deep_sheet(write: Callable[[bytes], object]) -> None:
    write(SHEET_HEAD + ANSWERS_HEADER + b"<x>" * 100_000 + b"</x>" * 100_000 + SHEET_TAIL)


def _junk_sheet(write: Callable[[bytes], object]) -> None:
    """4 MB of empty elements no spreadsheet reader uses: each costs a parser object."""
    write(SHEET_HEAD + ANSWERS_HEADER)
    for _ in range(4):
        write(b"<x/>" * (MB // 4))
    write(SHEET_TAIL)


def _wide_sheet(write: Callable[[bytes], object]) -> None:
    """A header cell in the last column (XFD) and 20,000 rows each with a cell there too."""
    write(SHEET_HEAD + ANSWERS_HEADER.replace(b"</row>", b""))
    write(b'<c r="XFD1" t="inlineStr"><is><t>z</t></is></c></row>')
    for r in range(2, 20_002):
        write(b'<row r="%d"><c r="XFD%d"><v>1</v></c></row>' % (r, r))
    write(SHEET_TAIL)


def _far_row_sheet(write: Callable[[bytes], object]) -> None:
    """A second row numbered 999,999,999: a reader that fills the gap loops for ever."""
    write(SHEET_HEAD + ANSWERS_HEADER + b'<row r="999999999"><c r="A999999999"><v>1</v></c></row>')
    write(SHEET_TAIL)


def _many_members(path: Path) -> None:
    workbook_write(path, lambda write: write(SHEET_HEAD + ANSWERS_HEADER + SHEET_TAIL))
    with zipfile.ZipFile(path, "a") as z:
        for n in range(5_000):
            z.writestr(f"xl/media/empty{n}.xml", b"")


def _named_xlsx_but_text(path: Path) -> None:
    """Notes renamed .xlsx: prose, not a table of answers."""
    path.write_bytes(
        b"Notes of the meeting of 3 March\r\n\r\nThe survey results arrive in May.\r\n"
    )


def _named_xlsx_but_pdf(path: Path) -> None:
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n")


XLSX: tuple[Hostile, ...] = (
    Hostile(
        "bomb-300mb.xlsx",
        "xlsx",
        _xlsx(_padded_sheet(300 * MB)),
        r"unpack|uncompress",
    ),
    Hostile(
        "dense-96mb.xlsx",
        "xlsx",
        _xlsx(_dense_sheet(96 * MB)),
        r"unpack|uncompress",
    ),
    Hostile("lying-header.xlsx", "xlsx", _lying_header, r"damaged|header"),
    Hostile("malformed-xml.xlsx", "xlsx", _xlsx(_malformed_sheet), r"XML|damaged|cannot be read"),
    Hostile("deep-xml.xlsx", "xlsx", _xlsx(_deep_sheet), r"nest|deep|XML"),
    Hostile("junk-elements.xlsx", "xlsx", _xlsx(_junk_sheet), r"markup|elements|tags"),
    Hostile("wide-rows.xlsx", "xlsx", _xlsx(_wide_sheet), r"cells|columns"),
    Hostile("far-row.xlsx", "xlsx", _xlsx(_far_row_sheet), r"rows?"),
    Hostile("many-members.xlsx", "xlsx", _many_members, r"members|files"),
    Hostile("text-named.xlsx", "xlsx", _named_xlsx_but_text, r"text|columns"),
    Hostile("pdf-named.xlsx", "xlsx", _named_xlsx_but_pdf, r"PDF"),
)


def _xlsform_json_deep(path: Path) -> None:
    """The XLSForm of the bundled edition, one scoring cell holding JSON nested 100,000 deep."""
    from openpyxl import load_workbook

    from saferspaces.core.framework import edition_load
    from saferspaces.core.framework.xlsform_export import xlsform_export

    edition = Path(__file__).resolve().parents[1] / "src/saferspaces/frameworks/editions"
    buf = io.BytesIO()
    xlsform_export(edition=edition_load(path=edition / "ssf-2026.1.yaml"), out=buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    ws = wb["survey"]
    header = [c.value for c in ws[1]]
    column = header.index("ss_scoring") + 1
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, column).value)
    ws.cell(row, column).value = "[" * 100_000 + "]" * 100_000
    wb.save(path)


#: the same container attacks in an XLSForm's clothes (sheets survey, choices, saferspaces)
XLSFORM: tuple[Hostile, ...] = (
    Hostile("xlsform-json-deep.xlsx", "xlsx", _xlsform_json_deep, r"nested"),
    Hostile(
        "xlsform-bomb-300mb.xlsx",
        "xlsx",
        _xlsx(_padded_sheet(300 * MB), XLSFORM_SHEETS),
        r"unpack|uncompress",
    ),
    Hostile(
        "xlsform-malformed-xml.xlsx",
        "xlsx",
        _xlsx(_malformed_sheet, XLSFORM_SHEETS),
        r"XML|damaged|cannot be read",
    ),
    Hostile("xlsform-wide-rows.xlsx", "xlsx", _xlsx(_wide_sheet, XLSFORM_SHEETS), r"cells|columns"),
    Hostile("xlsform-far-row.xlsx", "xlsx", _xlsx(_far_row_sheet, XLSFORM_SHEETS), r"rows?"),
)


# --- CSV ------------------------------------------------------------------------------------

CSV_HEADER = b"code,status,answer,comment\r\n"


def _csv_long_header(path: Path) -> None:
    path.write_bytes(
        b"code,status,answer,comment," + b"x" * 200_000 + b"\r\nQOL_P01,answered,60,\r\n"
    )


def _csv_line(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as fh:
            fh.write(CSV_HEADER + b"QOL_P01,answered,60,")
            chunk = b"y" * MB
            for _ in range(size // MB):
                fh.write(chunk)
            fh.write(b"\r\n")

    return write


def _csv_cut_in_quote(path: Path) -> None:
    """Cut short inside the quoted comment of row 4 (the comment started on line 4)."""
    path.write_bytes(
        CSV_HEADER
        + b'QOL_P01,answered,60,"fine"\r\n'
        + b"QOL_P02,answered,40,\r\n"
        + b'QOL_P03,answered,70,"The survey of 2024, wave 2, said'
    )


def _csv_latin1(path: Path) -> None:
    """UTF-8 (with "é" on line 2) and one Latin-1 byte on line 3, column 26."""
    path.write_bytes(
        CSV_HEADER
        + b'QOL_P01,answered,60,"s\xc3\xa9curit\xc3\xa9"\r\n'
        + b'QOL_P02,answered,40,"donn\xe9es 2024"\r\n'
    )


def _csv_many_cells(path: Path) -> None:
    """4 MB of short rows: two million cells of one digit each."""
    line = b",".join([b"1"] * 100) + b"\r\n"
    path.write_bytes(CSV_HEADER + line * (4 * MB // len(line)))


CSV: tuple[Hostile, ...] = (
    Hostile("header-200k.csv", "csv", _csv_long_header, r"longer than|characters"),
    Hostile("line-50mb.csv", "csv", _csv_line(50 * MB), r"larger than|limit"),
    Hostile("line-4mb.csv", "csv", _csv_line(4 * MB), r"line 2.*(longer|characters)"),
    Hostile("cut-in-quote.csv", "csv", _csv_cut_in_quote, r"quot.*line 4|line 4.*quot"),
    Hostile("latin1-in-utf8.csv", "csv", _csv_latin1, r"\b3\D{0,80}column 26"),
    Hostile("many-cells.csv", "csv", _csv_many_cells, r"cells"),
)


# --- any importer -----------------------------------------------------------------------


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random(path: Path) -> None:
    path.write_bytes(random.Random(14).randbytes(256 * 1024))


def anything(extension: str) -> tuple[Hostile, ...]:
    """An empty file and 256 KB of random bytes, named with ``extension``."""
    return (
        Hostile(f"empty{extension}", "any", _empty, r"empty"),
        Hostile(f"random{extension}", "any", _random, r"not|cannot|damaged|binary"),
    )


# --- the largest files within the limits: read (or refused) within the same bounds ----------


def _xlsx_at_markup_limit(path: Path) -> None:
    """Dense rows of numbers up to just under the workbook's XML tag limit."""
    from saferspaces.core.limits import XML_MARKUP_MAX

    def sheet(write: Callable[[bytes], object]) -> None:
        head = SHEET_HEAD + ANSWERS_HEADER
        write(head)
        tags = head.count(b"<") + SHEET_TAIL.count(b"<") + 200  # the other members
        row = 2
        while tags + 14 < XML_MARKUP_MAX:
            write(_rows_block(row, 1))
            tags += 14
            row += 1
        write(SHEET_TAIL)

    workbook_write(path, sheet)


def _yaml_at_node_limit(path: Path) -> None:
    from saferspaces.core.limits import YAML_NODES_MAX

    path.write_text("edition: [" + "1," * (YAML_NODES_MAX - 10) + "1]\n", encoding="utf-8")


def _csv_at_cells_limit(path: Path) -> None:
    from saferspaces.core.limits import TABLE_CELLS_MAX

    line = b",".join([b"1"] * 100) + b"\r\n"
    path.write_bytes(CSV_HEADER + line * (TABLE_CELLS_MAX // 100 - 1))


AT_LIMITS: tuple[Hostile, ...] = (
    Hostile("at-markup-limit.xlsx", "xlsx", _xlsx_at_markup_limit, ""),
    Hostile("at-node-limit.yaml", "yaml", _yaml_at_node_limit, ""),
    Hostile("at-cells-limit.csv", "csv", _csv_at_cells_limit, ""),
)

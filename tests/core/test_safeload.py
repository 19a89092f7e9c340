"""The bounded readers of ``saferspaces.core.safeload``: each limit holds at its value, exactly.

Each test builds the smallest input at the limit (accepted) and one step past it (refused with the
place), so that a limit changed in ``core.limits`` is still enforced where the docs say.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from saferspaces.core.limits import (
    JSON_DEPTH_MAX,
    YAML_ALIASES_MAX,
    YAML_DEPTH_MAX,
    InputError,
    LimitExceeded,
)
from saferspaces.core.safeload import (
    csv_records,
    file_read,
    json_loads,
    text_decode,
    yaml_compose,
    yaml_load,
    zip_check,
)

EDITION = (
    Path(__file__).resolve().parents[2] / "src/saferspaces/frameworks/editions/ssf-2026.1.yaml"
)


# --- YAML -----------------------------------------------------------------------------------


def test_the_bundled_edition_composes_as_pyyaml_does() -> None:
    text = EDITION.read_text(encoding="utf-8")
    assert yaml_load(text=text, file="e.yaml") == yaml.safe_load(text)
    ours = yaml_compose(text=text, file="e.yaml")
    theirs = yaml.compose(text, Loader=yaml.CSafeLoader)
    assert ours is not None and theirs is not None
    assert _shape(ours) == _shape(theirs)


def _shape(node: yaml.Node) -> object:
    if isinstance(node, yaml.ScalarNode):
        return (node.tag, node.value, node.start_mark.line, node.start_mark.column)
    if isinstance(node, yaml.SequenceNode):
        return (node.tag, node.start_mark.line, [_shape(n) for n in node.value])
    assert isinstance(node, yaml.MappingNode)
    return (node.tag, node.start_mark.line, [(_shape(k), _shape(v)) for k, v in node.value])


def test_nesting_is_refused_one_level_past_the_limit() -> None:
    def nested(depth: int) -> str:
        return "[" * depth + "]" * depth

    assert yaml_load(text=nested(YAML_DEPTH_MAX), file="f") is not None
    with pytest.raises(LimitExceeded) as info:
        yaml_load(text="\n" + nested(YAML_DEPTH_MAX + 1), file="f.yaml")
    assert (info.value.line, info.value.column) == (2, YAML_DEPTH_MAX + 1)
    assert f"more than {YAML_DEPTH_MAX} levels" in info.value.message


def test_aliases_are_counted() -> None:
    def text(n: int) -> str:
        return "a: &a 1\nb: [" + ", ".join(["*a"] * n) + "]\n"

    assert len(yaml_load(text=text(YAML_ALIASES_MAX), file="f")["b"]) == YAML_ALIASES_MAX
    with pytest.raises(LimitExceeded, match="aliases"):
        yaml_load(text=text(YAML_ALIASES_MAX + 1), file="f")


def test_an_alias_counts_as_the_values_it_repeats() -> None:
    laughs = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + "".join(
        f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9) + "]\n"
        for p, c in zip("abcdef", "bcdefg", strict=True)
    )  # 9**7 = 4.8 million values from seven lines
    with pytest.raises(LimitExceeded, match="each alias counts") as info:
        yaml_compose(text=laughs, file="f", max_nodes=100_000)
    assert info.value.line is not None and info.value.line <= 7


def test_a_collection_that_contains_itself_is_refused() -> None:
    with pytest.raises(LimitExceeded, match=r"\*loop refers to a collection that contains it"):
        yaml_compose(text="a: &loop\n  b: *loop\n", file="f")


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a: &x 1\nb: &x 2\n", "duplicate anchor"),
        ("a: *nowhere\n", "undefined alias"),
        ("a: 1\n---\nb: 2\n", "single document"),
        ("a: [1, 2\n", "expected ',' or ']'"),
    ],
)
def test_yaml_errors_stay_pyyamls(text: str, says: str) -> None:
    with pytest.raises(yaml.YAMLError, match=says):
        yaml_compose(text=text, file="f")


def test_a_pipeline_file_has_a_lower_bound_of_its_own() -> None:
    from saferspaces.core.limits import PIPELINE_YAML_NODES_MAX
    from saferspaces.core.scoring.errors import PipelineError
    from saferspaces.core.scoring.pipeline import pipeline_yaml_load

    def flat(values: int) -> str:  # the mapping, its key and the list are values too
        return "steps: [" + ", ".join(["1"] * (values - 3)) + "]"

    assert pipeline_yaml_load(text=flat(PIPELINE_YAML_NODES_MAX), source="p")["steps"]
    with pytest.raises(PipelineError, match="more than 50,000 values"):
        pipeline_yaml_load(text=flat(PIPELINE_YAML_NODES_MAX + 1), source="p.yaml")


def test_an_empty_stream_is_none() -> None:
    assert yaml_compose(text="", file="f") is None
    assert yaml_compose(text="# only a comment\n", file="f") is None


# --- zip containers ---------------------------------------------------------------------------


def _zip(members: dict[str, bytes], level: int = 9) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_a_small_workbook_passes() -> None:
    zip_check(content=_zip({"xl/workbook.xml": b"<workbook><sheets/></workbook>"}), where="w")


def test_xml_tags_are_counted_across_members() -> None:
    content = _zip(
        {"a.xml": b"<a>" + b"<b/>" * 60 + b"</a>", "b.xml": b"<c>" + b"<d/>" * 40 + b"</c>"}
    )
    zip_check(content=content, where="w", max_markup=110)
    with pytest.raises(LimitExceeded, match="more than 100 XML tags"):
        zip_check(content=content, where="w", max_markup=100)


def test_xml_depth_is_checked_with_member_line_and_column() -> None:
    content = _zip({"xl/s.xml": b"<r>\n" + b"<x>" * 5 + b"</x>" * 5 + b"</r>"})
    zip_check(content=content, where="w", max_depth=6)
    with pytest.raises(LimitExceeded) as info:
        zip_check(content=content, where="w", max_depth=5)
    assert info.value.where == "w, xl/s.xml"
    assert (info.value.line, info.value.column) == (2, 13)


def test_xml_under_another_name_is_checked_too() -> None:
    """A workbook's relationships may send the reader to any member: XML is known by its start."""
    deep = b"\xef\xbb\xbf  <a>" + b"<x>" * 100 + b"</x>" * 100 + b"</a>"
    with pytest.raises(LimitExceeded, match="nested more than 64"):
        zip_check(content=_zip({"xl/worksheets/sheet1.bin": deep}), where="w")
    zip_check(content=_zip({"xl/media/image1.png": b"\x89PNG" + b"<" * 10}), where="w")


def test_broken_xml_and_dtds_are_refused() -> None:
    with pytest.raises(InputError, match="mismatched tag") as info:
        zip_check(content=_zip({"a.xml": b"<a><b></a>"}), where="w")
    assert (info.value.line, info.value.column) == (1, 9)
    entity = b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    with pytest.raises(LimitExceeded, match="DTD"):
        zip_check(content=_zip({"a.xml": entity}), where="w")


def test_ratio_members_and_declared_size() -> None:
    spaces = b" " * (2 * 1024 * 1024)  # 2 MB of spaces pack about 1,000 to one
    with pytest.raises(LimitExceeded, match="times its packed size"):
        zip_check(content=_zip({"a.bin": spaces}), where="w")
    zip_check(content=_zip({"a.bin": spaces[: 1024 * 1024]}), where="w")  # too small to judge
    with pytest.raises(LimitExceeded, match="unpacks to 2 MB; the limit is 1 MB"):
        zip_check(content=_zip({"a.bin": spaces}, level=0), where="w", max_unpacked=1024 * 1024)
    many = _zip({f"m{n}.bin": b"" for n in range(11)})
    with pytest.raises(LimitExceeded, match="holds 11 files; the limit is 10"):
        zip_check(content=many, where="w", max_members=10)


def test_a_header_that_lies_about_the_size_is_caught_while_unpacking() -> None:
    data = bytearray(_zip({"a.xml": b"<a>" + b" " * 5000 + b"</a>"}))
    central = data.find(b"PK\x01\x02")
    data[central + 24 : central + 28] = (100).to_bytes(4, "little")  # says 100 bytes
    with pytest.raises(InputError, match="does not match its header"):
        zip_check(content=bytes(data), where="w")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "an empty file"),
        (b"code,answer\r\nQOL_P01,1\r\n", "a text file"),
        (b"%PDF-1.4 and so on", "a PDF document"),
        (b"PK\x03\x04 cut here", "damaged or incomplete zip"),
        (bytes(range(256)), "random or damaged bytes"),
    ],
)
def test_what_a_non_zip_is(content: bytes, says: str) -> None:
    with pytest.raises(InputError, match=says):
        zip_check(content=content, where="w")


# --- JSON -----------------------------------------------------------------------------------


def test_json_depth_is_checked_on_the_text_first() -> None:
    deep = "[" * JSON_DEPTH_MAX + "]" * JSON_DEPTH_MAX
    assert json_loads(text=deep, where="cell") == json_loads(text=deep, where="cell")
    with pytest.raises(LimitExceeded) as info:
        json_loads(text='{"a":\n' + "[" * 200_000 + "]" * 200_000 + "}", where="cell")
    assert (info.value.line, info.value.column) == (2, JSON_DEPTH_MAX)


def test_brackets_inside_strings_do_not_count() -> None:
    text = '["' + "[" * 500 + '\\"' + "{" * 500 + '"]'
    assert json_loads(text=text, where="cell") == ["[" * 500 + '"' + "{" * 500]


# --- text -----------------------------------------------------------------------------------


def test_file_read_refuses_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "f"
    path.write_bytes(b"x" * 2048)
    assert file_read(path=path, max_bytes=2048) == b"x" * 2048
    with pytest.raises(LimitExceeded, match="the file is 2 kB; the limit is 1 kB"):
        file_read(path=path, max_bytes=1024)


def test_a_bad_byte_is_placed_by_line_and_character() -> None:
    content = "première ligne\nseconde: déjà \xe9".encode() + b"\xe9t\xe9\n"
    with pytest.raises(InputError) as info:
        text_decode(content=content, where="f.yaml")
    assert (info.value.line, info.value.column) == (2, 16)
    assert str(info.value).startswith("f.yaml, line 2, column 16: byte 0xE9 is not valid UTF-8")


def _records(text: str, **kw: int) -> list[tuple[int, list[str]]]:
    return list(csv_records(text=text, delimiter=",", where="f.csv", **kw))


def test_csv_records_start_lines_count_quoted_newlines() -> None:
    text = 'a,b\r\n1,"two\r\nlines"\r\n3,4\r\n'
    assert _records(text) == [(1, ["a", "b"]), (2, ["1", "two\r\nlines"]), (4, ["3", "4"])]
    assert _records(text, first_line=2)[1][0] == 3


def test_a_file_cut_inside_a_quoted_cell_is_refused() -> None:
    with pytest.raises(InputError, match="starts on line 3") as info:
        _records('a,b\n1,2\n3,"cut\nhere')
    assert info.value.line == 4


def test_a_character_after_a_closing_quote_is_refused() -> None:
    with pytest.raises(InputError, match="followed by other characters") as info:
        _records('a,b\n1,"x"y\n')
    assert info.value.line == 2


def test_lines_cells_and_fields_are_bounded() -> None:
    with pytest.raises(LimitExceeded, match="the limit is 10") as info:
        _records("a,b\n" + "c" * 11 + "\n", max_line=10)
    assert info.value.line == 2
    assert len(_records("1,2\n" * 5, max_cells=10)) == 5
    with pytest.raises(LimitExceeded, match="more than 9 cells"):
        _records("1,2\n" * 5, max_cells=9)
    with pytest.raises(LimitExceeded, match="a cell is longer than 131,072 characters"):
        _records("a\n" + "x" * 200_000 + "\n")


def _sheet(xml: bytes) -> io.BytesIO:
    return io.BytesIO(
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + xml
    )


def test_stated_dimensions_are_read_from_the_sheets_head_only() -> None:
    """openpyxl's stated-dimension scan, ended at the start of <sheetData>
    (``sheets.dimensions_from_head``): the same boundaries as openpyxl's own scan, and a sheet
    without the element is not read past its head (openpyxl read all of it, to the end of
    <sheetData>, when the workbook was opened)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    from saferspaces.core.safeload.sheets import dimensions_from_head, openpyxl_dimensions_scan

    openpyxls = openpyxl_dimensions_scan()
    stated = b'<dimension ref="B2:D40"/><sheetData><row r="2"><c r="B2"><v>1</v></c></row>'
    for xml in (stated + b"</sheetData></worksheet>", b"<sheetData></sheetData></worksheet>"):
        expected = openpyxls(WorkSheetParser(_sheet(xml), []))
        assert dimensions_from_head(WorkSheetParser(_sheet(xml), [])) == expected
    assert dimensions_from_head(WorkSheetParser(_sheet(stated), [])) == (2, 2, 4, 40)
    # rows that do not parse after the head: openpyxl's scan reads them, this one does not
    broken = b"<sheetData><row><c><v>1</v></row></sheetData></worksheet>"
    with pytest.raises(Exception, match="mismatched tag"):
        openpyxls(WorkSheetParser(_sheet(broken), []))
    assert dimensions_from_head(WorkSheetParser(_sheet(broken), [])) is None


def test_a_workbook_without_stated_dimensions_reads_every_row(tmp_path: Path) -> None:
    """The rows of a sheet without a <dimension> element, read through ``workbook_open``."""
    from saferspaces.core.safeload.sheets import sheet_header, sheet_rows, workbook_open

    sheet = (
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>code</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>answer</t></is></c></row>'
        + b"".join(
            f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>Q{r}</t></is></c>'
            f'<c r="B{r}"><v>{r}</v></c></row>'.encode()
            for r in range(2, 202)
        )
        + b"</sheetData></worksheet>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
            '"application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName='
            '"/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.worksheet+xml"/></Types>',
        )
        z.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>',
        )
        z.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats'
            '.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="answers" sheetId="1" '
            'r:id="rId1"/></sheets></workbook>',
        )
        z.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
            'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        z.writestr("xl/worksheets/sheet1.xml", _sheet(sheet).getvalue())
    wb = workbook_open(content=buffer.getvalue(), where="t.xlsx")
    try:
        ws = wb.worksheets[0]
        assert sheet_header(ws, where="answers") == ("code", "answer")
        rows = list(sheet_rows(ws, where="answers", width=2))
    finally:
        wb.close()
    assert rows == [(r, (f"Q{r}", r)) for r in range(2, 202)]

"""Broken and hostile open-data files are refused with a message that says where, in bounded
time and memory: wrong encodings (the true line and column), endless lines, damaged gzip,
JSON nested too deep, JSON-stat 1.x, documents too large. The costly cases (a gigabyte line, a
200,000-deep document) run in a child process in ``tests/opendata/test_hostile_opendata.py``."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from saferspaces.core import limits
from saferspaces.core.opendata import (
    FileTransport,
    ImportFailed,
    InMemorySink,
    ParseError,
    RunStatus,
    jsonstat_read,
    observations_read,
    source_get,
    source_import,
    tsv_read,
)

from .helpers import FIXTURES, StepClock

HEADER = b"indic_ur,unit,cities\\time\t2019 \t2015 \n"


def _rows(count: int) -> list[bytes]:
    return [b"PS1012V,PC,AT%04dC\t70.0 \t72.0 " % i for i in range(1, count + 1)]


@pytest.mark.parametrize("line", [8, 5000])
def test_latin1_in_a_utf8_tsv_is_reported_on_its_true_line_and_column(line: int) -> None:
    lines = [HEADER.rstrip(b"\n"), *_rows(6000)]
    lines[line - 1] = lines[line - 1].replace(b"PS1012V,PC", "PS1012V,Pé".encode("latin-1"))
    data = b"\n".join(lines) + b"\n"
    with pytest.raises(ParseError) as caught:
        list(tsv_read(stream=io.BytesIO(data), dataset="urb_percep", source="f.tsv"))
    where = caught.value.location
    assert (where.source, where.line, where.column) == ("f.tsv", line, 10)
    assert "0xE9" in caught.value.message and "UTF-8" in caught.value.message


def test_a_bom_and_crlf_line_ends_are_read() -> None:
    data = b"\xef\xbb\xbf" + HEADER.replace(b"\n", b"\r\n") + b"\r\n".join(_rows(3)) + b"\r\n"
    obs = list(tsv_read(stream=io.BytesIO(data), dataset="urb_percep"))
    assert len(obs) == 6 and obs[0].value == 70.0 and obs[-1].line == 4


class EndlessLine(io.RawIOBase):
    """A stream holding a header, then one line that never ends; counts what was taken."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        head = HEADER + b"PS1012V,PC,AT001C\t"
        size = len(buffer)
        chunk = head[self.taken : self.taken + size] if self.taken < len(head) else b""
        chunk += b"7" * (size - len(chunk))
        buffer[:size] = chunk
        self.taken += size
        return size


def test_a_line_longer_than_the_limit_is_refused_without_reading_it_whole() -> None:
    stream = EndlessLine()
    with pytest.raises(ParseError) as caught:
        list(observations_read(stream=io.BufferedReader(stream), dataset="x", source="f.tsv"))
    assert caught.value.location.line == 2
    assert f"{limits.LINE_MAX_CHARS:,}" in caught.value.message
    assert stream.taken < 5 * limits.LINE_MAX_CHARS


def test_a_gzip_file_cut_short_is_refused_and_recorded(tmp_path: Path) -> None:
    whole = gzip.compress((FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
    path = tmp_path / "crim_gen_reg.tsv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    sink = InMemorySink()
    with pytest.raises(ImportFailed) as caught:
        source_import(
            source=source_get(name="crim_gen_reg"),
            transport=FileTransport(path),
            sink=sink,
            clock=StepClock(),
        )
    assert "gzip" in caught.value.message and "cut short" in caught.value.message
    assert caught.value.location.source == str(path)
    assert sink.observations == [] and sink.runs[0].status is RunStatus.FAILED


def test_a_gzip_stream_that_expands_like_a_bomb_is_stopped_early(tmp_path: Path) -> None:
    # valid rows repeated, each 1 MiB block packs to under 3 KiB; in a unit the source skips,
    # so that the time spent is the guard's, not the load's
    block = (b"A,THS,ICCS0401,DE111\t15.7 \t16.0 \n" * 32768)[: 1 << 20]
    member = gzip.compress(block, compresslevel=9)
    head = gzip.compress(b"freq,unit,iccs,geo\\TIME_PERIOD\t2020 \t2021 \n")
    path = tmp_path / "crim_gen_reg.tsv.gz"
    path.write_bytes(head + member * 600)  # 600 MiB once unpacked
    with pytest.raises(ImportFailed) as caught:
        source_import(
            source=source_get(name="crim_gen_reg"),
            transport=FileTransport(path),
            sink=InMemorySink(),
            clock=StepClock(),
        )
    assert f"{limits.GZIP_RATIO_MAX}" in caught.value.message
    assert "gzip" in caught.value.message


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "urb_percep.tsv"
    with path.open("wb") as handle:
        handle.write(HEADER)
        handle.truncate(limits.OPENDATA_FILE_MAX_BYTES + 1)  # sparse: nothing written
    with pytest.raises(ImportFailed, match="larger than"):
        source_import(
            source=source_get(name="urb_percep"),
            transport=FileTransport(path),
            sink=InMemorySink(),
            clock=StepClock(),
        )


def _jsonstat(**changes: object) -> dict[str, object]:
    doc = json.loads((FIXTURES / "ilc_mddw03_jsonstat.json").read_text())
    doc.update(changes)
    return doc


def _read_json(data: bytes) -> list[object]:
    return list(jsonstat_read(stream=io.BytesIO(data), dataset="ilc_mddw03", source="f.json"))


def test_json_nested_too_deep_is_refused_with_where() -> None:
    # 100 levels: the standard parser accepts them, the limit does not
    data = json.dumps(_jsonstat(extension={"note": "x"})).encode()
    data = data.replace(b'"x"', b"[" * 100 + b"]" * 100)
    with pytest.raises(ParseError) as caught:
        _read_json(data)
    assert f"{limits.JSON_DEPTH_MAX}" in caught.value.message
    assert caught.value.location.line is not None and caught.value.location.column
    # 200,000 levels: the parser's own recursion error becomes the same refusal
    head = b'{"version": "2.0", "class": "dataset", "value": '
    with pytest.raises(ParseError) as caught:
        _read_json(head + b"[" * 200_000 + b"]" * 200_000 + b"}")
    assert f"deeper than {limits.JSON_DEPTH_MAX}" in caught.value.message
    # the object is level 1: the 64th '[' opens level 65
    where = caught.value.location
    assert (where.line, where.column) == (1, len(head) + limits.JSON_DEPTH_MAX)


def test_jsonstat_1x_gets_a_message_that_says_so() -> None:
    v1 = {
        "ilc_mddw03": {
            "label": "Crime, violence or vandalism in the area",
            "value": [12.1, 11.5],
            "dimension": {
                "id": ["geo", "time"],
                "size": [1, 2],
                "role": {"time": ["time"], "geo": ["geo"]},
                "geo": {"category": {"index": {"AT": 0}}},
                "time": {"category": {"index": {"2018": 0, "2019": 1}}},
            },
        }
    }
    with pytest.raises(ParseError) as caught:
        _read_json(json.dumps(v1).encode())
    assert "JSON-stat 1" in caught.value.message and "2.0" in caught.value.message
    assert "statistics/1.0/data/ilc_mddw03" in caught.value.message
    with pytest.raises(ParseError, match=r"JSON-stat version '1\.02'"):
        _read_json(json.dumps(_jsonstat(version="1.02")).encode())


def test_latin1_in_a_json_file_is_reported_on_its_line_and_column() -> None:
    text = json.dumps(_jsonstat(label="Criminalité"), indent=1, ensure_ascii=False)
    data = text.encode("latin-1")
    with pytest.raises(ParseError) as caught:
        _read_json(data)
    line = text[: text.index("é")].count("\n") + 1
    column = text.index("é") - text.rindex("\n", 0, text.index("é"))
    assert (caught.value.location.line, caught.value.location.column) == (line, column)
    assert "UTF-8" in caught.value.message


class Spaces(io.RawIOBase):
    """``{`` then endless JSON whitespace: a document that never ends."""

    def __init__(self) -> None:
        self.taken = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        size = len(buffer)
        buffer[:size] = (b"{" if self.taken == 0 else b" ") + b" " * (size - 1)
        self.taken += size
        return size


def test_a_json_document_larger_than_the_limit_is_refused() -> None:
    stream = Spaces()
    with pytest.raises(ParseError) as caught:
        list(jsonstat_read(stream=io.BufferedReader(stream), dataset="x", source="f.json"))
    assert "larger than" in caught.value.message
    assert stream.taken <= limits.JSON_DOCUMENT_MAX_BYTES + 1024 * 1024


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"dimension": []}, "dimension"),
        ({"dimension": {"geo": "AT"}}, "dimension.freq"),
        ({"value": [1.0, 2.0]}, "value"),
        ({"id": "geo"}, "id"),
    ],
)
def test_odd_structures_are_refused_with_their_path(changes: dict[str, object], where: str) -> None:
    with pytest.raises(ParseError) as caught:
        _read_json(json.dumps(_jsonstat(**changes)).encode())
    assert caught.value.location.path.startswith(where)

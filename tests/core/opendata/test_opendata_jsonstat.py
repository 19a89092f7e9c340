"""The JSON-stat 2.0 reader and format detection."""

from __future__ import annotations

import gzip
import io
import json

import pytest

from saferspaces.core.opendata import (
    DataFormat,
    ParseError,
    Problem,
    ReadStats,
    format_detect,
    jsonstat_read,
    observations_read,
)

from .helpers import FIXTURES


def _read(name: str, **kwargs):  # type: ignore[no-untyped-def]
    with (FIXTURES / name).open("rb") as stream:
        return list(jsonstat_read(stream=stream, dataset=name.split("_jsonstat")[0], **kwargs))


def test_object_values_with_status_flags_and_missing() -> None:
    stats = ReadStats()
    obs = _read("urb_percep_jsonstat.json", stats=stats)
    cells = {(o.series["indic_ur"], o.geo, o.time): o for o in obs}
    assert stats.dimensions == ("freq", "unit", "indic_ur", "cities")
    assert stats.time_periods == ("2019", "2023")
    assert cells[("PS3514V", "AT001C", "2019")].value == 49.2
    assert cells[("PS3515V", "AT001C", "2019")].value == 32.1
    assert cells[("PS3514V", "EL001C", "2019")].flags == ("e",)
    assert cells[("PS3518V", "BE001C", "2019")].flags == ("u",)
    assert cells[("PS3514V", "AT001C", "2023")].flags == ("p",)
    # a confidential cell has no value but is yielded with its flag
    confidential = cells[("PS3514V", "BE001C", "2023")]
    assert (confidential.value, confidential.flags) == (None, ("c",))
    # cells with neither value nor flag (EL001C 2023) are not yielded
    assert not any(o.geo == "EL001C" and o.time == "2023" for o in obs)
    assert len(obs) == 4 * 5 + 1
    assert cells[("PS3514V", "AT001C", "2019")].dimensions["time"] == "2019"
    assert cells[("PS3514V", "AT001C", "2019")].line is None


def test_array_values_with_roles_and_status_array() -> None:
    obs = _read("ilc_mddw03_jsonstat.json")
    cells = {(o.geo, o.time): o for o in obs}
    assert cells[("AT", "2020")].value == 10.6 and cells[("AT", "2020")].flags == ("b",)
    assert cells[("BE", "2019")].flags == ("e",)
    # ':' as a status means "not available", not a flag
    assert (cells[("BE", "2020")].value, cells[("BE", "2020")].flags) == (None, ())
    assert ("EU27_2020", "2020") not in cells
    assert cells[("EU27_2020", "2018")].series["incgrp"] == "TOTAL"


def test_time_filter_and_series_filter() -> None:
    stats = ReadStats()
    obs = _read(
        "urb_percep_jsonstat.json",
        stats=stats,
        keep_time=lambda t: t == "2019",
        keep_series=lambda s: s["cities"] != "BE001C",
    )
    assert {o.time for o in obs} == {"2019"}
    assert {o.geo for o in obs} == {"AT001C", "EL001C"}
    assert stats.skipped == 21 - len(obs)


def _doc(**changes):  # type: ignore[no-untyped-def]
    doc = json.loads((FIXTURES / "ilc_mddw03_jsonstat.json").read_text())
    doc.update(changes)
    return io.BytesIO(json.dumps(doc).encode())


@pytest.mark.parametrize(
    ("changes", "path", "message"),
    [
        ({"size": [1, 1, 1, 1, 3]}, "id", "same length"),
        ({"value": [1.0, 2.0]}, "value", "9 cells|sizes give 9"),
        ({"class": "collection"}, "class", "expected class 'dataset'"),
        (
            {"id": ["freq", "hhtyp", "incgrp", "unit", "geo", "period"]},
            "dimension.period",
            "not described",
        ),
    ],
)
def test_structural_errors_name_the_json_path(changes, path, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ParseError, match=message) as caught:
        list(jsonstat_read(stream=_doc(**changes), dataset="x", source="doc.json"))
    assert caught.value.location.path == path
    assert caught.value.location.source == "doc.json"


def test_non_numeric_values_are_collected() -> None:
    problems: list[Problem] = []
    values = [12.1, "n/a", None, 11.6, 11.4, 10.6, 14.9, True, None]
    obs = list(jsonstat_read(stream=_doc(value=values), dataset="x", problems=problems))
    assert [p.location.column for p in problems] == [1, 7]
    assert all("not a number" in p.message for p in problems)
    assert len(obs) == 6


def test_invalid_json_gives_line_and_column() -> None:
    with pytest.raises(ParseError) as caught:
        list(jsonstat_read(stream=io.BytesIO(b'{"id": [\n  1,,]}'), dataset="x"))
    assert caught.value.location.line == 2


@pytest.mark.parametrize(
    ("head", "fmt"),
    [
        (b'\xef\xbb\xbf  {"version": "2.0"}', DataFormat.JSON_STAT),
        (b"freq,unit,iccs,geo\\TIME_PERIOD\t2008 \n", DataFormat.SDMX_TSV),
        (b"indic_ur,unit,cities\\time\t2019 \t2015 \n", DataFormat.LEGACY_TSV),
    ],
)
def test_format_detect(head: bytes, fmt: DataFormat) -> None:
    assert format_detect(head=head) is fmt


@pytest.mark.parametrize(
    ("head", "hint"),
    [
        (b"", "empty"),
        (b"DATAFLOW,LAST UPDATE,freq\nESTAT:X,1,A\n", "CSV"),
        (b"<?xml version='1.0'?><message/>", "XML"),
        (b"hello\tworld\n", "not a Eurostat"),
    ],
)
def test_format_detect_rejects(head: bytes, hint: str) -> None:
    with pytest.raises(ParseError, match=hint):
        format_detect(head=head, source="f")


def test_observations_read_detects_each_format() -> None:
    for name, dataset in (
        ("crim_gen_reg_sdmx.tsv", "crim_gen_reg"),
        ("urb_percep_jsonstat.json", "urb_percep"),
    ):
        with (FIXTURES / name).open("rb") as stream:
            obs = list(observations_read(stream=stream, dataset=dataset))
        assert obs and all(o.dataset == dataset for o in obs)


def test_gzip_is_not_a_format_but_the_transport_undoes_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # readers get decompressed bytes; compressed bytes are not mistaken for a format
    packed = gzip.compress((FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
    with pytest.raises(ParseError):
        format_detect(head=packed[:100])

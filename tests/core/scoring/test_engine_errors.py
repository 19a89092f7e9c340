"""Invalid pipelines and data give clear errors naming the file, row, column, step and indicator."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from saferspaces.core.scoring.coinr_io import data_read, meta_read
from saferspaces.core.scoring.errors import DataError, PipelineError
from saferspaces.core.scoring.pipeline import pipeline_parse, pipeline_read, pipeline_run

from .helpers import small_dataset, small_framework

META = """Level,iCode,iName,Direction,Weight,Unit,Target,Denominator,Parent,Type
1,a,A,1,1,,,,P,Indicator
1,b,B,-1,1,,,,P,Indicator
2,P,Pillar,1,1,,,,,Aggregate
,grp,Group,,,,,,,Group
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_unknown_method_names_step(tmp_path: Path) -> None:
    fw = small_framework()
    with pytest.raises(PipelineError) as exc:
        pipeline_parse(
            raw={"steps": [{"step": "normalise", "params": {"method": "minmix"}}]}, framework=fw
        )
    assert "step 1 (normalise)" in str(exc.value)
    assert "minmix" in str(exc.value)


def test_unknown_step_and_parameter_collected_together() -> None:
    fw = small_framework()
    raw = {
        "steps": [
            {"step": "shuffle"},
            {"step": "treat", "params": {"winmax": "five", "colour": 1}},
            {"step": "aggregate", "params": {"method": "generalised"}},
        ]
    }
    with pytest.raises(PipelineError) as exc:
        pipeline_parse(raw=raw, framework=fw)
    msgs = [str(p) for p in exc.value.problems]
    assert any("unknown step 'shuffle'" in m for m in msgs)
    assert any("winmax" in m and "step 2 (treat)" in m for m in msgs)
    assert any("unknown parameter 'colour'" in m for m in msgs)
    assert any("non-zero number 'p'" in m for m in msgs)


def test_bad_yaml_names_file_and_line(tmp_path: Path) -> None:
    p = _write(tmp_path, "p.yaml", "steps:\n  - step: normalise\n    params: {method: [\n")
    with pytest.raises(PipelineError) as exc:
        pipeline_read(path=p)
    assert str(p) in str(exc.value)
    assert "row" in str(exc.value)


def test_duplicate_unit_and_non_numeric_cells_all_reported(tmp_path: Path) -> None:
    meta = meta_read(path=_write(tmp_path, "m.csv", META))
    data = _write(tmp_path, "d.csv", "uCode,grp,a,b\nX,g,1,2\nY,g,abc,3\nX,g,4,5\nZ,g,1,n/a?\n")
    with pytest.raises(DataError) as exc:
        data_read(path=data, meta=meta)
    text = str(exc.value)
    assert "row 4" in text and "unit code appears twice" in text
    assert "row 3" in text and "column 'a'" in text and "not a number: 'abc'" in text
    assert "row 5" in text and "column 'b'" in text


def test_indicator_without_data_is_an_error(tmp_path: Path) -> None:
    meta = meta_read(path=_write(tmp_path, "m.csv", META))
    data = _write(tmp_path, "d.csv", "uCode,grp,a,b\nX,g,1,NA\nY,g,2,\n")
    with pytest.raises(DataError) as exc:
        data_read(path=data, meta=meta)
    assert "indicator 'b'" in str(exc.value)
    assert "no data" in str(exc.value)


def test_unknown_column_and_bad_meta(tmp_path: Path) -> None:
    bad_meta = (
        META.replace("1,b,B,-1,1", "1,b,B,2,1").replace("2,P,Pillar", "2,P,Pillar")
        + "1,c,C,1,1,,,,Q,Indicator\n"
    )
    with pytest.raises(DataError) as exc:
        meta_read(path=_write(tmp_path, "m.csv", bad_meta))
    text = str(exc.value)
    assert "Direction must be 1 or -1" in text
    assert "parent 'Q' is not defined" in text
    meta = meta_read(path=_write(tmp_path, "m2.csv", META))
    with pytest.raises(DataError) as exc2:
        data_read(path=_write(tmp_path, "d.csv", "uCode,grp,a,b,zzz\nX,g,1,2,3\n"), meta=meta)
    assert "column 'zzz'" in str(exc2.value)


def test_geometric_mean_over_non_positive_values_names_indicator() -> None:
    fw = small_framework()
    x = np.array([[1.0, 2, 3, 4], [0.0, 1, 2, 3], [2.0, 2, 2, 2]])
    spec = pipeline_parse(
        raw={"steps": [{"step": "aggregate", "params": {"method": "geometric"}}]}, framework=fw
    )
    with pytest.raises(PipelineError) as exc:
        pipeline_run(data=small_dataset(x), framework=fw, spec=spec)
    assert "indicator 'i0'" in str(exc.value)
    assert "step 1 (aggregate)" in str(exc.value)
    assert "u1" in str(exc.value)


def test_treat_with_too_few_values_names_indicator() -> None:
    fw = small_framework()
    x = np.array([[1.0, 2, 3, 4], [np.nan, 1, 2, 3], [np.nan, 2, 2, 2], [np.nan, 5, 6, 7]])
    spec = pipeline_parse(raw={"steps": [{"step": "treat"}]}, framework=fw)
    with pytest.raises(PipelineError) as exc:
        pipeline_run(data=small_dataset(x), framework=fw, spec=spec)
    assert "indicator 'i0'" in str(exc.value)


def test_missing_group_attribute_and_reference_unit() -> None:
    fw = small_framework()
    x = np.arange(12.0).reshape(3, 4)
    spec = pipeline_parse(
        raw={"steps": [{"step": "impute", "params": {"method": "group_mean", "group": "nope"}}]},
        framework=fw,
    )
    with pytest.raises(PipelineError, match="attribute 'nope'"):
        pipeline_run(data=small_dataset(x), framework=fw, spec=spec)
    spec2 = pipeline_parse(
        raw={"steps": [{"step": "normalise", "params": {"method": "reference", "unit": "zz"}}]},
        framework=fw,
    )
    with pytest.raises(PipelineError, match="reference unit 'zz'"):
        pipeline_run(data=small_dataset(x), framework=fw, spec=spec2)

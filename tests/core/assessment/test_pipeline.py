"""Edition pipelines: the shipped file, the default, and clear errors for bad files."""

from __future__ import annotations

import pytest

from saferspaces.core.assessment import (
    EditionPipelineError,
    edition_pipeline_default,
    edition_pipeline_find,
    edition_pipeline_load,
)
from saferspaces.core.framework.model import Edition

from .conftest import EDITIONS, pipeline_text


def _errors(text: str, edition: Edition) -> list[str]:
    with pytest.raises(EditionPipelineError) as info:
        edition_pipeline_load(text=text, edition=edition, source="bad.pipeline.yaml")
    return [str(p) for p in info.value.problems]


def test_shipped_pipeline_file_loads(real: Edition) -> None:
    p = edition_pipeline_find(edition=real, directory=EDITIONS)
    assert p.source.endswith("ssf-2026.1.pipeline.yml")
    assert p.options.overall is False
    assert p.options.availability_threshold == 0.5
    assert p.options.min_units_data_driven == 5
    assert [s.kind for s in p.spec.steps] == ["normalise", "weights", "aggregate"]
    assert len(p.sha256) == 64
    # rule-scored indicators pass through; data_driven ones use the step's method
    assert p.normalisation("QOL_P01")["method"] == "none"
    assert p.normalisation("URB_S01")["method"] == "minmax"
    assert p.normalisation("URB_S01")["range"] == (0.0, 100.0)


def test_default_pipeline_for_an_edition_without_file(small: Edition, tmp_path: object) -> None:
    d = edition_pipeline_default(edition=small)
    assert d.source == "<default pipeline>"
    assert d.name == "score-test-2026.1 default scoring"
    found = edition_pipeline_find(edition=small, directory=EDITIONS)  # no file for this edition
    assert found.sha256 == d.sha256


def test_sha_changes_with_the_text(small: Edition) -> None:
    a = edition_pipeline_load(text=pipeline_text(), edition=small, source="a")
    b = edition_pipeline_load(text=pipeline_text(threshold=0.6), edition=small, source="b")
    assert a.sha256 != b.sha256


def test_unknown_normalisation_method(small: Edition) -> None:
    text = pipeline_text().replace("method: minmax", "method: magic")
    errs = _errors(text, small)
    assert any(
        "bad.pipeline.yaml" in e and "step 1 (normalise)" in e and "magic" in e for e in errs
    )


def test_unknown_and_unscored_indicator(small: Edition) -> None:
    text = pipeline_text().replace(
        "params: {method: minmax, range: [0, 100]}",
        "params: {method: minmax, range: [0, 100], indicators: {NOPE_X1: {method: minmax},"
        " LIV_S03: {method: minmax}, SAF_P01: {method: minmax}}}",
    )
    errs = _errors(text, small)
    assert any("indicator 'NOPE_X1'" in e and "not in edition score-test-2026.1" in e for e in errs)
    assert any("indicator 'LIV_S03'" in e and "not scored" in e for e in errs)
    assert any("indicator 'SAF_P01'" in e and "must be 'none'" in e for e in errs)
    assert len(errs) == 3  # all at once


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("step: weights", "step: impute", "never filled in"),
        ("{method: framework}", "{method: pca}", "must not depend on which other"),
        ("{method: arithmetic}", "{method: geometric}", "arithmetic mean"),
        ("{method: arithmetic}", "{method: arithmetic, availability_threshold: 0.5}", "platform"),
        ("method: minmax, range: [0, 100]", "method: rank", "cannot score data_driven"),
        ("range: [0, 100]", "range: [0, 1]", "must be [0, 100]"),
        ("availability_threshold: 0.5", "availability_threshold: 2", "from 0 to 1"),
        ("min_units_data_driven: 5", "min_units_data_driven: 1", ">= 2"),
        ("overall: false", "overall: maybe", "true or false"),
        ("  overall: false", "  overall: false\n  colour: red", "unknown key 'colour'"),
    ],
)
def test_bad_pipelines(small: Edition, old: str, new: str, message: str) -> None:
    text = pipeline_text()
    assert old in text
    errs = _errors(text.replace(old, new, 1), small)
    assert any(message in e and "bad.pipeline.yaml" in e for e in errs), errs


def test_aggregate_must_be_last_and_single(small: Edition) -> None:
    text = pipeline_text() + "  - step: weights\n    params: {method: equal}\n"
    assert any("must be the last step" in e for e in _errors(text, small))
    text = pipeline_text().replace("  - step: aggregate\n    params: {method: arithmetic}\n", "")
    assert any("exactly one aggregate step" in e for e in _errors(text, small))


def test_not_yaml_names_the_row(small: Edition) -> None:
    errs = _errors("steps:\n  - step: [normalise\n", small)
    assert errs and "bad.pipeline.yaml" in errs[0] and "row" in errs[0]
    assert _errors("- just a list", small)[0].endswith(
        "a pipeline file must be a mapping with 'steps'"
    )


def test_normalise_step_added_when_absent(small: Edition) -> None:
    text = pipeline_text().replace(
        "  - step: normalise\n    params: {method: minmax, range: [0, 100]}\n", ""
    )
    p = edition_pipeline_load(text=text, edition=small, source="x")
    assert [s.kind for s in p.spec.steps] == ["normalise", "weights", "aggregate"]
    assert p.normalisation("SAF_S03")["method"] == "minmax"


@pytest.mark.parametrize(
    ("weights", "where"),
    [
        ("{LIV_S02: 0}", "indicator 'LIV_B'"),  # its only scored indicator
        ("{SAF_P01: 0, SAF_P02: 0, SAF_S01: 0, SAF_S02: 0, SAF_S03: 0}", "indicator 'SAF'"),
        ("{LIV_A: 0, LIV_B: 0}", "indicator 'LIV'"),
    ],
)
def test_all_zero_weights_under_a_dimension_are_refused(
    small: Edition, weights: str, where: str
) -> None:
    """Its score would be 0/0: refused when the pipeline is loaded, naming the dimension."""
    text = pipeline_text().replace(
        "{method: framework}", f"{{method: given, weights: {weights}}}", 1
    )
    errs = _errors(text, small)
    assert len(errs) == 1 and where in errs[0] and "have weight 0" in errs[0], errs
    assert "_PAD_" not in errs[0]  # the padding of the engine's hierarchy is never shown

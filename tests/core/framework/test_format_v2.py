"""Format version 2: the instrument header, content, repeat groups and computed fields; and the
defaults every version-1 file gets as the first instrument."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from saferspaces.core.framework import Edition, FrameworkValidationError, edition_load
from saferspaces.core.framework.diff import diff_report, edition_diff
from saferspaces.core.framework.dump import edition_dump, edition_to_data
from saferspaces.core.framework.instrument import (
    RESULT_MODEL_SPECS,
    V1_CONTRASTS,
    V1_MEASURES,
    V1_SECTIONS,
    RiskMatrixParams,
    Sharing,
    TallyParams,
)
from saferspaces.core.framework.model import FORMAT_V1, FORMAT_V2, AnswerSpec

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]
FIRST_EDITION = REPO / "src" / "saferspaces" / "frameworks" / "editions" / "ssf-2026.1.yaml"


@pytest.fixture(scope="module")
def pyramid() -> Edition:
    return edition_load(path=FIXTURES / "pyramid.yaml")


@pytest.fixture(scope="module")
def vulnerability() -> Edition:
    return edition_load(path=FIXTURES / "vulnerability.yaml")


def test_the_first_edition_is_the_first_instrument_with_its_defaults() -> None:
    edition = edition_load(path=FIRST_EDITION)
    inst = edition.instrument
    assert edition.format == FORMAT_V1 and edition.format_version == 1
    assert (inst.family, inst.subject, inst.respondents) == ("ssf", "authority", "team")
    assert inst.result_model == "composite" and not inst.declared
    assert inst.measures == V1_MEASURES and inst.measure_codes() == ("perception", "status")
    assert inst.contrasts == V1_CONTRASTS and inst.contrasts[0].difference == (
        "perception",
        "status",
    )
    assert inst.kinds() == ("perception", "status", "context")
    assert inst.sections == V1_SECTIONS
    assert [s.code for s in inst.sections] == ["scope", "geography", "sources", "surveys", "people"]
    assert inst.sharing == Sharing(peers=True, publish=True, export=True)
    assert inst.peers is not None and inst.peers.source == "pipeline"
    # a version-1 edition is written back as version 1, without a header
    data = edition_to_data(edition=edition)
    assert data["format"] == FORMAT_V1 and "instrument" not in data


def test_a_version_1_edition_built_by_hand_gets_its_family_from_its_id() -> None:
    edition = edition_load(path=FIXTURES / "mini.yaml")
    assert edition.instrument.family == "test"


def test_the_tally_instrument_loads_with_its_repeat_group(pyramid: Edition) -> None:
    inst = pyramid.instrument
    assert pyramid.format == FORMAT_V2 and inst.declared
    assert (inst.family, inst.result_model) == ("pyramid", "tally")
    assert inst.result == TallyParams(by=("MEASURE_LEVEL",), per=None)
    assert inst.measures == () and inst.contrasts == () and inst.peers is None
    assert inst.sharing == Sharing(peers=True, publish=True, export=True)
    places = {p.item.code: p.repeat_codes for p in pyramid.items()}
    assert places == {
        "MAP_COUNT_KNOWN": (),
        "MEASURE_NAME": ("MEASURES",),
        "MEASURE_LEVEL": ("MEASURES",),
        "MEASURE_BUDGET": ("MEASURES",),
    }
    # items inside repeat groups are not among the questions answered once
    assert set(pyramid.questions()) == {"CL_PERIOD", "MAP_COUNT_KNOWN"}
    group = pyramid.dimensions[0].repeats[0]
    assert (group.code, group.min, group.max) == ("MEASURES", 1, 50)
    # no measures declared: kinds default to context, nothing is scored
    level = next(p.item for p in pyramid.items() if p.item.code == "MEASURE_LEVEL")
    assert level.kind == "context" and not level.scored
    assert level.content is not None and level.content.how is not None
    content = pyramid.dimensions[0].content
    assert content is not None and content.links[0].accessed == dt.date(2026, 12, 5)
    assert content.links[0].url.startswith("https://futurium.ec.europa.eu/")


def test_nested_repeats_and_a_computed_field(vulnerability: Edition) -> None:
    inst = vulnerability.instrument
    assert isinstance(inst.result, RiskMatrixParams)
    assert [b.code for b in inst.result.bands] == ["low", "medium", "high"]
    assert inst.result.per == "SITES"
    assert inst.sharing == Sharing()  # shares nothing
    chains = [tuple(g.code for g in chain) for _, chain in vulnerability.repeat_groups()]
    assert chains == [("SITES",), ("SITES", "SCENARIOS")]
    risk = next(p for p in vulnerability.items() if p.item.code == "RISK")
    assert risk.repeat_codes == ("SITES", "SCENARIOS")
    assert risk.item.calculate is not None
    assert risk.item.calculate.refs() == ("CONSEQUENCE", "PROBABILITY")
    assert risk.item.answer == AnswerSpec("number")  # a computed field is a number
    assert vulnerability.dimensions[0].role == "scored"  # the format-2 default


@pytest.mark.parametrize("name", ["pyramid", "vulnerability", "mini"])
def test_writing_and_reading_again_gives_the_same_edition(name: str) -> None:
    edition = edition_load(path=FIXTURES / f"{name}.yaml")
    text = edition_dump(edition=edition)
    assert edition_load(text=text) == edition
    assert ("instrument:" in text) == (edition.format == FORMAT_V2)


def test_the_writer_follows_the_declared_order(vulnerability: Edition) -> None:
    from saferspaces.core.framework.schema import SCHEMA

    data = edition_to_data(edition=vulnerability)
    assert list(data) == ["format", "edition", "instrument", "checklist", "dimensions"]
    assert list(data["instrument"]) == [k for k in SCHEMA["instrument"] if k in data["instrument"]]
    item = data["dimensions"][0]["repeats"][0]["repeats"][0]["items"][-1]
    assert list(item) == ["code", "question", "calculate"]  # kind and answer: their defaults


def test_the_result_model_bounds_sharing() -> None:
    assert RESULT_MODEL_SPECS["risk_matrix"].may_share == frozenset()
    assert RESULT_MODEL_SPECS["levels"].visible_to_colleagues is False
    assert RESULT_MODEL_SPECS["risk_matrix"].orders_within_subject is True
    assert all(
        not s.orders_within_subject for n, s in RESULT_MODEL_SPECS.items() if n != "risk_matrix"
    )


def test_a_composite_instrument_measures_perception_or_status_only() -> None:
    text = (FIXTURES / "pyramid.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "  result_model: tally\n  result: {by: [MEASURE_LEVEL]}\n",
        "  result_model: composite\n  measures:\n"
        "    - {code: readiness, label: {en: Readiness, fr: Préparation}}\n",
    )
    with pytest.raises(FrameworkValidationError) as info:
        edition_load(text=text, file="x.yaml")
    messages = [f"{p.path}: {p.message}" for p in info.value.problems]
    assert any(
        m.startswith("instrument.measures[0].code: the composite result model computes")
        for m in messages
    ), messages


def test_a_diff_across_families_says_trends_do_not_compare(
    pyramid: Edition, vulnerability: Edition
) -> None:
    diff = edition_diff(old=pyramid, new=vulnerability)
    assert not diff.same_family
    assert "trends compare editions of one family only" in diff_report(diff=diff)
    same = edition_diff(old=pyramid, new=pyramid)
    assert same.same_family and "family" not in diff_report(diff=same)


def test_repeat_groups_nested_thousands_deep_are_refused_quickly() -> None:
    import time

    from saferspaces.core.framework.loader import edition_from_data
    from saferspaces.core.framework.yamlsource import yaml_read

    data = yaml_read(text=(FIXTURES / "pyramid.yaml").read_text(encoding="utf-8"), file="p").data
    group = data["dimensions"][0]["repeats"][0]
    inner = group
    for i in range(5000):  # far deeper than Python's recursion limit
        nested = {
            "code": f"DEEP_{i}",
            "title": {"en": "Deep", "fr": "Profond"},
            "items": [
                {
                    "code": f"DEEP_ITEM_{i}",
                    "question": {"en": "Q", "fr": "Q"},
                    "answer": {"type": "text"},
                }
            ],
        }
        inner["repeats"] = [nested]
        inner = nested
    start = time.perf_counter()
    with pytest.raises(FrameworkValidationError) as info:
        edition_from_data(data=data, file="deep.yaml")
    assert time.perf_counter() - start < 2.0
    (problem,) = info.value.problems
    assert problem.path == "dimensions[0].repeats[0].repeats[0].repeats[0].repeats"
    assert "repeat groups nest at most 3 deep" in problem.message


def test_the_peer_conditions_are_those_of_the_pipeline_file() -> None:
    from saferspaces.core.assessment.pipeline import BACKGROUND_KEYS
    from saferspaces.core.framework.instrument import PEER_CONDITIONS

    assert PEER_CONDITIONS == BACKGROUND_KEYS


def test_validate_summarises_an_instrument() -> None:
    import io

    from saferspaces.core.framework.cli import framework_cli

    out, err = io.StringIO(), io.StringIO()
    path = str(FIXTURES / "vulnerability.yaml")
    assert framework_cli(argv=["validate", path], out=out, err=err) == 0
    assert out.getvalue() == (
        f"{path}: valid edition vulnerability-2026.1 (2026-12-05) of the instrument "
        "'vulnerability' (risk_matrix results, subject authority): 1 dimensions, 5 items "
        "(5 in 2 repeat groups, 1 computed), 0 checklist items, languages en, fr\n"
    )

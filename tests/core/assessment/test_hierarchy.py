"""The engine hierarchy of an edition: uneven depth padded, kinds and directions, overall."""

from __future__ import annotations

from saferspaces.core.assessment import (
    OVERALL_CODE,
    edition_scoring_framework,
    node_is_pass_through,
)
from saferspaces.core.framework.context import CODE_RE
from saferspaces.core.framework.model import Edition


def test_small_edition_is_padded_to_uniform_depth(small: Edition) -> None:
    fw = edition_scoring_framework(edition=small)
    assert fw.n_levels == 3
    assert fw.aggregates(3) == ("SAF", "LIV")
    pads = [n for n in fw.nodes if node_is_pass_through(n)]
    assert [(p.code, p.level, p.parent) for p in pads] == [("_PAD_SAF_2", 2, "SAF")]
    assert fw.node("SAF_P01").parent == "_PAD_SAF_2"
    assert fw.node("LIV_S01").parent == "LIV_A"
    # only scored indicators of scored dimensions
    assert set(fw.indicators) == {
        "SAF_P01", "SAF_P02", "SAF_S01", "SAF_S02", "SAF_S03", "LIV_P01", "LIV_S01", "LIV_S02"
    }  # fmt: skip
    assert not fw.has(OVERALL_CODE)


def test_kinds_weights_and_directions(small: Edition) -> None:
    fw = edition_scoring_framework(edition=small)
    assert fw.node("SAF_P02").kind == "perception"
    assert fw.node("SAF_S01").kind == "status"
    # rule-scored: the rule orients the score already (+1), even for higher_is_worse
    assert fw.node("SAF_S01").direction == 1
    assert fw.node("LIV_S01").direction == 1
    # data_driven: the indicator's own direction
    assert fw.node("SAF_S03").direction == 1
    assert fw.node("LIV_S02").direction == -1
    assert fw.node("SAF_S01").weight == 50
    assert fw.node("LIV_A").weight == 75
    assert fw.node("SAF").weight == 60


def test_overall_node_only_when_asked(small: Edition) -> None:
    fw = edition_scoring_framework(edition=small, overall=True)
    assert fw.n_levels == 4
    assert fw.node(OVERALL_CODE).level == 4
    assert fw.children(OVERALL_CODE) == ("SAF", "LIV")


def test_real_edition(real: Edition) -> None:
    fw = edition_scoring_framework(edition=real)
    assert fw.aggregates(3) == ("QOL", "SOC", "PSL", "SOS", "URB")
    assert not any(c.startswith("BG") for c in fw.codes)  # background is not scored
    assert not fw.has("URB_S18") and not fw.has("URB_S24")  # not_scored indicators
    pads = {n.code for n in fw.nodes if node_is_pass_through(n)}
    assert pads == {"_PAD_QOL_2", "_PAD_SOC_2"}
    # generated codes can never be edition codes
    assert not any(CODE_RE.match(c) for c in (*pads, OVERALL_CODE))
    assert fw.node("URB_S01").direction == -1  # data_driven crime rate, higher is worse
    assert fw.node("QOL_S01").direction == 1  # goalposts, higher_is_worse handled by the rule
    scored = [i for d, i in real.indicators() if i.scored and not d.code.startswith("BG")]
    assert len(fw.indicators) == len(scored)

"""One read path: a number shown anywhere comes from the fact index, its explanation from the
latest run. A value changed in the index shows on every page, report and export that shows it;
the same score changed in the run's explanation shows nowhere."""

from __future__ import annotations

import re
from typing import Any

from django.utils import translation

from saferspaces.assessments.models import Assessment, AssessmentState
from saferspaces.core.dashboard import PeerCriteria
from saferspaces.core.dashboard.packed import top_scores_pack, top_scores_unpack
from saferspaces.dashboard.network import round_distributions
from saferspaces.dashboard.selectors import dashboard_peers
from saferspaces.demo.assessments import ROUND_TITLES
from saferspaces.exports.selectors import round_export
from saferspaces.reports.authority import authority_report
from saferspaces.reports.loading import round_inputs
from saferspaces.results.models import PeerProfile, ResultFact, ResultRun, unit_key
from saferspaces.results.selectors import scored_read

NODE, INDICATOR = "QOL", "QOL_P01"
SCORE, PERCEPTION, ITEM = 12.3, 23.4, 3.7  # shown as "12.3", "23.4", "3.7" (a weakness)
OWN = 99.9  # written into the explanation only: never shown


def _text(response: Any) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def _shows(text: str, number: float) -> bool:
    return re.search(rf"(?<![\d.,]){re.escape(str(number))}(?![\d])", text) is not None


def _set(assessment: Assessment, node: str, measure: str, value: float) -> None:
    changed = ResultFact.objects.filter(assessment=assessment, node=node, measure=measure).update(
        value=value
    )
    assert changed == 1


def test_a_value_changed_in_the_index_shows_everywhere(team: Any, client_of: Any) -> None:
    pilot = Assessment.objects.get(authority=team.authority, round__title=ROUND_TITLES[0])
    assert pilot.state in (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
    client = client_of(team.lead)
    pages = {
        "profile": f"/authorities/{team.authority.slug}/dashboard/?assessment={pilot.pk}",
        "scores": f"/assessments/{pilot.pk}/scores/",
        "explain": f"/assessments/{pilot.pk}/explain/{INDICATOR}/",
    }
    before = {name: _text(client.get(url)) for name, url in pages.items()}
    for text in before.values():
        assert not any(_shows(text, n) for n in (SCORE, ITEM, OWN))
    _set(pilot, NODE, "score", SCORE)
    _set(pilot, NODE, "perception", PERCEPTION)
    _set(pilot, INDICATOR, "score", ITEM)
    run = ResultRun.objects.filter(assessment=pilot).order_by("-computed_at", "-id").first()
    assert run is not None
    run.explanation["nodes"][NODE]["all"]["score"] = OWN
    run.explanation["indicators"][INDICATOR]["score"] = OWN
    run.save(update_fields=["explanation"])

    scored = scored_read(assessment=pilot)
    assert scored is not None
    assert scored.unit.nodes[NODE].all_kinds.score == SCORE
    assert scored.unit.nodes[NODE].perception.score == PERCEPTION
    assert scored.unit.indicators[INDICATOR].score == ITEM
    after = {name: _text(client.get(url)) for name, url in pages.items()}
    assert _shows(after["profile"], SCORE) and _shows(after["profile"], PERCEPTION)
    assert _shows(after["scores"], SCORE) and _shows(after["scores"], ITEM)
    assert _shows(after["explain"], ITEM) and _shows(after["explain"], SCORE)  # path: QOL
    assert not any(_shows(text, OWN) for text in after.values())

    with translation.override("en"):
        report = authority_report(assessment=pilot, language="en")
    (row,) = [r for r in report["rows"] if r.code == NODE]
    assert row.scores["all"].score == SCORE and row.scores["perception"].score == PERCEPTION
    assert any(w["code"] == INDICATOR and w["score"] == ITEM for w in report["weaknesses"])

    # the pilot analysis and the exports read the same index
    unit = next(u for u in round_inputs(round_=pilot.round).scores if u.unit == unit_key(pilot.pk))
    assert unit.nodes[NODE] == SCORE and unit.indicators[INDICATOR] == ITEM
    export = round_export(round_=pilot.round)
    coded = next(u for u in export.units if u.unit.assessment == pilot.pk)
    (scores_row,) = [r for r in export.scores_of(coded) if r.node == NODE]
    assert (scores_row.score, scores_row.perception) == (SCORE, PERCEPTION)
    assert export.indicators_of(coded)[INDICATOR].score == ITEM


def test_the_round_and_the_peers_read_the_index(team: Any) -> None:
    """Every peer's QOL score set to one value in the index (the facts, and the copy of the
    top-level scores packed on the peer profiles, which the index writes from the same run): the
    round's distribution and the persona's peer band collapse onto it."""
    pilot = Assessment.objects.get(authority=team.authority, round__title=ROUND_TITLES[0])
    round_facts = ResultFact.objects.filter(round=pilot.round, node=NODE, measure="score")
    assert round_facts.exclude(assessment=pilot).update(value=SCORE) >= 5
    for profile in PeerProfile.objects.filter(round=pilot.round).exclude(assessment=pilot):
        scores = top_scores_unpack(layout=profile.top_nodes, packed=bytes(profile.top_scores))
        scores[NODE, "all"] = SCORE
        profile.top_nodes, profile.top_scores = top_scores_pack(scores=scores)
        profile.save(update_fields=["top_nodes", "top_scores"])
    rows = {r["code"]: r for r in round_distributions(round_=pilot.round, language="en")["rows"]}
    stats = rows[NODE]["stats"]["all"]
    assert stats is not None and (stats.q1, stats.median, stats.q3) == (SCORE, SCORE, SCORE)
    view = dashboard_peers(assessment=pilot, criteria=PeerCriteria(), query="", language="en")
    band = view["view"].bands[NODE]["all"]
    assert band is not None and band.peers.median == SCORE


def test_a_fact_missing_from_the_index_is_missing_on_the_page(team: Any) -> None:
    """The explanation's copy of a number never fills a gap of the index: a fact deleted from
    the index reads as missing, an unchanged one keeps its value."""
    pilot = Assessment.objects.get(authority=team.authority, round__title=ROUND_TITLES[0])
    before = scored_read(assessment=pilot)
    assert before is not None
    kept = before.unit.nodes[NODE].status.score
    assert before.unit.nodes[NODE].all_kinds.score is not None
    assert before.unit.indicators[INDICATOR].score is not None
    deleted, _ = ResultFact.objects.filter(
        assessment=pilot, node__in=[NODE, INDICATOR], measure="score"
    ).delete()
    assert deleted == 2
    after = scored_read(assessment=pilot)
    assert after is not None
    assert after.unit.nodes[NODE].all_kinds.score is None
    assert after.unit.indicators[INDICATOR].score is None
    assert after.unit.nodes[NODE].gap == before.unit.nodes[NODE].gap
    assert after.unit.nodes[NODE].status.score == kept

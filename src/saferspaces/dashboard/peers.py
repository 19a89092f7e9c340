"""Similar authorities: the peer group, the band per dimension, and whom to learn from
(selectors: reads only). Peers are other authorities' submitted or accepted assessments of the
same round; values are shown per named peer only when that peer has published its results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from saferspaces.assessments.models import Answer, Evidence
from saferspaces.core.dashboard import (
    CRITERIA,
    PeerBand,
    PeerCriteria,
    PeerFacts,
    PeerFilter,
    change_read,
    peer_band_place,
    peer_filter_build,
)
from saferspaces.core.framework.model import text_get
from saferspaces.dashboard.models import PeerSharing
from saferspaces.dashboard.profile import KINDS
from saferspaces.results.models import PeerProfile
from saferspaces.results.peers import (
    peer_distributions,
    peer_facts,
    peer_filter_apply,
    peer_pool,
    peer_profile_of,
    scores_with_previous,
    top_scores,
)
from saferspaces.results.selectors import Scored

PRACTICE_TYPES = ("yes_partly_no", "single_choice", "multiple_choice")
SUGGESTIONS_PER_DIMENSION = 6


def peer_minimum() -> int:
    return int(settings.PEER_MINIMUM)


@dataclass(frozen=True)
class PeerName:
    pk: int
    name: str


@dataclass(frozen=True)
class PeerScore:
    """A suggested peer's score on a dimension (``authority.name`` for the page)."""

    assessment_id: int
    node: str
    score: float | None
    authority: PeerName


@dataclass
class PeerView:
    criteria: PeerCriteria
    minimum: int
    target: PeerFacts | None
    peer_filter: PeerFilter | None = None
    pool: int = 0  # other authorities of the round with submitted or accepted scores
    peers: int = 0
    refused: str | None = None  # no_round | not_scored | too_few
    alone: dict[str, int] = field(default_factory=dict)  # criterion -> peers with it alone
    # top-level dimension -> kind -> band
    bands: dict[str, dict[str, PeerBand | None]] = field(default_factory=dict)
    peer_ids: list[int] = field(default_factory=list)  # assessment ids
    named: list[dict[str, Any]] = field(default_factory=list)


def peer_view(*, scored: Scored, criteria: PeerCriteria) -> PeerView:
    """The peer group of a scored assessment under ``criteria`` and its band per dimension."""
    a = scored.assessment
    minimum = peer_minimum()
    if a.round_id is None:
        return PeerView(criteria, minimum, None, refused="no_round")
    profile = peer_profile_of(assessment=a)
    if profile is None:
        return PeerView(criteria, minimum, None, refused="not_scored")
    target = peer_facts(profile)
    peer_filter = peer_filter_build(target=target, criteria=criteria)
    pool = peer_pool(assessment=a)
    view = PeerView(criteria, minimum, target, peer_filter, pool=pool.count())
    peers = peer_filter_apply(pool, peer_filter)
    ids = list(peers.values_list("assessment_id", flat=True))
    view.peers = len(ids)
    if view.peers < minimum:
        view.refused = "too_few"
        off = PeerCriteria(same_kind=False, population_factor=None)
        for key in criteria.active():
            single = peer_filter_build(
                target=target, criteria=replace(off, **{key: getattr(criteria, key)})
            )
            if CRITERIA[key] in {**single.equal, **single.ranges}:
                view.alone[key] = peer_filter_apply(pool, single).count()
        return view
    view.peer_ids = ids
    # bands of the top-level dimensions: the ones the page, its chart and learn-from-peers read
    top = [d.code for d in scored.edition.dimensions if d.code in scored.unit.nodes]
    stats = peer_distributions(peers=peers, peer_ids=ids, nodes=top, minimum=minimum)
    for code in top:
        mine = scored.unit.nodes[code]
        node = stats.get(code, {})
        view.bands[code] = {
            k: peer_band_place(
                score=mine.kind(k).score, interval=mine.kind(k).interval, peers=node.get(k)
            )
            for k in KINDS
        }
    view.named = _named(peers)
    return view


def _named(peers: QuerySet[PeerProfile]) -> list[dict[str, Any]]:
    """Peers that published their results, by name, with their top-level scores (plain rows:
    ``{"authority": {"pk", "name"}, "scores": {node: {"score"}}}``, read as tuples)."""
    rows: dict[int, dict[str, Any]] = {}
    published = peers.filter(authority__sharing__publish_results=True).values("assessment_id")
    for auth, name, node, score in top_scores(assessments=published):
        row = rows.setdefault(auth, {"authority": {"pk": auth, "name": name}, "scores": {}})
        row["scores"][node] = {"score": score}
    return list(rows.values())


def weakest_dimensions(*, scored: Scored, view: PeerView) -> list[str]:
    """Top-level dimensions below the peers' interquartile range; without a peer view, the two
    with the lowest own score (the authority's own dimensions, never other authorities)."""
    top = [d.code for d in scored.edition.dimensions if d.role == "scored"]
    below = [
        c for c in top if (b := view.bands.get(c, {}).get("all")) is not None and b.band == "below"
    ]
    if below:
        return below
    own = [(scored.unit.nodes[c].all_kinds.score, c) for c in top if c in scored.unit.nodes]
    return [c for s, c in sorted((s, c) for s, c in own if s is not None)[:2]]


def learn_from_peers(*, scored: Scored, view: PeerView, language: str) -> list[dict[str, Any]]:
    """For each weak dimension: similar authorities open to contact that are strong there (above
    the peers' interquartile range) or improved beyond the uncertainty since the previous round,
    with the practices they reported and the evidence they chose to share. Sorted by name.

    Candidates are read as plain tuples in one query (the peer set and the sharing choices as a
    subquery and a join), their previous round's scores in a second one; model rows are loaded
    only for the suggestions shown, so the cost follows the suggestions, not the group.
    """
    if not view.peer_ids:
        return []
    weak = weakest_dimensions(scored=scored, view=view)
    a = scored.assessment
    # the peers open to contact: a subquery of a few hundred assessments at most, whose facts
    # are then read through the (assessment, node) index
    reachable = (
        peer_filter_apply(peer_pool(assessment=a), view.peer_filter).filter(
            authority__sharing__open_to_contact=True
        )
        if view.peer_filter is not None
        else None
    )
    rows: list[Any] = []  # (authority, name, assessment, node, score, previous round's score)
    if reachable is not None and weak:
        rows = scores_with_previous(peers=reachable, nodes=weak, round_=a.round)
    if not rows:
        return [{"code": c, "title": _title(scored, c, language), "peers": []} for c in weak]
    by_node: dict[str, list[tuple[int, str, int, float, float | None]]] = defaultdict(list)
    for auth, name, a_id, node, score, previous in rows:
        by_node[node].append((auth, name, a_id, score, previous))
    tol = scored.pipeline.options.change_tolerance
    chosen: dict[str, list[tuple[int, int, list[str]]]] = {}  # code -> (authority, assessment)
    more: dict[str, int] = {}
    shown_facts: dict[tuple[int, str], PeerScore] = {}  # the suggested peers' scores
    for code in weak:
        band = view.bands.get(code, {}).get("all")
        members: list[tuple[str, int, int, list[str], float]] = []
        for auth, name, a_id, score, previous in by_node.get(code, ()):
            reasons = []
            if band is not None and score is not None and score > band.peers.q3:
                reasons.append("strong")
            if (
                previous is not None  # without a previous score there is no change to read
                and change_read(before=previous, after=score, tolerance=tol).direction == "up"
            ):
                reasons.append("improved")
            if reasons:
                members.append((name, auth, a_id, reasons, score))
        members.sort(key=lambda m: (m[0], m[1]))
        kept = members[:SUGGESTIONS_PER_DIMENSION]
        chosen[code] = [(auth, a_id, reasons) for _n, auth, a_id, reasons, _s in kept]
        more[code] = len(members) - len(kept)
        for name, auth, a_id, _r, score in kept:
            shown_facts[(a_id, code)] = PeerScore(a_id, code, score, PeerName(auth, name))
    sharing = {
        s.authority_id: s
        for s in PeerSharing.objects.filter(
            authority_id__in=sorted({auth for rows in chosen.values() for auth, _a, _r in rows})
        )
    }
    questions = {
        i.code: (d, i)
        for d, i in scored.edition.indicators()
        if i.kind == "status" and i.answer.type in PRACTICE_TYPES
    }
    shown_by_code = {
        code: [
            {"fact": shown_facts[(a_id, code)], "reasons": reasons, "sharing": sharing[auth]}
            for auth, a_id, reasons in chosen[code]
        ]
        for code in weak
    }
    _practices(shown_by_code, questions, scored, language)
    out = []
    for code in weak:
        shown = shown_by_code[code]
        out.append(
            {
                "code": code,
                "title": _title(scored, code, language),
                "peers": shown,
                "more": more[code],
            }
        )
    return out


def _title(scored: Scored, code: str, language: str) -> str:
    for _a, d in scored.edition.dimensions_walk():
        if d.code == code:
            return text_get(d.title, language)
    return code


def _practices(
    shown: dict[str, list[dict[str, Any]]],
    questions: dict[str, Any],
    scored: Scored,
    language: str,
) -> None:
    """Attach each suggested peer's practice answers, comments and shared evidence: the practice
    questions of the dimension it is suggested for, read for every dimension at once."""
    codes: dict[str, set[str]] = {}  # dimension -> its practice questions
    for _a, dim in scored.edition.dimensions_walk():
        if shown.get(dim.code):
            codes[dim.code] = {
                i.code for _a, sub in dim.walk() for i in sub.indicators if i.code in questions
            }
    if not codes:
        return
    ids = sorted({m["fact"].assessment_id for code in codes for m in shown[code]})
    every = sorted(set().union(*codes.values()))
    answers: dict[int, list[Answer]] = defaultdict(list)
    for ans in (
        Answer.objects.filter(assessment_id__in=ids, code__in=every, status="answered")
        .only("assessment_id", "code", "status", "value", "comment")  # what the page shows
        .order_by("code")
    ):
        answers[ans.assessment_id].append(ans)
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for ev in Evidence.objects.filter(
        assessment_id__in=ids, code__in=every, shared_with_peers=True
    ).order_by("code", "pk"):
        evidence[ev.assessment_id].append(ev)
    for code, mine in codes.items():
        for m in shown[code]:
            a_id = m["fact"].assessment_id
            m["practices"] = [
                {
                    "code": ans.code,
                    "question": text_get(questions[ans.code][1].question, language),
                    "answer": ans,
                    "indicator": questions[ans.code][1],
                }
                for ans in answers[a_id]
                if ans.code in mine and ans.value not in ("no", [], None)
            ]
            m["evidence"] = [ev for ev in evidence[a_id] if ev.code in mine]

"""Similar authorities: the peer group, the band per dimension, and whom to learn from
(selectors: reads only). Peers are other authorities' submitted or accepted assessments of the
same round; values are shown per named peer only when that peer has published its results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from saferspaces.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    Evidence,
    Round,
)
from saferspaces.authorities.models import Authority
from saferspaces.core.dashboard import (
    CRITERIA,
    PeerBand,
    PeerCriteria,
    PeerFacts,
    PeerFilter,
    change_read,
    peer_band,
    peer_filter_build,
)
from saferspaces.core.framework.model import text_get
from saferspaces.dashboard.models import PeerProfile, PeerSharing, ScoreFact
from saferspaces.dashboard.profile import KINDS, Scored

DONE = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
PRACTICE_TYPES = ("yes_partly_no", "single_choice", "multiple_choice")
SUGGESTIONS_PER_DIMENSION = 6


def peer_minimum() -> int:
    return int(settings.PEER_MINIMUM)


def facts_of(profile: PeerProfile) -> PeerFacts:
    return PeerFacts(
        kind=profile.kind or None,
        nuts_level=profile.nuts_level,
        country=profile.country or None,
        urbanisation=profile.urbanisation or None,
        population=profile.population,
        density=profile.density,
        income=profile.income,
    )


def _pool(assessment: Assessment) -> QuerySet[PeerProfile]:
    # ``assessment__round`` repeats ``round`` (a profile is written with its assessment's
    # round) so that PostgreSQL reads one round's assessments, not every round's, for the state
    return PeerProfile.objects.filter(
        round=assessment.round,
        assessment__round=assessment.round,
        assessment__state__in=DONE,
    ).exclude(authority_id=assessment.authority_id)


def _apply(qs: QuerySet[PeerProfile], peer_filter: PeerFilter) -> QuerySet[PeerProfile]:
    for fact, value in peer_filter.equal.items():
        qs = qs.filter(**{fact: value})
    for fact, (lo, hi) in peer_filter.ranges.items():
        qs = qs.filter(**{f"{fact}__gte": lo, f"{fact}__lte": hi})
    return qs


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
    bands: dict[str, dict[str, PeerBand | None]] = field(default_factory=dict)
    peer_ids: list[int] = field(default_factory=list)  # assessment ids
    named: list[dict[str, Any]] = field(default_factory=list)
    # (authority, assessment, node, score "all") of every peer: read once for the bands
    # and reused by the named peers and learn-from-peers, so the peer set is queried once
    peer_scores: list[tuple[int, int, str, float | None]] = field(default_factory=list)


def peer_view(*, scored: Scored, criteria: PeerCriteria) -> PeerView:
    """The peer group of a scored assessment under ``criteria`` and its band per dimension."""
    a = scored.assessment
    minimum = peer_minimum()
    if a.round_id is None:
        return PeerView(criteria, minimum, None, refused="no_round")
    profile = PeerProfile.objects.filter(assessment=a).first()
    if profile is None:
        return PeerView(criteria, minimum, None, refused="not_scored")
    target = facts_of(profile)
    peer_filter = peer_filter_build(target=target, criteria=criteria)
    pool = _pool(a)
    view = PeerView(criteria, minimum, target, peer_filter, pool=pool.count())
    peers = _apply(pool, peer_filter)
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
                view.alone[key] = _apply(pool, single).count()
        return view
    view.peer_ids = ids
    values: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    # the peers as a subquery, never as a list of ids: a group of a thousand peers would
    # otherwise be sent (and parsed by Django and psycopg) as a thousand parameters
    for auth, a_id, code, score, perception, status in ScoreFact.objects.filter(
        assessment_id__in=peers.values("assessment_id")
    ).values_list("authority_id", "assessment_id", "node", "score", "perception", "status"):
        values[code]["all"].append(score)
        values[code]["perception"].append(perception)
        values[code]["status"].append(status)
        view.peer_scores.append((auth, a_id, code, score))
    for _anc, dim in scored.edition.dimensions_walk():
        mine = scored.unit.nodes.get(dim.code)
        if mine is None:
            continue
        view.bands[dim.code] = {
            k: peer_band(
                score=mine.kind(k).score,
                interval=mine.kind(k).interval,
                peers=values[dim.code][k],
                minimum=minimum,
            )
            for k in KINDS
        }
    view.named = _named(view)
    return view


def _named(view: PeerView) -> list[dict[str, Any]]:
    """Peers that published their results, by name, with their top-level scores."""
    published = set(
        PeerSharing.objects.filter(publish_results=True).values_list("authority_id", flat=True)
    )
    ids = sorted({a_id for auth, a_id, _n, _s in view.peer_scores if auth in published})
    if not ids:
        return []
    rows: dict[int, dict[str, Any]] = {}
    for fact in (
        ScoreFact.objects.filter(assessment_id__in=ids, depth=0)
        .select_related("authority")
        .order_by("authority__name")
    ):
        row = rows.setdefault(fact.authority_id, {"authority": fact.authority, "scores": {}})
        row["scores"][fact.node] = fact
    return sorted(rows.values(), key=lambda r: r["authority"].name)


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


def _previous_round(round_: Round) -> Round | None:
    return (
        Round.objects.filter(network_id=round_.network_id, period_end__lt=round_.period_start)
        .order_by("-period_end")
        .first()
    )


def learn_from_peers(*, scored: Scored, view: PeerView, language: str) -> list[dict[str, Any]]:
    """For each weak dimension: similar authorities open to contact that are strong there (above
    the peers' interquartile range) or improved beyond the uncertainty since the previous round,
    with the practices they reported and the evidence they chose to share. Sorted by name.

    Candidates are read as plain tuples (peers and sharing choices as subqueries); model rows are
    loaded only for the suggestions shown, so the cost follows the suggestions, not the group.
    """
    if not view.peer_ids:
        return []
    weak = weakest_dimensions(scored=scored, view=view)
    open_to_contact = set(
        PeerSharing.objects.filter(open_to_contact=True).values_list("authority_id", flat=True)
    )
    weak_set = set(weak)
    found = [
        (auth, a_id, node, score)
        for auth, a_id, node, score in view.peer_scores
        if node in weak_set and auth in open_to_contact and score is not None
    ]
    names = (
        dict(
            Authority.objects.filter(pk__in=sorted({f[0] for f in found})).values_list("pk", "name")
        )
        if found
        else {}
    )
    candidates = [(auth, names[auth], a_id, node, score) for auth, a_id, node, score in found]
    if not candidates:
        return [{"code": c, "title": _title(scored, c, language), "peers": []} for c in weak]
    earlier: dict[tuple[int, str], float | None] = {}
    prev = _previous_round(scored.assessment.round) if scored.assessment.round else None
    if prev is not None:
        for auth, node, score in ScoreFact.objects.filter(
            round=prev,
            node__in=weak,
            authority_id__in=sorted({c[0] for c in candidates}),
            assessment__state__in=DONE,
        ).values_list("authority_id", "node", "score"):
            earlier[(auth, node)] = score
    tol = scored.pipeline.options.change_tolerance
    chosen: dict[str, list[tuple[int, int, list[str]]]] = {}  # code -> (authority, assessment)
    more: dict[str, int] = {}
    for code in weak:
        band = view.bands.get(code, {}).get("all")
        members: list[tuple[str, int, int, list[str]]] = []
        for auth, name, a_id, node, score in candidates:
            if node != code:
                continue
            reasons = []
            if band is not None and score is not None and score > band.peers.q3:
                reasons.append("strong")
            before = earlier.get((auth, code))
            if change_read(before=before, after=score, tolerance=tol).direction == "up":
                reasons.append("improved")
            if reasons:
                members.append((name, auth, a_id, reasons))
        members.sort(key=lambda m: (m[0], m[1]))
        chosen[code] = [(auth, a_id, reasons) for _n, auth, a_id, reasons in members]
        chosen[code] = chosen[code][:SUGGESTIONS_PER_DIMENSION]
        more[code] = len(members) - len(chosen[code])
    shown_ids = {a_id for rows in chosen.values() for _auth, a_id, _r in rows}
    shown_facts = {
        (f.assessment_id, f.node): f
        for f in ScoreFact.objects.filter(
            assessment_id__in=sorted(shown_ids), node__in=weak
        ).select_related("authority", "assessment")
    }
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
    out = []
    for code in weak:
        shown = [
            {"fact": shown_facts[(a_id, code)], "reasons": reasons, "sharing": sharing[auth]}
            for auth, a_id, reasons in chosen[code]
        ]
        _practices(shown, code, questions, scored, language)
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
    members: list[dict[str, Any]],
    code: str,
    questions: dict[str, Any],
    scored: Scored,
    language: str,
) -> None:
    """Attach each suggested peer's practice answers, comments and shared evidence."""
    dim = next(d for _a, d in scored.edition.dimensions_walk() if d.code == code)
    if not members:
        return
    codes = [i.code for _a, sub in dim.walk() for i in sub.indicators if i.code in questions]
    ids = [m["fact"].assessment_id for m in members]
    answers: dict[int, list[Answer]] = defaultdict(list)
    for ans in Answer.objects.filter(
        assessment_id__in=ids, code__in=codes, status="answered"
    ).order_by("code"):
        answers[ans.assessment_id].append(ans)
    evidence: dict[int, list[Evidence]] = defaultdict(list)
    for ev in Evidence.objects.filter(
        assessment_id__in=ids, code__in=codes, shared_with_peers=True
    ).order_by("code", "pk"):
        evidence[ev.assessment_id].append(ev)
    for m in members:
        a_id = m["fact"].assessment_id
        m["practices"] = [
            {
                "code": ans.code,
                "question": text_get(questions[ans.code][1].question, language),
                "answer": ans,
                "indicator": questions[ans.code][1],
            }
            for ans in answers[a_id]
            if ans.value not in ("no", [], None)
        ]
        m["evidence"] = evidence[a_id]

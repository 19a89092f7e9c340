"""Similar authorities: the peer group, the band per dimension, and whom to learn from
(selectors: reads only). Peers are other authorities' submitted or accepted assessments of the
same round; values are shown per named peer only when that peer has published its results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import FloatField, OuterRef, QuerySet, Subquery, Value

from saferspaces.assessments.models import (
    Answer,
    Assessment,
    AssessmentState,
    Evidence,
    Round,
)
from saferspaces.core.dashboard import (
    CRITERIA,
    Distribution,
    PeerBand,
    PeerCriteria,
    PeerFacts,
    PeerFilter,
    change_read,
    distribution_summary,
    peer_band_place,
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
    # the profile carries its assessment's state: one table, no join with the assessments
    if assessment.round_id is None:
        return PeerProfile.objects.none()
    return PeerProfile.objects.filter(round_id=assessment.round_id, state__in=DONE).exclude(
        authority_id=assessment.authority_id
    )


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


# ScoreFact column -> the kind it holds
_KIND_COLUMNS = {"all": "score", "perception": "perception", "status": "status"}


def peer_distributions(
    *, peers: QuerySet[PeerProfile], peer_ids: list[int], nodes: list[str], minimum: int
) -> dict[str, dict[str, Distribution | None]]:
    """Quartiles of the peers' scores per node (of ``nodes``) and kind (None below ``minimum``
    scores).

    On PostgreSQL the database computes them (``percentile_cont``: linear interpolation between
    order statistics, the same type 7 as :func:`~saferspaces.core.dashboard.distribution_summary`)
    so that a group of a thousand peers costs one row per node, not a thousand; elsewhere
    (SQLite) the peers' scores are read and summarised in Python.
    """
    if connection.vendor == "postgresql":
        return _distributions_sql(peer_ids, nodes, minimum)
    return _distributions_python(peers, nodes, minimum)


def _distributions_python(
    peers: QuerySet[PeerProfile], nodes: list[str], minimum: int
) -> dict[str, dict[str, Distribution | None]]:
    values: dict[str, dict[str, list[float | None]]] = defaultdict(lambda: defaultdict(list))
    for node, *scores in ScoreFact.objects.filter(
        assessment_id__in=peers.values("assessment_id")
    ).values_list("node", *_KIND_COLUMNS.values()):
        for kind, value in zip(_KIND_COLUMNS, scores, strict=True):
            values[node][kind].append(value)
    return {
        node: {k: distribution_summary(values=v[k], minimum=minimum) for k in _KIND_COLUMNS}
        for node, v in values.items()
    }


def _distributions_sql(
    peer_ids: list[int], nodes: list[str], minimum: int
) -> dict[str, dict[str, Distribution | None]]:
    if minimum < 1:
        raise ValueError("the minimum group size must be at least 1")
    columns = []
    for column in _KIND_COLUMNS.values():
        # NaN and infinities are left out, as distribution_summary does
        finite = f"f.{column} NOT IN ('NaN'::float8, 'Infinity'::float8, '-Infinity'::float8)"
        columns.append(
            f"COUNT(*) FILTER (WHERE {finite}), "
            f"percentile_cont(ARRAY[0.25, 0.5, 0.75]) WITHIN GROUP (ORDER BY f.{column}) "
            f"FILTER (WHERE {finite})"
        )
    # only constants are inlined; the peers (already read for their number) are one array
    # parameter, which PostgreSQL reads through the assessment index without planning the
    # peer filter again (a subquery here tempted it into a parallel scan of every profile)
    table = ScoreFact._meta.db_table
    sql = (
        f"SELECT f.node, COUNT(*), {', '.join(columns)} FROM {table} f "  # noqa: S608
        "WHERE f.assessment_id = ANY(%s::bigint[]) AND f.node = ANY(%s::varchar[]) "
        "GROUP BY f.node"
    )
    out: dict[str, dict[str, Distribution | None]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(peer_ids), list(nodes)])
        for node, total, *rest in cursor.fetchall():
            out[node] = {}
            for i, kind in enumerate(_KIND_COLUMNS):
                n, quartiles = rest[2 * i], rest[2 * i + 1]
                out[node][kind] = (
                    Distribution(
                        n=n,
                        q1=float(quartiles[0]),
                        median=float(quartiles[1]),
                        q3=float(quartiles[2]),
                        missing=total - n,
                    )
                    if n >= minimum and quartiles is not None
                    else None
                )
    return out


def _named(peers: QuerySet[PeerProfile]) -> list[dict[str, Any]]:
    """Peers that published their results, by name, with their top-level scores (plain rows:
    ``{"authority": {"pk", "name"}, "scores": {node: {"score"}}}``, read as tuples)."""
    rows: dict[int, dict[str, Any]] = {}
    for auth, name, node, score in (
        ScoreFact.objects.filter(
            assessment_id__in=peers.filter(authority__sharing__publish_results=True).values(
                "assessment_id"
            ),
            depth=0,
        )
        .order_by("authority__name", "authority_id")
        .values_list("authority_id", "authority__name", "node", "score")
    ):
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

    Candidates are read as plain tuples in one query (the peer set and the sharing choices as a
    subquery and a join); model rows are loaded only for the suggestions shown, so the cost
    follows the suggestions, not the group.
    """
    if not view.peer_ids:
        return []
    weak = weakest_dimensions(scored=scored, view=view)
    a = scored.assessment
    # the peers open to contact: a subquery of a few hundred assessments at most, whose facts
    # are then read through the (assessment, node) index
    reachable = (
        _apply(_pool(a), view.peer_filter).filter(authority__sharing__open_to_contact=True)
        if view.peer_filter is not None
        else None
    )
    prev = _previous_round(a.round) if a.round else None
    rows: list[Any] = []  # (authority, name, assessment, node, score, previous round's score)
    if reachable is not None and weak:
        facts = ScoreFact.objects.filter(
            assessment_id__in=reachable.values("assessment_id"), node__in=weak, score__isnull=False
        )
        # the same authority's score on the same node in the previous round (submitted or
        # accepted), looked up per candidate through that authority's profile of the round
        before = (
            ScoreFact.objects.filter(
                node=OuterRef("node"),
                assessment_id__in=PeerProfile.objects.filter(
                    round=prev, authority_id=OuterRef(OuterRef("authority_id")), state__in=DONE
                ).values("assessment_id"),
            ).values("score")[:1]
            if prev is not None
            else None
        )
        rows = list(
            facts.annotate(
                before=Subquery(before) if before is not None else Value(None, FloatField())
            ).values_list(
                "authority_id", "authority__name", "assessment_id", "node", "score", "before"
            )
        )
    if not rows:
        return [{"code": c, "title": _title(scored, c, language), "peers": []} for c in weak]
    candidates = [(auth, name, a_id, node, score) for auth, name, a_id, node, score, _b in rows]
    earlier: dict[tuple[int, str], float | None] = {
        (auth, node): b for auth, _n, _a, node, _s, b in rows
    }
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
            previous = earlier.get((auth, code))
            if change_read(before=previous, after=score, tolerance=tol).direction == "up":
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
        ).select_related("authority")
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
    for ans in Answer.objects.filter(
        assessment_id__in=ids, code__in=every, status="answered"
    ).order_by("code"):
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

"""Similar authorities: the peer group, the band per dimension, and whom to learn from
(selectors: reads only). Peers are other authorities' submitted or accepted assessments of the
same round; values are shown per named peer only when that peer has published its results."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from django.conf import settings
from django.db.models import F

from saferspaces.assessments.models import Answer, Evidence
from saferspaces.authorities.models import Authority
from saferspaces.core.dashboard import (
    CRITERIA,
    PeerBand,
    PeerCriteria,
    PeerFacts,
    PeerFilter,
    changes_up,
    peer_band_place,
    peer_filter_build,
)
from saferspaces.core.framework.model import text_get
from saferspaces.dashboard.models import PeerSharing
from saferspaces.dashboard.profile import KINDS
from saferspaces.dashboard.sharing import group_sharing
from saferspaces.results.peers import (
    PeerGroup,
    peer_facts,
    peer_filter_apply,
    peer_pool,
    peer_pool_size,
    peer_profile_of,
    previous_round_scores,
    profiles_read,
    round_table,
)
from saferspaces.results.selectors import Scored
from saferspaces.results.sql import AnyOf

PRACTICE_TYPES = ("yes_partly_no", "single_choice", "multiple_choice")
SUGGESTIONS_PER_DIMENSION = 6
#: the peers that published their results shown a page at a time (at 100 000 authorities a
#: default group of about 9 500 holds some 480 of them)
NAMED_PER_PAGE = 50


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
    named: list[dict[str, Any]] = field(default_factory=list)  # a page of them, by name
    named_total: int = 0  # peers that published their results
    named_page: int = 1
    named_pages: int = 1
    reachable: PeerGroup | None = None  # the peers open to contact


def peer_view(*, scored: Scored, criteria: PeerCriteria, named_page: int = 1) -> PeerView:
    """The peer group of a scored assessment under ``criteria`` and its band per dimension, and
    the page ``named_page`` of the peers that published their results."""
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
    # the round's peers kept in the process (read once per version of the profiles), or, in a
    # transaction that may see other profiles, the group read from the database
    table = round_table(round_id=a.round_id)
    if table is not None:
        pool_size = table.pool_size(without_authority=a.authority_id)
        view = PeerView(criteria, minimum, target, peer_filter, pool=pool_size)
        group = table.peers.subset(
            table.select(peer_filter=peer_filter, without_authority=a.authority_id)
        )
    else:
        view = PeerView(criteria, minimum, target, peer_filter, pool=peer_pool_size(assessment=a))
        group = profiles_read(profiles=peer_filter_apply(pool, peer_filter))
    ids = group.assessment_ids.tolist()
    view.peers = len(ids)
    if view.peers < minimum:
        view.refused = "too_few"
        off = PeerCriteria(same_kind=False, population_factor=None)
        for key in criteria.active():
            single = peer_filter_build(
                target=target, criteria=replace(off, **{key: getattr(criteria, key)})
            )
            if CRITERIA[key] in {**single.equal, **single.ranges}:
                view.alone[key] = (
                    int(
                        np.count_nonzero(
                            table.select(peer_filter=single, without_authority=a.authority_id)
                        )
                    )
                    if table is not None
                    else peer_filter_apply(pool, single).count()
                )
        return view
    view.peer_ids = ids
    # bands of the top-level dimensions: the ones the page, its chart and learn-from-peers read
    top = [d.code for d in scored.edition.dimensions if d.code in scored.unit.nodes]
    stats = group.scores.distributions(nodes=top, minimum=minimum)
    for code in top:
        mine = scored.unit.nodes[code]
        node = stats.get(code, {})
        view.bands[code] = {
            k: peer_band_place(
                score=mine.kind(k).score, interval=mine.kind(k).interval, peers=node.get(k)
            )
            for k in KINDS
        }
    # the peers' sharing choices: those open to contact, those that published their results
    open_to_contact, publishing = group_sharing(authority_ids=group.authority_ids)
    view.reachable = group.subset(open_to_contact)
    published = group.subset(publishing)
    _named(view, published, top, named_page)
    return view


def _named(view: PeerView, published: PeerGroup, nodes: list[str], page: int) -> None:
    """The page ``page`` (from 1; past the last, the last) of the peers that published their
    results, by name, with their top-level scores (plain rows: ``{"authority": {"pk",
    "name"}, "scores": {node: {"score"}}}``), and how many there are."""
    size = NAMED_PER_PAGE
    authorities = published.authority_ids.tolist()
    total = len(authorities)
    pages = max(1, -(-total // size))
    page = min(page, pages)  # a page past the last (the group shrank, a hand-made link): the last
    view.named_total, view.named_page, view.named_pages = total, page, pages
    if not total:
        return
    names = list(
        # (the choice asked again: a kept copy out of date never shows a name no longer shared)
        Authority.objects.filter(AnyOf(F("pk"), authorities), sharing__publish_results=True)
        .order_by("name", "pk")
        .values_list("pk", "name")[(page - 1) * size : page * size]
    )
    at = {auth: k for k, auth in enumerate(authorities)}
    columns = {node: published.scores.column(node, "all") for node in nodes}
    view.named = [
        {
            "authority": {"pk": auth, "name": name},
            "scores": {node: {"score": columns[node][at[auth]]} for node in nodes},
        }
        for auth, name in names
    ]


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

    The candidates are the group's peers open to contact, with their packed scores (read with
    the group: :class:`PeerView` ``reachable``); their previous round's scores are one query,
    the names of those that are strong or improved another; model rows are loaded only for the
    suggestions shown, so the cost follows the suggestions, not the group.
    """
    if not view.peer_ids:
        return []
    weak = weakest_dimensions(scored=scored, view=view)
    round_ = scored.assessment.round
    reachable = view.reachable
    if reachable is None or not len(reachable.authority_ids) or not weak or round_ is None:
        return [{"code": c, "title": _title(scored, c, language), "peers": []} for c in weak]
    authorities = reachable.authority_ids.tolist()
    before = previous_round_scores(round_=round_, authority_ids=authorities, nodes=weak)
    tol = scored.pipeline.options.change_tolerance
    # code -> the candidates' places in ``reachable``, and whether each is strong, improved
    found: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}
    for code in weak:
        band = view.bands.get(code, {}).get("all")
        scores = reachable.scores.array(code, "all")  # NaN: no score here, nothing to suggest
        with np.errstate(invalid="ignore"):
            strong = scores > band.peers.q3 if band is not None else np.zeros(len(scores), bool)
        # without a previous score there is no change to read (NaN: not up)
        improved = changes_up(before=before[code], after=scores, tolerance=tol)
        found[code] = (np.flatnonzero(strong | improved), strong, improved, scores)
    candidates = np.unique(np.concatenate([reachable.authority_ids[k] for k, *_ in found.values()]))
    named = dict(Authority.objects.filter(AnyOf(F("pk"), candidates)).values_list("pk", "name"))
    chosen: dict[str, list[tuple[int, int, list[str]]]] = {}  # code -> (authority, assessment)
    more: dict[str, int] = {}
    shown_facts: dict[tuple[int, str], PeerScore] = {}  # the suggested peers' scores
    # by name (then id), as people look a name up; only the kept ones are taken apart
    members = {
        code: sorted(
            (named[auth], auth, k)
            for auth, k in zip(
                reachable.authority_ids[found[code][0]].tolist(),
                found[code][0].tolist(),
                strict=True,
            )
        )
        for code in weak
    }
    # the first SUGGESTIONS_PER_DIMENSION of each whose choice the database confirms (a kept
    # copy out of date never shows a contact): one query, another only if one was refused
    sharing: dict[int, PeerSharing] = {}
    asked: set[int] = set()
    seen = dict.fromkeys(weak, 0)
    for code in weak:
        chosen[code] = []
    while wanted := {
        code: members[code][seen[code] : seen[code] + SUGGESTIONS_PER_DIMENSION - len(chosen[code])]
        for code in weak
        if len(chosen[code]) < SUGGESTIONS_PER_DIMENSION and seen[code] < len(members[code])
    }:
        new = sorted({auth for rows in wanted.values() for _n, auth, _k in rows} - asked)
        asked.update(new)
        sharing.update(
            (s.authority_id, s)
            for s in PeerSharing.objects.filter(authority_id__in=new, open_to_contact=True)
        )
        for code, rows in wanted.items():
            seen[code] += len(rows)
            _places, strong, improved, scores = found[code]
            for name, auth, k in rows:
                if auth not in sharing:
                    continue
                a_id = int(reachable.assessment_ids[k])
                reasons = [r for r, on in (("strong", strong[k]), ("improved", improved[k])) if on]
                chosen[code].append((auth, a_id, reasons))
                shown_facts[(a_id, code)] = PeerScore(
                    a_id, code, float(scores[k]), PeerName(auth, name)
                )
    for code in weak:
        more[code] = len(members[code]) - seen[code]
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

"""Computing and storing results (services): an assessment's, or a whole round's, by its
edition's result model (``saferspaces.core.results``), stored as result runs with the fact index
and the peer profiles rewritten in the same transaction (``results.index``).

An assessment of a round is computed together with the round's other submitted and accepted
assessments, so that indicators normalised across units (composite ``data_driven``) have peers;
a private self-assessment is computed alone. The consensus spread (individual answers) becomes
an interval (composite model).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.assessments import permissions
from saferspaces.assessments.bulk import answer_values_read, individual_values_read
from saferspaces.assessments.editions import assessment_edition
from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.background.queue import tasks_waiting
from saferspaces.core.assessment import (
    AnswersError,
    EditionPipeline,
    EditionPipelineError,
    RoundSpread,
    round_spread_codes,
    round_spread_combine,
    round_spread_indicators,
    round_spread_of_rows,
    round_spread_rows,
)
from saferspaces.core.framework import AnswerError, Edition, Indicator
from saferspaces.core.framework.answers import AnswerState, AnswerValue
from saferspaces.core.framework.scoring import answer_score
from saferspaces.core.results import (
    Fact,
    ResultsError,
    ResultSet,
    composite_unit_meta,
    results_compute,
)
from saferspaces.errors import DomainError
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.selectors import edition_pipeline
from saferspaces.results.index import (
    facts_pack,
    result_basis_get,
    result_index_clear,
    result_index_write,
    result_runs_insert,
)
from saferspaces.results.models import ResultRun, unit_key
from saferspaces.results.overlap import OverlappedWriter, collection_paused
from saferspaces.results.spreads import (
    Kept,
    Member,
    members_digest,
    members_read,
    spread_row_pack,
    spread_row_unpack,
    spread_rows_get,
    spread_rows_put,
    spread_snapshot_get,
    spread_snapshot_put,
)
from saferspaces.results.tasks import results_compute_task

#: the assessments of a round computed together with the one asked for
COMPUTED_TOGETHER = (AssessmentState.SUBMITTED, AssessmentState.ACCEPTED)
#: how many problems of a computation a message names (the others are counted)
PROBLEMS_SHOWN = 3
#: assessments whose answers are read, scored, and whose runs, facts and peer profiles are
#: written at a time (in the computation's one transaction): a round is never all in memory
STORE_CHUNK = 500


def _spread_ends(indicator: Indicator | None, values: list[AnswerValue]) -> tuple[Any, Any]:
    """The two answers at the worst and best end of a spread of individual answers."""
    if indicator is not None:
        scored = []
        for v in values:
            try:
                s = answer_score(indicator=indicator, answer=v)
            except AnswerError:  # an old answer that no longer fits: ignore it in the spread
                s = None
            if s is not None:
                scored.append((s, v))
        if scored:
            scored.sort(key=lambda p: p[0])
            return scored[0][1], scored[-1][1]
    numbers = [v for v in values if isinstance(v, int | float)]
    if numbers:
        return min(numbers), max(numbers)
    return values[0], values[-1]


def _chunks(items: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def _answers(
    ids: Sequence[int],
    edition: Edition,
    *,
    spreads: bool,
    codes: frozenset[str] | None = None,
) -> tuple[dict[str, dict[str, AnswerState]], dict[str, dict[str, tuple[Any, Any]]]]:
    """Each assessment's answers (unit -> answer key -> state; only ``codes`` when given) and,
    when asked, the spread of its individual answers (unit -> indicator -> ends)."""
    units: dict[str, dict[str, AnswerState]] = {unit_key(pk): {} for pk in ids}
    by_id = {pk: units[unit_key(pk)] for pk in ids}  # 1.1 million answers a round
    for a_id, code, status, value in answer_values_read(assessment_ids=ids, codes=codes):
        by_id[a_id][code] = AnswerState(status, value)
    if not spreads:
        return units, {}
    individual: dict[str, dict[str, list[AnswerValue]]] = defaultdict(lambda: defaultdict(list))
    for a_id, code, value in individual_values_read(assessment_ids=ids, codes=codes):
        individual[unit_key(a_id)][code].append(value)
    indicators = edition.indicator_map()
    ends: dict[str, dict[str, tuple[Any, Any]]] = {}
    for unit, by_code in individual.items():
        ends[unit] = {
            code: _spread_ends(indicators.get(code), values)
            for code, values in by_code.items()
            if len(values) > 1 and code in indicators
        }
    return units, ends


def edition_pipeline_checked(*, row: FrameworkEdition, edition: Edition) -> EditionPipeline | None:
    """The composite model's pipeline of the edition (None for the other models); a
    :class:`DomainError` when its file is invalid."""
    if edition.instrument.result_model != "composite":
        return None
    try:
        return edition_pipeline(row=row, edition=edition)
    except EditionPipelineError as error:
        raise DomainError(
            _("The scoring pipeline of this edition is invalid: %(error)s") % {"error": error}
        ) from None


def _problems_message(error: ResultsError | AnswersError, names: dict[str, str]) -> str:
    """The first problems of a computation, each naming the authority and the answer."""
    problems = []
    for p in error.problems:
        where = [names.get(p.unit or "", p.unit or ""), p.indicator or ""]
        place = ", ".join(w for w in where if w)
        problems.append(f"{place}: {p.message}" if place else p.message)
    shown = "; ".join(problems[:PROBLEMS_SHOWN])
    if len(problems) > PROBLEMS_SHOWN:
        shown += " " + _("(and %(n)s more)") % {"n": len(problems) - PROBLEMS_SHOWN}
    return _("The results could not be computed: %(problems)s") % {"problems": shown}


@dataclass(frozen=True)
class Computed:
    """A result set, and what the runs of the assessments to store are made of (each run is
    made when it is written: :meth:`runs`)."""

    result: ResultSet
    stored: list[Assessment]
    pipeline: EditionPipeline | None
    units: int
    trigger: str
    user: Any
    now: dt.datetime
    by_unit: dict[str, list[Fact]]

    @property
    def shared(self) -> dict[str, Any]:
        """The meta every run of the computation shares (stored once: ``ResultBasis``)."""
        return {k: v for k, v in self.result.meta.items() if k != "warnings"}

    def runs(self, assessments: Sequence[Assessment]) -> list[ResultRun]:
        """The runs (not saved yet, without their basis: :func:`_chunk_write` gives it) of
        ``assessments`` (some of :attr:`stored`)."""
        result, pipeline = self.result, self.pipeline
        composite = pipeline is not None
        by_author = self.user if getattr(self.user, "is_authenticated", False) else None
        shared = self.shared
        runs = []
        for a in assessments:
            key = unit_key(a.pk)
            whole = composite_unit_meta(result.meta, key) if composite else dict(result.meta)
            runs.append(
                ResultRun(
                    assessment=a,
                    model=result.model,
                    edition_id=result.edition_id,
                    pipeline_name=pipeline.name if pipeline is not None else "",
                    pipeline_sha256=pipeline.sha256 if pipeline is not None else "",
                    trigger=self.trigger,
                    state=a.state,
                    units=self.units,
                    explanation=dict(result.explanations[key]),
                    meta={k: v for k, v in whole.items() if k not in shared},
                    facts=facts_pack(self.by_unit.get(key, ())),
                    warnings=[
                        {"code": w.code, "message": w.message, "node": w.node}
                        for w in result.warnings
                        if w.unit in (None, key)
                    ],
                    computed_by=by_author,
                    computed_at=self.now,
                )
            )
        return runs


@dataclass(frozen=True)
class _Plan:
    """What the chunks of one computation share: the edition, its pipeline, and (composite)
    the spread of the whole group computed together, which the data_driven indicators are
    normalised with."""

    edition: Edition
    pipeline: EditionPipeline | None
    overall: bool | None
    round_spread: RoundSpread | None
    units: int
    trigger: str
    user: Any
    now: dt.datetime
    #: each member's row of the spread as read (assessment -> its stamp and values), to keep
    spread_rows: dict[int, Kept] | None = None


def _edition_of(first: Assessment) -> tuple[Edition, EditionPipeline | None]:
    """The edition of a computation (its first assessment's) and its composite pipeline."""
    edition = assessment_edition(assessment=first)
    return edition, edition_pipeline_checked(row=first.edition, edition=edition)


def _spread_rows_read(
    ids: Sequence[int], *, edition: Edition, pipeline: EditionPipeline
) -> dict[int, tuple[float, ...]]:
    """Each assessment's row of the round's spread (its values of the data_driven indicators:
    ``core.assessment.round_spread_rows``), read from those answers only (and those their
    skip logic reads)."""
    if not ids:
        return {}
    codes = round_spread_codes(edition=edition, pipeline=pipeline)
    units, _ends = _answers(list(ids), edition, spreads=False, codes=codes)
    try:
        rows = round_spread_rows(
            edition=edition,
            pipeline=pipeline,
            units={unit_key(pk): units[unit_key(pk)] for pk in ids},
        )
    except AnswersError as error:
        names = {
            unit_key(pk): name
            for pk, name in Assessment.objects.filter(pk__in=list(ids)).values_list(
                "pk", "authority__name"
            )
        }
        raise DomainError(_problems_message(error, names)) from None
    return {pk: rows[unit_key(pk)] for pk in ids}


def _spread_of(
    rows: Iterable[Sequence[float]], *, n_units: int, edition: Edition, pipeline: EditionPipeline
) -> RoundSpread:
    """The spread of a round of ``n_units`` units whose rows are ``rows``."""
    return round_spread_of_rows(
        codes=round_spread_indicators(edition=edition, pipeline=pipeline),
        rows=rows,
        n_units=n_units,
        min_units=pipeline.options.min_units_data_driven,
    )


def _overall(round_: Round | None, pipeline: EditionPipeline | None) -> bool | None:
    return True if pipeline is not None and round_ is not None and round_.overall else None


def _plan(
    members: Sequence[Assessment],
    *,
    round_: Round | None,
    trigger: str,
    user: Any,
    now: dt.datetime,
) -> _Plan:
    """The plan of computing ``members`` together (a round's submitted and accepted
    assessments): for the composite model, the spread of the data_driven answers of all of
    them (only those answers are read, not the whole round's)."""
    edition, pipeline = _edition_of(members[0])
    spread = kept = None
    if pipeline is not None:
        stamps = {a.pk: a.updated_at for a in members}  # as the members were loaded
        rows = _spread_rows_read(list(stamps), edition=edition, pipeline=pipeline)
        spread = _spread_of(rows.values(), n_units=len(members), edition=edition, pipeline=pipeline)
        kept = {pk: (stamps[pk], spread_row_pack(row)) for pk, row in rows.items()}
        del rows
    overall = _overall(round_, pipeline)
    return _Plan(edition, pipeline, overall, spread, len(members), trigger, user, now, kept)


def _compute(plan: _Plan, chunk: Sequence[Assessment]) -> Computed:
    """The results of ``chunk`` (some of the plan's assessments), as the computation of all of
    them together gives them."""
    composite = plan.pipeline is not None
    units, spreads = _answers([a.pk for a in chunk], plan.edition, spreads=composite)
    try:
        result = results_compute(
            edition=plan.edition,
            units=units,
            pipeline=plan.pipeline,
            spreads=spreads or None,
            overall=plan.overall,
            round_spread=plan.round_spread,
        )
    except (ResultsError, AnswersError) as error:
        names = {unit_key(a.pk): a.authority.name for a in chunk}
        raise DomainError(_problems_message(error, names)) from None
    del units, spreads  # the answers are not needed any more: free them before writing
    by_unit: dict[str, list[Fact]] = defaultdict(list)
    for fact in result.facts:
        by_unit[fact.unit].append(fact)
    return Computed(
        result, list(chunk), plan.pipeline, plan.units, plan.trigger, plan.user, plan.now, by_unit
    )


@dataclass(frozen=True)
class _Chunk:
    """A chunk's runs to write, the meta they share, and whether they are returned whole.

    ``clear``: None when the chunk replaces its own assessments' facts and profiles; else the
    assessments whose facts and profiles are removed before it is written (the whole round's,
    given with the first chunk; none with the others: :func:`result_index_clear`)."""

    runs: list[ResultRun]
    shared: dict[str, Any]
    whole: bool
    clear: tuple[int, ...] | None = None


#: a round's runs' fields released once written (about 40 kB of Python objects a run)
RELEASED = ("explanation", "meta", "facts", "warnings")


def _chunk_write(chunk: _Chunk) -> list[ResultRun]:
    """Save a chunk's runs (with their shared basis) and rewrite their facts and peer profiles;
    returns the runs, whole or (a round's) without their explanation, meta, facts and warnings
    (read from the database when used), so that a round's runs are not all held in memory."""
    basis = result_basis_get(meta=chunk.shared)
    for run in chunk.runs:
        run.basis = basis
    runs = result_runs_insert(runs=chunk.runs)
    if chunk.clear:
        result_index_clear(assessment_ids=chunk.clear)
    result_index_write(runs=runs, cleared=chunk.clear is not None)
    if chunk.whole:
        return runs
    for run in runs:
        # deferred, as a query with .defer() leaves them: read from the database when used
        for name in RELEASED:
            run.__dict__.pop(name, None)
    return runs


def _overlapped(assessments: Sequence[Assessment]) -> bool:
    """Whether the chunks are written by a thread of their own while the next is scored: on
    PostgreSQL, for more than one chunk, when the caller holds no transaction (a worker; the
    writer's connection would not see what an open transaction has not committed)."""
    connection = connections[router.db_for_write(ResultRun)]
    return (
        connection.vendor == "postgresql"
        and not connection.in_atomic_block
        and len(assessments) > STORE_CHUNK
    )


def _store(plan: _Plan, assessments: Sequence[Assessment], *, whole: bool) -> list[ResultRun]:
    """Compute, save the runs and rewrite the facts and peer profiles of ``assessments``, in
    one transaction, by chunks of :data:`STORE_CHUNK` assessments (:func:`_chunk_write`).

    On PostgreSQL, a worker's round (:func:`_overlapped`) writes each chunk in a thread of its
    own while the next chunk is read and scored (``results.overlap``): the same writes in one
    transaction, all or nothing. The garbage collector's passes are paused meanwhile
    (``results.overlap.collection_paused``)."""
    chunks = _chunks(assessments, STORE_CHUNK)
    # more than one chunk: every assessment's old facts and profiles go with the first chunk
    everyone = tuple(a.pk for a in assessments)
    clears: list[tuple[int, ...] | None] = (
        [None] if len(chunks) == 1 else [everyone, *[()] * (len(chunks) - 1)]
    )
    if _overlapped(assessments):
        writer: OverlappedWriter[_Chunk, ResultRun]
        with (
            collection_paused() as between_chunks,
            OverlappedWriter(_chunk_write, using=router.db_for_write(ResultRun)) as writer,
        ):
            for chunk, clear in zip(chunks, clears, strict=True):
                computed = _compute(plan, chunk)
                writer.put(_Chunk(computed.runs(chunk), computed.shared, whole, clear))
                del computed
                between_chunks()
        return writer.results
    saved: list[ResultRun] = []
    with collection_paused() as between_chunks, transaction.atomic():
        for chunk, clear in zip(chunks, clears, strict=True):
            computed = _compute(plan, chunk)
            runs = computed.runs(chunk)
            shared = computed.shared
            del computed
            saved += _chunk_write(_Chunk(runs, shared, whole, clear))
            between_chunks()
    return saved


def assessment_results_compute(
    *, assessment: Assessment, user: Any, trigger: str, now: dt.datetime | None = None
) -> ResultRun:
    """Compute ``assessment``'s results (with its round's submitted and accepted assessments)
    and store them.

    Only the assessment itself is scored: the round's other assessments give the spread of
    their data_driven answers, with which its results are exactly those the round's
    computation gives it. Their spread is read back as kept (``results.spreads``) when they
    are the same members as when it was kept, else read from their answers and kept; the
    assessment's own is read and combined with it.

    ``trigger`` is ``submit`` (after a submission) or ``on_demand`` (a person asked, e.g. for a
    draft). Raises :class:`DomainError` when the person may not see the assessment, the
    edition's pipeline is invalid or answers do not fit the edition.
    """
    now = now or timezone.now()
    if trigger == "on_demand" and not permissions.can_view_assessment(user, assessment):
        raise DomainError(_("You may not see this assessment."))
    # the members' digest is taken before any answer is read (``results.spreads``)
    members: list[Member] = []
    if assessment.round_id is not None:
        members = members_read(
            members=Assessment.objects.filter(
                round_id=assessment.round_id, state__in=COMPUTED_TOGETHER
            ).exclude(pk=assessment.pk)
        )
    edition, pipeline = _edition_of(assessment)
    spread = others = None
    digest = members_digest(members=members)
    kept = False
    read: dict[int, Kept] = {}  # the rows read from answers now, to keep
    if pipeline is not None:
        if members:
            others = spread_snapshot_get(
                round_id=assessment.round_id,  # type: ignore[arg-type]
                edition=assessment.edition,
                pipeline=pipeline,
                digest=digest,
            )
            kept = others is not None
        if others is None and members:
            others, read = _members_spread(
                members, assessment=assessment, edition=edition, pipeline=pipeline
            )
        own_rows = _spread_rows_read([assessment.pk], edition=edition, pipeline=pipeline)
        own = _spread_of(own_rows.values(), n_units=1, edition=edition, pipeline=pipeline)
        spread = own if others is None else round_spread_combine(first=others, second=own)
        if assessment.state in COMPUTED_TOGETHER:  # a member: its row is kept too
            read[assessment.pk] = (assessment.updated_at, spread_row_pack(own_rows[assessment.pk]))
    plan = _Plan(
        edition,
        pipeline,
        _overall(assessment.round, pipeline),
        spread,
        1 + len(members),
        trigger,
        user,
        now,
    )
    run = _store(plan, [assessment], whole=True)[0]
    # kept for the next computation: the members with this one once it is one of them, else
    # (a draft) the members' spread just read; and the rows read from answers
    keep: tuple[str, RoundSpread] | None = None
    if assessment.state in COMPUTED_TOGETHER and spread is not None:
        me = (assessment.pk, assessment.edition_id, assessment.updated_at)
        keep = members_digest(members=[*members, me]), spread
    elif others is not None and not kept:
        keep = digest, others
    if pipeline is not None and assessment.round_id is not None:
        if keep is not None:
            spread_snapshot_put(
                round_id=assessment.round_id,
                edition=assessment.edition,
                pipeline=pipeline,
                digest=keep[0],
                spread=keep[1],
                now=now,
            )
        spread_rows_put(
            round_id=assessment.round_id,
            edition=assessment.edition,
            pipeline=pipeline,
            rows=read,
        )
    return run


def _members_spread(
    members: Sequence[Member],
    *,
    assessment: Assessment,
    edition: Edition,
    pipeline: EditionPipeline,
) -> tuple[RoundSpread, dict[int, Kept]]:
    """The spread of ``members`` (not the one computed, ``assessment``) from their kept rows
    where a member has not changed since its row was read, and from the answers of the others
    (a member returned, resubmitted or recomputed, one that joined, or every member when none
    is kept); and the rows read from answers, to keep."""
    width = len(round_spread_indicators(edition=edition, pipeline=pipeline))
    rows = spread_rows_get(
        round_id=assessment.round_id,  # type: ignore[arg-type]
        edition=assessment.edition,
        pipeline=pipeline,
        width=width,
    )
    stale = [pk for pk, _edition, stamp in members if rows.get(pk, (None,))[0] != stamp]
    stamps = {pk: stamp for pk, _edition, stamp in members}
    fresh = _spread_rows_read(stale, edition=edition, pipeline=pipeline)
    read = {pk: (stamps[pk], spread_row_pack(row)) for pk, row in fresh.items()}
    values = [
        fresh[pk] if pk in fresh else spread_row_unpack(rows[pk][1]) for pk, _e, _s in members
    ]
    spread = _spread_of(values, n_units=len(members), edition=edition, pipeline=pipeline)
    return spread, read


def round_results_compute(
    *, round_: Round, user: Any, now: dt.datetime | None = None
) -> list[ResultRun]:
    """Compute every submitted and accepted assessment of a round together and store them."""
    now = now or timezone.now()
    members = list(
        Assessment.objects.filter(round=round_, state__in=COMPUTED_TOGETHER).select_related(
            "authority"
        )
    )
    if not members:
        return []
    # one edition row shared by the members (a row of its own for each would hold the edition's
    # source once per assessment: gigabytes for a round of 10,000)
    editions = {
        e.pk: e for e in FrameworkEdition.objects.filter(pk__in={a.edition_id for a in members})
    }
    for a in members:
        a.edition = editions[a.edition_id]
    digest = members_digest(members=[(a.pk, a.edition_id, a.updated_at) for a in members])
    plan = _plan(members, round_=round_, trigger="round", user=user, now=now)
    runs = _store(plan, members, whole=False)
    if plan.pipeline is not None and plan.round_spread is not None:
        spread_snapshot_put(
            round_id=round_.pk,
            edition=members[0].edition,
            pipeline=plan.pipeline,
            digest=digest,
            spread=plan.round_spread,
            now=now,
        )
        spread_rows_put(
            round_id=round_.pk,
            edition=members[0].edition,
            pipeline=plan.pipeline,
            rows=plan.spread_rows or {},
            clear_round=True,
        )
    return runs


def assessment_results_request(*, assessment: Assessment, user: Any, now: dt.datetime) -> bool:
    """Ask for the results of ``assessment`` from its current answers ("Compute the scores"):
    the task a submission uses is given to the queue, and the request does not wait for it.
    Returns False when a computation of this assessment is already waiting to start (it will
    read the current answers): the same assessment is not queued twice. Raises
    :class:`DomainError` when the person may not see the assessment or the edition's pipeline is
    invalid (said at once, rather than in the worker's log)."""
    if not permissions.can_view_assessment(user, assessment):
        raise DomainError(_("You may not see this assessment."))
    edition_pipeline_checked(
        row=assessment.edition, edition=assessment_edition(assessment=assessment)
    )
    with transaction.atomic():
        if tasks_waiting(
            task=results_compute_task, kwargs={"assessment_id": assessment.pk}, running=False
        ):
            return False
        results_compute_enqueue(assessment=assessment, user=user, trigger="on_demand", now=now)
    return True


def results_compute_enqueue(
    *, assessment: Assessment, user: Any, trigger: str, now: dt.datetime
) -> None:
    """Give the computation of ``assessment``'s results to the task queue (in the caller's
    transaction: with the database queue, both are stored or neither)."""
    results_compute_task.enqueue(
        assessment_id=assessment.pk,
        user_id=getattr(user, "pk", None),
        trigger=trigger,
        at=now.isoformat(),
    )


def assessment_results_pending(*, assessment: Assessment) -> bool:
    """Whether a computation of ``assessment``'s results (after a submission, or asked for)
    waits or runs."""
    return bool(tasks_waiting(task=results_compute_task, kwargs={"assessment_id": assessment.pk}))

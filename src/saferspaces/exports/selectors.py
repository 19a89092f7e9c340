"""Reading a round's data for export: plain rows for the export core, a batch of units at a time.

``round_export`` gathers what is small (units, who published, profiles, score facts) and
returns a :class:`RoundExport` whose tables stream the big parts (answers, indicator values):
the units are read in batches of :data:`BATCH_UNITS` in the tables' order (by unit code), one
query per batch read through a server-side cursor in chunks of :data:`FETCH_ROWS` rows, so
neither memory nor the number of queries grows with the round beyond one batch (100,000
assessments: 200 queries, about 40,000 answers in memory at a time). Results are read through
the results layer's selectors (``results.rounds``, ``results.peers``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db.models import Sum
from django.utils.crypto import salted_hmac

from saferspaces import __version__
from saferspaces.assessments.bulk import answer_fields_read, json_cell
from saferspaces.assessments.models import Answer, Assessment, Round
from saferspaces.core.assessment import OVERALL_CODE, EditionPipeline
from saferspaces.core.exports import (
    RULE_PUBLISHED_NAMED,
    AnswerRow,
    CodedUnit,
    CoinrTables,
    ExportContext,
    IndicatorValue,
    ProfileRow,
    ScoreRow,
    Table,
    Unit,
    answers_table,
    background_table,
    codebook_table,
    coinr_tables,
    scores_table,
    units_code,
)
from saferspaces.core.exports.codebook import FORMAT
from saferspaces.core.exports.tables import edition_question_index
from saferspaces.core.framework.model import Edition
from saferspaces.dashboard.models import PeerSharing
from saferspaces.exports.models import PENDING, ExportJob, ExportKind
from saferspaces.frameworks.models import FrameworkEdition
from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline
from saferspaces.results.peers import round_peer_profiles
from saferspaces.results.rounds import round_node_count, round_node_rows, units_indicators

TABLES = ("answers", "scores", "background", "codebook", "idata", "imeta")
KEY_SALT = "saferspaces.exports.unit-code"
# the version of the files made from the same data: raise it when a change of the code changes
# the files' bytes, so that files made before are not served again
EXPORT_VERSION = 1
# units read together (one query each for their answers, three for their indicators)
BATCH_UNITS = 500
# rows fetched at a time from the server-side cursor of a batch's query
FETCH_ROWS = 5000

T = TypeVar("T")


class _Batches(Generic[T]):
    """One unit's rows, read with the next :data:`BATCH_UNITS` units in ``units``' order when the
    unit is not in the batch held (the tables ask for the units in that order; any other order
    still works, a batch per miss). Only one batch is held at a time."""

    def __init__(
        self,
        units: Sequence[CodedUnit],
        load: Callable[[list[int]], dict[int, T]],
        empty: Callable[[], T],
        size: int,
    ) -> None:
        self._ids = [u.unit.assessment for u in units]
        self._pos = {a_id: i for i, a_id in enumerate(self._ids)}
        self._load, self._empty, self._size = load, empty, max(1, size)
        self._held: dict[int, T] = {}
        self._batch: frozenset[int] = frozenset()

    def get(self, unit: CodedUnit) -> T:
        a_id = unit.unit.assessment
        if a_id not in self._batch:
            start = self._pos.get(a_id)
            ids = [a_id] if start is None else self._ids[start : start + self._size]
            self._held = {}  # the previous batch is let go before the next one is read
            self._held = self._load(ids)
            self._batch = frozenset(ids)
        return self._held.get(a_id) or self._empty()


def answers_load(ids: list[int]) -> dict[int, list[AnswerRow]]:
    """The answers of the assessments ``ids`` as plain rows (``assessments.bulk``: read in
    chunks through a server-side cursor on PostgreSQL, no model instances, no per-row
    converters)."""
    out: dict[int, list[AnswerRow]] = {a_id: [] for a_id in ids}
    fields = ("assessment_id", "code", "status", "value", "comment", "prefill")
    for a_id, code, status, value, comment, prefill in answer_fields_read(
        assessment_ids=ids, fields=fields
    ):
        out[a_id].append(
            AnswerRow(code, status, json_cell(value), comment, json_cell(prefill) or None)
        )
    return out


def _indicators_load(ids: list[int]) -> dict[int, dict[str, IndicatorValue]]:
    return {
        a_id: {code: IndicatorValue(value, score) for code, (value, score) in got.items()}
        for a_id, got in units_indicators(assessment_ids=ids).items()
    }


def export_key() -> bytes:
    """The key of unit codes, derived from the site's secret key (never stored)."""
    return salted_hmac(KEY_SALT, "unit codes", algorithm="sha256").digest()


@dataclass
class RoundExport:
    context: ExportContext
    units: tuple[CodedUnit, ...]
    profiles: dict[int, ProfileRow]
    order: tuple[str, ...]
    round_: Round
    _coinr: CoinrTables | None = field(default=None, repr=False)
    _answers: _Batches[list[AnswerRow]] | None = field(default=None, repr=False)
    _indicators: _Batches[dict[str, IndicatorValue]] | None = field(default=None, repr=False)
    _facts: dict[int, list[ScoreRow]] | None = field(default=None, repr=False)
    batch_units: int = BATCH_UNITS

    # --- one unit's rows (read a batch of units at a time) --------------------------------
    def answers_of(self, unit: CodedUnit) -> list[AnswerRow]:
        if self._answers is None:
            self._answers = _Batches(self.units, answers_load, list, self.batch_units)
        return self._answers.get(unit)

    @property
    def facts(self) -> dict[int, list[ScoreRow]]:
        """Each unit's scored (sub-)dimensions, read when a table first needs them (the answers
        do not: at 100,000 authorities they are millions of rows)."""
        if self._facts is None:
            self._facts = {
                a_id: [
                    ScoreRow(r.node, r.depth, r.score, r.perception, r.status, r.gap, r.coverage)
                    for r in rows
                ]
                for a_id, rows in round_node_rows(round_=self.round_).items()
            }
        return self._facts

    def scores_of(self, unit: CodedUnit) -> list[ScoreRow]:
        return self.facts.get(unit.unit.assessment, [])

    def profile_of(self, unit: CodedUnit) -> ProfileRow | None:
        return self.profiles.get(unit.unit.assessment)

    def indicators_of(self, unit: CodedUnit) -> dict[str, IndicatorValue]:
        if self._indicators is None:
            self._indicators = _Batches(self.units, _indicators_load, dict, self.batch_units)
        return self._indicators.get(unit)

    # --- tables -----------------------------------------------------------------------------
    def coinr(self) -> CoinrTables:
        """iData and iMeta (small: units x scored indicators), built once and kept."""
        if self._coinr is None:
            self._coinr = coinr_tables(
                context=self.context,
                units=self.units,
                indicators_of=self.indicators_of,
                profile_of=self.profile_of,
            )
        return self._coinr

    def table(self, name: str) -> Table:
        """A fresh table (its rows can be read once)."""
        if name == "answers":
            return answers_table(context=self.context, units=self.units, answers_of=self.answers_of)
        if name == "scores":
            return scores_table(units=self.units, scores_of=self.scores_of, order=self.order)
        if name == "background":
            return background_table(units=self.units, profile_of=self.profile_of)
        if name == "idata":
            return self.coinr().idata
        if name == "imeta":
            return self.coinr().imeta
        if name == "codebook":
            return self.codebook()
        raise KeyError(name)

    def codebook(self) -> Table:
        coinr = self.coinr()
        columns = [
            (t.name, t.columns)
            for t in (
                self.table("answers"),
                self.table("scores"),
                self.table("background"),
                coinr.idata,
                coinr.imeta,
            )
        ]
        return codebook_table(
            context=self.context,
            tables=columns,
            named=sum(u.named for u in self.units),
            units=len(self.units),
            left_out=coinr.left_out,
        )

    def tables(self) -> list[Table]:
        return [self.table(name) for name in TABLES]

    def sizes(self) -> dict[str, int]:
        """Rows of each table (answers: every unit x question; known without reading them)."""
        return _sizes(
            edition=self.context.edition,
            units=len(self.units),
            scores=round_node_count(round_=self.round_),
        )


def _sizes(*, edition: Edition, units: int, scores: int) -> dict[str, int]:
    questions = len(edition_question_index(edition=edition))
    return {
        "answers": units * questions,
        "scores": scores,
        "background": units,
        "idata": units,
        "imeta": sum(1 for _ in edition.indicators()) + 2,
        "codebook": questions + 100,
    }


def round_export_sizes(*, round_: Round) -> dict[str, int]:
    """Rows of each table of ``round_``'s export, from two counts (without reading the rows)."""
    return _sizes(
        edition=edition_parsed(row=round_.edition),
        units=Assessment.objects.filter(round=round_).count(),
        scores=round_node_count(round_=round_),
    )


@dataclass(frozen=True)
class ExportSummary:
    """What the exports page says of a round's export, read with a few counts."""

    sizes: dict[str, int]
    units: int
    named: int
    edition_sha256: str
    pipeline: str


def _pipeline(*, row: FrameworkEdition, edition: Edition) -> EditionPipeline | None:
    """The edition's scoring pipeline: composite scores only (None for other result models)."""
    if edition.instrument.result_model != "composite":
        return None
    return edition_pipeline(row=row, edition=edition)


def round_export_summary(*, round_: Round) -> ExportSummary:
    """The rows of each table, the authorities (named ones too, under the default rule), the
    edition's checksum and the pipeline's name, without reading the rows."""
    row = round_.edition
    edition = edition_parsed(row=row)
    assessments = Assessment.objects.filter(round=round_)
    return ExportSummary(
        sizes=round_export_sizes(round_=round_),
        units=assessments.count(),
        named=assessments.filter(authority__sharing__publish_results=True).count(),
        edition_sha256=row.sha256,
        pipeline=pipeline.name if (pipeline := _pipeline(row=row, edition=edition)) else "",
    )


def round_export_fingerprint(*, round_: Round, rule: str = RULE_PUBLISHED_NAMED) -> str:
    """A fingerprint of everything an export of ``round_`` reads, so that a file made earlier is
    served again only while none of it changed: the round's answers, transitions, scores and
    flags (the reports' data stamp), the round itself, its edition and pipeline, each
    assessment's authority as the files name it, which authorities agreed to be named, the
    anonymisation rule and key (hashed), and the version of the files' format."""
    from saferspaces.reports.loading import round_data_stamp

    assessments = Assessment.objects.filter(round=round_)
    edition = FrameworkEdition.objects.filter(pk=round_.edition_id).values_list(
        "sha256", "pipeline"
    )
    parts: dict[str, Any] = {
        "format": [FORMAT, EXPORT_VERSION, __version__],
        "rule": rule,
        "key": hashlib.sha256(export_key()).hexdigest(),
        "round": [round_.pk, round_.title, round_.period_end, round_.overall],
        "edition": [
            [sha, hashlib.sha256(pipeline.encode("utf-8")).hexdigest()] for sha, pipeline in edition
        ],
        "data": round_data_stamp(round_=round_)[0],
        # every saved change of an answer adds a version, even two within the same instant
        "versions": Answer.objects.filter(assessment__round=round_).aggregate(v=Sum("version")),
        "units": list(
            assessments.order_by("pk").values_list(
                "pk",
                "state",
                "authority_id",
                "authority__name",
                "authority__country_code",
                "authority__nuts_region_id",
            )
        ),
        "published": sorted(
            PeerSharing.objects.filter(
                authority_id__in=assessments.values("authority_id"), publish_results=True
            ).values_list("authority_id", flat=True)
        ),
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def round_export(
    *, round_: Round, rule: str = RULE_PUBLISHED_NAMED, now: dt.datetime | None = None
) -> RoundExport:
    """Everything needed to export ``round_`` (the big tables are read while they stream).

    The codebook's ``data_as_of`` is the latest change in the round's data (``now`` overrides
    it), so downloading the same data twice gives the same files."""
    from saferspaces.reports.loading import round_data_stamp

    row = round_.edition
    edition = edition_parsed(row=row)
    # only composite scores have a scoring pipeline; other result models export no scores
    pipeline = _pipeline(row=row, edition=edition)
    # plain rows, not model instances (100,000 assessments with their authority and region as
    # objects took about 300 MB)
    rows = Assessment.objects.filter(round=round_).values_list(
        "pk",
        "authority_id",
        "authority__name",
        "authority__country_code",
        "authority__nuts_region_id",
        "state",
    )
    published = set(
        PeerSharing.objects.filter(
            authority__assessments__round=round_, publish_results=True
        ).values_list("authority_id", flat=True)
    )
    units = [
        Unit(
            assessment=pk,
            authority=authority,
            name=name,
            country=country,
            nuts=nuts or "",
            published=authority in published,
            state=state,
        )
        for pk, authority, name, country, nuts, state in rows.iterator(chunk_size=FETCH_ROWS)
    ]
    coded = units_code(units=units, round_id=round_.pk, key=export_key(), rule=rule)
    profiles = {
        a_id: ProfileRow(kind, level, urbanisation, population, density, income)
        for a_id, kind, level, urbanisation, population, density, income in round_peer_profiles(
            round_=round_
        )
        .values_list(
            "assessment_id", "kind", "nuts_level", "urbanisation", "population", "density", "income"
        )
        .iterator(chunk_size=FETCH_ROWS)
    }
    overall = bool(round_.overall or (pipeline is not None and pipeline.options.overall))
    order = (OVERALL_CODE, *(d.code for _, d in edition.dimensions_walk()))
    context = ExportContext(
        round_id=round_.pk,
        round_title=round_.title,
        edition=edition,
        edition_sha256=row.sha256,
        pipeline_name=pipeline.name if pipeline else "",
        pipeline_sha256=pipeline.sha256 if pipeline else "",
        data_as_of=now or round_data_stamp(round_=round_)[1],
        year=round_.period_end.year,
        rule=rule,
        overall=overall,
    )
    return RoundExport(context, coded, profiles, order, round_)


def export_jobs_current(
    *, round_: Round, fingerprint: str
) -> tuple[dict[str, ExportJob], dict[str, ExportJob]]:
    """The files of ``round_`` made from its current data and still stored, and the jobs
    waiting or running for its current data, by file name (``all.xlsx``)."""
    ready: dict[str, ExportJob] = {}
    waiting: dict[str, ExportJob] = {}
    jobs = ExportJob.objects.filter(
        kind=ExportKind.ROUND_FILE, parameters__round=round_.pk, fingerprint=fingerprint
    ).order_by("-created_at", "-pk")
    for job in jobs:
        name = str(job.parameters.get("file", ""))
        if job.state in PENDING:
            waiting.setdefault(name, job)
        elif name not in ready and job.file_kept:
            ready[name] = job
    return ready, waiting

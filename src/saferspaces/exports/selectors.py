"""Reading a round's data for export: plain rows for the export core, one unit at a time.

``round_export`` gathers what is small (units, who published, profiles, score facts) and
returns a :class:`RoundExport` whose tables stream the big parts (answers, score runs) with one
query per unit, so memory does not grow with the round.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.utils.crypto import salted_hmac

from saferspaces.assessments.models import Answer, Assessment, Round, ScoreRun
from saferspaces.assessments.scoring import edition_pipeline
from saferspaces.core.assessment import OVERALL_CODE
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
from saferspaces.core.exports.tables import edition_question_index
from saferspaces.dashboard.models import PeerProfile, PeerSharing, ScoreFact
from saferspaces.frameworks.selectors import edition_parsed

TABLES = ("answers", "scores", "background", "codebook", "idata", "imeta")
KEY_SALT = "saferspaces.exports.unit-code"


def export_key() -> bytes:
    """The key of unit codes, derived from the site's secret key (never stored)."""
    return salted_hmac(KEY_SALT, "unit codes", algorithm="sha256").digest()


@dataclass
class RoundExport:
    context: ExportContext
    units: tuple[CodedUnit, ...]
    profiles: dict[int, ProfileRow]
    facts: dict[int, list[ScoreRow]]
    order: tuple[str, ...]
    _coinr: CoinrTables | None = field(default=None, repr=False)

    # --- one unit's rows ------------------------------------------------------------------
    def answers_of(self, unit: CodedUnit) -> Iterator[AnswerRow]:
        rows = Answer.objects.filter(assessment_id=unit.unit.assessment).values_list(
            "code", "status", "value", "comment", "prefill"
        )
        for code, status, value, comment, prefill in rows:
            yield AnswerRow(code, status, value, comment, prefill)

    def scores_of(self, unit: CodedUnit) -> list[ScoreRow]:
        return self.facts.get(unit.unit.assessment, [])

    def profile_of(self, unit: CodedUnit) -> ProfileRow | None:
        return self.profiles.get(unit.unit.assessment)

    def indicators_of(self, unit: CodedUnit) -> dict[str, IndicatorValue]:
        run = (
            ScoreRun.objects.filter(assessment_id=unit.unit.assessment)
            .order_by("-computed_at", "-id")
            .values_list("result", flat=True)
            .first()
        )
        if not isinstance(run, dict):
            return {}
        inds: dict[str, Any] = (
            run.get("units", {}).get(f"A{unit.unit.assessment}", {}).get("indicators", {})
        )
        return {
            c: IndicatorValue(i.get("value"), i.get("score"))
            for c, i in inds.items()
            if isinstance(i, dict)
        }

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
        questions = len(edition_question_index(edition=self.context.edition))
        n = len(self.units)
        return {
            "answers": n * questions,
            "scores": sum(len(v) for v in self.facts.values()),
            "background": n,
            "idata": n,
            "imeta": sum(1 for _ in self.context.edition.indicators()) + 2,
            "codebook": questions + 100,
        }


def round_export(
    *, round_: Round, rule: str = RULE_PUBLISHED_NAMED, now: dt.datetime | None = None
) -> RoundExport:
    """Everything needed to export ``round_`` (the big tables are read while they stream).

    The codebook's ``data_as_of`` is the latest change in the round's data (``now`` overrides
    it), so downloading the same data twice gives the same files."""
    from saferspaces.reports.loading import round_data_stamp

    row = round_.edition
    edition = edition_parsed(row=row)
    pipeline = edition_pipeline(row=row, edition=edition)
    assessments = list(
        Assessment.objects.filter(round=round_).select_related(
            "authority", "authority__nuts_region"
        )
    )
    published = set(
        PeerSharing.objects.filter(
            authority_id__in=[a.authority_id for a in assessments], publish_results=True
        ).values_list("authority_id", flat=True)
    )
    units = [
        Unit(
            assessment=a.pk,
            authority=a.authority_id,
            name=a.authority.name,
            country=a.authority.country_code,
            nuts=a.authority.nuts_region_id or "",
            published=a.authority_id in published,
            state=a.state,
        )
        for a in assessments
    ]
    coded = units_code(units=units, round_id=round_.pk, key=export_key(), rule=rule)
    profiles = {
        p.assessment_id: ProfileRow(
            kind=p.kind,
            nuts_level=p.nuts_level,
            urbanisation=p.urbanisation,
            population=p.population,
            density=p.density,
            income=p.income,
        )
        for p in PeerProfile.objects.filter(round=round_)
    }
    facts: dict[int, list[ScoreRow]] = {}
    for f in ScoreFact.objects.filter(round=round_).order_by("assessment_id", "node"):
        facts.setdefault(f.assessment_id, []).append(
            ScoreRow(f.node, f.depth, f.score, f.perception, f.status, f.gap, f.coverage)
        )
    overall = bool(round_.overall or pipeline.options.overall)
    order = (OVERALL_CODE, *(d.code for _, d in edition.dimensions_walk()))
    context = ExportContext(
        round_id=round_.pk,
        round_title=round_.title,
        edition=edition,
        edition_sha256=row.sha256,
        pipeline_name=pipeline.name,
        pipeline_sha256=pipeline.sha256,
        data_as_of=now or round_data_stamp(round_=round_)[1],
        year=round_.period_end.year,
        rule=rule,
        overall=overall,
    )
    return RoundExport(context, coded, profiles, facts, order)

"""A scored round built in memory (ssf-2026.1, random answers) as the plain rows the export
core takes, and small readers for the written files."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from saferspaces.core.assessment import (
    EditionPipeline,
    ScoreResult,
    assessments_score,
    edition_pipeline_find,
)
from saferspaces.core.exports import (
    AnswerRow,
    CodedUnit,
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
from saferspaces.core.framework.answers import (
    ANSWERED,
    DONT_KNOW,
    NOT_APPLICABLE,
    NOT_COLLECTED,
    AnswerState,
    AnswerValue,
)
from saferspaces.core.framework.loader import edition_load
from saferspaces.core.framework.model import ChecklistItem, Edition, Indicator

REPO = Path(__file__).resolve().parents[3]
EDITIONS = REPO / "src" / "saferspaces" / "frameworks" / "editions"
EDITION: Edition = edition_load(path=EDITIONS / "ssf-2026.1.yaml")
PIPELINE: EditionPipeline = edition_pipeline_find(edition=EDITION, directory=EDITIONS)
KEY = b"test key for unit codes"
NOW = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
CITY_NAMES = ("Aldoria", "Brevik", "Castelmar", "Dunholt", "Esperanza", "Fjellby")


def random_value(q: Indicator | ChecklistItem, rng: random.Random) -> AnswerValue:
    spec = q.answer
    t = spec.type
    if t in ("number", "percentage", "rate_per_100k"):
        lo = spec.min if spec.min is not None else 0.0
        hi = spec.max if spec.max is not None else (100.0 if t == "percentage" else lo + 500.0)
        return round(rng.uniform(lo, hi), 2)
    if t == "year":
        return rng.randint(2010, 2026)
    if t == "likert":
        return rng.choice([p.value for p in spec.scale])
    if t in ("yes_partly_no", "single_choice"):
        return rng.choice([c.code for c in spec.choice_options()])
    if t == "multiple_choice":
        codes = [c.code for c in spec.choice_options()]
        picked = set(rng.sample(codes, rng.randint(1, len(codes))))
        return [c for c in codes if c in picked]
    if t == "text":
        return "a free text naming nobody"
    return None


def random_states(edition: Edition, rng: random.Random) -> dict[str, AnswerState]:
    out: dict[str, AnswerState] = {}
    for q in [*edition.checklist, *(i for _, i in edition.indicators())]:
        if q.answer.type == "not_scored":
            continue
        if rng.random() < 0.1:
            out[q.code] = AnswerState(status=rng.choice([DONT_KNOW, NOT_APPLICABLE, NOT_COLLECTED]))
        else:
            out[q.code] = AnswerState(status=ANSWERED, value=random_value(q, rng))
    return out

    return {c: AnswerRow(c, s.status, s.value) for c, s in random_states(EDITION, rng).items()}


def _coverage(avail: Mapping[str, int]) -> float | None:
    applicable = sum(v for k, v in avail.items() if k != "not_applicable")
    return avail.get("answered", 0) / applicable if applicable else None


@dataclass
class Round:
    context: ExportContext
    units: tuple[CodedUnit, ...]
    answers: dict[int, dict[str, AnswerRow]]
    result: ScoreResult
    profiles: dict[int, ProfileRow]

    def answers_of(self, u: CodedUnit) -> list[AnswerRow]:
        return list(self.answers[u.unit.assessment].values())

    def scores_of(self, u: CodedUnit) -> list[ScoreRow]:
        nodes = self.result.units[f"A{u.unit.assessment}"].nodes
        out = []
        for code, n in nodes.items():
            depth, parent = 0, n.parent
            while parent is not None:
                depth += 1
                parent = nodes[parent].parent
            out.append(
                ScoreRow(
                    code,
                    depth,
                    n.all_kinds.score,
                    n.perception.score,
                    n.status.score,
                    n.gap.value,
                    _coverage(n.all_kinds.availability.as_dict()),
                )
            )
        return out

    def indicators_of(self, u: CodedUnit) -> dict[str, IndicatorValue]:
        inds = self.result.units[f"A{u.unit.assessment}"].indicators
        return {c: IndicatorValue(i.value, i.score) for c, i in inds.items()}

    def profile_of(self, u: CodedUnit) -> ProfileRow | None:
        return self.profiles.get(u.unit.assessment)

    def tables(self) -> dict[str, Table]:
        coinr = coinr_tables(
            context=self.context,
            units=self.units,
            indicators_of=self.indicators_of,
            profile_of=self.profile_of,
        )
        out = {
            "answers": answers_table(
                context=self.context, units=self.units, answers_of=self.answers_of
            ),
            "scores": scores_table(units=self.units, scores_of=self.scores_of),
            "background": background_table(units=self.units, profile_of=self.profile_of),
            "idata": coinr.idata,
            "imeta": coinr.imeta,
        }
        out["codebook"] = codebook_table(
            context=self.context,
            tables=[(t.name, t.columns) for t in out.values()],
            named=sum(u.named for u in self.units),
            units=len(self.units),
            left_out=coinr.left_out,
        )
        return out


def round_build(*, n: int = 8, seed: int = 1, published: Sequence[int] = (0,)) -> Round:
    """``n`` units (authority ids 101..), those at positions ``published`` agreed to be named."""
    rng = random.Random(seed)
    units = [
        Unit(
            assessment=1000 + i,
            authority=101 + i,
            name=f"{CITY_NAMES[i % len(CITY_NAMES)]} {i}",
            country="FR" if i % 2 else "BE",
            nuts=f"FR10{i}",
            published=i in published,
            state="accepted",
        )
        for i in range(n)
    ]
    answers: dict[int, dict[str, AnswerRow]] = {}
    states: dict[str, Mapping[str, AnswerState]] = {}
    for u in units:
        st = random_states(EDITION, rng)
        states[f"A{u.assessment}"] = st
        rows = {c: AnswerRow(c, s.status, s.value) for c, s in st.items()}
        # a comment naming the city, and an open-data value with its place code
        first = next(c for c, s in st.items() if s.status == ANSWERED)
        a = rows[first]
        rows[first] = AnswerRow(
            a.code,
            a.status,
            a.value,
            comment=f"measured by {u.name} city hall",
            prefill={"dataset": "urb_percep", "period": "2019", "geo": "BE001C"},
        )
        answers[u.assessment] = rows
    result = assessments_score(edition=EDITION, pipeline=PIPELINE, units=states)
    profiles = {
        u.assessment: ProfileRow(
            kind="municipality",
            nuts_level=3,
            urbanisation="cities",
            population=123_456.0 + i,
            density=3456.7,
            income=None,
        )
        for i, u in enumerate(units)
    }
    context = ExportContext(
        round_id=7,
        round_title="Pilot round",
        edition=EDITION,
        edition_sha256="ab" * 32,
        pipeline_name=PIPELINE.name,
        pipeline_sha256=PIPELINE.sha256,
        data_as_of=NOW,
        year=2025,
    )
    coded = units_code(units=units, round_id=7, key=KEY)
    return Round(context, coded, answers, result, profiles)


def csv_read(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def as_text(row: Sequence[Any]) -> list[str]:
    """How a row reads back from CSV: text a spreadsheet would run has a quote in front."""
    from saferspaces.core.exports import cell_text
    from saferspaces.core.spreadsheets import text_csv_safe

    return [text_csv_safe(text=v) if isinstance(v, str) else cell_text(v) for v in row]

"""A round's spread kept between computations (``results.spreads``): one submission reads the
members' spread in one row, not their answers, when they are the same members as when it was
kept, and gets exactly the results a read of their answers gives (issue 18: a submission in a
round of 100,000 read 1.6 million answers)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from saferspaces.assessments.models import Assessment, AssessmentState
from saferspaces.results import computing
from saferspaces.results.computing import (
    COMPUTED_TOGETHER,
    assessment_results_compute,
    round_results_compute,
)
from saferspaces.results.models import ResultFact, SpreadRow, SpreadSnapshot
from saferspaces.results.spreads import spread_rows_get


def _round_with_newcomers(count: int) -> tuple[Any, list[Assessment], list[Assessment]]:
    """The demo's last round with ``count`` of its members made drafts (to be submitted)."""
    scored = Assessment.objects.filter(state__in=COMPUTED_TOGETHER, round__isnull=False)
    last = scored.order_by("-pk").first()
    assert last is not None
    members = list(scored.filter(round_id=last.round_id).order_by("pk"))
    assert len(members) >= count + 5
    newcomers = members[-count:]
    Assessment.objects.filter(pk__in=[a.pk for a in newcomers]).update(state=AssessmentState.DRAFT)
    return last.round, members[:-count], newcomers


def _submitted(a: Assessment, at: dt.datetime) -> Assessment:
    Assessment.objects.filter(pk=a.pk).update(state=AssessmentState.SUBMITTED, updated_at=at)
    a.refresh_from_db()
    return a


class _Reads:
    """``computing._answers``, noting the assessments whose spread answers are read (the
    members' and the assessment's own in one read when the members' spread is not kept)."""

    def __init__(self) -> None:
        self.spread_ids: list[list[int]] = []
        self.real = computing._answers

    def __call__(self, ids: Any, edition: Any, *, spreads: bool, codes: Any = None) -> Any:
        if codes is not None:
            self.spread_ids.append(sorted(ids))
        return self.real(ids, edition, spreads=spreads, codes=codes)


def _result(run: Any) -> tuple[Any, ...]:
    facts = sorted(
        ResultFact.objects.filter(run=run).values_list("node", "measure", "category", "value"),
        key=repr,
    )
    return run.units, run.explanation, run.facts, facts


def test_a_submission_reads_the_members_kept_spread_not_their_answers(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, members, (first, second) = _round_with_newcomers(2)
    now = timezone.now()
    round_results_compute(round_=round_, user=None, now=now)
    assert SpreadSnapshot.objects.filter(round=round_, n_units=len(members)).count() == 1
    first = _submitted(first, now + dt.timedelta(seconds=1))
    monkeypatch.setattr(computing, "_answers", reads := _Reads())
    run = assessment_results_compute(assessment=first, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [[first.pk]]  # its own; the members' spread was kept
    kept = _result(run)
    # the same results as a read of every member's answers (nothing kept)
    SpreadSnapshot.objects.all().delete()
    SpreadRow.objects.all().delete()
    reads.spread_ids.clear()
    again = assessment_results_compute(assessment=first, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [sorted(a.pk for a in members), [first.pk]]
    assert _result(again) == kept
    assert run.units == again.units == len(members) + 1
    # kept with the submission among the members: the next submission reads only its own
    second = _submitted(second, now + dt.timedelta(seconds=2))
    reads.spread_ids.clear()
    later = assessment_results_compute(assessment=second, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [[second.pk]]
    assert later.units == len(members) + 2
    seen = _result(later)  # (the index holds the latest run's facts only)
    SpreadSnapshot.objects.all().delete()
    SpreadRow.objects.all().delete()
    fresh = assessment_results_compute(assessment=second, user=None, trigger="submit", now=now)
    assert _result(fresh) == seen


def test_a_member_that_changed_is_read_again_alone(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any change of a member (an answer written, a step of the workflow) moves its last
    change: the kept spread no longer names the same members, so the members' kept rows are
    read, and the answers of the changed member only (issue 18: a member returned and
    resubmitted in a round of 100,000 read every member's answers, 12 s); the results are
    those of a read of every member's answers."""
    round_, members, (newcomer,) = _round_with_newcomers(1)
    now = timezone.now()
    round_results_compute(round_=round_, user=None, now=now)
    assert SpreadRow.objects.filter(round=round_).count() == len(members)
    Assessment.objects.filter(pk=members[0].pk).update(updated_at=now + dt.timedelta(seconds=5))
    newcomer = _submitted(newcomer, now + dt.timedelta(seconds=1))
    monkeypatch.setattr(computing, "_answers", reads := _Reads())
    run = assessment_results_compute(assessment=newcomer, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [[members[0].pk], [newcomer.pk]]
    seen = _result(run)
    # kept again, the changed member's row too: the next computation reads its own answers
    reads.spread_ids.clear()
    assessment_results_compute(assessment=newcomer, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [[newcomer.pk]]
    # a member gone (returned): the others' rows are all kept, no member's answers are read
    reads.spread_ids.clear()
    Assessment.objects.filter(pk=members[1].pk).update(state=AssessmentState.RETURNED)
    gone = assessment_results_compute(assessment=newcomer, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [[newcomer.pk]]
    assert gone.units == len(members)  # the others and itself
    seen_gone = _result(gone)  # (the index holds the latest run's facts only)
    # the same results as reads of every member's answers
    for expected, state in (
        (seen_gone, AssessmentState.RETURNED),
        (seen, AssessmentState.SUBMITTED),
    ):
        Assessment.objects.filter(pk=members[1].pk).update(state=state)
        SpreadSnapshot.objects.all().delete()
        SpreadRow.objects.all().delete()
        reads.spread_ids.clear()
        full = assessment_results_compute(assessment=newcomer, user=None, trigger="submit", now=now)
        assert len(reads.spread_ids[0]) == len(members) - (state == AssessmentState.RETURNED)
        assert _result(full) == expected


def test_kept_rows_of_other_editions_pipelines_or_widths_are_not_read(team: Any) -> None:
    """A row is read back for the same edition source and pipeline only, and of the width of
    the edition's data_driven indicators."""
    round_, members, _newcomers = _round_with_newcomers(1)
    now = timezone.now()
    round_results_compute(round_=round_, user=None, now=now)
    edition_row = members[0].edition
    from saferspaces.core.assessment import round_spread_indicators
    from saferspaces.frameworks.selectors import edition_parsed, edition_pipeline

    edition = edition_parsed(row=edition_row)
    pipeline = edition_pipeline(row=edition_row, edition=edition)
    width = len(round_spread_indicators(edition=edition, pipeline=pipeline))
    got = spread_rows_get(round_id=round_.pk, edition=edition_row, pipeline=pipeline, width=width)
    assert set(got) == {a.pk for a in members}
    assert all(stamp == a.updated_at for a in members for stamp, _v in [got[a.pk]])
    assert not spread_rows_get(
        round_id=round_.pk, edition=edition_row, pipeline=pipeline, width=width + 1
    )
    SpreadRow.objects.filter(round=round_).update(pipeline_sha256="0" * 64)
    assert not spread_rows_get(
        round_id=round_.pk, edition=edition_row, pipeline=pipeline, width=width
    )


def test_a_drafts_results_keep_the_members_spread_they_read(
    team: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A draft (computed on demand) is not a member: the members' spread it read is kept as
    theirs, and its next computation reads only its own answers."""
    _round, members, (draft,) = _round_with_newcomers(1)
    draft.refresh_from_db()
    now = timezone.now()
    SpreadRow.objects.all().delete()  # nothing kept of the members
    monkeypatch.setattr(computing, "_answers", reads := _Reads())
    assessment_results_compute(assessment=draft, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [sorted(a.pk for a in members), [draft.pk]]
    reads.spread_ids.clear()
    assessment_results_compute(assessment=draft, user=None, trigger="submit", now=now)
    assert reads.spread_ids == [[draft.pk]]

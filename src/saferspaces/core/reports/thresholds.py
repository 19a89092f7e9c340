"""Named thresholds of the pilot analysis (documented in ``docs/methodology.md``, "Pilot
analysis"). A question goes on the list of questions to revise when one of them is crossed."""

from __future__ import annotations

from dataclasses import dataclass

#: share of assessments (where the question applies) with no answer and no explicit status
NON_RESPONSE_MAX = 0.20
#: share answered "don't know"
DONT_KNOW_MAX = 0.15
#: share marked "data not collected"
NOT_COLLECTED_MAX = 0.25
#: the most frequent answer (or indicator score) given by at least this share: near-constant
NEAR_CONSTANT_SHARE = 0.90
#: rates and the near-constant rule need at least this many assessments (answers)
MIN_ANSWERS = 5
#: Cronbach's alpha and correlations need at least this many assessments with scores
MIN_UNITS_RELIABILITY = 10
#: a dimension's alpha below this is reported as low reliability
ALPHA_MIN = 0.7
#: correlation of an indicator's score with its (sub-)dimension's score below this: low
ITEM_TOTAL_MIN = 0.2
#: share of consensus questions where respondents' own answers differed
DISAGREEMENT_MAX = 0.5
#: feedback flags of one reason on a question that put it on the list
FLAGS_MIN = 1


@dataclass(frozen=True)
class Thresholds:
    non_response_max: float = NON_RESPONSE_MAX
    dont_know_max: float = DONT_KNOW_MAX
    not_collected_max: float = NOT_COLLECTED_MAX
    near_constant_share: float = NEAR_CONSTANT_SHARE
    min_answers: int = MIN_ANSWERS
    min_units_reliability: int = MIN_UNITS_RELIABILITY
    alpha_min: float = ALPHA_MIN
    item_total_min: float = ITEM_TOTAL_MIN
    disagreement_max: float = DISAGREEMENT_MAX
    flags_min: int = FLAGS_MIN

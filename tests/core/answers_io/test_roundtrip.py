"""Round trip: template pre-filled with states -> read back -> the same states (Hypothesis)."""

from __future__ import annotations

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saferspaces.core.answers_io import (
    EvidenceRef,
    answers_read,
    answers_template_csv,
    answers_template_xlsx,
)
from saferspaces.core.framework.answers import (
    ANSWER_STATUSES,
    NUMERIC_TYPES,
    AnswerState,
    Question,
)

from .helpers import first_edition

TEXT = (
    st.text(alphabet=string.ascii_letters + string.digits + " éèàçœ'’=-+@,;\"\n.%€", min_size=1)
    .map(str.strip)
    .filter(bool)
)


def _value(question: Question) -> st.SearchStrategy[object]:
    spec = question.answer
    atype = spec.type
    if atype in NUMERIC_TYPES:
        lo = spec.min if spec.min is not None else (0.0 if atype != "number" else -1e9)
        hi = spec.max if spec.max is not None else (100.0 if atype == "percentage" else 1e9)
        # Excel keeps 15 significant digits: values typed by people have far fewer
        return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False).map(
            lambda x: round(x, 4) + 0.0  # no negative zero
        )
    if atype == "year":
        return st.integers(int(spec.min or 1900), int(spec.max or 2100))
    codes = [c.code for c in spec.choice_options()]
    if atype == "likert":
        return st.sampled_from([int(c) for c in codes])
    if atype in ("yes_partly_no", "single_choice"):
        return st.sampled_from(codes)
    if atype == "multiple_choice":
        return st.lists(st.sampled_from(codes), min_size=1, unique=True).map(
            lambda chosen: [c for c in codes if c in chosen]
        )
    return TEXT


def _state(question: Question) -> st.SearchStrategy[AnswerState]:
    return st.one_of(
        _value(question).map(lambda v: AnswerState("answered", v)),
        st.sampled_from([s for s in ANSWER_STATUSES if s != "answered"]).map(AnswerState),
    )


QUESTIONS = {c: q for c, q in first_edition().questions().items() if q.answer.type != "not_scored"}
STATES = st.lists(st.sampled_from(sorted(QUESTIONS)), unique=True, max_size=25).flatmap(
    lambda codes: st.fixed_dictionaries({c: _state(QUESTIONS[c]) for c in codes})
)
EVIDENCE = st.builds(
    EvidenceRef,
    source=TEXT,
    year=st.one_of(st.none(), st.integers(1900, 2100)),
    url=st.one_of(st.none(), st.just("https://example.org/a?b=1&c=é")),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(states=STATES, data=st.data())
def test_template_with_states_reads_back_the_same(
    states: dict[str, AnswerState], data: st.DataObject
) -> None:
    ed = first_edition()
    codes = sorted(states)
    comments = {c: data.draw(TEXT) for c in codes[:3]}
    evidence = {c: data.draw(EVIDENCE) for c in codes[3:6]}
    language = data.draw(st.sampled_from(["en", "fr"]))
    for make, name in ((answers_template_xlsx, "a.xlsx"), (answers_template_csv, "a.csv")):
        content = make(
            edition=ed, language=language, states=states, comments=comments, evidence=evidence
        )
        result = answers_read(filename=name, content=content, edition=ed)
        assert result.problems == ()
        assert {r.code: r.state for r in result.rows} == states
        assert {r.code: r.comment for r in result.rows if r.comment} == comments
        assert {r.code: r.evidence for r in result.rows if r.evidence} == evidence

"""Skip logic: evaluation on answers and XLSForm expressions."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from saferspaces.core.framework import Relevance
from saferspaces.core.framework.relevance import relevance_evaluate, relevance_xpath


def leaf(op: str, question: str, value: object) -> Relevance:
    return Relevance(op, question=question, value=value)


def test_no_condition_is_always_relevant() -> None:
    assert relevance_evaluate(condition=None, answers={})


def test_leaf_tests() -> None:
    answers = {"A": "yes", "B": 12, "C": ["cctv", "lighting"], "D": "", "E": "3"}
    assert relevance_evaluate(condition=leaf("equals", "A", "yes"), answers=answers)
    assert not relevance_evaluate(condition=leaf("equals", "A", "no"), answers=answers)
    assert relevance_evaluate(condition=leaf("in", "A", ("yes", "partly")), answers=answers)
    assert relevance_evaluate(condition=leaf("greater_than", "B", 10), answers=answers)
    assert not relevance_evaluate(condition=leaf("less_than", "B", 10), answers=answers)
    assert relevance_evaluate(condition=leaf("equals", "C", "cctv"), answers=answers)
    assert relevance_evaluate(condition=leaf("in", "C", ("drones", "lighting")), answers=answers)
    assert relevance_evaluate(condition=leaf("answered", "B", True), answers=answers)
    assert relevance_evaluate(condition=leaf("answered", "D", False), answers=answers)
    assert relevance_evaluate(condition=leaf("answered", "Z", False), answers=answers)
    # likert values compare across representations
    assert relevance_evaluate(condition=leaf("equals", "E", 3), answers=answers)
    assert relevance_evaluate(condition=leaf("greater_than", "E", 2), answers=answers)


def test_unanswered_question_fails_every_test_but_not_answered() -> None:
    for op, value in (("equals", "yes"), ("in", ("yes",)), ("greater_than", 0), ("less_than", 9)):
        assert not relevance_evaluate(condition=leaf(op, "Q", value), answers={})


def test_groups_nest() -> None:
    cond = Relevance(
        "all",
        items=(
            leaf("equals", "A", "yes"),
            Relevance("any", items=(leaf("greater_than", "B", 100), leaf("answered", "C", True))),
        ),
    )
    assert relevance_evaluate(condition=cond, answers={"A": "yes", "C": "x"})
    assert not relevance_evaluate(condition=cond, answers={"A": "yes"})
    assert not relevance_evaluate(condition=cond, answers={"A": "no", "C": "x"})


def test_xpath_expressions() -> None:
    types = {"A": "yes_partly_no", "B": "number", "C": "multiple_choice", "E": "likert"}
    assert (
        relevance_xpath(condition=leaf("equals", "A", "yes"), answer_types=types) == "${A} = 'yes'"
    )
    assert (
        relevance_xpath(condition=leaf("in", "C", ("a", "b")), answer_types=types)
        == "(selected(${C}, 'a') or selected(${C}, 'b'))"
    )
    assert (
        relevance_xpath(condition=leaf("greater_than", "B", 10), answer_types=types)
        == "(${B} != '' and ${B} > 10)"
    )
    assert relevance_xpath(condition=leaf("equals", "E", 3), answer_types=types) == "${E} = '3'"
    assert (
        relevance_xpath(condition=leaf("answered", "B", False), answer_types=types) == "${B} = ''"
    )
    both = Relevance("any", items=(leaf("equals", "A", "no"), leaf("answered", "B", True)))
    assert relevance_xpath(condition=both, answer_types=types) == "(${A} = 'no' or ${B} != '')"
    assert (
        relevance_xpath(condition=leaf("equals", "A", "it's"), answer_types=types)
        == '${A} = "it\'s"'
    )


leaves = st.builds(
    lambda q, v: leaf("equals", q, v), st.sampled_from(["A", "B", "C"]), st.sampled_from(["x", "y"])
)
trees = st.recursive(
    leaves,
    lambda children: st.builds(
        lambda op, items: Relevance(op, items=tuple(items)),
        st.sampled_from(["all", "any"]),
        st.lists(children, min_size=1, max_size=3),
    ),
    max_leaves=12,
)
answer_sets = st.dictionaries(st.sampled_from(["A", "B", "C"]), st.sampled_from(["x", "y", ""]))


def _reference(cond: Relevance, answers: dict[str, str]) -> bool:
    if cond.op == "all":
        return all(_reference(c, answers) for c in cond.items)
    if cond.op == "any":
        return any(_reference(c, answers) for c in cond.items)
    return answers.get(str(cond.question)) == cond.value


@given(trees, answer_sets)
def test_evaluation_matches_boolean_logic(cond: Relevance, answers: dict[str, str]) -> None:
    assert relevance_evaluate(condition=cond, answers=answers) == _reference(cond, answers)


@given(trees)
def test_xpath_is_balanced_and_mentions_every_question(cond: Relevance) -> None:
    expr = relevance_xpath(condition=cond, answer_types={})
    assert expr.count("(") == expr.count(")")
    for q in cond.questions():
        assert "${" + q + "}" in expr

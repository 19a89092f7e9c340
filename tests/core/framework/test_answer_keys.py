"""Answer keys: an item inside repeat instances is addressed ``SITES[2]/SCENARIOS[1]/RISK``;
an item outside keeps its plain code. The answers of a unit indexed by instance, and its
computed fields evaluated in every instance."""

from __future__ import annotations

from pathlib import Path

import pytest

from saferspaces.core.framework import Edition, edition_load
from saferspaces.core.framework.answerkey import (
    KEY_MAX_LENGTH,
    AnswerKey,
    AnswerKeyError,
    answer_key_check,
    answer_key_format,
    answer_key_parse,
    edition_item_places,
)
from saferspaces.core.framework.answers import AnswerState
from saferspaces.core.framework.instances import answers_calculate, answers_index

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def vulnerability() -> Edition:
    return edition_load(path=FIXTURES / "vulnerability.yaml")


def _a(value: object) -> AnswerState:
    return AnswerState("answered", value)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("SAF_P01", AnswerKey("SAF_P01")),
        ("SITES[2]/SITE_NAME", AnswerKey("SITE_NAME", (("SITES", 2),))),
        (
            "SITES[2]/SCENARIOS[1]/PROBABILITY",
            AnswerKey("PROBABILITY", (("SITES", 2), ("SCENARIOS", 1))),
        ),
        ("MEASURES[1000]/MEASURE_LEVEL", AnswerKey("MEASURE_LEVEL", (("MEASURES", 1000),))),
    ],
)
def test_keys_read_and_write_back(text: str, key: AnswerKey) -> None:
    assert answer_key_parse(text=text) == key
    assert answer_key_format(key=key) == text == str(key)


def test_the_instance_part_names_the_instance_a_fact_is_about() -> None:
    key = answer_key_parse(text="SITES[2]/SCENARIOS[1]/PROBABILITY")
    assert key.instance == "SITES[2]/SCENARIOS[1]"
    assert key.repeats == ("SITES", "SCENARIOS")
    assert AnswerKey("SAF_P01").instance == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is not an item code"),
        ("saf_p01", "is not an item code"),
        ("SITES[0]/SITE_NAME", "is not a repeat instance like SITES[2]"),
        ("SITES[02]/SITE_NAME", "is not a repeat instance like SITES[2]"),
        ("SITES/SITE_NAME", "is not a repeat instance like SITES[2]"),
        ("SITES[1001]/SITE_NAME", "at most 1000 instances"),
        ("SITES[-1]/SITE_NAME", "is not a repeat instance"),
        ("A1[1]/B1[1]/C1[1]/D1[1]/ITEM", "nest at most 3 deep"),
        ("SITES[1]/", "is not an item code"),
        ("X" * (KEY_MAX_LENGTH + 1), f"longer than {KEY_MAX_LENGTH} characters"),
    ],
)
def test_keys_that_cannot_be_read_say_why(text: str, message: str) -> None:
    with pytest.raises(AnswerKeyError) as info:
        answer_key_parse(text=text)
    assert message in info.value.message


def test_keys_are_checked_against_the_edition(vulnerability: Edition) -> None:
    places = edition_item_places(edition=vulnerability)
    place = answer_key_check(
        key=answer_key_parse(text="SITES[2]/SCENARIOS[3]/PROBABILITY"), places=places
    )
    assert place is not None and place.repeat_codes == ("SITES", "SCENARIOS")
    cases = {
        "NOWHERE": "no item 'NOWHERE' in the edition",
        "PROBABILITY": "answered inside its repeat groups: SITES[n]/SCENARIOS[n]/PROBABILITY",
        "SITES[1]/PROBABILITY": "answered inside its repeat groups",
        "SITES[1]/SCENARIOS[1]/SITE_NAME": "answered inside its repeat groups: SITES[n]/SITE_NAME",
        "SITES[21]/SITE_NAME": "'SITES' takes at most 20 instances, not 21",
        "SITES[1]/SCENARIOS[11]/RISK": "'SCENARIOS' takes at most 10 instances, not 11",
    }
    for text, message in cases.items():
        with pytest.raises(AnswerKeyError) as info:
            answer_key_check(key=answer_key_parse(text=text), places=places)
        assert message in info.value.message, (text, info.value.message)


def test_a_top_level_item_answered_inside_a_repeat_is_refused() -> None:
    pyramid = edition_load(path=FIXTURES / "pyramid.yaml")
    places = edition_item_places(edition=pyramid)
    with pytest.raises(AnswerKeyError, match="not inside a repeat group: its key is"):
        answer_key_check(key=answer_key_parse(text="MEASURES[1]/MAP_COUNT_KNOWN"), places=places)
    checklist = frozenset(c.code for c in pyramid.checklist)
    assert answer_key_check(key=AnswerKey("CL_PERIOD"), places=places, checklist=checklist) is None


def test_the_index_gives_each_instance_its_scope() -> None:
    index = answers_index(
        states={
            "SITES[1]/SITE_NAME": _a("Market square"),
            "SITES[1]/SCENARIOS[2]/CONSEQUENCE": _a(4),
            "SITES[1]/SCENARIOS[10]/CONSEQUENCE": _a(1),
            "SITES[3]/SCENARIOS[1]/PROBABILITY": _a(2),
            "TOP": _a(7),
            "bad key": _a(1),
        }
    )
    assert [e.key for e in index.errors] == ["bad key"]
    assert index.instances(("SITES",)) == [(("SITES", 1),), (("SITES", 3),)]
    assert index.instances(("SITES", "SCENARIOS")) == [
        (("SITES", 1), ("SCENARIOS", 2)),
        (("SITES", 1), ("SCENARIOS", 10)),  # by position, not as text
        (("SITES", 3), ("SCENARIOS", 1)),
    ]
    scope = index.scope((("SITES", 1), ("SCENARIOS", 2)))
    assert set(scope) == {"TOP", "SITE_NAME", "CONSEQUENCE"}
    assert index.get(AnswerKey("CONSEQUENCE", (("SITES", 1), ("SCENARIOS", 10)))) == _a(1)


def test_computed_fields_are_computed_in_every_instance(vulnerability: Edition) -> None:
    index = answers_index(
        states={
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(4),
            "SITES[1]/SCENARIOS[1]/PROBABILITY": _a(3),
            "SITES[1]/SCENARIOS[2]/CONSEQUENCE": _a(5),
            "SITES[1]/SCENARIOS[2]/PROBABILITY": AnswerState("dont_know"),
            "SITES[2]/SCENARIOS[1]/CONSEQUENCE": _a(1),
            "SITES[2]/SCENARIOS[1]/PROBABILITY": _a(2),
        }
    )
    assert answers_calculate(edition=vulnerability, index=index) == {
        "SITES[1]/SCENARIOS[1]/RISK": 12.0,
        "SITES[1]/SCENARIOS[2]/RISK": None,  # "don't know" is never turned into a number
        "SITES[2]/SCENARIOS[1]/RISK": 2.0,
    }


def test_computed_fields_read_computed_fields_in_order() -> None:
    text = (FIXTURES / "vulnerability.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "                calculate: CONSEQUENCE * PROBABILITY\n",
        "                calculate: CONSEQUENCE * PROBABILITY\n"
        "              - code: RISK_SHARE\n"
        "                question: {en: Share of the highest risk, fr: Part du risque maximal}\n"
        "                calculate: round(RISK / MAX_RISK * 100, 1)\n",
    )
    text = text.replace(
        "        items:\n          - code: SITE_NAME\n",
        "        items:\n"
        "          - code: MAX_RISK\n"
        "            question: {en: Highest risk, fr: Risque maximal}\n"
        "            calculate: 5 * 5\n"
        "          - code: SITE_NAME\n",
    )
    edition = edition_load(text=text)
    index = answers_index(
        states={
            "SITES[1]/SCENARIOS[1]/CONSEQUENCE": _a(4),
            "SITES[1]/SCENARIOS[1]/PROBABILITY": _a(3),
        }
    )
    out = answers_calculate(edition=edition, index=index)
    assert out["SITES[1]/MAX_RISK"] == 25.0
    assert out["SITES[1]/SCENARIOS[1]/RISK_SHARE"] == 48.0

"""The objects that describe one question's answer, scoring, skip logic and guidance
(assembled in :mod:`.schema`)."""

from __future__ import annotations

from collections.abc import Mapping

from saferspaces.core.framework.model import (
    ANSWER_TYPES,
    SCORING_METHODS,
    SOURCE_KINDS,
)
from saferspaces.core.framework.schema_types import (
    FieldSpec,
    ObjectSpec,
    boolean,
    choice_code,
    enum,
    integer,
    list_of,
    map_of,
    number,
    obj,
    ref,
    scalar,
    string,
    text,
    url,
)

F = FieldSpec
_V1_ONLY = (1,)


def _object(name: str, fields: Mapping[str, FieldSpec], *, since: int = 1) -> ObjectSpec:
    return ObjectSpec(name=name, fields=dict(fields), since=since)


ANSWER_OBJECTS: tuple[ObjectSpec, ...] = (
    _object(
        "answer",
        {
            "type": F(
                enum(ANSWER_TYPES),
                "answer type",
                required=True,
                doc="One of the types below.",
                xlsform="type, ss_answer",
            ),
            "unit": F(
                text(),
                "unit (text), number only",
                when="number",
                doc="Unit (text); required for `number`, not used by the other types.",
                xlsform="ss_unit",
            ),
            "min": F(
                number(),
                "minimum accepted value",
                doc="Minimum accepted value (`number`, `percentage`, `rate_per_100k`, `year`).",
                xlsform="constraint, ss_min",
            ),
            "max": F(
                number(),
                "maximum accepted value",
                doc="Maximum accepted value (same types); must be above `min`.",
                xlsform="constraint, ss_max",
            ),
            "scale": F(
                list_of(obj("scale_point"), min_items=3),
                "likert scale points",
                when="likert",
                doc="The scale points (see *scale_point*): at least 3, every one labelled.",
                xlsform="choices",
            ),
            "choices": F(
                list_of(obj("choice"), min_items=2),
                "choices of single_choice / multiple_choice",
                when="choice",
                doc="The choices of `single_choice` / `multiple_choice` (see *choice*), at "
                "least 2.",
                xlsform="choices",
            ),
            "scores": F(
                map_of(number(lo=0, hi=100), keys=enum(("yes", "partly", "no"))),
                "yes_partly_no score overrides",
                doc="`yes_partly_no` only: overrides of the default scores `{yes: 100, "
                "partly: 50, no: 0}`.",
                xlsform="ss_scores",
            ),
        },
    ),
    _object(
        "scale_point",
        {
            "value": F(
                integer(),
                "integer value",
                required=True,
                doc="Whole number; unique within the scale.",
                xlsform="choices:name",
            ),
            "label": F(
                text(), "label (text)", required=True, doc="Label (text).", xlsform="choices:label"
            ),
        },
    ),
    _object(
        "choice",
        {
            "code": F(
                choice_code(),
                "lower_snake code",
                required=True,
                doc="`lower_snake` code, unique within the question.",
                xlsform="choices:name",
            ),
            "label": F(
                text(), "label (text)", required=True, doc="Label (text).", xlsform="choices:label"
            ),
            "score": F(
                number(lo=0, hi=100),
                "0-100 score",
                when="choice_scores",
                doc="0-100 score of this choice; required for every choice when the "
                "indicator is scored by `choice_scores`.",
                xlsform="choices:ss_score",
            ),
        },
    ),
    _object(
        "scoring",
        {
            "method": F(
                enum(SCORING_METHODS),
                "scoring method",
                required=True,
                doc="`goalposts`, `target`, `choice_scores`, `scale`, `data_driven` or "
                "`not_scored` (below).",
            ),
            "low": F(
                number(), "goalposts: lower goalpost", when="goalposts", doc="Lower goalpost."
            ),
            "high": F(
                number(),
                "goalposts: upper goalpost",
                when="goalposts",
                doc="Upper goalpost; must be above `low` (`low == high` is an error).",
            ),
            "target": F(
                number(),
                "target: value that scores 100",
                when="target",
                doc="The value that scores 100 (and anything beyond it).",
            ),
            "worst": F(
                number(),
                "target: value that scores 0",
                when="target",
                doc="The value that scores 0; with `higher_is_better` it lies below "
                "`target`, with `higher_is_worse` above.",
            ),
        },
    ),
    _object(
        "relevance",
        {
            "all": F(
                list_of(obj("relevance"), min_items=1),
                "every condition must hold",
                when="group",
                doc="List of conditions that must all hold.",
            ),
            "any": F(
                list_of(obj("relevance"), min_items=1),
                "at least one condition must hold",
                when="group",
                doc="List of conditions of which at least one holds.",
            ),
            "question": F(
                ref("question code"),
                "code of the question tested",
                when="test",
                doc="Code of the question tested.",
            ),
            "equals": F(
                scalar(),
                "answer equals the value",
                when="one test",
                doc="The answer equals this value (for `multiple_choice`: the value is "
                "among the chosen).",
            ),
            "answered": F(
                boolean(),
                "true: answered; false: not answered",
                when="one test",
                doc="`true`: the question is answered; `false`: it is not.",
            ),
            "in": F(
                list_of(scalar(), min_items=1),
                "answer is one of the values",
                when="one test",
                doc="The answer is one of these values.",
            ),
            "greater_than": F(
                number(),
                "answer is greater than the value",
                when="one test",
                doc="The answer is greater than this number (numeric and likert questions).",
            ),
            "less_than": F(
                number(),
                "answer is less than the value",
                when="one test",
                doc="The answer is less than this number.",
            ),
        },
    ),
    _object(
        "guidance",
        {
            "holders": F(
                text(),
                "who usually holds the data (text)",
                required=True,
                doc="Who in an administration usually holds the data (text), e.g. the "
                "statistics office, the police, the planning department.",
            ),
            "sources": F(
                list_of(obj("source"), min_items=1),
                "one or more sources",
                required=True,
                doc="One or more sources (see *source*).",
            ),
        },
    ),
    _object(
        "source",
        {
            "kind": F(
                enum(SOURCE_KINDS),
                "survey | register | audit | open_data | administrative",
                required=True,
                doc="`survey`, `register`, `audit`, `open_data` or `administrative`.",
            ),
            "name": F(
                text(),
                "name (text)",
                required=True,
                doc="Name of the survey, register or dataset (text).",
            ),
            "provider": F(
                string(), "provider, e.g. Eurostat", doc="Who publishes it, e.g. `Eurostat`."
            ),
            "dataset": F(
                string(), "open dataset code", doc="Open dataset code, e.g. `urb_percep`."
            ),
            "code": F(
                string(),
                "indicator code within the dataset",
                doc="Indicator code within the dataset, e.g. `PS3519V`.",
            ),
            "transform": F(
                string(),
                "how open data feeds the indicator",
                doc="How the open data feeds the indicator, e.g. `top_two_box` (share "
                "agreeing or strongly agreeing).",
            ),
            "url": F(url(), "web address", doc="Web address (`https://...`)."),
        },
    ),
)

ANSWER_TYPE_DOCS: Mapping[str, str] = {
    "number": "a number with a unit",
    "percentage": "0 to 100",
    "rate_per_100k": "count per 100 000 inhabitants, at least 0",
    "year": "a whole year",
    "likert": "one point of the scale (its `value`)",
    "yes_partly_no": "`yes`, `partly` or `no` (labels built in, in English and French)",
    "single_choice": "one choice code",
    "multiple_choice": "a list of choice codes",
    "text": "free text",
    "not_scored": "free text recorded for information",
}
"""What each answer type takes (the answer-types table of the docs)."""

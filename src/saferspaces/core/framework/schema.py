"""The schema of a framework edition file: every object and its allowed fields.

The validator uses it to report unknown and missing keys, and a test checks that
``docs/framework.md`` documents every field listed here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class FieldSpec:
    required: bool
    summary: str


def _f(summary: str, *, required: bool = False) -> FieldSpec:
    return FieldSpec(required=required, summary=summary)


SCHEMA: Mapping[str, Mapping[str, FieldSpec]] = {
    "file": {
        "format": _f("format identifier, `saferspaces-framework/1`", required=True),
        "edition": _f("identity of the edition and its comparability mapping", required=True),
        "checklist": _f("questions answered before and while collecting data"),
        "dimensions": _f("the dimension tree", required=True),
    },
    "edition": {
        "id": _f("edition identifier", required=True),
        "date": _f("publication date (YYYY-MM-DD)", required=True),
        "title": _f("title (text)", required=True),
        "description": _f("description (text)", required=True),
        "languages": _f("language codes; every text needs each of them", required=True),
        "previous": _f("id of the previous edition, or null"),
        "changes": _f("comparability mapping to the previous edition"),
    },
    "change": {
        "action": _f("keep | rename | replace | drop | add", required=True),
        "code": _f("indicator code in this edition"),
        "from": _f("indicator code(s) in the previous edition"),
        "note": _f("explanation (text)"),
    },
    "checklist_item": {
        "code": _f("unique code", required=True),
        "section": _f("scope | geography | sources | surveys | people", required=True),
        "question": _f("question (text)", required=True),
        "help": _f("help (text)"),
        "answer": _f("answer type", required=True),
        "relevant": _f("skip logic"),
    },
    "dimension": {
        "code": _f("unique code", required=True),
        "role": _f("scored | background (inherited by sub-dimensions)"),
        "title": _f("title (text)", required=True),
        "description": _f("description (text)"),
        "weight": _f("weight among sibling dimensions (scored only)"),
        "children": _f("sub-dimensions"),
        "indicators": _f("indicators"),
    },
    "indicator": {
        "code": _f("unique code", required=True),
        "kind": _f("perception | status | context", required=True),
        "question": _f("question (text)", required=True),
        "help": _f("help (text)"),
        "answer": _f("answer type", required=True),
        "direction": _f("higher_is_better | higher_is_worse"),
        "scoring": _f("how an answer becomes a 0-100 score", required=True),
        "weight": _f("weight among scored siblings of the same kind"),
        "relevant": _f("skip logic"),
        "guidance": _f("data-collection guidance", required=True),
        "sdg": _f("SDG indicator ids"),
    },
    "answer": {
        "type": _f("answer type", required=True),
        "unit": _f("unit (text), number only"),
        "min": _f("minimum accepted value"),
        "max": _f("maximum accepted value"),
        "scale": _f("likert scale points"),
        "choices": _f("choices of single_choice / multiple_choice"),
        "scores": _f("yes_partly_no score overrides"),
    },
    "scale_point": {
        "value": _f("integer value", required=True),
        "label": _f("label (text)", required=True),
    },
    "choice": {
        "code": _f("lower_snake code", required=True),
        "label": _f("label (text)", required=True),
        "score": _f("0-100 score"),
    },
    "scoring": {
        "method": _f("scoring method", required=True),
        "low": _f("goalposts: lower goalpost"),
        "high": _f("goalposts: upper goalpost"),
        "target": _f("target: value that scores 100"),
        "worst": _f("target: value that scores 0"),
    },
    "relevance": {
        "all": _f("every condition must hold"),
        "any": _f("at least one condition must hold"),
        "question": _f("code of the question tested"),
        "equals": _f("answer equals the value"),
        "answered": _f("true: answered; false: not answered"),
        "in": _f("answer is one of the values"),
        "greater_than": _f("answer is greater than the value"),
        "less_than": _f("answer is less than the value"),
    },
    "guidance": {
        "holders": _f("who usually holds the data (text)", required=True),
        "sources": _f("one or more sources", required=True),
    },
    "source": {
        "kind": _f("survey | register | audit | open_data | administrative", required=True),
        "name": _f("name (text)", required=True),
        "provider": _f("provider, e.g. Eurostat"),
        "dataset": _f("open dataset code"),
        "code": _f("indicator code within the dataset"),
        "transform": _f("how open data feeds the indicator"),
        "url": _f("web address"),
    },
}

"""Shared vocabulary of the XLSForm export and import."""

from __future__ import annotations

import re

from saferspaces.core.framework.schema import OBJECTS
from saferspaces.core.labels import label
from saferspaces.core.languages import language_name_local

LANG_SUFFIX_RE = re.compile(r"\(([a-z]{2,3})\)\s*$")

# survey rows that are not questions: the metadata XLSForm defines (KoboToolbox adds start and end
# to every new form; pyxform also reads the ``uri:`` and ``imei`` spellings) and form furniture
METADATA_TYPES = frozenset(
    {
        "start",
        "end",
        "today",
        "deviceid",
        "imei",
        "subscriberid",
        "simserial",
        "phonenumber",
        "username",
        "email",
        "audit",
        "start-geopoint",
        "background-audio",
        "uri:deviceid",
        "uri:subscriberid",
        "uri:simserial",
        "uri:phonenumber",
        "uri:username",
        "uri:email",
    }
)
NOT_QUESTION_TYPES = METADATA_TYPES | {"note", "calculate"}

CHECKLIST_GROUP = "checklist"
YPN_LIST = "yes_partly_no"
META_SHEET = "saferspaces"

# explicit answer statuses: a companion select_one ``<code>__status`` before each value field
STATUS_LIST = "ss_status"  # shared choice list (codes are upper case: no clash with list_name)
STATUS_SUFFIX = "__status"
STATUS_KIND = "answer_status"  # ss_kind of the companion field
STATUS_ANSWERED = "answered"
STATUS_CODES = ("answered", "dont_know", "not_applicable", "not_collected")
STATUS_HINT = label("xlsform.status_hint")


def xlsform_column(kind: str, field: str) -> str:
    """The custom ``ss_*`` column of a field, as the schema declaration names it."""
    columns = (c.strip() for c in OBJECTS[kind].fields[field].xlsform.split(","))
    return next(c.split(":")[-1] for c in columns if c.split(":")[-1].startswith("ss_"))


# custom columns of the survey sheet (pyxform and ODK ignore them), from the declaration
COL_KIND = xlsform_column("indicator", "kind")  # also: checklist | dimension | repeat | status
COL_ROLE = xlsform_column("dimension", "role")
COL_WEIGHT = xlsform_column("indicator", "weight")
COL_SECTION = xlsform_column("checklist_item", "section")
COL_ANSWER = xlsform_column("answer", "type")
COL_UNIT = xlsform_column("answer", "unit")
COL_MIN = xlsform_column("answer", "min")
COL_MAX = xlsform_column("answer", "max")
COL_SCORES = xlsform_column("answer", "scores")
COL_DIRECTION = xlsform_column("indicator", "direction")
COL_SCORING = xlsform_column("indicator", "scoring")
COL_RELEVANT = xlsform_column("indicator", "relevant")
COL_GUIDANCE = xlsform_column("indicator", "guidance")
COL_SDG = xlsform_column("indicator", "sdg")
COL_CONTENT = xlsform_column("indicator", "content")
COL_CALCULATE = xlsform_column("indicator", "calculate")
COL_SCORE = xlsform_column("choice", "score")  # choices sheet
CUSTOM_COLUMNS = tuple(
    dict.fromkeys(
        c.strip()
        for spec in OBJECTS.values()
        for f in spec.fields.values()
        for c in f.xlsform.split(",")
        if c.strip().startswith("ss_")
    )
)
COLUMN_SINCE = {  # the format version from which a custom column is used
    column: min(
        max(f.since, spec.since)
        for spec in OBJECTS.values()
        for f in spec.fields.values()
        if column in (c.strip() for c in f.xlsform.split(","))
    )
    for column in CUSTOM_COLUMNS
}
REPEAT_KIND = "repeat"  # ss_kind of a begin_repeat row

XLSFORM_TYPE = {
    "number": "decimal",
    "percentage": "decimal",
    "rate_per_100k": "decimal",
    "year": "integer",
    "text": "text",
    "not_scored": "text",
}

CONSTRAINT_MESSAGES = label("xlsform.constraint_range")  # {lo} and {hi}
CONSTRAINT_MESSAGES_MIN = label("xlsform.constraint_min")  # {lo}
CHECKLIST_TITLE = label("checklist.title")


def language_column(language: str) -> str:
    """``lv`` -> ``Latviešu (lv)``: the XLSForm convention for translated columns, the language
    named in itself (KoboToolbox and ODK show the name in their language menu)."""
    return f"{language_name_local(language)} ({language})"


def list_name(code: str) -> str:
    """Choice list name of a question (codes are upper case, so lower case cannot collide)."""
    return code.lower()


def status_field(code: str) -> str:
    """Name of the companion status field of question ``code`` (``QOL_P01__status``)."""
    return f"{code}{STATUS_SUFFIX}"

"""Shared vocabulary of the XLSForm export and import."""

from __future__ import annotations

import re

LANGUAGE_NAMES = {
    "bg": "Bulgarian",
    "cs": "Czech",
    "da": "Danish",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "et": "Estonian",
    "fi": "Finnish",
    "fr": "French",
    "ga": "Irish",
    "hr": "Croatian",
    "hu": "Hungarian",
    "it": "Italian",
    "lt": "Lithuanian",
    "lv": "Latvian",
    "mt": "Maltese",
    "nl": "Dutch",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sv": "Swedish",
}
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
STATUS_HINT = {
    "en": "Choose 'Answer' to give a value, or say why there is none.",
    "fr": "Choisissez « Réponse » pour saisir une valeur, ou indiquez pourquoi il n'y en a pas.",
}

# custom columns of the survey sheet (pyxform and ODK ignore them)
COL_KIND = "ss_kind"  # perception | status | context | checklist | dimension
COL_ROLE = "ss_role"
COL_WEIGHT = "ss_weight"
COL_SECTION = "ss_section"
COL_ANSWER = "ss_answer"
COL_UNIT = "ss_unit"
COL_MIN = "ss_min"
COL_MAX = "ss_max"
COL_SCORES = "ss_scores"
COL_DIRECTION = "ss_direction"
COL_SCORING = "ss_scoring"
COL_RELEVANT = "ss_relevant"
COL_GUIDANCE = "ss_guidance"
COL_SDG = "ss_sdg"
COL_SCORE = "ss_score"  # choices sheet
CUSTOM_COLUMNS = (
    COL_KIND,
    COL_ROLE,
    COL_WEIGHT,
    COL_SECTION,
    COL_ANSWER,
    COL_UNIT,
    COL_MIN,
    COL_MAX,
    COL_SCORES,
    COL_DIRECTION,
    COL_SCORING,
    COL_RELEVANT,
    COL_GUIDANCE,
    COL_SDG,
)

XLSFORM_TYPE = {
    "number": "decimal",
    "percentage": "decimal",
    "rate_per_100k": "decimal",
    "year": "integer",
    "text": "text",
    "not_scored": "text",
}

CONSTRAINT_MESSAGES = {
    "en": "Enter a value between {lo} and {hi}.",
    "fr": "Saisissez une valeur entre {lo} et {hi}.",
}
CONSTRAINT_MESSAGES_MIN = {
    "en": "Enter a value of at least {lo}.",
    "fr": "Saisissez une valeur d'au moins {lo}.",
}
CHECKLIST_TITLE = {"en": "Checklist", "fr": "Liste de contrôle"}


def language_column(language: str) -> str:
    """``en`` -> ``English (en)``, the XLSForm convention for translated columns."""
    return f"{LANGUAGE_NAMES.get(language, language)} ({language})"


def list_name(code: str) -> str:
    """Choice list name of a question (codes are upper case, so lower case cannot collide)."""
    return code.lower()


def status_field(code: str) -> str:
    """Name of the companion status field of question ``code`` (``QOL_P01__status``)."""
    return f"{code}{STATUS_SUFFIX}"

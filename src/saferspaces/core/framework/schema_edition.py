"""The objects of the edition file itself: file, edition, change, checklist item, dimension,
indicator (assembled in :mod:`.schema`)."""

from __future__ import annotations

from collections.abc import Mapping

from saferspaces.core.framework.model import (
    CHANGE_ACTIONS,
    CHECKLIST_SECTIONS,
    DIRECTIONS,
    KINDS,
    ROLES,
)
from saferspaces.core.framework.schema_types import (
    EDITION_ID_PATTERN,
    LANG_PATTERN,
    SDG_PATTERN,
    FieldSpec,
    ObjectSpec,
    code,
    date,
    enum,
    expression,
    list_of,
    null,
    number,
    obj,
    one_of,
    ref,
    string,
    text,
)

F = FieldSpec
_V1_ONLY = (1,)


def _object(name: str, fields: Mapping[str, FieldSpec], *, since: int = 1) -> ObjectSpec:
    return ObjectSpec(name=name, fields=dict(fields), since=since)


EDITION_OBJECTS: tuple[ObjectSpec, ...] = (
    _object(
        "file",
        {
            "format": F(
                string(doc="format identifier"),
                "format identifier, `saferspaces-framework/1` or `/2`",
                required=True,
                doc="`saferspaces-framework/1` or `saferspaces-framework/2`.",
            ),
            "edition": F(
                obj("edition"),
                "identity of the edition and its comparability mapping",
                required=True,
                doc="The edition's identity and its comparability mapping (see *edition*).",
            ),
            "instrument": F(
                obj("instrument"),
                "the instrument this edition belongs to",
                required=True,
                since=2,
                when="format 2",
                doc="What the instrument is: family, subject, respondents, result model "
                "(see *instrument*). Format 1 files have none: they are the first instrument.",
            ),
            "checklist": F(
                list_of(obj("checklist_item")),
                "questions answered before and while collecting data",
                doc="List of checklist items (see *checklist_item*).",
            ),
            "dimensions": F(
                list_of(obj("dimension"), min_items=1),
                "the dimension tree",
                required=True,
                doc="List of top-level dimensions (see *dimension*), at least one.",
            ),
        },
    ),
    _object(
        "edition",
        {
            "id": F(
                string(pattern=EDITION_ID_PATTERN, doc="edition id"),
                "edition identifier",
                required=True,
                doc="Edition identifier, `^[a-z0-9][a-z0-9.\\-]+$`, e.g. `ssf-2026.1`; "
                "also the file name.",
            ),
            "date": F(date(), "publication date (YYYY-MM-DD)", required=True),
            "title": F(text(), "title (text)", required=True),
            "description": F(
                text(),
                "description (text)",
                required=True,
                doc="Description (text). For editions derived from the Partnership's "
                "structure, say so, say that coordinators can edit it, and that it is not "
                "the Partnership's own list.",
            ),
            "languages": F(
                list_of(string(pattern=LANG_PATTERN, doc="language code"), min_items=1),
                "language codes; every text needs each of them",
                required=True,
                doc="Language codes, e.g. `[en, fr]`; must include `en`.",
            ),
            "previous": F(
                one_of(string(), null(), doc="edition id or null"),
                "id of the previous edition, or null",
                doc="Identifier of the previous edition, or `null` for a first edition.",
            ),
            "changes": F(
                list_of(obj("change")),
                "comparability mapping to the previous edition",
                doc="Only when `previous` is set: the comparability mapping, a list of *change*.",
            ),
        },
    ),
    _object(
        "change",
        {
            "action": F(
                enum(CHANGE_ACTIONS),
                "keep | rename | replace | drop | add",
                required=True,
                doc="`keep` (needs `code`), `rename` (`from` one code, `code`), `replace` "
                "(`from` one or more codes, `code`), `drop` (`from`, no `code`), `add` "
                "(`code`).",
            ),
            "code": F(
                ref("indicator code"),
                "indicator code in this edition",
                when="depends",
                doc="The indicator code in this edition.",
            ),
            "from": F(
                one_of(ref("indicator code"), list_of(ref("indicator code"), min_items=1)),
                "indicator code(s) in the previous edition",
                when="depends",
                doc="The indicator code(s) in the previous edition.",
            ),
            "note": F(
                text(), "explanation (text)", doc="Why (text), shown in the browser and in `diff`."
            ),
        },
    ),
    _object(
        "checklist_item",
        {
            "code": F(
                code("checklist"),
                "unique code",
                required=True,
                doc="Unique code (conventionally `CL_...`).",
                xlsform="name",
            ),
            "section": F(
                enum(CHECKLIST_SECTIONS, open_enum=True),
                "scope | geography | sources | surveys | people",
                required=True,
                doc="A section of the instrument (see *section*); in format 1: `scope`, "
                "`geography`, `sources`, `surveys` or `people`.",
                xlsform="ss_section",
            ),
            "question": F(
                text(),
                "question (text)",
                required=True,
                doc="The question (text).",
                xlsform="label",
            ),
            "help": F(
                text(),
                "help (text)",
                doc="Help for the person answering (text).",
                xlsform="hint",
            ),
            "answer": F(
                obj("answer"),
                "answer type",
                required=True,
                doc="The answer type (see *answer*).",
                xlsform="type",
            ),
            "relevant": F(
                obj("relevance"),
                "skip logic",
                doc="Skip logic (see *relevance*).",
                xlsform="relevant, ss_relevant",
            ),
        },
    ),
    _object(
        "dimension",
        {
            "code": F(
                code("dimension"), "unique code", required=True, doc="Unique code.", xlsform="name"
            ),
            "role": F(
                enum(ROLES),
                "scored | background (inherited by sub-dimensions)",
                when="top level",
                default="format 2: `scored`",
                doc="`scored` or `background` (background conditions: context for peer "
                "matching, never scored). Sub-dimensions inherit the role of their parent "
                "and may not change it.",
                xlsform="ss_role",
            ),
            "title": F(text(), "title (text)", required=True, xlsform="label", doc="Title (text)."),
            "description": F(
                text(), "description (text)", xlsform="hint", doc="Description (text)."
            ),
            "content": F(
                obj("content"),
                "why, how, examples and links",
                since=2,
                doc="Rich content: why it matters, how, examples, cited links (see *content*).",
                xlsform="ss_content",
            ),
            "weight": F(
                number(lo=0),
                "weight among sibling dimensions (scored only)",
                when="scored",
                doc="Weight among sibling dimensions; scored siblings add up to 100. Not "
                "allowed in background dimensions, nor outside the composite result model.",
                xlsform="ss_weight",
            ),
            "children": F(
                list_of(obj("dimension"), min_items=1),
                "sub-dimensions",
                when="either",
                doc="Sub-dimensions (same shape).",
                xlsform="begin_group",
            ),
            "indicators": F(
                list_of(obj("indicator"), min_items=1),
                "indicators",
                when="either",
                doc="Indicators (see *indicator*).",
            ),
            "repeats": F(
                list_of(obj("repeat"), min_items=1),
                "repeat groups",
                since=2,
                when="either",
                doc="Repeat groups (see *repeat*); with or without `indicators`, never with "
                "`children`.",
                xlsform="begin_repeat",
            ),
        },
    ),
    _object(
        "indicator",
        {
            "code": F(
                code("indicator"), "unique code", required=True, doc="Unique code.", xlsform="name"
            ),
            "kind": F(
                enum(KINDS, open_enum=True),
                "perception | status | context",
                required=True,
                required_in=_V1_ONLY,
                when="yes (format 2: with measures)",
                default="format 2 without measures: `context`",
                doc="A measure of the instrument or `context` (background conditions only); "
                "format 1: `perception` (how people feel), `status` (what data and audits "
                "show) or `context`. A context indicator in a scored dimension is an error "
                "(composite model).",
                xlsform="ss_kind",
            ),
            "question": F(
                text(),
                "question (text)",
                required=True,
                doc="The question asked (text).",
                xlsform="label",
            ),
            "help": F(
                text(),
                "help (text)",
                doc="Help text: definitions, period, how to compute (text).",
                xlsform="hint",
            ),
            "content": F(
                obj("content"),
                "why, how, examples and links",
                since=2,
                doc="Rich content (see *content*).",
                xlsform="ss_content",
            ),
            "answer": F(
                obj("answer"),
                "answer type",
                required=True,
                required_in=_V1_ONLY,
                when="yes (format 2: unless computed)",
                default="format 2 with `calculate`: a number",
                doc="The answer type (see *answer*).",
                xlsform="type, ss_answer",
            ),
            "calculate": F(
                expression(),
                "computed field: an expression",
                since=2,
                doc="A computed field: never asked, computed from other items by an "
                "expression such as `CONSEQUENCE * PROBABILITY` (see *Computed fields*).",
                xlsform="calculation, ss_calculate",
            ),
            "direction": F(
                enum(DIRECTIONS),
                "higher_is_better | higher_is_worse",
                when="scored",
                doc="`higher_is_better` or `higher_is_worse`; required when the indicator "
                "is scored.",
                xlsform="ss_direction",
            ),
            "scoring": F(
                obj("scoring"),
                "how an answer becomes a 0-100 score",
                required=True,
                required_in=_V1_ONLY,
                when="yes (format 2: composite)",
                default="format 2: `not_scored`",
                doc="How an answer becomes a 0-100 indicator score (see *scoring*). "
                "Background indicators use `not_scored`; a scored indicator in a "
                "background dimension is an error. Only the composite result model scores.",
                xlsform="ss_scoring",
            ),
            "weight": F(
                number(lo=0),
                "weight among scored siblings of the same kind",
                when="scored",
                doc="Weight among the scored sibling indicators of the same kind; each "
                "group adds up to 100. Only scored indicators have a weight.",
                xlsform="ss_weight",
            ),
            "relevant": F(
                obj("relevance"),
                "skip logic",
                doc="Skip logic (see *relevance*).",
                xlsform="relevant, ss_relevant",
            ),
            "guidance": F(
                obj("guidance"),
                "data-collection guidance",
                required=True,
                required_in=_V1_ONLY,
                when="format 1",
                doc="Where the data usually comes from (see *guidance*).",
                xlsform="ss_guidance",
            ),
            "sdg": F(
                list_of(string(pattern=SDG_PATTERN, doc="SDG id")),
                "SDG indicator ids",
                doc='Linked SDG indicator ids such as `"11.7.2"`, `"16.1.3"`, `"16.1.4"` '
                "(quote them in YAML).",
                xlsform="ss_sdg",
            ),
        },
    ),
)

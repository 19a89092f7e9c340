"""The objects format version 2 adds: the instrument header, result parameters, content and
repeat groups (declared like the others; assembled in :mod:`.schema`)."""

from __future__ import annotations

from collections.abc import Mapping

from saferspaces.core.framework.instrument import (
    PEER_CONDITIONS,
    RESPONDENTS,
    RESULT_MODELS,
    SUBJECTS,
)
from saferspaces.core.framework.model import (
    REPEAT_COUNT_LIMIT,
    REPEAT_DEFAULT_MAX,
    REPEAT_DEPTH_MAX,
)
from saferspaces.core.framework.schema_types import (
    FAMILY_PATTERN,
    FieldSpec,
    ObjectSpec,
    boolean,
    choice_code,
    code,
    date,
    enum,
    integer,
    list_of,
    map_of,
    number,
    obj,
    one_of,
    ref,
    string,
    text,
    url,
)

F = FieldSpec
PEER_DOCS = {
    "population": "Context indicator giving the population (peers of a similar size).",
    "density": "Context indicator giving the population density.",
    "urbanisation": "Context indicator giving the degree of urbanisation.",
    "income": "Context indicator giving the income level.",
}


def _v2(name: str, fields: Mapping[str, FieldSpec]) -> ObjectSpec:
    return ObjectSpec(
        name=name,
        fields={k: FieldSpec(**{**f.__dict__, "since": 2}) for k, f in fields.items()},
        since=2,
    )


INSTRUMENT_OBJECTS: tuple[ObjectSpec, ...] = (
    _v2(
        "instrument",
        {
            "family": F(
                string(pattern=FAMILY_PATTERN, doc="family"),
                "family of editions compared over time",
                required=True,
                doc="`lower_snake` name; trends compare editions of one family only. Format 1: "
                "the edition id up to its first `-` (`ssf` for `ssf-2026.1`).",
            ),
            "subject": F(
                enum(SUBJECTS),
                "what is assessed",
                required=True,
                doc="What one assessment is about: `authority`, `site` (a public space) or "
                "`person`. Format 1: `authority`.",
            ),
            "respondents": F(
                enum(RESPONDENTS),
                "who answers",
                required=True,
                doc="`team` (a team with assignments and consensus) or `individual` (each "
                "person alone). Format 1: `team`.",
            ),
            "result_model": F(
                enum(RESULT_MODELS),
                "how answers become results",
                required=True,
                doc="`composite`, `tally`, `risk_matrix`, `levels` or `none` (see *Result "
                "models*). Format 1: `composite`.",
            ),
            "result": F(
                one_of(
                    obj("result_tally"),
                    obj("result_risk_matrix"),
                    obj("result_levels"),
                    obj("result_none"),
                ),
                "parameters of the result model",
                when="tally, risk_matrix, levels",
                doc="The result model's parameters: *result_tally*, *result_risk_matrix*, "
                "*result_levels* or *result_none* (`composite` takes its parameters from the "
                "pipeline file).",
            ),
            "measures": F(
                list_of(obj("measure")),
                "what the indicators measure",
                when="composite",
                default="format 1: perception, status; format 2: none",
                doc="The measures (see *measure*); an indicator's `kind` is one of them or "
                "`context`. The composite model computes `perception` and `status`.",
            ),
            "contrasts": F(
                list_of(obj("contrast")),
                "declared differences of two measures",
                default="format 1: gap; format 2: none",
                doc="Differences of two measures (see *contrast*); format 1: `gap` = "
                "perception − status.",
            ),
            "peers": F(
                one_of(enum(("none",)), obj("peers")),
                "background conditions of similar peers, or none",
                default="format 1: the pipeline's; format 2: `none`",
                doc="`none`, or the context indicators that find similar peers (see *peers*). "
                "Format 1: the conditions of the pipeline file's `platform.background`.",
            ),
            "sharing": F(
                obj("sharing"),
                "what may be shared, published and exported",
                default="format 1: everything; format 2: nothing",
                doc="What may leave the subject's own view (see *sharing*); never more than "
                "the result model allows.",
            ),
            "sections": F(
                list_of(obj("section"), min_items=1),
                "checklist sections",
                default="the five of format 1",
                doc="The checklist sections (see *section*); format 1: `scope`, `geography`, "
                "`sources`, `surveys`, `people`.",
            ),
        },
    ),
    _v2(
        "measure",
        {
            "code": F(
                choice_code(),
                "lower_snake code",
                required=True,
                doc="`lower_snake` code, e.g. `perception`; not `context`.",
            ),
            "label": F(text(), "label (text)", required=True, doc="Label (text)."),
            "description": F(text(), "description (text)", doc="What it measures (text)."),
        },
    ),
    _v2(
        "contrast",
        {
            "code": F(
                choice_code(),
                "lower_snake code",
                required=True,
                doc="`lower_snake` code, e.g. `gap`.",
            ),
            "label": F(text(), "label (text)", required=True, doc="Label (text)."),
            "difference": F(
                list_of(choice_code(), min_items=2, max_items=2),
                "[a, b]: measure a minus measure b",
                required=True,
                doc="Two measures `[a, b]`: the contrast is a − b, node by node.",
            ),
            "description": F(text(), "description (text)", doc="How to read it (text)."),
        },
    ),
    _v2(
        "peers",
        {
            key: F(ref("context indicator code"), f"{key}: a context indicator", doc=PEER_DOCS[key])
            for key in PEER_CONDITIONS
        },
    ),
    _v2(
        "sharing",
        {
            "peers": F(
                boolean(),
                "results shown to peer subjects",
                default="format 1: true; format 2: false",
                doc="Results may be shown to peers (the peer view).",
            ),
            "publish": F(
                boolean(),
                "results included in published aggregates",
                default="format 1: true; format 2: false",
                doc="Results may enter published aggregates of the network.",
            ),
            "export": F(
                boolean(),
                "results included in network-wide exports",
                default="format 1: true; format 2: false",
                doc="Results may enter exports made for coordinators and analysts (a subject's "
                "own export is always allowed).",
            ),
        },
    ),
    _v2(
        "section",
        {
            "code": F(
                choice_code(),
                "lower_snake code",
                required=True,
                doc="`lower_snake` code, the `section` of checklist items.",
            ),
            "title": F(text(), "title (text)", required=True, doc="Title (text)."),
        },
    ),
    _v2(
        "result_tally",
        {
            "by": F(
                list_of(ref("item code"), min_items=1),
                "choice items counted by category",
                required=True,
                doc="Choice items (single or multiple choice, yes/partly/no, likert) whose "
                "answers are counted by category; items counted together share their choices.",
            ),
            "per": F(
                ref("repeat group code"),
                "repeat group with a distribution per instance",
                doc="A repeat group around the items: counts per instance of it as well.",
            ),
        },
    ),
    _v2(
        "result_risk_matrix",
        {
            "risk": F(
                ref("item code"),
                "the numeric or computed item holding the risk",
                required=True,
                doc="A numeric item inside a repeat group, usually computed (`calculate: "
                "CONSEQUENCE * PROBABILITY`): the risk of one instance (a scenario).",
            ),
            "bands": F(
                list_of(obj("band"), min_items=2),
                "risk bands, lowest first",
                required=True,
                doc="The bands (see *band*), lowest first.",
            ),
            "per": F(
                ref("repeat group code"),
                "enclosing repeat group with a distribution per instance",
                doc="A repeat group around the risk's group (sites around scenarios): the "
                "distribution of bands per instance.",
            ),
        },
    ),
    _v2(
        "band",
        {
            "code": F(
                choice_code(),
                "lower_snake code",
                required=True,
                doc="`lower_snake` code, e.g. `high`.",
            ),
            "label": F(text(), "label (text)", required=True, doc="Label (text)."),
            "min": F(
                number(),
                "lowest risk in the band",
                required=True,
                doc="Lowest risk in the band (inclusive); each band above starts higher.",
            ),
        },
    ),
    _v2(
        "result_levels",
        {
            "levels": F(
                list_of(choice_code(), min_items=2),
                "level codes, lowest first",
                required=True,
                doc="The levels, lowest first: the choice codes of the items assessed.",
            ),
            "target": F(
                choice_code(),
                "the target level",
                required=True,
                doc="The level each item should reach.",
            ),
            "targets": F(
                map_of(choice_code(), keys=ref("item code")),
                "item code -> its own target level",
                doc="Items with a target of their own: `{ITEM: advanced}`.",
            ),
            "items": F(
                list_of(ref("item code"), min_items=1),
                "the items assessed",
                default="every single-choice item whose choices are levels",
                doc="The items assessed; when left out, every single-choice item whose choices "
                "are all levels.",
            ),
        },
    ),
    _v2(
        "result_none",
        {
            "count": F(
                list_of(ref("item code"), min_items=1),
                "choice items whose answers are counted",
                doc="Choice items whose answers are counted by choice; when left out, the "
                "survey has no results, only its answers.",
            ),
        },
    ),
    _v2(
        "content",
        {
            "why": F(text(), "why it matters (text)", doc="Why it matters (text)."),
            "how": F(text(), "how to do it (text)", doc="How to do it, step by step (text)."),
            "examples": F(text(), "examples (text)", doc="Examples from practice (text)."),
            "links": F(
                list_of(obj("link"), min_items=1),
                "public sources cited",
                doc="The public sources it draws on, each cited with its date (see *link*).",
            ),
        },
    ),
    _v2(
        "link",
        {
            "url": F(url(), "web address", required=True, doc="Web address (`https://...`)."),
            "title": F(
                string(),
                "title of the page or document",
                required=True,
                doc="Title of the page or document, in its own language.",
            ),
            "accessed": F(
                date(),
                "date it was read (YYYY-MM-DD)",
                required=True,
                doc="The date it was read, `YYYY-MM-DD`.",
            ),
        },
    ),
    _v2(
        "repeat",
        {
            "code": F(
                code("repeat"),
                "unique code",
                required=True,
                doc="Unique code (the code space of the whole file).",
                xlsform="name",
            ),
            "title": F(
                text(),
                "title (text)",
                required=True,
                doc="Title of one instance (text), e.g. *Site*.",
                xlsform="label",
            ),
            "help": F(text(), "help (text)", doc="Help (text).", xlsform="hint"),
            "min": F(
                integer(lo=0, hi=REPEAT_COUNT_LIMIT),
                "fewest instances",
                default="0",
                doc="Fewest instances an answer needs.",
                xlsform="ss_min",
            ),
            "max": F(
                integer(lo=1, hi=REPEAT_COUNT_LIMIT),
                "most instances",
                default=str(REPEAT_DEFAULT_MAX),
                doc=f"Most instances, at most {REPEAT_COUNT_LIMIT}; not below `min`.",
                xlsform="ss_max",
            ),
            "items": F(
                list_of(obj("indicator"), min_items=1),
                "the items of one instance",
                required=True,
                doc="The items answered for each instance (same object as *indicator*).",
            ),
            "repeats": F(
                list_of(obj("repeat"), min_items=1),
                "nested repeat groups",
                doc="Repeat groups inside each instance (scenarios of a site); groups nest "
                f"at most {REPEAT_DEPTH_MAX} deep.",
                xlsform="begin_repeat",
            ),
        },
    ),
)

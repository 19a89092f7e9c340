"""Read stored editions and prepare them for the pages (texts in the active language)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from saferspaces.core.assessment import (
    EditionPipeline,
    edition_pipeline_default,
    edition_pipeline_load,
)
from saferspaces.core.framework import (
    AnswerSpec,
    Dimension,
    Edition,
    Indicator,
    Relevance,
    Scoring,
    edition_load,
    text_get,
)
from saferspaces.core.framework.diff import EditionDiff, edition_diff
from saferspaces.frameworks.models import FrameworkEdition

KIND_LABELS = {"perception": _("Perception"), "status": _("Status"), "context": _("Context")}
ROLE_LABELS = {"scored": _("Scored"), "background": _("Background conditions (never scored)")}
SECTION_LABELS = {
    "scope": _("Scope"),
    "geography": _("Geography"),
    "sources": _("Sources"),
    "surveys": _("Surveys"),
    "people": _("People involved"),
}
ANSWER_LABELS = {
    "number": _("Number"),
    "percentage": _("Percentage"),
    "rate_per_100k": _("Count per 100 000 inhabitants"),
    "likert": _("Agreement scale"),
    "yes_partly_no": _("Yes / partly / no"),
    "single_choice": _("Single choice"),
    "multiple_choice": _("Multiple choice"),
    "year": _("Year"),
    "text": _("Free text"),
    "not_scored": _("Not scored"),
}
DIRECTION_LABELS = {
    "higher_is_better": _("Higher is better"),
    "higher_is_worse": _("Higher is worse"),
}
SOURCE_LABELS = {
    "survey": _("Survey"),
    "register": _("Register"),
    "audit": _("Audit"),
    "open_data": _("Open data"),
    "administrative": _("Administrative data"),
}
ACTION_LABELS = {
    "keep": _("Kept"),
    "rename": _("Renamed"),
    "replace": _("Replaced"),
    "drop": _("Dropped"),
    "add": _("Added"),
}


def edition_list() -> QuerySet[FrameworkEdition]:
    return FrameworkEdition.objects.select_related("uploaded_by").all()


# content hash -> parsed edition (the 16 most recently parsed): the source is read only on a
# miss, so rows loaded with ``.defer("edition__source")`` (about 150 kB each) stay light
_PARSED: dict[str, Edition] = {}
_PARSED_MAX = 16


def edition_parsed(*, row: FrameworkEdition) -> Edition:
    """The validated edition of a stored row (cached by content hash; a deferred source is
    read from the database only when the edition is not parsed yet)."""
    hit = _PARSED.get(row.sha256)
    if hit is None:
        hit = edition_load(text=row.source, file=f"{row.edition_id}.yaml")
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.pop(next(iter(_PARSED)))
        _PARSED[row.sha256] = hit
    return hit


# (edition, its content hash, the pipeline file's hash) -> parsed pipeline, the 16 latest
_PIPELINES: dict[tuple[str, str, str], EditionPipeline] = {}


def edition_pipeline(*, row: FrameworkEdition, edition: Edition) -> EditionPipeline:
    """The stored edition's scoring pipeline (its file, else the default), cached by content.

    Raises :class:`~saferspaces.core.assessment.EditionPipelineError` when the file is invalid.
    """
    digest = hashlib.sha256(row.pipeline.encode("utf-8")).hexdigest()
    key = (row.edition_id, row.sha256, digest)
    hit = _PIPELINES.get(key)
    if hit is None:
        if row.pipeline.strip():
            hit = edition_pipeline_load(
                text=row.pipeline, edition=edition, source=f"{row.edition_id}.pipeline.yml"
            )
        else:
            hit = edition_pipeline_default(edition=edition)
        if len(_PIPELINES) >= _PARSED_MAX:
            _PIPELINES.pop(next(iter(_PIPELINES)))
        _PIPELINES[key] = hit
    return hit


def _num(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:g}"


def _answer(answer: AnswerSpec, lang: str) -> dict[str, Any]:
    details: list[str] = []
    if answer.unit is not None:
        details.append(text_get(answer.unit, lang))
    if answer.min is not None or answer.max is not None:
        details.append(f"{_num(answer.min) or '…'} – {_num(answer.max) or '…'}")
    options = [
        {"code": c.code, "label": text_get(c.label, lang), "score": _num(c.score)}
        for c in answer.choice_options()
    ]
    return {
        "type": answer.type,
        "label": ANSWER_LABELS.get(answer.type, answer.type),
        "details": ", ".join(details),
        "options": options,
    }


def _scoring(scoring: Scoring) -> str:
    m = scoring.method
    if m == "goalposts":
        return str(
            _("Goalposts %(low)s to %(high)s")
            % {"low": _num(scoring.low), "high": _num(scoring.high)}
        )
    if m == "target":
        return str(
            _("Distance to target %(target)s (0 at %(worst)s)")
            % {"target": _num(scoring.target), "worst": _num(scoring.worst)}
        )
    return str(
        {
            "choice_scores": _("Score of the chosen answer"),
            "scale": _("Scale mapped to 0–100"),
            "data_driven": _("Normalised across authorities by the scoring engine"),
            "not_scored": _("Not scored"),
        }.get(m, m)
    )


def relevance_text(rel: Relevance) -> str:
    """A short human reading of skip logic (codes stay codes)."""
    if rel.op in ("all", "any"):
        joiner = str(_(" and ")) if rel.op == "all" else str(_(" or "))
        parts = [relevance_text(r) for r in rel.items]
        return "(" + joiner.join(parts) + ")" if len(parts) > 1 else parts[0]
    q = rel.question
    v = ", ".join(str(x) for x in rel.value) if isinstance(rel.value, tuple) else str(rel.value)
    if rel.op == "answered":
        return str(
            _("%(q)s is answered") % {"q": q}
            if rel.value
            else _("%(q)s is not answered") % {"q": q}
        )
    template = {
        "equals": _("%(q)s is %(v)s"),
        "in": _("%(q)s is one of %(v)s"),
        "greater_than": _("%(q)s is greater than %(v)s"),
        "less_than": _("%(q)s is less than %(v)s"),
    }[rel.op]
    return str(template % {"q": q, "v": v})


def sdg_url(sdg: str) -> str:
    """UN SDG metadata file of an indicator id such as 16.1.4 (11.a.1 -> Metadata-11-0a-01)."""
    goal, target, number = sdg.split(".")
    return (
        "https://unstats.un.org/sdgs/metadata/files/"
        f"Metadata-{int(goal):02d}-{target.zfill(2)}-{int(number):02d}.pdf"
    )


def _indicator(ind: Indicator, lang: str) -> dict[str, Any]:
    guidance = ind.guidance
    return {
        "code": ind.code,
        "kind": ind.kind,
        "kind_label": KIND_LABELS.get(ind.kind, ind.kind),
        "question": text_get(ind.question, lang),
        "help": text_get(ind.help, lang),
        "answer": _answer(ind.answer, lang),
        "direction": DIRECTION_LABELS.get(ind.direction or "", ""),
        "scoring": _scoring(ind.scoring),
        "weight": _num(ind.weight),
        "relevant": relevance_text(ind.relevant) if ind.relevant else "",
        "holders": text_get(guidance.holders, lang) if guidance else "",
        "sources": [
            {
                "kind": SOURCE_LABELS.get(s.kind, s.kind),
                "name": text_get(s.name, lang),
                "provider": s.provider or "",
                "dataset": s.dataset or "",
                "code": s.code or "",
                "transform": s.transform or "",
                "url": s.url or "",
            }
            for s in (guidance.sources if guidance else ())
        ],
        "sdg": [{"id": s, "url": sdg_url(s)} for s in ind.sdg],
    }


def _dimension(dim: Dimension, lang: str, depth: int) -> dict[str, Any]:
    return {
        "code": dim.code,
        "role": dim.role,
        "role_label": ROLE_LABELS.get(dim.role, dim.role),
        "title": text_get(dim.title, lang),
        "description": text_get(dim.description, lang),
        "weight": _num(dim.weight),
        "level": min(2 + depth, 6),
        "children": [_dimension(c, lang, depth + 1) for c in dim.children],
        "indicators": [_indicator(i, lang) for i in dim.indicators],
    }


def edition_present(*, edition: Edition, language: str) -> dict[str, Any]:
    """Everything the framework browser shows, with texts in ``language`` (fallback English)."""
    sections: dict[str, list[dict[str, Any]]] = {}
    for item in edition.checklist:
        sections.setdefault(item.section, []).append(
            {
                "code": item.code,
                "question": text_get(item.question, language),
                "help": text_get(item.help, language),
                "answer": _answer(item.answer, language),
                "relevant": relevance_text(item.relevant) if item.relevant else "",
            }
        )
    indicators = [ind for _, ind in edition.indicators()]
    return {
        "id": edition.id,
        "date": edition.date,
        "title": text_get(edition.title, language),
        "description": text_get(edition.description, language),
        "languages": edition.languages,
        "previous": edition.previous,
        "checklist": [
            {"section": SECTION_LABELS.get(s, s), "items": items} for s, items in sections.items()
        ],
        "dimensions": [_dimension(d, language, 0) for d in edition.dimensions],
        "counts": {
            "indicators": len(indicators),
            "perception": sum(1 for i in indicators if i.kind == "perception"),
            "status": sum(1 for i in indicators if i.kind == "status"),
            "context": sum(1 for i in indicators if i.kind == "context"),
            "checklist": len(edition.checklist),
        },
    }


def edition_changes(*, edition: Edition) -> tuple[EditionDiff | None, bool]:
    """The diff from the stored previous edition; second value: previous declared but missing."""
    if not edition.previous:
        return None, False
    row = FrameworkEdition.objects.filter(edition_id=edition.previous).first()
    if row is None:
        return None, True
    return edition_diff(old=edition_parsed(row=row), new=edition), False


def changes_present(*, diff: EditionDiff, language: str) -> list[dict[str, Any]]:
    rows = []
    for c in diff.indicators:
        if c.action == "keep" and not c.fields and not c.moved:
            continue
        rows.append(
            {
                "action": ACTION_LABELS.get(c.action, c.action),
                "old": ", ".join(c.old_codes),
                "new": c.new_code or "",
                "declared": c.declared,
                "fields": ", ".join(c.fields),
                "comparable": c.comparable,
                "note": text_get(c.note, language) if c.note else "",
            }
        )
    return rows

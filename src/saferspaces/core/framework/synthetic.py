"""Synthetic editions of any size, for benchmarks and property tests (deterministic by seed)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from saferspaces.core.framework.model import FORMAT_ID

_TYPES = (
    "likert",
    "percentage",
    "rate_per_100k",
    "yes_partly_no",
    "single_choice",
    "multiple_choice",
    "number",
    "year",
)


def _t(en: str) -> dict[str, str]:
    return {"en": en, "fr": f"{en} (fr)"}


def _split(total: int, n: int) -> list[float]:
    """``n`` weights with two decimals that add up to ``total`` exactly."""
    base = round(total / n, 2)
    weights = [base] * n
    weights[-1] = round(total - base * (n - 1), 2)
    return weights


def _answer_and_scoring(
    rng: random.Random, atype: str, i: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    if atype == "likert":
        scale = [{"value": v, "label": _t(f"Point {v}")} for v in range(1, 6)]
        return {"type": "likert", "scale": scale}, {"method": "scale"}
    if atype == "percentage":
        return {"type": "percentage"}, {"method": "goalposts", "low": 10, "high": 90}
    if atype == "rate_per_100k":
        return {"type": "rate_per_100k"}, {"method": "target", "target": 50, "worst": 1000}
    if atype == "yes_partly_no":
        return {"type": "yes_partly_no"}, {"method": "choice_scores"}
    if atype in ("single_choice", "multiple_choice"):
        choices = [
            {"code": f"c{k}", "label": _t(f"Choice {k} of {i}"), "score": k * 25}
            for k in range(rng.randint(2, 5))
        ]
        return {"type": atype, "choices": choices}, {"method": "choice_scores"}
    if atype == "number":
        return (
            {"type": "number", "unit": _t("metres"), "min": 0, "max": 10000},
            {"method": "data_driven"},
        )
    return {"type": "year", "min": 1990, "max": 2100}, {
        "method": "goalposts",
        "low": 2000,
        "high": 2030,
    }


def edition_synthetic_data(*, questions: int, seed: int = 0) -> dict[str, Any]:
    """Plain data of a valid edition with ``questions`` indicators (plus 5 checklist items)."""
    rng = random.Random(seed)
    checklist: list[dict[str, Any]] = [
        {
            "code": f"CL_{k:02d}",
            "section": "surveys",
            "question": _t(f"Checklist question {k}"),
            "answer": {"type": "yes_partly_no"},
        }
        for k in range(5)
    ]
    n_scored = max(questions - max(questions // 20, 1), 2)
    n_dims, n_subs = 5, 2
    groups: list[list[int]] = [[] for _ in range(n_dims * n_subs)]
    for i in range(n_scored):
        groups[i % len(groups)].append(i)
    dims: list[dict[str, Any]] = []
    earlier: list[tuple[str, str]] = [(str(c["code"]), "yes_partly_no") for c in checklist]
    for d in range(n_dims):
        children = []
        for s in range(n_subs):
            members = groups[d * n_subs + s]
            kinds = ["perception" if k % 2 == 0 else "status" for k in range(len(members))]
            weights = {
                kind: iter(_split(100, kinds.count(kind)))
                for kind in set(kinds)
                if kinds.count(kind)
            }
            indicators = []
            for pos, i in enumerate(members):
                atype = _TYPES[i % len(_TYPES)]
                answer, scoring = _answer_and_scoring(rng, atype, i)
                code = f"D{d}_S{s}_{i:04d}"
                ind: dict[str, Any] = {
                    "code": code,
                    "kind": kinds[pos],
                    "question": _t(f"Question {i}: how is it going?"),
                    "help": _t(f"Help for question {i}."),
                    "answer": answer,
                    "direction": "higher_is_worse"
                    if atype == "rate_per_100k"
                    else "higher_is_better",
                    "scoring": scoring,
                    "weight": next(weights[kinds[pos]]),
                    "guidance": {
                        "holders": _t("Statistics office"),
                        "sources": [
                            {
                                "kind": "open_data",
                                "name": _t("Perception survey"),
                                "provider": "Eurostat",
                                "dataset": "urb_percep",
                                "code": f"PS{3000 + i}V",
                            }
                        ],
                    },
                    "sdg": ["16.1.4"] if i % 3 == 0 else [],
                }
                if not ind["sdg"]:
                    del ind["sdg"]
                if i % 4 == 1 and earlier:
                    ref, rtype = rng.choice(earlier)
                    if rtype == "yes_partly_no":
                        ind["relevant"] = {"question": ref, "in": ["yes", "partly"]}
                    else:
                        ind["relevant"] = {"all": [{"question": ref, "answered": True}]}
                earlier.append((code, atype))
                indicators.append(ind)
            children.append(
                {
                    "code": f"D{d}_S{s}",
                    "title": _t(f"Sub-dimension {d}.{s}"),
                    "weight": 50,
                    "indicators": indicators,
                }
            )
        dims.append(
            {
                "code": f"D{d}",
                "role": "scored",
                "title": _t(f"Dimension {d}"),
                "description": _t(f"About dimension {d}."),
                "weight": 20,
                "children": children,
            }
        )
    background = [
        {
            "code": f"BG_{k:03d}",
            "kind": "context",
            "question": _t(f"Background value {k}"),
            "answer": {"type": "number", "unit": _t("inhabitants"), "min": 0},
            "scoring": {"method": "not_scored"},
            "guidance": {
                "holders": _t("Statistics office"),
                "sources": [{"kind": "register", "name": _t("Population register")}],
            },
        }
        for k in range(questions - n_scored)
    ]
    dims.append(
        {
            "code": "BG",
            "role": "background",
            "title": _t("Background conditions"),
            "indicators": background,
        }
    )
    return {
        "format": FORMAT_ID,
        "edition": {
            "id": f"synthetic-{questions}",
            "date": dt.date(2026, 11, 21),
            "title": _t(f"Synthetic edition with {questions} questions"),
            "description": _t("Generated for tests and benchmarks."),
            "languages": ["en", "fr"],
            "previous": None,
        },
        "checklist": checklist,
        "dimensions": dims,
    }

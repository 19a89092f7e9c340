"""What the pilot-analysis page and its PDF show (reads only)."""

from __future__ import annotations

from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from saferspaces.assessments.models import Assessment, AssessmentState, Round
from saferspaces.core.framework.model import Edition, text_get
from saferspaces.core.framework.sections import edition_sections
from saferspaces.core.reports import Reason, RoundAnalysis, round_analyse
from saferspaces.reports.loading import round_data_stamp, round_inputs
from saferspaces.reports.models import ReportJob


def pct(share: float | None) -> str:
    """A share as a percentage in the active language ("12 %"), or a dash."""
    if share is None:
        return "–"
    return f"{number_format(100 * share, 0)}\u00a0%"


def num(value: float | None, decimals: int = 1) -> str:
    if value is None:
        return "–"
    return str(number_format(value, decimals))


def reason_text(reason: Reason) -> str:
    v, t = reason.value, reason.threshold
    n = int(v)
    texts = {
        "non_response": _(
            "left unanswered by %(value)s of the authorities it applies to (limit %(limit)s)"
        ),
        "dont_know": _("“don't know” from %(value)s (limit %(limit)s)"),
        "not_collected": _("data not collected by %(value)s (limit %(limit)s)"),
        "near_constant_answers": _(
            "never discriminates: %(value)s gave the same answer (limit %(limit)s)"
        ),
        "near_constant_scores": _(
            "never discriminates: %(value)s have the same indicator score (limit %(limit)s)"
        ),
        "negative_item_total": _(
            "its score moves against its dimension's score (correlation %(corr)s)"
        ),
        "low_item_total": _(
            "its score hardly follows its dimension's score (correlation %(corr)s, "
            "below %(corr_limit)s)"
        ),
        "flagged_unclear": ngettext(
            "%(count)d respondent found it unclear",
            "%(count)d respondents found it unclear",
            n,
        ),
        "flagged_not_fitting": ngettext(
            "%(count)d respondent said it does not fit their authority",
            "%(count)d respondents said it does not fit their authority",
            n,
        ),
        "disagreement": _(
            "respondents' own answers differed in %(value)s of the assessments compared "
            "(limit %(limit)s)"
        ),
    }
    return texts[reason.reason] % {
        "value": pct(v),
        "limit": pct(t),
        "corr": num(v, 2),
        "corr_limit": num(t, 2),
        "count": n,
    }


def _titles(edition: Edition, language: str) -> dict[str, str]:
    out = {s.code: text_get(s.title, language) for s in edition_sections(edition=edition)}
    for _path, dim in edition.dimensions_walk():
        out[dim.code] = text_get(dim.title, language)
    return out


def analysis_present(*, analysis: RoundAnalysis, edition: Edition, language: str) -> dict[str, Any]:
    """Rows ready for the templates (texts in ``language``, shares as percentages)."""
    titles = _titles(edition, language)
    questions = edition.questions()
    qtext = {c: text_get(q.question, language) for c, q in questions.items()}
    states = dict(AssessmentState.choices)
    section = analysis.section_of
    coverage = {c.section: c for c in analysis.coverage}
    responses = {r.code: r for r in analysis.responses}

    def option_label(code: str, option: str) -> str:
        q = questions.get(code)
        if q is None:
            return option
        for c in q.answer.choice_options():
            if c.code == option:
                return text_get(c.label, language)
        return option

    dists = []
    for d in analysis.distributions:
        if d.answer_type == "text" or d.n == 0:
            continue
        dists.append(
            {
                "code": d.code,
                "text": qtext.get(d.code, d.code),
                "n": d.n,
                "counts": [
                    {"label": option_label(d.code, o), "count": c, "share": pct(c / d.n)}
                    for o, c in d.counts
                ],
                "numeric": d.numeric,
                "modal": pct(d.modal_share),
            }
        )
    rel = analysis.reliability
    t = analysis.thresholds
    return {
        "thresholds": t,
        "limits": {
            "non_response": pct(t.non_response_max),
            "dont_know": pct(t.dont_know_max),
            "not_collected": pct(t.not_collected_max),
            "near_constant": pct(t.near_constant_share),
            "alpha": num(t.alpha_min, 2),
            "item_total": num(t.item_total_min, 2),
            "disagreement": pct(t.disagreement_max),
        },
        "units": analysis.units,
        "authorities": [
            {
                "authority": r.authority,
                "state": states.get(r.state, r.state),
                "relevant": r.totals.relevant,
                "answered": r.totals.answered,
                "marked": r.totals.marked,
                "unanswered": r.totals.unanswered,
                "completion": pct(r.totals.completion),
            }
            for r in analysis.authorities
        ],
        "sections": [
            {
                "code": s.section,
                "title": titles.get(s.section, s.section),
                "relevant": s.totals.relevant,
                "done": s.totals.done,
                "completion": pct(s.totals.completion),
                "complete_units": s.complete_units,
                "units": s.units,
                "evidence": pct(coverage[s.section].evidence_share)
                if s.section in coverage
                else "–",
                "prefill": pct(coverage[s.section].prefill_share) if s.section in coverage else "–",
            }
            for s in analysis.by_section
        ],
        "time": {
            "n": analysis.time.n,
            "median": num(analysis.time.median_days, 0),
            "min": num(analysis.time.min_days, 0),
            "max": num(analysis.time.max_days, 0),
        },
        "questions": [
            {
                "code": r.code,
                "text": qtext.get(r.code, r.code),
                "section": titles.get(r.section, r.section),
                "expected": r.expected,
                "answered": r.answered,
                "non_response": pct(r.non_response_rate),
                "dont_know": pct(r.dont_know_rate),
                "not_collected": pct(r.not_collected_rate),
                "evidence": pct(r.evidence_share),
                "prefill": pct(r.prefill_share),
            }
            for r in analysis.responses
        ],
        "distributions": dists,
        "reliability": {
            "units": rel.units,
            "enough": rel.enough,
            "alphas": [
                {
                    "code": a.dimension,
                    "title": titles.get(a.dimension, a.dimension),
                    "items": len(a.children),
                    "complete": a.complete,
                    "alpha": num(a.alpha, 2),
                    "low": a.low,
                    "reason": {
                        "too_few_assessments": _("too few assessments with every score"),
                        "no_variance": _("the scores do not vary"),
                    }.get(a.reason, ""),
                }
                for a in rel.alphas
            ],
            "item_totals": [
                {
                    "code": i.code,
                    "text": qtext.get(i.code, i.code),
                    "dimension": titles.get(i.dimension, i.dimension),
                    "n": i.n,
                    "r": num(i.r, 2),
                }
                for i in rel.item_totals
                if i.r is not None and i.r < t.item_total_min
            ],
            "pairs": [
                {
                    "dimension": titles.get(p.dimension, p.dimension),
                    "a": p.a,
                    "b": p.b,
                    "r": num(p.r, 2),
                    "flag": _("nearly the same information")
                    if p.flag == "collinear"
                    else _("move in opposite directions"),
                }
                for p in rel.pairs
            ],
        },
        "disagreement": [
            {
                "code": d.code,
                "text": qtext.get(d.code, d.code),
                "compared": d.compared,
                "differed": d.differed,
                "share": pct(d.share),
                "range": num(d.mean_range, 1),
                "distinct": num(d.mean_distinct, 1),
            }
            for d in analysis.disagreement
        ],
        "feedback": [
            {
                "code": f.code,
                "text": qtext.get(f.code, f.code),
                "unclear": f.counts.get("unclear", 0),
                "not_fitting": f.counts.get("not_fitting", 0),
                "notes": [
                    {
                        "reason": _("unclear") if r == "unclear" else _("does not fit"),
                        "note": note,
                    }
                    for r, note in f.notes
                ],
            }
            for f in analysis.feedback
        ],
        "revise": [
            {
                "code": q.code,
                "text": qtext.get(q.code, q.code),
                "section": titles.get(section.get(q.code, ""), ""),
                "expected": responses[q.code].expected if q.code in responses else 0,
                "reasons": [reason_text(r) for r in q.reasons],
            }
            for q in analysis.revise
        ],
    }


def round_analysis(*, round_: Round, language: str) -> dict[str, Any]:
    """The pilot analysis of ``round_`` with its texts in ``language`` (gettext texts follow
    the active language: activate it first)."""
    inputs = round_inputs(round_=round_)
    analysis = round_analyse(inputs=inputs)
    fingerprint, data_date = round_data_stamp(round_=round_)
    return {
        "round": round_,
        "language": language,
        "edition_title": text_get(inputs.edition.title, language),
        "data_date": data_date,
        "fingerprint": fingerprint,
        **analysis_present(analysis=analysis, edition=inputs.edition, language=language),
    }


def round_report_jobs(*, round_: Round, language: str) -> list[ReportJob]:
    """The latest PDF jobs of a round's analysis (newest first)."""
    return list(
        ReportJob.objects.filter(
            kind="round_analysis", parameters__round=round_.pk, language=language
        )[:5]
    )


def authority_report_page(*, assessment: Assessment, language: str) -> dict[str, Any]:
    """The authority report as a web page, the languages its PDF can be made in (the
    authority's own first) and the PDFs made earlier."""
    from saferspaces.languages import languages_offered
    from saferspaces.reports.authority import authority_report

    context = authority_report(assessment=assessment, language=language)
    offered = languages_offered()  # a report is made in a language once it is complete
    own = [
        code for code in assessment.authority.languages or [] if code in {o.code for o in offered}
    ]
    context["pdf_languages"] = [(lang.code, lang.name_local) for lang in offered]
    context["pdf_language"] = own[0] if own else language
    context["jobs"] = list(
        ReportJob.objects.filter(kind="authority_report", parameters__assessment=assessment.pk)[:5]
    )
    return context

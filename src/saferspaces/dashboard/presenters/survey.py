"""The presenter of the ``none`` model (a descriptive survey): the choice items it counts, by
choice, like the tally; a survey that counts nothing has nothing to chart."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .base import (
    Audience,
    Presentation,
    Presenter,
    Section,
    UnitResults,
    choice_labels,
    data_url_for,
    node_titles,
)
from .tally import counts_chart, counts_rows


def survey_present(
    *,
    results: UnitResults,
    language: str,
    audience: Audience | None = None,
    data_url: str | None = None,
) -> Presentation:
    counted = tuple(getattr(results.edition.instrument.result, "count", ()))
    if not counted:
        return Presentation(
            "none",
            (Section("answers", _("Answers"), sentences=(_("This survey counts no answers."),)),),
        )
    labels = choice_labels(results.edition, counted, language)
    rows = counts_rows(
        results, instance=False, labels=labels, titles=node_titles(results.edition, language)
    )
    chart = counts_chart(
        chart_id="answers",
        title=_("Answers by choice"),
        summary=_("How many answers each choice received, question by question."),
        rows=rows,
        categories=list(labels.values()),
        data_url=data_url_for(data_url, "answers"),
    )
    return Presentation("none", (Section("answers", _("Answers by choice"), chart=chart),))


SURVEY = Presenter("none", survey_present)

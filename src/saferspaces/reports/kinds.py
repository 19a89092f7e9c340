"""The kinds of report, one registry entry each: adding a kind is one entry here (and its
templates).

An entry says what a report of that kind is about and how it is made:

* ``name`` (stored in ``ReportJob.kind``: the model's choices are this registry's) and ``title``;
* ``parameter``: the job parameter naming its object (``{"round": 12}``), ``load`` reads that
  object back (``None`` when it is gone), ``permission`` says who may read it, ``refusal`` is the
  exception a refused reader gets;
* ``fingerprint``: a sum of everything the report reads (a finished file of the same fingerprint
  is reused), with ``gone`` the message when its object disappeared;
* ``context``: the report's contents in a language (texts follow the active language), shared by
  the web page and the PDF, ``empty`` a message when there is nothing to print yet;
* ``pdf_template``, ``pdf_title`` and ``file_name``: the PDF (:func:`report_pdf_render`);
* ``page``: where the job's progress page leads back to.

The job runner (:mod:`saferspaces.reports.jobs`), the model's choices, the views and the
fingerprints all read it. Reports read the stored data only (selectors): no kind writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from saferspaces.assessments.models import Assessment, Round
from saferspaces.assessments.permissions import assessment_refused
from saferspaces.background.jobs import JobKind, Progress, Rendered
from saferspaces.errors import DomainError
from saferspaces.reports import permissions


@dataclass(frozen=True)
class JobPage:
    """What the progress page of a report job shows around the job."""

    title: str
    back_url: str
    back_label: str
    retry_url: str  # where "Try again" posts (the report's PDF form)
    crumbs: list[tuple[str, str]]


@dataclass(frozen=True)
class ReportKindEntry:
    """One kind of report; see the module."""

    name: str
    title: StrOrPromise
    parameter: str
    load: Callable[[int], Any | None]
    permission: Callable[[Any, Any], bool]
    refusal: Callable[[], Exception]
    gone: StrOrPromise
    fingerprint: Callable[[Any], str]
    reading: StrOrPromise  # the job's progress message while it reads the data
    context: Callable[[Any, str], dict[str, Any]]
    empty: Callable[[dict[str, Any]], StrOrPromise | None]
    pdf_template: str
    pdf_title: Callable[[Any], str]
    file_name: Callable[[Any, str], str]
    page: Callable[[Any], JobPage]

    def parameters(self, obj: Any) -> dict[str, Any]:
        """The job parameters of a report on ``obj``."""
        return {self.parameter: obj.pk}

    def loaded(self, parameters: Mapping[str, Any]) -> Any:
        """The object a job's parameters name; :class:`DomainError` when it is gone."""
        pk = parameters.get(self.parameter)
        obj = self.load(pk) if isinstance(pk, int) and not isinstance(pk, bool) else None
        if obj is None:
            raise DomainError(str(self.gone), field=self.parameter)
        return obj


# --- the pilot analysis of a round --------------------------------------------------------------


def _round_load(pk: int) -> Round | None:
    return Round.objects.select_related("network", "edition").filter(pk=pk).first()


def _round_fingerprint(round_: Round) -> str:
    from saferspaces.reports.loading import round_data_stamp

    return round_data_stamp(round_=round_)[0]


def _round_context(round_: Round, language: str) -> dict[str, Any]:
    from saferspaces.reports.selectors import round_analysis

    return round_analysis(round_=round_, language=language)


def _round_page(round_: Round) -> JobPage:
    back = reverse("reports:round_analysis", args=[round_.pk])
    return JobPage(
        title=_("PDF of the pilot analysis of %(round)s") % {"round": round_.title},
        back_url=back,
        back_label=_("Back to the pilot analysis"),
        retry_url=reverse("reports:round_analysis_pdf", args=[round_.pk]),
        crumbs=[
            (reverse("assessments:round_detail", args=[round_.pk]), round_.title),
            (back, _("Pilot analysis")),
        ],
    )


ROUND_ANALYSIS = ReportKindEntry(
    name="round_analysis",
    title=gettext_lazy("Pilot analysis of a round"),
    parameter="round",
    load=_round_load,
    permission=permissions.can_view_round_analysis,
    refusal=PermissionDenied,
    gone=gettext_lazy("This round does not exist any more."),
    fingerprint=_round_fingerprint,
    reading=gettext_lazy("Analysing the answers of the round"),
    context=_round_context,
    empty=lambda context: None,
    pdf_template="reports/round_analysis_pdf.html",
    pdf_title=lambda round_: _("Pilot analysis: %(round)s") % {"round": round_.title},
    file_name=lambda round_, language: f"pilot-analysis-round-{round_.pk}-{language}.pdf",
    page=_round_page,
)


# --- the report of an authority's assessment ----------------------------------------------------


def _assessment_load(pk: int) -> Assessment | None:
    return (
        Assessment.objects.select_related("authority", "round__network", "edition")
        .filter(pk=pk)
        .first()
    )


def _authority_fingerprint(assessment: Assessment) -> str:
    from saferspaces.reports.authority import authority_report_stamp

    return authority_report_stamp(assessment=assessment)[0]


def _authority_context(assessment: Assessment, language: str) -> dict[str, Any]:
    from saferspaces.reports.authority import authority_report

    return authority_report(assessment=assessment, language=language)


def _authority_page(assessment: Assessment) -> JobPage:
    back = reverse("reports:authority_report", args=[assessment.pk])
    return JobPage(
        title=_("PDF of the report of %(name)s") % {"name": assessment.authority.name},
        back_url=back,
        back_label=_("Back to the report"),
        retry_url=reverse("reports:authority_report_pdf", args=[assessment.pk]),
        crumbs=[
            (reverse("assessments:detail", args=[assessment.pk]), assessment.title),
            (back, _("Report")),
        ],
    )


AUTHORITY_REPORT = ReportKindEntry(
    name="authority_report",
    title=gettext_lazy("Report of an authority's assessment"),
    parameter="assessment",
    load=_assessment_load,
    permission=permissions.can_view_authority_report,
    refusal=assessment_refused,
    gone=gettext_lazy("This assessment does not exist any more."),
    fingerprint=_authority_fingerprint,
    reading=gettext_lazy("Reading the scores, the progress and the peers"),
    context=_authority_context,
    empty=lambda context: (
        gettext_lazy("This assessment has no scores yet.") if context["scored"] is None else None
    ),
    pdf_template="reports/authority_report_pdf.html",
    pdf_title=lambda a: (
        _("Report of %(authority)s: %(assessment)s")
        % {"authority": a.authority.name, "assessment": a.title}
    ),
    file_name=lambda a, language: f"report-{a.authority.slug}-assessment-{a.pk}-{language}.pdf",
    page=_authority_page,
)


# --- the results of an assessment of any result model (a tally, a risk matrix, levels) -----------


def _results_fingerprint(assessment: Assessment) -> str:
    from saferspaces.reports.results import assessment_results_stamp

    return assessment_results_stamp(assessment=assessment)


def _results_context(assessment: Assessment, language: str) -> dict[str, Any]:
    from saferspaces.reports.results import assessment_results_report

    return assessment_results_report(assessment=assessment, language=language)


def _results_page(assessment: Assessment) -> JobPage:
    back = reverse("dashboard:assessment_results", args=[assessment.pk])
    return JobPage(
        title=_("PDF of the results of %(name)s") % {"name": assessment.authority.name},
        back_url=back,
        back_label=_("Back to the results"),
        retry_url=reverse("reports:assessment_results_pdf", args=[assessment.pk]),
        crumbs=[
            (reverse("assessments:detail", args=[assessment.pk]), assessment.title),
            (back, _("Results")),
        ],
    )


ASSESSMENT_RESULTS = ReportKindEntry(
    name="assessment_results",
    title=gettext_lazy("Results of an assessment (any instrument)"),
    parameter="assessment",
    load=_assessment_load,
    permission=permissions.can_view_authority_report,
    refusal=assessment_refused,
    gone=gettext_lazy("This assessment does not exist any more."),
    fingerprint=_results_fingerprint,
    reading=gettext_lazy("Reading the results"),
    context=_results_context,
    empty=lambda context: (
        gettext_lazy("This assessment has no results yet.")
        if context["read"] is None
        else gettext_lazy("The scores of this assessment are printed in its council report.")
        if context["model"] == "composite"
        else None
    ),
    pdf_template="reports/assessment_results_pdf.html",
    pdf_title=lambda a: (
        _("Results of %(authority)s: %(assessment)s")
        % {"authority": a.authority.name, "assessment": a.title}
    ),
    file_name=lambda a, language: f"results-{a.authority.slug}-assessment-{a.pk}-{language}.pdf",
    page=_results_page,
)


#: every kind of report, by name
REPORT_KINDS: Mapping[str, ReportKindEntry] = {
    kind.name: kind for kind in (ROUND_ANALYSIS, AUTHORITY_REPORT, ASSESSMENT_RESULTS)
}


def report_kind_choices() -> list[tuple[str, StrOrPromise]]:
    """The choices of ``ReportJob.kind``: the registry's names and titles."""
    return [(kind.name, kind.title) for kind in REPORT_KINDS.values()]


def report_kind_get(*, name: str) -> ReportKindEntry:
    """The kind called ``name``; :class:`DomainError` when there is none."""
    kind = REPORT_KINDS.get(name)
    if kind is None:
        raise DomainError(_("Unknown kind of report."), field="kind")
    return kind


def report_pdf_render(
    *, kind: ReportKindEntry, parameters: Mapping[str, Any], language: str, progress: Progress
) -> Rendered:
    """Make the PDF of a report: read its object and contents, then write the tagged PDF.
    :class:`DomainError` when its object is gone or there is nothing to print yet."""
    from saferspaces.reports.pdf import pdf_render

    obj = kind.loaded(parameters)
    progress(20, str(kind.reading))
    context = kind.context(obj, language)
    empty = kind.empty(context)
    if empty is not None:
        raise DomainError(str(empty), field=kind.parameter)
    progress(60, _("Writing the PDF"))
    data = pdf_render(
        template=kind.pdf_template,
        context=context,
        title=kind.pdf_title(obj),
        language=language,
        date=context["data_date"],
    )
    return Rendered(data, kind.file_name(obj, language))


def report_job_kind(kind: ReportKindEntry) -> JobKind:
    """The kind as the file-job machinery sees it (fingerprint and render of parameters)."""
    return JobKind(
        fingerprint=lambda parameters: kind.fingerprint(kind.loaded(parameters)),
        render=lambda parameters, language, progress: report_pdf_render(
            kind=kind, parameters=parameters, language=language, progress=progress
        ),
    )

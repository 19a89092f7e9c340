"""Routes of the reports app: a round's pilot analysis (page, PDF job, progress, download) for
the round's coordinators and administrators; an assessment's authority report (page, PDF job)
for whoever may read the assessment (the persona authority's draft of the current round)."""

from __future__ import annotations

from site_matrix import COORDINATOR_ONLY, PERSONA_ORDER

START_PDF = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 403,
    "coordinator": 302,  # to the job page
    "ports_coordinator": 403,
    "administrator": 302,
}
# the report of a round's assessment: not for the coordinators of the authority's other network
PRIVATE = {
    "anonymous": 302,
    "outsider": 403,
    **dict.fromkeys(PERSONA_ORDER[2:], 200),
    "ports_coordinator": 403,
}
PRIVATE_PDF = {
    "anonymous": 302,
    "outsider": 403,
    **dict.fromkeys(PERSONA_ORDER[2:], 302),
    "ports_coordinator": 403,
}
# the placeholder job is still queued: it has no file yet
DOWNLOAD_QUEUED = {**COORDINATOR_ONLY, "coordinator": 404, "administrator": 404}

ENTRIES = {
    "reports:round_analysis": ("get", "/rounds/{analysis_round}/analysis/", COORDINATOR_ONLY),
    "reports:round_analysis_pdf": ("post", "/rounds/{analysis_round}/analysis/pdf/", START_PDF),
    "reports:authority_report": ("get", "/assessments/{assessment}/report/", PRIVATE),
    "reports:authority_report_pdf": ("post", "/assessments/{assessment}/report/pdf/", PRIVATE_PDF),
    "reports:assessment_results_pdf": (
        "post",
        "/assessments/{assessment}/results/pdf/",
        PRIVATE_PDF,
    ),
    "reports:job": ("get", "/reports/jobs/{report_job}/", COORDINATOR_ONLY),
    "reports:job_status": ("get", "/reports/jobs/{report_job}/status/", COORDINATOR_ONLY),
    "reports:job_download": ("get", "/reports/jobs/{report_job}/download/", DOWNLOAD_QUEUED),
}
NOT_HTML = {"reports:job_status", "reports:job_download"}  # a fragment polled by htmx; a file
PLACEHOLDER_KEYS = ("analysis_round", "report_job")


def placeholders() -> dict[str, object]:
    """The demo's first round of the main network and a queued PDF job of its analysis."""
    from saferspaces.assessments.models import Round
    from saferspaces.demo.generator import MAIN_NETWORK
    from saferspaces.reports.models import ReportJob

    round_ = Round.objects.filter(network__name=MAIN_NETWORK).order_by("created_at", "pk").first()
    assert round_ is not None, "the demo has no round"
    job = ReportJob.objects.filter(
        parameters__round=round_.pk, state="queued"
    ).first() or ReportJob.objects.create(
        kind="round_analysis", parameters={"round": round_.pk}, language="en"
    )
    return {"analysis_round": round_.pk, "report_job": job.pk}

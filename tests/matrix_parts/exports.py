"""Routes of the exports app: a round's data downloads, for the coordinators of the round's
network and administrators only (the round is the demo's current round). Files that are not
streamed are made by jobs: asking for one (a POST) leads to its job's page; the placeholder job
is still queued, so it has no file yet."""

from __future__ import annotations

from site_matrix import COORDINATOR_ONLY

R = "/rounds/{round}/exports/"
J = "/exports/jobs/{export_job}/"
NO_SUCH_FILE = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 403,
    "coordinator": 404,
    "ports_coordinator": 403,
    "administrator": 404,
}
TO_THE_JOB = {**COORDINATOR_ONLY, "coordinator": 302, "administrator": 302}
DOWNLOAD_QUEUED = {**COORDINATOR_ONLY, "coordinator": 404, "administrator": 404}
ENTRIES = {
    "exports:page": ("get", R, COORDINATOR_ONLY),
    "exports:download": ("get", R + "answers.csv", COORDINATOR_ONLY),
    "exports:download_missing": ("get", R + "answers.docx", NO_SUCH_FILE),
    # no file of the current data yet: the page that offers to prepare it
    "exports:download_to_prepare": ("get", R + "all.xlsx", COORDINATOR_ONLY),
    "exports:prepare": ("post", R + "imeta.parquet/prepare/", TO_THE_JOB),
    "exports:job": ("get", J, COORDINATOR_ONLY),
    "exports:job_status": ("get", J + "status/", COORDINATOR_ONLY),
    "exports:job_download": ("get", J + "download/", DOWNLOAD_QUEUED),
}
NOT_HTML = {"exports:download", "exports:job_status", "exports:job_download"}
PLACEHOLDER_KEYS = ("round", "export_job")


def placeholders() -> dict[str, object]:
    from saferspaces.assessments.models import Round
    from saferspaces.demo.assessments import ROUND_TITLES
    from saferspaces.demo.generator import MAIN_NETWORK
    from saferspaces.exports.models import ExportJob

    rnd = Round.objects.get(network__name=MAIN_NETWORK, title=ROUND_TITLES[-1])
    job = ExportJob.objects.filter(
        parameters__round=rnd.pk, state="queued"
    ).first() or ExportJob.objects.create(
        kind="round_file", parameters={"round": rnd.pk, "file": "scores.parquet"}, language="en"
    )
    return {"round": rnd.pk, "export_job": job.pk}

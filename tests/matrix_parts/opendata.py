"""Routes of the open-data app (``/open-data/``): import runs for coordinators and
administrators, imports started by administrators only; an authority's geography for its lead,
its coordinators and administrators.

The placeholder run is a failed import from Eurostat's API: "Try again" starts a new import, which
the test suite's queue runs at once and which fails at once (the site's Eurostat address is a
closed local port in the test suite), then leads to the new run's page."""

from __future__ import annotations

from site_matrix import ADMIN_ONLY, ANY_COORDINATOR

# the persona authority is in both networks: both coordinators may see and confirm its geography
GEOGRAPHY = {
    "anonymous": 302,
    "outsider": 403,
    "respondent": 403,
    "lead": 200,
    "coordinator": 200,
    "ports_coordinator": 200,
    "administrator": 200,
}

TRY_AGAIN = {**ADMIN_ONLY, "administrator": 302}
ENTRIES = {
    "opendata:runs": ("get", "/open-data/runs/", ANY_COORDINATOR),
    "opendata:run_detail": ("get", "/open-data/runs/{opendata_run}/", ANY_COORDINATOR),
    "opendata:run_status": ("get", "/open-data/runs/{opendata_run}/status/", ANY_COORDINATOR),
    "opendata:run_retry": ("post", "/open-data/runs/{opendata_run}/retry/", TRY_AGAIN),
    "opendata:import_start": ("get", "/open-data/imports/new/", ADMIN_ONLY),
    "opendata:geography": ("get", "/open-data/authorities/{authority}/geography/", GEOGRAPHY),
}
NOT_HTML: set[str] = {"opendata:run_status"}
PLACEHOLDER_KEYS = ("opendata_run",)


def placeholders() -> dict[str, object]:
    """A failed import run from the API that was not tried again yet (made on the spot when
    none is recorded)."""
    from django.utils import timezone

    from saferspaces.opendata.models import FailureKind, ImportRun, RunStatus, TransportKind

    run = (
        ImportRun.objects.filter(
            status=RunStatus.FAILED, transport=TransportKind.API, retries__isnull=True
        )
        .order_by("-id")
        .first()
    )
    if run is None:
        now = timezone.now()
        run = ImportRun.objects.create(
            source="urb_percep",
            dataset="urb_percep",
            transport=TransportKind.API,
            started_at=now,
            finished_at=now,
            status=RunStatus.FAILED,
            failure=FailureKind.SOURCE,
            error_message="cannot reach ec.europa.eu (offline); nothing was loaded",
            warnings=["an example warning"],
        )
    return {"opendata_run": run.pk}

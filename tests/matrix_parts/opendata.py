"""Routes of the open-data app (``/open-data/``): import runs for coordinators and
administrators; an authority's geography for its lead, its coordinators and administrators."""

from __future__ import annotations

from site_matrix import ANY_COORDINATOR

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

ENTRIES = {
    "opendata:runs": ("get", "/open-data/runs/", ANY_COORDINATOR),
    "opendata:run_detail": ("get", "/open-data/runs/{opendata_run}/", ANY_COORDINATOR),
    "opendata:geography": ("get", "/open-data/authorities/{authority}/geography/", GEOGRAPHY),
}
NOT_HTML: set[str] = set()
PLACEHOLDER_KEYS = ("opendata_run",)


def placeholders() -> dict[str, object]:
    """An import run to show (a failed one made on the spot when none is recorded)."""
    from django.utils import timezone

    from saferspaces.opendata.models import ImportRun, RunStatus, TransportKind

    run = ImportRun.objects.order_by("-id").first()
    if run is None:
        now = timezone.now()
        run = ImportRun.objects.create(
            source="urb_percep",
            dataset="urb_percep",
            transport=TransportKind.API,
            started_at=now,
            finished_at=now,
            status=RunStatus.FAILED,
            error_message="cannot reach ec.europa.eu (offline); nothing was loaded",
            warnings=["an example warning"],
        )
    return {"opendata_run": run.pk}

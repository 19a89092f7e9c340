"""Writes of the open-data app: import runs (the core pipeline over a database sink) and the
confirmation of an authority's geography match."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.core.opendata import (
    FileTransport,
    HttpTransport,
    ImportFailed,
    OpenDataError,
    Progress,
    RunReport,
    RunStatus,
    Transport,
    source_get,
)
from saferspaces.core.opendata.errors import GeographyError
from saferspaces.core.opendata.geography import authority_geography
from saferspaces.errors import DomainError
from saferspaces.opendata.models import (
    GeographyMatch,
    ImportRun,
    MatchMethod,
    TransportKind,
)
from saferspaces.opendata.models import RunStatus as RunStatusChoice
from saferspaces.opendata.sink import DatabaseSink

logger = logging.getLogger(__name__)

#: Seconds the API transport waits for Eurostat before giving up.
API_TIMEOUT_S = 60.0
_MAX_PROBLEMS = 50


class OpenDataImportError(DomainError):
    """An import could not run or failed; ``run`` is the recorded (failed) run, if any."""

    def __init__(self, message: str, *, run: ImportRun | None = None) -> None:
        super().__init__(message, field="source")
        self.run = run


def _report_save(run: ImportRun, report: RunReport) -> None:
    c = report.counts
    run.location = report.location[:1000]
    run.data_format = report.fmt
    run.retrieved_at = report.retrieved_at
    run.finished_at = report.finished_at
    run.read_count = c.read
    run.loaded_count = c.kept if report.ok else 0
    run.skipped_count = c.skipped
    run.missing_count = c.missing
    run.flagged_count = c.flagged
    run.malformed_count = c.malformed
    run.derived_count = c.derived if report.ok else 0
    run.flag_counts = dict(report.flag_counts)
    run.time_periods = list(report.time_periods)
    run.warnings = list(report.warnings)
    run.problems = [str(p) for p in report.problems[:_MAX_PROBLEMS]]
    run.status = RunStatusChoice.FAILED if report.status is RunStatus.FAILED else RunStatusChoice.OK
    run.error_message = report.error
    run.save()


def opendata_import(
    *,
    source: str,
    file: Path | None = None,
    from_api: bool = False,
    since: int | None = None,
    user: Any = None,
    transport: Transport | None = None,
    clock: Callable[[], datetime] | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ImportRun:
    """Import one declared source from a file or from Eurostat's API and record the run.

    The load is atomic: a failed run changes no observation, and is recorded with its error.
    Raises :class:`OpenDataImportError` (a :class:`DomainError`) when the arguments are wrong (nothing
    recorded) or the run failed (``error.run`` is the failed run).
    """
    try:
        definition = source_get(name=source)
    except OpenDataError as exc:
        raise OpenDataImportError(exc.message) from None
    if (file is None) == (not from_api):
        raise OpenDataImportError(_("Give either a file or --from-api (exactly one)."))
    if since is not None and not 1900 <= since <= 2100:
        raise OpenDataImportError(_("The first year must be a year such as 2015."))
    now = clock or timezone.now
    if transport is None:
        transport = (
            FileTransport(Path(file)) if file is not None else HttpTransport(timeout=API_TIMEOUT_S)
        )
    run = ImportRun.objects.create(
        source=definition.name,
        dataset=definition.dataset,
        transport=TransportKind.FILE if file is not None else TransportKind.API,
        file_name=Path(file).name if file is not None else "",
        location=str(file) if file is not None else "",
        since=since,
        started_at=now(),
        ran_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    sink = DatabaseSink(run=run, indicator_dimension=definition.indicator_dimension)
    from saferspaces.core.opendata import source_import

    try:
        with transaction.atomic():
            report = source_import(
                source=definition,
                transport=transport,
                sink=sink,
                clock=now,
                since=since,
                progress=progress,
            )
            _report_save(run, report)
    except ImportFailed as exc:
        _report_save(run, exc.report)
        raise OpenDataImportError(str(exc), run=run) from None
    except OpenDataError as exc:  # defensive: the pipeline wraps its errors in ImportFailed
        _run_failed(run, str(exc), now)
        raise OpenDataImportError(str(exc), run=run) from None
    except Exception as exc:  # a bug, the database, the terminal: recorded, never left running
        logger.exception("open-data import run %s stopped on an unexpected error", run.pk)
        message = _(
            "The import stopped on an unexpected error (%(kind)s: %(error)s); nothing was loaded."
        ) % {"kind": type(exc).__name__, "error": str(exc)[:500]}
        _run_failed(run, message, now)
        raise OpenDataImportError(message, run=run) from None
    except BaseException:  # Ctrl+C, the process asked to stop
        _run_failed(run, _("The import was interrupted; nothing was loaded."), now)
        raise
    return run


def _run_failed(run: ImportRun, message: str, now: Callable[[], datetime]) -> None:
    """Record a run that stopped outside the pipeline's own failure report."""
    run.status = RunStatusChoice.FAILED
    run.error_message = message
    run.loaded_count = run.derived_count = 0
    run.finished_at = now()
    run.save()


def geography_match_confirm(
    *,
    authority: Any,
    user: Any,
    city_code: str,
    nuts_code: str,
    now: datetime | None = None,
) -> GeographyMatch:
    """Confirm (same codes as suggested) or correct an authority's geography match.

    ``city_code`` may be empty (no Urban Audit city); ``nuts_code`` is a NUTS 3 or NUTS 2 code
    of the authority's country. Every problem is reported in one :class:`DomainError`.
    """
    from saferspaces.opendata.selectors import geography_match_suggest

    city = city_code.strip().upper()
    nuts = nuts_code.strip().upper()
    if not nuts:
        raise DomainError(_("Give the NUTS 3 (or NUTS 2) region code."), field="nuts_code")
    if len(nuts) not in (4, 5):
        raise DomainError(
            _("Give a NUTS 3 code (5 characters, e.g. FRL04) or a NUTS 2 code (4 characters)."),
            field="nuts_code",
        )
    try:
        authority_geography(
            country=authority.country_code,
            city=city or None,
            nuts3=nuts if len(nuts) == 5 else None,
            nuts2=nuts if len(nuts) == 4 else None,
        )
    except GeographyError as exc:
        on_city = bool(city) and any(p.location.source == city for p in exc.problems)
        details = "; ".join(f"{p.location.source} {p.message}" for p in exc.problems)
        raise DomainError(
            details or exc.message, field="city_code" if on_city else "nuts_code"
        ) from None
    suggestion = geography_match_suggest(authority=authority)
    # picking a city the page suggested (by name, or by population when no name matched)
    # confirms the suggestion; any other code corrects it
    suggested = {suggestion.suggested_city or ""}
    if not suggestion.suggested_city:
        suggested |= {c.code for c in suggestion.population_candidates}
    same = city in suggested and nuts == suggestion.suggested_nuts
    with transaction.atomic():
        match, _created = GeographyMatch.objects.select_for_update().get_or_create(
            authority=authority
        )
        match.city_code = city
        match.nuts_code = nuts
        match.method = MatchMethod.CONFIRMED if same else MatchMethod.CORRECTED
        match.confirmed_by = user
        match.confirmed_at = now or timezone.now()
        match.save()
    return match

"""Import runs: one implementation for the command line and the task queue.

* :func:`opendata_import` (the ``opendata import`` command) records a run and executes it at once.
* The runs started from the web wait on the task queue (:mod:`saferspaces.opendata.import_queue`:
  queued by the page, one attempt per task, "Try again"); each attempt executes the run here.
* :func:`import_run_execute` is what both share: the core pipeline over a database sink in one
  transaction (a failed run loads nothing), the progress events stored on the run
  (:mod:`saferspaces.opendata.import_progress`), the outcome recorded with a message for people.

A run started from the web is held by one attempt at a time: the attempt stores a run token when
it claims the run, and its progress and outcome are written only while the token is its own, so
a worker that comes back after being declared lost writes nothing (its load is rolled back).
Runs whose worker or process stopped are repaired by ``import_repairs.import_runs_reconcile``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saferspaces.background.jobs import rows_update, runs_closed
from saferspaces.core.opendata import (
    EUROSTAT_API,
    EurostatSource,
    FileTransport,
    HttpTransport,
    ImportFailed,
    NetworkError,
    OpenDataError,
    Progress,
    RunReport,
    RunStatus,
    Transport,
    source_get,
    source_import,
)
from saferspaces.errors import DomainError
from saferspaces.opendata.import_progress import ProgressStore, Superseded
from saferspaces.opendata.models import FailureKind, ImportRun, TransportKind
from saferspaces.opendata.models import RunStatus as RunStatusChoice
from saferspaces.opendata.sink import DatabaseSink

logger = logging.getLogger(__name__)

#: Seconds the API transport waits for Eurostat before giving up.
API_TIMEOUT_S = 60.0
_MAX_PROBLEMS = 50
#: the longest file name a run records
NAME_MAX = 255

Clock = Callable[[], dt.datetime]


class OpenDataImportError(DomainError):
    """An import could not run or failed; ``run`` is the recorded (failed) run, if any."""

    def __init__(self, message: str, *, run: ImportRun | None = None) -> None:
        super().__init__(message, field="source")
        self.run = run


# --- arguments --------------------------------------------------------------------------------


def import_arguments_check(
    *, source: str, file_given: bool, from_api: bool, since: int | None
) -> EurostatSource:
    """The declared source, once the arguments of an import are right (else a DomainError)."""
    try:
        definition = source_get(name=source)
    except OpenDataError as exc:
        raise OpenDataImportError(exc.message) from None
    if file_given == from_api:
        raise OpenDataImportError(_("Give either a file or --from-api (exactly one)."))
    if since is not None and not 1900 <= since <= 2100:
        raise DomainError(_("The first year must be a year such as 2015."), field="since")
    return definition


def api_transport() -> HttpTransport:
    """Eurostat's API at the site's address for it (``OPENDATA_API_URL``)."""
    return HttpTransport(base_url=settings.OPENDATA_API_URL or EUROSTAT_API, timeout=API_TIMEOUT_S)


# --- executing a recorded run -------------------------------------------------------------------


def _report_fields(report: RunReport) -> dict[str, Any]:
    c = report.counts
    return {
        "location": report.location[:1000],
        "data_format": report.fmt,
        "retrieved_at": report.retrieved_at,
        "finished_at": report.finished_at,
        "read_count": c.read,
        "loaded_count": c.kept if report.ok else 0,
        "skipped_count": c.skipped,
        "missing_count": c.missing,
        "flagged_count": c.flagged,
        "malformed_count": c.malformed,
        "derived_count": c.derived if report.ok else 0,
        "flag_counts": dict(report.flag_counts),
        "time_periods": list(report.time_periods),
        "warnings": list(report.warnings),
        "problems": [str(p) for p in report.problems[:_MAX_PROBLEMS]],
        "status": RunStatusChoice.FAILED
        if report.status is RunStatus.FAILED
        else RunStatusChoice.OK,
        "error_message": report.error,
    }


def _outcome_save(run: ImportRun, token: str, fields: dict[str, Any], outcome: str) -> None:
    """Record the end of ``run`` while ``token`` still holds it (in the caller's transaction, so
    the load commits with it); an attempt that lost the run raises :class:`Superseded`."""
    if run.background:
        held = ImportRun.objects.select_for_update().filter(pk=run.pk, run_token=token).first()
        if held is None:
            raise Superseded
        fields = {
            **fields,
            "run_token": "",
            "attempt_log": runs_closed(held.attempt_log, outcome=outcome, at=fields["finished_at"]),
        }
    for name, value in fields.items():
        setattr(run, name, value)
    updated = rows_update(ImportRun, {"pk": run.pk, "run_token": token}, fields)
    if not updated:
        raise Superseded


def _unexpected_message(run: ImportRun) -> str:
    return _(
        "The import stopped on an unexpected error; nothing was loaded. The site's operators can "
        "find the error in the log under import run %(run)s. Try again later."
    ) % {"run": run.pk}


def import_run_execute(
    *,
    run: ImportRun,
    definition: EurostatSource,
    transport: Transport,
    token: str = "",
    clock: Clock = timezone.now,
    progress: Callable[[Progress], None] | None = None,
) -> ImportRun:
    """Run the pipeline for a recorded run (the command line's, or an attempt's of the queue)
    and record its outcome: loaded and ``ok``, or ``failed`` with why (``failure``) and a message.

    Raises :class:`OpenDataImportError` when the run failed (``error.run`` is the run), and
    :class:`Superseded` when an attempt lost the run meanwhile (nothing is written then).
    """
    store = ProgressStore(run=run, token=token, forward=progress)
    store.begin()
    sink = DatabaseSink(run=run, indicator_dimension=definition.indicator_dimension)
    failure, terminal = "", ""
    try:
        with transaction.atomic():
            report = source_import(
                source=definition,
                transport=transport,
                sink=sink,
                clock=clock,
                since=run.since,
                progress=store,
            )
            _outcome_save(run, token, {**_report_fields(report), "progress": store.latest}, "ok")
        return run
    except Superseded:
        raise
    except ImportFailed as exc:
        failure = FailureKind.SOURCE if isinstance(exc.cause, NetworkError) else FailureKind.DATA
        fields = _report_fields(exc.report)
        message = str(exc)
    except OpenDataError as exc:  # defensive: the pipeline wraps its errors in ImportFailed
        failure, message = FailureKind.DATA, str(exc)
        fields = {"status": RunStatusChoice.FAILED, "error_message": message}
    except Exception as exc:  # a bug, the database: recorded for people, the details in the log
        logger.exception("open-data import run %s stopped on an unexpected error", run.pk)
        failure, message = FailureKind.UNEXPECTED, _unexpected_message(run)
        fields = {"status": RunStatusChoice.FAILED, "error_message": message}
        if not run.background:  # the operator at the terminal also reads what went wrong
            terminal = f"{message} ({type(exc).__name__}: {str(exc)[:500]})"
    except BaseException:  # Ctrl+C, the worker stopped
        if not run.background:  # a queued run is repaired with its task (import_repairs)
            run_failed_save(
                run,
                token,
                {"error_message": _("The import was interrupted; nothing was loaded.")},
                FailureKind.INTERRUPTED,
                clock,
            )
        raise
    finally:
        store.close()
    run_failed_save(run, token, {**fields, "progress": store.latest}, failure, clock)
    raise OpenDataImportError(terminal or message, run=run)


def run_failed_save(
    run: ImportRun, token: str, fields: dict[str, Any], failure: str, clock: Clock
) -> None:
    """Record ``run`` as failed (while ``token`` holds it), with nothing loaded."""
    fields = {
        "finished_at": clock(),
        **fields,
        "status": RunStatusChoice.FAILED,
        "failure": failure,
        "loaded_count": 0,
        "derived_count": 0,
    }
    with transaction.atomic():
        _outcome_save(run, token, fields, "failed")


def _this_process() -> str:
    from saferspaces.background.recovery import this_machine

    return f"{this_machine()}|{os.getpid()}"


def opendata_import(
    *,
    source: str,
    file: Path | None = None,
    from_api: bool = False,
    since: int | None = None,
    user: Any = None,
    transport: Transport | None = None,
    clock: Clock | None = None,
    progress: Callable[[Progress], None] | None = None,
) -> ImportRun:
    """Import one declared source from a file or from Eurostat's API and record the run (the
    command line): the run is recorded, then executed here by :func:`import_run_execute`.

    Raises :class:`OpenDataImportError` (a :class:`DomainError`) when the arguments are wrong
    (nothing recorded) or the run failed (``error.run`` is the failed run).
    """
    try:
        definition = import_arguments_check(
            source=source, file_given=file is not None, from_api=from_api, since=since
        )
    except OpenDataImportError:
        raise
    except DomainError as error:
        raise OpenDataImportError(error.message) from None
    now = clock or timezone.now
    if transport is None:
        transport = FileTransport(Path(file)) if file is not None else api_transport()
    run = ImportRun.objects.create(
        source=definition.name,
        dataset=definition.dataset,
        transport=TransportKind.FILE if file is not None else TransportKind.API,
        file_name=Path(file).name[:NAME_MAX] if file is not None else "",
        location=str(file)[:1000] if file is not None else "",
        since=since,
        started_at=now(),
        status=RunStatusChoice.RUNNING,
        process=_this_process(),
        ran_by=user if user is not None and getattr(user, "is_authenticated", False) else None,
    )
    return import_run_execute(
        run=run, definition=definition, transport=transport, clock=now, progress=progress
    )

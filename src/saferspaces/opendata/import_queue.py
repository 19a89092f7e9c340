"""Import runs on the task queue: started from the web, run by a worker, started again.

* :func:`import_run_queue` (the page ``/open-data/imports/new/``) stores the uploaded file and
  records a waiting run with its queue task, in one transaction; the request returns at once.
* :func:`import_run_work` is the queue task's body: one attempt. It claims the run
  (:func:`import_run_claim`), executes it with ``imports.import_run_execute`` (the command
  line's import) and deletes the uploaded file once it is not needed.
* :func:`import_run_retry` starts a failed run again ("Try again") when that can help.

A run is held by one attempt at a time: the attempt stores a run token when it claims the run,
and its progress and outcome are written only while the token is its own, so a worker that comes
back after being declared lost writes nothing (its load is rolled back). Runs whose worker
stopped are repaired by ``import_repairs.import_runs_reconcile``.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from pathlib import Path
from typing import Any

from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from saferspaces.background.jobs import rows_update, runs_closed
from saferspaces.core.limits import MB, OPENDATA_FILE_MAX_BYTES
from saferspaces.core.opendata import (
    EurostatSource,
    FileTransport,
    Location,
    OpenDataError,
    Transport,
    source_get,
)
from saferspaces.core.text import text_control_character
from saferspaces.errors import DomainError
from saferspaces.opendata.import_progress import Superseded
from saferspaces.opendata.imports import (
    NAME_MAX,
    Clock,
    OpenDataImportError,
    api_transport,
    import_arguments_check,
    import_run_execute,
    run_failed_save,
)
from saferspaces.opendata.models import PENDING, FailureKind, ImportRun, TransportKind
from saferspaces.opendata.models import RunStatus as RunStatusChoice

logger = logging.getLogger(__name__)

#: where uploaded files wait for their import (in the site's file storage)
UPLOAD_FOLDER = "opendata/imports"

# --- runs on the task queue -----------------------------------------------------------------------


def _display_name(name: str) -> str:
    """The uploaded file's own name, as people will read it: its last part, without control
    characters, at most 255 characters."""
    base = Path(name.replace("\\", "/")).name or "upload"
    while (found := text_control_character(base)) is not None:
        base = base[: found.position - 1] + base[found.position :]
    return base[:NAME_MAX] or "upload"


def _upload_store(upload: File) -> tuple[str, str]:
    """Store the uploaded file; its storage name and its name for people."""
    size = upload.size
    if size is None or size > OPENDATA_FILE_MAX_BYTES:
        raise DomainError(
            _(
                "The file is larger than %(limit)s MB, the limit for an open-data file: download "
                "the compressed file (.tsv.gz), or fewer years."
            )
            % {"limit": OPENDATA_FILE_MAX_BYTES // MB},
            field="file",
        )
    if size == 0:
        raise DomainError(_("The file is empty."), field="file")
    shown = _display_name(upload.name or "")
    try:
        safe = get_valid_filename(shown)[-100:]
    except SuspiciousFileOperation:  # nothing usable in the name
        safe = "upload"
    stored = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}/{safe}", upload)
    return stored, shown


def _pending_refuse(*, source: str, now: dt.datetime) -> None:
    """Refuse a second import of ``source`` while one waits or runs on the queue (once a run
    whose worker stopped has been repaired: asking again never meets a stuck run)."""
    pending = ImportRun.objects.filter(source=source, background=True, status__in=PENDING).first()
    if pending is None:
        return
    from saferspaces.background.recovery import tasks_recover_now
    from saferspaces.opendata.import_repairs import import_runs_reconcile

    tasks_recover_now(now=now)
    import_runs_reconcile(now=now, run_ids=[pending.pk])
    pending.refresh_from_db()
    if pending.status in PENDING:
        raise _already(source=source, run=pending)


def _already(*, source: str, run: ImportRun | None) -> DomainError:
    return DomainError(
        _(
            "An import of %(source)s is already waiting or running (import run %(run)s). Wait "
            "until it has ended, then start another."
        )
        % {"source": source, "run": run.pk if run is not None else "?"},
        field="source",
    )


def _queue(
    *,
    definition: EurostatSource,
    transport: str,
    file_name: str,
    stored: str,
    since: int | None,
    user: Any,
    language: str,
    now: dt.datetime,
    retry_of: ImportRun | None = None,
) -> ImportRun:
    from saferspaces.opendata.tasks import import_run_task

    _pending_refuse(source=definition.name, now=now)
    with transaction.atomic():
        try:
            with transaction.atomic():
                run = ImportRun.objects.create(
                    source=definition.name,
                    dataset=definition.dataset,
                    transport=transport,
                    file_name=file_name,
                    location=file_name,
                    since=since,
                    started_at=now,
                    queued_at=now,
                    status=RunStatusChoice.QUEUED,
                    background=True,
                    language=language[:10],
                    upload=stored,
                    retry_of=retry_of,
                    ran_by=user if getattr(user, "is_authenticated", False) else None,
                )
        except IntegrityError:  # another request queued one at the same moment
            raise _already(
                source=definition.name,
                run=ImportRun.objects.filter(
                    source=definition.name, background=True, status__in=PENDING
                ).first(),
            ) from None
        if retry_of is not None and stored:
            ImportRun.objects.filter(pk=retry_of.pk).update(upload="")  # the file moves on
        # the database queue stores the task in this transaction; the immediate one runs it here
        result = import_run_task.enqueue(run_id=run.pk)
        ImportRun.objects.filter(pk=run.pk, task_id="").update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def import_run_queue(
    *,
    source: str,
    upload: File | None,
    from_api: bool,
    since: int | None,
    user: Any,
    language: str,
    now: dt.datetime | None = None,
) -> ImportRun:
    """Store the uploaded file (if any) and give the import to the task queue: the run waits
    (``queued``) until a worker takes it. Raises :class:`DomainError` naming the field at fault;
    nothing is stored then."""
    definition = import_arguments_check(
        source=source, file_given=upload is not None, from_api=from_api, since=since
    )
    now = now or timezone.now()
    stored, shown = _upload_store(upload) if upload is not None else ("", "")
    try:
        return _queue(
            definition=definition,
            transport=TransportKind.FILE if upload is not None else TransportKind.API,
            file_name=shown,
            stored=stored,
            since=since,
            user=user,
            language=language,
            now=now,
        )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise


def import_run_claim(
    *, run_id: int, task_id: str, worker: str, token: str, now: dt.datetime
) -> bool:
    """Let one attempt take a queued run (or a running one whose attempt belonged to the same
    task: its worker was lost and the queue gave the task to another). False when the run is
    finished or held by another task."""
    with transaction.atomic():
        run = ImportRun.objects.select_for_update().filter(pk=run_id, background=True).first()
        if run is None:
            return False
        same_task = bool(task_id) and run.task_id == task_id
        if run.status == RunStatusChoice.QUEUED:
            if task_id and run.task_id and not same_task:
                return False  # another task holds this run
        elif not (run.status == RunStatusChoice.RUNNING and same_task):
            return False  # finished, or running under another task
        log = runs_closed(run.attempt_log, outcome="interrupted", at=now)
        log.append(
            {
                "attempt": run.attempts + 1,
                "worker": worker,
                "started": now.isoformat(),
                "ended": None,
                "outcome": None,
            }
        )
        rows_update(
            ImportRun,
            {"pk": run_id},
            {
                "status": RunStatusChoice.RUNNING,
                "attempts": run.attempts + 1,
                "run_token": token,
                "task_id": task_id or run.task_id,
                "started_at": now,
                "attempt_log": log,
                "progress": {},
            },
        )
    return True


def upload_delete(*, run: ImportRun) -> None:
    """Delete the run's stored file (imported, refused, or kept too long)."""
    if run.upload.name:
        default_storage.delete(run.upload.name)
        ImportRun.objects.filter(pk=run.pk, upload=run.upload.name).update(upload="")
        run.upload.name = ""


def import_run_work(
    *, run_id: int, task_id: str = "", worker: str = "", now: Clock = timezone.now
) -> ImportRun:
    """One attempt at a queued run (the task's body). Never raises for a failed import: the run
    ends ``failed`` with a message. A run another attempt holds is left alone."""
    token = uuid.uuid4().hex
    if not import_run_claim(run_id=run_id, task_id=task_id, worker=worker, token=token, now=now()):
        return ImportRun.objects.get(pk=run_id)
    run = ImportRun.objects.get(pk=run_id)
    with translation.override(run.language or None):
        try:
            definition = source_get(name=run.source)
            transport: Transport = api_transport()
            if run.transport == TransportKind.FILE:
                if not run.upload.name:
                    raise OpenDataError(
                        "the uploaded file is no longer stored; upload it again",
                        location=Location(run.file_name, step="fetch"),
                    )
                path = Path(default_storage.path(run.upload.name))
                transport = FileTransport(path, label=run.file_name or "upload")
            import_run_execute(
                run=run, definition=definition, transport=transport, token=token, clock=now
            )
        except Superseded:
            logger.warning(
                "import run %s: attempt %s lost the run; its work is dropped", run_id, token
            )
            return ImportRun.objects.get(pk=run_id)
        except OpenDataError as exc:  # the source is no longer declared
            run_failed_save(run, token, {"error_message": str(exc)}, FailureKind.DATA, now)
        except OpenDataImportError:
            pass  # recorded on the run
    run.refresh_from_db()
    if run.status == RunStatusChoice.OK or run.failure == FailureKind.DATA:
        upload_delete(run=run)  # loaded, or refused: the same file would fail the same way
    return run


# --- "Try again" ------------------------------------------------------------------------------------


def import_run_retry_possible(*, run: ImportRun) -> bool:
    """Whether starting ``run`` again can help: it failed because Eurostat could not be reached,
    its worker stopped or of an unexpected error (not because of the data), it was not tried
    again already, and its data can be had again (from the API, or its uploaded file is kept)."""
    if run.status != RunStatusChoice.FAILED or run.failure not in (
        FailureKind.SOURCE,
        FailureKind.INTERRUPTED,
        FailureKind.UNEXPECTED,
    ):
        return False
    if run.retries.exists():
        return False
    if run.transport == TransportKind.API:
        return True
    name = run.upload.name or ""
    return bool(name) and default_storage.exists(name)


def import_run_retry(
    *, run: ImportRun, user: Any, language: str, now: dt.datetime | None = None
) -> ImportRun:
    """Start a failed run again as a new run on the queue (the failed one stays recorded; its
    uploaded file moves to the new run)."""
    if not import_run_retry_possible(run=run):
        raise DomainError(
            _(
                "This import cannot be tried again: the same data would be refused the same way, "
                "it was tried again already, or its file is no longer kept. Start a new import."
            )
        )
    definition = source_get(name=run.source)
    return _queue(
        definition=definition,
        transport=run.transport,
        file_name=run.file_name,
        stored=run.upload.name or "",
        since=run.since,
        user=user,
        language=language,
        now=now or timezone.now(),
        retry_of=run,
    )

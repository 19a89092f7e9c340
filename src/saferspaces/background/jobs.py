"""Jobs that make a file in the background (report PDFs, export files): one definition for all.

A :class:`JobType` binds a concrete :class:`~saferspaces.background.models.FileJob` model to its
kinds (how to fingerprint the data a file is made from, how to make it), its queue task and its
messages for people. The rest is here, the same for every type:

* :func:`job_create` returns a finished file of the same data (the same data give the same
  bytes), or the job already waiting or running for it, or stores a new job with its task in
  one transaction. A waiting job whose worker stopped is first recovered, so asking again never
  returns a stuck job.
* :func:`job_run` is one attempt. It first claims the job (a queued job, or a running one whose
  attempt belonged to the same queued task: its worker was lost and the queue gave the task to
  another worker). Every later write of the attempt (progress, file, end) is conditional on its
  ``run_token``: an attempt that lost the job writes nothing, so a job is never run twice at
  once even if a lost worker comes back. A failed job always ends with a message for people;
  the technical error goes to the log with the job's id.
* ``job_repairs.jobs_reconcile`` repairs the jobs whose task will not run them any more, and
  ``job_repairs.jobs_prune`` deletes finished jobs and their files after a retention period.

Every function takes the time as ``now``; none reads the clock but through its default.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import IO, Any

from django.core.files.base import ContentFile, File
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from saferspaces.background.models import PENDING, FileJob, JobState
from saferspaces.errors import DomainError

MESSAGE_MAX = 500
_CHUNK = 1024 * 1024

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Rendered:
    """A file made by a job: its bytes, or a binary file object (read from its start and closed
    once stored, so a large file never sits in memory), and its download name."""

    data: bytes | IO[bytes]
    filename: str


@dataclass(frozen=True)
class JobKind:
    """One kind of file: ``fingerprint(parameters)`` sums up the data it is made from;
    ``render(parameters, language, progress)`` makes it, reporting progress (0-100, text)."""

    fingerprint: Callable[[dict[str, Any]], str]
    render: Callable[[dict[str, Any], str, Progress], Rendered]


@dataclass(frozen=True)
class JobType:
    """What differs between report jobs and export jobs; see the module."""

    name: str  # in the log: "report job 12 failed"
    logger: str
    model: type[FileJob]
    kinds: Mapping[str, JobKind]
    task: Any  # the queue's task that runs one job: ``task.enqueue(job_id=...)``
    started: StrOrPromise  # the message of a job just taken by a worker
    done: StrOrPromise
    unexpected: StrOrPromise  # with %(job)s: the job's id, to find the error in the log
    errors: tuple[type[Exception], ...] = (DomainError,)  # failures with a message for people
    by_language: bool = True  # whether the file differs with the language asked
    replace_older: bool = False  # delete the files of older data once a new one is ready

    @property
    def log(self) -> logging.Logger:
        return logging.getLogger(self.logger)


class _Superseded(Exception):
    """This attempt no longer holds the job."""


def rows_update(model: type[Model], lookup: dict[str, Any], fields: dict[str, Any]) -> int:
    """Update job rows (or other rows written while their page polls them). SQLite refuses a write while another connection reads the table
    ("database table is locked", e.g. the progress page polling); such a write is retried for
    up to about two seconds instead of failing the job."""
    for attempt in range(40):
        try:
            return model._default_manager.filter(**lookup).update(**fields)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 39:
                raise
            time.sleep(0.05)
    return 0


def runs_closed(
    runs: list[dict[str, Any]], *, outcome: str, at: dt.datetime
) -> list[dict[str, Any]]:
    """The runs with the last one closed (if it is still open)."""
    runs = [dict(r) for r in runs]
    if runs and runs[-1].get("ended") is None:
        runs[-1]["ended"] = at.isoformat()
        runs[-1]["outcome"] = outcome
    return runs


def job_key(*, kind: str, parameters: dict[str, Any], language: str, fingerprint: str) -> str:
    """One file of the same data: at most one job per key waits or runs."""
    text = json.dumps([kind, parameters, language, fingerprint], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _same_file(jobs: JobType, kind: str, parameters: dict[str, Any], language: str) -> Any:
    found = jobs.model.objects.filter(kind=kind, parameters=parameters)
    return found.filter(language=language) if jobs.by_language else found


# --- asking for a file ---------------------------------------------------------------------------


def job_ready(
    *, jobs: JobType, kind: str, parameters: dict[str, Any], language: str, fingerprint: str
) -> FileJob | None:
    """The finished job whose file was made from this data and is still stored, if any."""
    done = (
        _same_file(jobs, kind, parameters, language)
        .filter(fingerprint=fingerprint, state=JobState.DONE)
        .exclude(file="")
        .order_by("-created_at", "-pk")
        .first()
    )
    return done if done is not None and done.file_kept else None


def job_waiting(
    *, jobs: JobType, kind: str, parameters: dict[str, Any], language: str, fingerprint: str
) -> FileJob | None:
    """The job waiting or running for this data, if any (as stored: not recovered)."""
    key = job_key(
        kind=kind,
        parameters=parameters,
        language=language if jobs.by_language else "",
        fingerprint=fingerprint,
    )
    return jobs.model.objects.filter(key=key, state__in=PENDING).first()


def job_create(
    *,
    jobs: JobType,
    kind: str,
    parameters: dict[str, Any],
    language: str,
    user: Any,
    now: dt.datetime,
    fingerprint: str | None = None,
) -> FileJob:
    """A finished job for the same data, the job already waiting or running for it, or a new
    job given to the task queue (in this transaction: both are stored, or neither).

    A waiting or running job is first checked: if its worker stopped, the queue retries it or
    the job fails (with its "Try again" button), so asking again never returns a stuck job.
    """
    if kind not in jobs.kinds:
        raise DomainError(_("Unknown kind of file."), field="kind")
    if fingerprint is None:
        fingerprint = jobs.kinds[kind].fingerprint(parameters)
    ready = job_ready(
        jobs=jobs, kind=kind, parameters=parameters, language=language, fingerprint=fingerprint
    )
    if ready is not None:
        return ready
    pending = job_waiting(
        jobs=jobs, kind=kind, parameters=parameters, language=language, fingerprint=fingerprint
    )
    if pending is not None:
        from saferspaces.background.job_repairs import jobs_reconcile
        from saferspaces.background.recovery import tasks_recover_now

        tasks_recover_now(now=now)
        jobs_reconcile(jobs=jobs, now=now, job_ids=[pending.pk])
        pending.refresh_from_db()
        if pending.state in PENDING:
            return pending
    key = job_key(
        kind=kind,
        parameters=parameters,
        language=language if jobs.by_language else "",
        fingerprint=fingerprint,
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                job = jobs.model.objects.create(
                    kind=kind,
                    parameters=parameters,
                    language=language,
                    fingerprint=fingerprint,
                    key=key,
                    created_by=user if getattr(user, "is_authenticated", False) else None,
                    created_at=now,
                    message=_("Waiting to start"),
                )
        except IntegrityError:  # another request created it at the same moment
            return jobs.model.objects.get(key=key, state__in=PENDING)
        return job_enqueue(jobs=jobs, job=job)


def job_enqueue(*, jobs: JobType, job: FileJob) -> FileJob:
    """Give ``job`` (queued, in the caller's transaction) a task. With the database queue the
    task is stored in the same transaction; the immediate queue runs it here."""
    result = jobs.task.enqueue(job_id=job.pk)
    rows_update(jobs.model, {"pk": job.pk, "task_id": ""}, {"task_id": str(result.id)})
    job.refresh_from_db()
    return job


# --- one attempt ---------------------------------------------------------------------------------


def _claim(
    *, jobs: JobType, job_id: int, task_id: str, worker: str, token: str, now: dt.datetime
) -> bool:
    with transaction.atomic():
        job = jobs.model.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return False
        same_task = bool(task_id) and job.task_id == task_id
        if job.state == JobState.QUEUED:
            if task_id and job.task_id and not same_task:
                return False  # another task holds this job
        elif not (job.state == JobState.RUNNING and same_task):
            return False  # finished, or running under another task
        runs = runs_closed(job.runs, outcome="interrupted", at=now)
        runs.append(
            {
                "attempt": job.attempts + 1,
                "worker": worker,
                "started": now.isoformat(),
                "ended": None,
                "outcome": None,
            }
        )
        with translation.override(job.language or None):
            message = str(jobs.started)
        rows_update(
            jobs.model,
            {"pk": job_id},
            {
                "state": JobState.RUNNING,
                "attempts": job.attempts + 1,
                "run_token": token,
                "task_id": task_id or job.task_id,
                "started_at": now,
                "progress": 5,
                "message": message,
                "runs": runs,
            },
        )
    return True


def _finish(
    *, jobs: JobType, job_id: int, token: str, now: dt.datetime, outcome: str, **fields: Any
) -> bool:
    with transaction.atomic():
        job = (
            jobs.model.objects.select_for_update()
            .filter(pk=job_id, run_token=token, state=JobState.RUNNING)
            .first()
        )
        if job is None:
            return False
        runs = runs_closed(job.runs, outcome=outcome, at=now)
        return bool(
            rows_update(
                jobs.model,
                {"pk": job_id, "run_token": token},
                {"runs": runs, "finished_at": now, "run_token": "", **fields},
            )
        )


def _store(job: FileJob, rendered: Rendered) -> str:
    """Save the made file as the job's file; its SHA-256."""
    data = rendered.data
    if isinstance(data, bytes):
        job.file.save(rendered.filename, ContentFile(data), save=False)
        return hashlib.sha256(data).hexdigest()
    digest = hashlib.sha256()
    data.seek(0)
    for chunk in iter(lambda: data.read(_CHUNK), b""):
        digest.update(chunk)
    data.seek(0)
    job.file.save(rendered.filename, File(data), save=False)
    return digest.hexdigest()


def _older_delete(jobs: JobType, job: FileJob) -> None:
    """Delete the files of the same parameters made before ``job`` (from older data)."""
    older = (
        _same_file(jobs, job.kind, job.parameters, job.language)
        .filter(state=JobState.DONE, created_at__lte=job.created_at)
        .exclude(pk=job.pk)
        .exclude(file="")
    )
    for old in older.only("pk", "file"):
        old.file.delete(save=False)
        rows_update(jobs.model, {"pk": old.pk}, {"file": ""})


def job_run(
    *,
    jobs: JobType,
    job_id: int,
    task_id: str = "",
    worker: str = "",
    now: Callable[[], dt.datetime] = timezone.now,
) -> FileJob:
    """Make a job's file, updating its progress at each stage. Never raises for a failed file:
    the job ends ``failed`` with a message. A job another attempt holds is left alone."""
    token = uuid.uuid4().hex
    if not _claim(jobs=jobs, job_id=job_id, task_id=task_id, worker=worker, token=token, now=now()):
        return jobs.model.objects.get(pk=job_id)
    job = jobs.model.objects.get(pk=job_id)
    with translation.override(job.language or None):

        def progress(value: int, message: str) -> None:
            lookup = {"pk": job_id, "run_token": token}
            if not rows_update(jobs.model, lookup, {"progress": value, "message": message}):
                raise _Superseded

        rendered: Rendered | None = None
        try:
            kind = jobs.kinds.get(job.kind)
            if kind is None:
                raise DomainError(_("This kind of file cannot be made any more."), field="kind")
            rendered = kind.render(dict(job.parameters), job.language, progress)
            progress(90, _("Storing the file"))
            digest = _store(job, rendered)
            done = _finish(
                jobs=jobs,
                job_id=job_id,
                token=token,
                now=now(),
                outcome="done",
                file=job.file.name,
                sha256=digest,
                state=JobState.DONE,
                progress=100,
                message=str(jobs.done),
            )
            if not done:
                job.file.delete(save=False)
            elif jobs.replace_older:
                _older_delete(jobs, job)
        except _Superseded:
            jobs.log.warning(
                "%s %s: attempt %s lost the job; its work is dropped", jobs.name, job_id, token
            )
        except jobs.errors as exc:
            message = str(getattr(exc, "message", "")) or str(jobs.unexpected) % {"job": job_id}
            _finish(
                jobs=jobs,
                job_id=job_id,
                token=token,
                now=now(),
                outcome="failed",
                state=JobState.FAILED,
                message=message[:MESSAGE_MAX],
            )
        except Exception:  # a job must never end in a server error, nor show one
            jobs.log.exception("%s %s failed", jobs.name, job_id)
            _finish(
                jobs=jobs,
                job_id=job_id,
                token=token,
                now=now(),
                outcome="failed",
                state=JobState.FAILED,
                message=(str(jobs.unexpected) % {"job": job_id})[:MESSAGE_MAX],
            )
        finally:
            if rendered is not None and not isinstance(rendered.data, bytes):
                rendered.data.close()
    return jobs.model.objects.get(pk=job_id)

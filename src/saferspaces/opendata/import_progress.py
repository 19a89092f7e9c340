"""The progress of an import run, stored on the run while it loads, for its page to show.

The pipeline reports progress events (step, bytes read of the file's size, values so far). The
load is one database transaction, so a progress written through the site's own connection would
be seen only once the load has ended. :class:`ProgressStore` therefore writes it:

* before the load, through the site's connection (the run is "being read");
* during the load on **PostgreSQL**, through a second connection of its own, outside the load's
  transaction, when the step changes or the share read moves by a percent (without a known size,
  every two seconds) - conditional on the attempt's run token, so an attempt that lost the run
  learns it at its next event (:class:`Superseded`) and stops;
* at the end, with the run's outcome (in the load's transaction).

SQLite takes one write at a time and the load holds it: there the stored progress moves before
and after the load only. An import started inside an outer transaction (the test suite's queue
runs tasks where they are enqueued) is not visible to anyone else before that transaction ends,
so no second connection is opened either.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections

from saferspaces.background.jobs import rows_update
from saferspaces.core.opendata import Progress
from saferspaces.opendata.models import ImportRun

logger = logging.getLogger(__name__)

#: the share of the progress bar each step starts at (the values are read and loaded in "parse")
STEP_PERCENT = {"fetch": 2, "parse": 5, "derive": 92, "report": 97}
_PARSE_SPAN = 85
_QUIET_SECONDS = 2.0


class Superseded(Exception):
    """This attempt no longer holds the run (its worker was declared lost, another took it)."""


def progress_data(event: Progress) -> dict[str, Any]:
    return {
        "step": event.step,
        "bytes_read": event.bytes_read,
        "bytes_total": event.bytes_total,
        "observations": event.observations,
    }


def progress_percent(*, progress: dict[str, Any], finished: bool) -> int | None:
    """How far a run has come, 0-100; None while values are read from a source of unknown size
    (an API answer without its length)."""
    if finished:
        return 100
    step = progress.get("step", "")
    if step == "parse":
        read, total = progress.get("bytes_read") or 0, progress.get("bytes_total")
        if not total:
            return None
        return STEP_PERCENT["parse"] + int(_PARSE_SPAN * min(1.0, read / total))
    return STEP_PERCENT.get(step, 0)


class ProgressStore:
    """Receives the pipeline's progress events for ``run`` (see the module), and passes each on
    to ``forward`` (the command line's progress line)."""

    def __init__(
        self, *, run: ImportRun, token: str, forward: Callable[[Progress], None] | None
    ) -> None:
        self.run_id = run.pk
        self.token = token
        self.forward = forward
        self.latest: dict[str, Any] = {}
        self._written: tuple[str, int | None] = ("", None)
        self._written_at = 0.0
        self._side: Any = None

    def begin(self) -> None:
        """Before the load: the run is being read; open the second connection if it helps."""
        self.latest = {"step": "fetch", "bytes_read": 0, "bytes_total": None, "observations": 0}
        self._mark(self.latest)
        if not rows_update(
            ImportRun, {"pk": self.run_id, "run_token": self.token}, {"progress": self.latest}
        ):
            raise Superseded
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            self._side = connections.create_connection(DEFAULT_DB_ALIAS)
            try:
                with self._side.cursor() as cursor:  # never wait on a lock: skip the event
                    cursor.execute("SET lock_timeout = '1s'")
            except DatabaseError:
                logger.warning("import run %s: its progress cannot be shown", self.run_id)
                self.close()

    def _mark(self, data: dict[str, Any]) -> None:
        self._written = (data["step"], progress_percent(progress=data, finished=False))
        self._written_at = time.monotonic()

    def _due(self, data: dict[str, Any]) -> bool:
        step, percent = data["step"], progress_percent(progress=data, finished=False)
        if step != self._written[0]:
            return True
        if percent is None:
            return time.monotonic() - self._written_at >= _QUIET_SECONDS
        return percent != self._written[1]

    def __call__(self, event: Progress) -> None:
        data = progress_data(event)
        self.latest = data
        if self._side is not None and self._due(data):
            self._write(data)
        if self.forward is not None:
            self.forward(event)

    def _write(self, data: dict[str, Any]) -> None:
        table = self._side.ops.quote_name(ImportRun._meta.db_table)
        try:
            with self._side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {table} SET progress = %s::jsonb WHERE id = %s AND run_token = %s",  # noqa: S608 - the table name is the model's
                    [json.dumps(data), self.run_id, self.token],
                )
                updated = cursor.rowcount
        except DatabaseError as error:  # a lock met, the connection lost: skip this event
            logger.warning("import run %s: progress not stored (%s)", self.run_id, error)
            return
        if not updated:
            raise Superseded
        self._mark(data)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None

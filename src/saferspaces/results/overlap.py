"""Writing a round's results while the next chunk is scored: a writer thread of the computing
process, with its own database connection and the computation's one write transaction.

A round of 10,000 assessments spends about as long in PostgreSQL (parsing, compressing and
indexing what is written) as in Python (reading answers and scoring); done one after the other
on a machine of two cores, half of it waits. Here the thread that computes hands each chunk's
runs to the writer through a bounded queue (one chunk waiting at most, so memory stays flat) and
goes on with the next chunk while the database works; waiting for the database releases the
interpreter's lock.

The cyclic garbage collector is paused while a round is computed (:func:`collection_paused`):
a chunk makes millions of small objects, freed by their reference counts, and the collector's
passes over them took a third of the computation's time.

All or nothing, as before: every write is made in the writer's one transaction, committed when
the last chunk is written; an error on either side (scoring or writing) rolls it back and is
raised in the computing thread, and nothing is stored.
"""

from __future__ import annotations

import gc
import queue
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any, Generic, TypeVar

from django.db import connections, transaction

Item = TypeVar("Item")
Out = TypeVar("Out")

#: chunks waiting for the writer at most (each is a chunk's runs: memory stays flat)
QUEUE_DEPTH = 1
#: how often a computing thread waiting for room in the queue checks that the writer still runs
POLL_S = 0.2

_DONE = object()
_ABORT = object()


class _Aborted(Exception):
    """The computing side failed: the writer rolls back."""


class OverlappedWriter(Generic[Item, Out]):
    """``write(item)`` for each item :meth:`put`, in a thread of its own and one transaction.

    Use as a context manager: leaving it normally waits for the writer and commits (then
    :meth:`results` holds what each ``write`` returned, in order); leaving it on an error rolls
    back. An error of the writer is raised in the caller's thread by the next :meth:`put` or on
    leaving."""

    def __init__(self, write: Callable[[Item], list[Out]], *, using: str = "default") -> None:
        self._write = write
        self._using = using
        self._queue: queue.Queue[Any] = queue.Queue(maxsize=QUEUE_DEPTH)
        self._out: list[Out] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="results-writer", daemon=True)

    def __enter__(self) -> OverlappedWriter[Item, Out]:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            with transaction.atomic(using=self._using):
                while (item := self._queue.get()) is not _DONE:
                    if item is _ABORT:
                        raise _Aborted
                    self._out += self._write(item)
        except _Aborted:
            pass
        except BaseException as error:  # raised again in the computing thread
            self._error = error
        finally:
            connections[self._using].close()  # the thread's own connection

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def put(self, item: Item) -> None:
        """Give ``item`` to the writer; waits while a chunk is already waiting. Raises the
        writer's error if it failed."""
        while True:
            self._raise_if_failed()
            if not self._thread.is_alive():
                raise RuntimeError("the results writer stopped")
            try:
                self._queue.put(item, timeout=POLL_S)
                return
            except queue.Full:
                continue

    def _finish(self, signal: object) -> None:
        while self._thread.is_alive():
            try:
                self._queue.put(signal, timeout=POLL_S)
                break
            except queue.Full:
                continue
        self._thread.join()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._finish(_DONE if error is None else _ABORT)
        if error is None:
            self._raise_if_failed()

    @property
    def results(self) -> list[Out]:
        """What the writes returned, in order (after leaving without an error)."""
        return self._out


_paused_lock = threading.Lock()
_paused = 0  # computations running with the collector paused
_enabled_before = True  # whether the collector ran before the first of them


#: young objects (containers made since the last pass) past which a pass is made between
#: chunks: a pass costs in proportion to them (a chunk's runs waiting for the writer, with
#: their explanations: about a million, 70 ms), and a chunk leaves only a few thousand cycles
YOUNG_LIMIT = 2_000_000


@contextmanager
def collection_paused(*, young_limit: int = YOUNG_LIMIT) -> Iterator[Callable[[], None]]:
    """Pause the cyclic garbage collector (objects are still freed by their reference counts);
    yields a function to call between chunks, which collects the young objects' cycles when
    more than ``young_limit`` young objects have accumulated (memory stays bounded). When the
    last paused computation ends, the collector runs again if it ran before the first."""
    global _paused, _enabled_before
    with _paused_lock:
        if _paused == 0:
            _enabled_before = gc.isenabled()
        _paused += 1
        gc.disable()

    def between_chunks() -> None:
        if gc.get_count()[0] > young_limit:
            gc.collect(0)

    try:
        yield between_chunks
    finally:
        with _paused_lock:
            _paused -= 1
            if _paused == 0 and _enabled_before:
                gc.enable()

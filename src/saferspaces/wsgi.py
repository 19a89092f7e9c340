"""The WSGI application (gunicorn: ``saferspaces.wsgi``).

A web process keeps a great deal that lives as long as it does: Django's modules, the compiled
templates, the translation catalogues, the parsed editions, the peers of the rounds it shows.
Python's cyclic garbage collector walks all of it in every full collection: about 25 ms for
the 130 000 objects of a worker of the dashboard benchmark, every 40 or so requests, each time
added to the request that happened to trigger it (the slowest profile pages took 55 ms of CPU
where the others took 21). :class:`FreezeAfterWarmUp` moves what the process holds after its
20th, 200th and 2 000th request out of the collector's sight (``gc.freeze``, after one full
collection, so that the garbage already there is not kept), once the response has been sent
(when that response streams or is a file, which a client reads until the connection closes,
after the next one); full collections then
walk only what came after (the slowest profile pages: 24 ms; the peer view's p95 in process
51 -> 45 ms). Objects frozen are still freed when nothing refers to them; only a reference
cycle among them that becomes garbage later would stay, which is why the process freezes three
times, not after every request.
"""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.core.wsgi import get_wsgi_application

#: the requests after which a process freezes what it holds
FREEZE_AFTER_REQUESTS = (20, 200, 2_000)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def process_freeze() -> None:
    """Collect the garbage, then keep everything left out of later collections."""
    gc.collect()
    gc.freeze()


class _ThenClose:
    """A response whose ``close`` (called by the server once the response is sent) runs
    ``then`` after the response's own."""

    def __init__(self, response: Iterable[bytes], then: Callable[[], None]) -> None:
        self.response = response
        self.then = then

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.response)

    def close(self) -> None:
        try:
            close = getattr(self.response, "close", None)
            if close is not None:
                close()
        finally:
            self.then()


class FreezeAfterWarmUp:
    """Wraps a WSGI application: after the requests :data:`FREEZE_AFTER_REQUESTS` (counted
    in this process), :func:`process_freeze` once their response is sent (a streamed or file
    response passes it on to the next request)."""

    def __init__(
        self,
        app: WSGIApp,
        *,
        after: tuple[int, ...] = FREEZE_AFTER_REQUESTS,
        freeze: Callable[[], None] = process_freeze,
    ) -> None:
        self.app = app
        self.after = frozenset(after)
        self.freeze = freeze
        self.served = 0
        self.due = False
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        with self._lock:
            self.served += 1
            self.due = self.due or self.served in self.after
        response = self.app(environ, start_response)
        file_wrapper = environ.get("wsgi.file_wrapper")
        if getattr(response, "streaming", False) or (
            isinstance(file_wrapper, type) and isinstance(response, file_wrapper)
        ):
            # a client reads these until the connection closes (and a file is sent by the
            # server's own means, which a wrapper would hide): freeze after the next one
            return response
        with self._lock:
            due, self.due = self.due, False
        return _ThenClose(response, self.freeze) if due else response


os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferspaces.settings")
application = FreezeAfterWarmUp(get_wsgi_application())

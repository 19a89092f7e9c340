"""The WSGI application freezes what a web process holds after its first requests
(``saferspaces.wsgi``), once their responses are sent, and serves every request as before."""

from __future__ import annotations

import gc
import io
from collections.abc import Iterator
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from saferspaces.wsgi import FREEZE_AFTER_REQUESTS, FreezeAfterWarmUp, process_freeze


class _Body:
    def __init__(self, events: list[str], n: int) -> None:
        self.events, self.n = events, n

    def __iter__(self) -> Iterator[bytes]:
        yield f"response {self.n}".encode()

    def close(self) -> None:
        self.events.append(f"closed {self.n}")


def test_the_process_freezes_after_the_named_requests_once_they_are_sent() -> None:
    events: list[str] = []
    served = [0]

    def app(environ: dict[str, Any], start_response: Any) -> _Body:
        served[0] += 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return _Body(events, served[0])

    wrapped = FreezeAfterWarmUp(app, after=(2, 4), freeze=lambda: events.append("frozen"))
    for n in range(1, 6):
        response = wrapped({}, lambda *_args: None)
        assert b"".join(response) == f"response {n}".encode()
        before = events.count("frozen")
        response.close()  # type: ignore[attr-defined]
        # never before the response is sent: at its close, after the response's own
        assert events.count("frozen") == before + (n in (2, 4))
    assert events == [
        "closed 1",
        "closed 2",
        "frozen",
        "closed 3",
        "closed 4",
        "frozen",
        "closed 5",
    ]


def test_a_streamed_or_file_response_passes_the_freeze_on_to_the_next() -> None:
    events: list[str] = []

    class Streamed(_Body):
        streaming = True

    class FileWrapper(_Body):
        pass

    kinds = iter([Streamed, FileWrapper, _Body, _Body])

    def app(environ: dict[str, Any], start_response: Any) -> _Body:
        return next(kinds)(events, len(events))

    wrapped = FreezeAfterWarmUp(app, after=(1,), freeze=lambda: events.append("frozen"))
    environ = {"wsgi.file_wrapper": FileWrapper}
    for kind, expected in (("streamed", Streamed), ("file", FileWrapper), ("plain", None)):
        response = wrapped(environ, lambda *_args: None)
        if expected is not None:  # not wrapped: the server sees its own file wrapper
            assert type(response) is expected
        response.close()  # type: ignore[attr-defined]
        events.append(kind)
    response = wrapped(environ, lambda *_args: None)
    response.close()  # type: ignore[attr-defined]
    events.append("plain again")
    assert events == [
        "closed 0",
        "streamed",
        "closed 2",
        "file",
        "closed 4",
        "frozen",
        "plain",
        "closed 7",
        "plain again",
    ]


def test_freezing_keeps_what_the_process_holds_out_of_later_collections() -> None:
    assert tuple(sorted(FREEZE_AFTER_REQUESTS)) == FREEZE_AFTER_REQUESTS
    held: list[list[int]] = [[] for _ in range(10)]  # (tracked by the collector)
    assert all(gc.is_tracked(h) for h in held)
    try:
        process_freeze()
        tracked = {id(o) for o in gc.get_objects()}  # (leaves the frozen out)
        assert not tracked & {id(h) for h in held}
        assert gc.get_freeze_count() >= len(held)
    finally:
        gc.unfreeze()
    tracked = {id(o) for o in gc.get_objects()}
    assert {id(h) for h in held} <= tracked


@pytest.mark.django_db
def test_the_application_serves_through_the_wrapper(monkeypatch: Any) -> None:
    from saferspaces import wsgi

    frozen: list[int] = []
    assert isinstance(wsgi.application, FreezeAfterWarmUp)
    monkeypatch.setattr(wsgi.application, "freeze", lambda: frozen.append(1))
    monkeypatch.setattr(wsgi.application, "after", frozenset({wsgi.application.served + 1}))
    environ: dict[str, Any] = {"PATH_INFO": "/health/", "wsgi.input": io.BytesIO()}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    statuses: list[str] = []
    # the test's transaction stays open: the connection is not closed at the request's start
    # and end, as Django's test client arranges for its own handler
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = wsgi.application(
            environ, lambda status, _headers, *_exc: statuses.append(status)
        )
        body = b"".join(response)
        assert not frozen
        response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    assert statuses == ["200 OK"], body
    assert b'"status": "ok"' in body and frozen == [1]

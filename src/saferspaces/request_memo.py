"""What one web request reads once: a person's role in an authority, the people assigned to the
parts of an assessment.

Saving an answer asks "may this person edit this part?" three times (the view, the service
under the assessment's row lock, the question drawn again), and each time read the same rows.
:class:`RequestMemoMiddleware` gives every request an empty memo and drops it when the response
is made; :func:`memo_get` reads a value once per request. Outside a request (task workers,
commands, tests that call services) there is no memo and every call reads the database.

A service that changes a memoised value clears the memo (:func:`memo_clear`); a reading that
must be current (under a row lock) passes ``fresh=True`` to its selector, which reads and
keeps the new value.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_MEMO: ContextVar[dict[Hashable, Any] | None] = ContextVar("saferspaces_request_memo", default=None)
_MISSING = object()


def memo_get(key: Hashable, read: Callable[[], T], *, fresh: bool = False) -> T:
    """The value of ``key`` in this request: ``read()`` the first time (or when ``fresh``)."""
    memo = _MEMO.get()
    if memo is None:
        return read()
    value = _MISSING if fresh else memo.get(key, _MISSING)
    if value is _MISSING:
        value = memo[key] = read()
    return value  # type: ignore[return-value]


def memo_forget(key: Hashable) -> None:
    """Forget what this request read under ``key`` (after a change to it)."""
    memo = _MEMO.get()
    if memo is not None:
        memo.pop(key, None)


def memo_clear() -> None:
    """Forget what this request has read (after a change to roles or assignments)."""
    memo = _MEMO.get()
    if memo is not None:
        memo.clear()


class RequestMemoMiddleware:
    """A memo for the time of one request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _MEMO.set({})
        try:
            return self.get_response(request)
        finally:
            _MEMO.reset(token)

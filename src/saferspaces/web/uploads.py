"""Request bodies refused before they are read: each page that takes a file declares its limit.

Django reads a whole multipart body before a view can look at the file's size, and writes every
file over ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file on the way: a 300 MB upload to any
page would be read and written to disk before being refused. :class:`UploadLimitMiddleware` looks
at the request's ``Content-Length`` (the WSGI server never hands more than that to Django) as
soon as the view is known, before the CSRF check or anyone else reads the body, and answers 413
with a page that states the limit. A view declares its limit with :func:`upload_limit`; other
pages accept :data:`~saferspaces.core.limits.FILE_MAX_BYTES`. The room for the form's other
fields is :data:`~saferspaces.core.limits.FORM_FIELDS_ROOM_BYTES`; a file just over the limit
within that room is refused by the view's own check, with the form's error message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saferspaces.core.limits import FILE_MAX_BYTES, FORM_FIELDS_ROOM_BYTES, MB

View = TypeVar("View", bound=Callable[..., Any])
Limit = int | Callable[[], int]


def upload_limit(max_bytes: Limit) -> Callable[[View], View]:
    """Declare the largest file a view accepts (bytes, or a function giving them at request
    time, for a limit read from the settings)."""

    def decorate(view: View) -> View:
        view.upload_max_bytes = max_bytes  # type: ignore[attr-defined]
        return view

    return decorate


def view_upload_limit(view: Callable[..., Any]) -> int:
    """The largest file ``view`` accepts, in bytes."""
    declared: Limit = getattr(view, "upload_max_bytes", FILE_MAX_BYTES)
    return declared() if callable(declared) else declared


def _content_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


class UploadLimitMiddleware:
    """Answer 413 to a request whose body is larger than its view accepts, without reading it.

    Placed before ``CsrfViewMiddleware``, whose ``process_view`` reads the body.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        length = _content_length(request)
        if length == 0:
            return None
        limit = view_upload_limit(view_func)
        if length <= limit + FORM_FIELDS_ROOM_BYTES:
            return None
        return render(
            request,
            "413.html",
            {"limit_mb": max(1, limit // MB), "size_mb": length // MB},
            status=413,
        )

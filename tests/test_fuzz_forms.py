"""Hostile input to every form, query string and path of the site, as every persona: never a 5xx.

Walks the URL x persona matrix of ``site_matrix.py``: every HTML page a persona may open is
read, and each of its forms (found with ``html.parser``, see ``form_fuzz.py``) is sent again with
one field replaced by a hostile value (NUL bytes, digits that are not ASCII, a megabyte of text,
control characters or bytes that are not UTF-8, random unicode that is no valid choice, huge and
odd numbers, empty values, the field sent three times) while the others keep what the page holds,
completed with valid values where it leaves a field empty (``_known``); the test checks that the
forms that write accept those unchanged values, so the hostile one reaches their service. Forms
that several personas see share the categories out between them, so that every field gets every
category once. File fields stay empty: hostile files have their own tests. Then every page gets
hostile query parameters, and every parameter of every path a hostile value.

Each request runs in a transaction that is rolled back, so the demo stays as it was; the client's
cookies are put back after each, so a logout or a language change does not leak into the next.
The values come from a seeded generator: a failure prints the persona, the URL, the field and the
value, and runs again the same. The test runs in the PostgreSQL pass too, where a NUL byte that
reaches the database fails.
"""

from __future__ import annotations

import copy
import datetime as dt
import random
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import Resolver404, resolve

from form_fuzz import CATEGORIES, FIRST, Form, forms_parse, hostile
from saferspaces.accounts.models import User
from saferspaces.authorities.models import NutsRegion
from saferspaces.demo.generator import PERSONAS
from site_matrix import NOT_HTML, PERSONA_ORDER, fill_path, matrix_entries

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEED = 14
FORM_CONTENT = "application/x-www-form-urlencoded"
#: query parameters some page reads, fuzzed on every page besides its GET forms' fields
QUERY_PARAMS = ("assessment", "chart", "format", "submission", "next", "page", "language")
QUERY_CATEGORIES = ("nul", "non_ascii_digits", "huge_number", "control")
PATH_VALUES = ("\x00", "²", "٣", "9" * 30, "-1", "a\x00b", "é" * 300)
SKIP_FIELDS = {"csrfmiddlewaretoken"}
#: forms whose page values (completed by ``_known``) must be accepted as they are
MUST_ACCEPT = {
    "assessments:save",
    "assessments:evidence_add",
    "assessments:flag",
    "assessments:round_open",
    "assessments:round_edit",
    "assessments:round_close",
    "assessments:start",
    "authorities:create",
    "authorities:invite",
    "dashboard:sharing",
    "notifications:preferences",
    "opendata:geography",
}


class Session:
    """A persona's client whose cookies are put back after each request."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.client = Client(raise_request_exception=False)
        if key != "anonymous":
            email = next(p.email for p in PERSONAS if p.key == key)
            self.client.force_login(User.objects.get(email=email))
        self.cookies = copy.deepcopy(self.client.cookies)

    def send(
        self, method: str, url: str, pairs: list[tuple[str, Any]], *, htmx: bool = False
    ) -> tuple[int, bytes]:
        body = urlencode(pairs, doseq=False)
        headers = {"HX-Request": "true"} if htmx else {}
        with transaction.atomic():
            try:
                if method == "post":
                    response = self.client.post(
                        url, data=body, content_type=FORM_CONTENT, headers=headers
                    )
                else:
                    joiner = "&" if "?" in url else "?"
                    response = self.client.get(
                        url + (joiner + body if body else ""), headers=headers
                    )
                if response.streaming:  # read to the end: the client then closes it
                    content = b"".join(response.streaming_content)  # type: ignore[attr-defined]
                else:
                    content = response.content
                status = response.status_code
            except Exception as error:  # the error page failed too: a WSGI server's bare 500
                status, content = 500, f"error page failed: {error!r}".encode()
            transaction.set_rollback(True)
        self.client.cookies = copy.deepcopy(self.cookies)
        return status, content


class Failures:
    def __init__(self) -> None:
        self.rows: list[str] = []
        self.requests = 0

    def check(self, status: int, who: str, method: str, url: str, what: str, value: Any) -> None:
        self.requests += 1
        if status >= 500:
            shown = repr(value)
            if len(shown) > 80:
                shown = shown[:60] + f"... ({len(value)} long)"
            self.rows.append(f"{status} as {who}: {method.upper()} {url[:120]} {what}={shown}")


def _route(url: str) -> str:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return "?"


def _pages() -> Iterator[tuple[str, str, str]]:
    """(persona, route name, path) of every HTML page of the matrix a persona may open."""
    for name, (method, template, expected) in sorted(matrix_entries().items()):
        if method != "get" or name in NOT_HTML:
            continue
        path = fill_path(template)
        for key in PERSONA_ORDER:
            if expected[key] == 200:
                yield key, name, path


def _discover(sessions: dict[str, Session]) -> dict[tuple[Any, ...], dict[str, Form]]:
    """Every distinct form (by action route, method, field names and kinds), per persona."""
    shapes: dict[tuple[Any, ...], dict[str, Form]] = {}
    for key, _name, path in _pages():
        status, content = sessions[key].send("get", path, [])
        assert status == 200, (key, path, status)
        for form in forms_parse(content.decode("utf-8"), page_url=path):
            shape = (_route(form.action), *form.signature())
            seen = shapes.setdefault(shape, {})
            if key not in seen or (form.complete() and not seen[key].complete()):
                seen[key] = form
    return shapes


def _known() -> dict[str, str]:
    """Valid values for fields a page leaves empty, so that a hostile value in one field gets past
    the checks of the others and reaches the service behind the form."""
    today = dt.date.today()
    region = NutsRegion.objects.filter(level=3).order_by("code").first()
    assert region is not None
    return {
        "name": "Fuzzville",
        "title": "Fuzz title",
        "country_code": region.country_code,
        "nuts_code": region.code,
        "population": "12000",
        "period_start": f"{today.year - 1}-01-01",
        "period_end": f"{today.year - 1}-12-31",
        "deadline": (today + dt.timedelta(days=30)).isoformat(),
        "reference_year": str(today.year - 1),
        "source_name": "City survey",
        "authorities": FIRST,
    }


def _fuzz_forms(
    sessions: dict[str, Session], shapes: dict[tuple[Any, ...], dict[str, Form]], out: Failures
) -> dict[str, int]:
    """Fuzz every form; returns the status of each form's unchanged baseline, by route."""
    rng = random.Random(SEED)
    known = _known()
    accepted: dict[str, int] = {}
    for shape in sorted(shapes, key=repr):
        by_persona = shapes[shape]
        keys = [k for k in PERSONA_ORDER if k in by_persona]
        any_form = by_persona[keys[0]]
        names = [n for n in any_form.fields if n not in SKIP_FIELDS]
        last = by_persona[keys[-1]]
        status, _body = sessions[keys[-1]].send(last.method, last.action, last.baseline(known))
        out.check(status, keys[-1], last.method, last.action, "baseline", "")
        accepted[shape[0]] = min(status, accepted.get(shape[0], 999))
        # a GET form is a query string: the categories of query parameters are enough there
        categories = CATEGORIES if any_form.method == "post" else QUERY_CATEGORIES
        for name in names:
            for j, category in enumerate(categories):
                key = keys[j % len(keys)]
                form = by_persona[key]
                values = hostile(category, rng=rng)
                pairs = [(k, v) for k, v in form.baseline(known) if k != name]
                pairs += [(name, v) for v in values]
                status, _body = sessions[key].send(
                    form.method, form.action, pairs, htmx=form.htmx and j % 2 == 1
                )
                out.check(status, key, form.method, form.action, name, values[0])
        for key in keys:  # and every field at once
            form = by_persona[key]
            pairs = [(k, v) for k, v in form.baseline(known) if k in SKIP_FIELDS]
            for name in names:
                category = rng.choice([c for c in CATEGORIES if c != "huge"])
                pairs += [(name, v) for v in hostile(category, rng=rng)]
            status, _body = sessions[key].send(form.method, form.action, pairs, htmx=form.htmx)
            out.check(status, key, form.method, form.action, "all fields", pairs[-1][1])
    return accepted


def _fuzz_queries(
    sessions: dict[str, Session], shapes: dict[tuple[Any, ...], dict[str, Form]], out: Failures
) -> None:
    rng = random.Random(SEED + 1)
    get_fields: dict[str, set[str]] = {}
    for (route, method, fields), _forms in shapes.items():
        if method == "get":
            get_fields.setdefault(route, set()).update(n for n, _kind in fields)
    for name, (method, template, expected) in sorted(matrix_entries().items()):
        if method != "get":
            continue
        keys = [k for k in PERSONA_ORDER if expected[k] == 200]
        if not keys:
            continue
        path = fill_path(template)
        params = sorted(set(QUERY_PARAMS) | get_fields.get(name, set()))
        for j, category in enumerate(QUERY_CATEGORIES):
            key = keys[j % len(keys)]
            values = hostile(category, rng=rng)
            pairs = [(p, v) for p in params for v in values]
            status, _body = sessions[key].send("get", path, pairs)
            out.check(status, key, "get", path, "query", values[0])


def _fuzz_paths(sessions: dict[str, Session], out: Failures) -> None:
    """Every parameter of every path (ids, codes, slugs, file names) replaced by a hostile one."""
    n = 0
    for _name, (method, template, expected) in sorted(matrix_entries().items()):
        path = fill_path(template)
        match = resolve(path)
        # the most privileged persona that gets past the permission check
        key = next((k for k in reversed(PERSONA_ORDER) if expected[k] < 400), "administrator")
        segments = path.split("/")
        for value in match.kwargs.values():
            text = str(value)
            spots = [i for i, s in enumerate(segments) if text in s]
            if not spots:
                continue
            i = spots[-1]
            bad = PATH_VALUES[n % len(PATH_VALUES)]
            n += 1
            hostile_path = "/".join(
                [*segments[:i], segments[i].replace(text, quote(bad, safe="")), *segments[i + 1 :]]
            )
            status, _body = sessions[key].send(method, hostile_path, [])
            out.check(status, key, method, hostile_path, "path", bad)


def test_no_input_gives_a_server_error(demo_module) -> None:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    sessions = {key: Session(key) for key in PERSONA_ORDER}
    out = Failures()
    shapes = _discover(sessions)
    assert len(shapes) > 20, "the walk found too few forms to be a test of every form"
    accepted = _fuzz_forms(sessions, shapes, out)
    _fuzz_queries(sessions, shapes, out)
    _fuzz_paths(sessions, out)
    seconds = time.perf_counter() - started
    print(f"fuzz: {len(shapes)} forms, {out.requests} requests in {seconds:.1f} s")
    assert not out.rows, f"{len(out.rows)} server errors:\n" + "\n".join(out.rows[:60])
    # the unchanged forms that write are accepted: the hostile values reached their services
    refused = {r: accepted.get(r) for r in MUST_ACCEPT if accepted.get(r, 999) >= 400}
    assert not refused, f"these forms refused their own values: {refused}"

"""No page, chart, download or export of the site carries a rank (product principle 1).

Every GET route of the permission matrix is opened by each persona allowed to see it, in
English and French; then every chart data download and every file link found on those pages.
A ranking shows up as a column or key named like one (rank, position, place, classement, rang),
as an ordinal place ("1st of 40", "3e sur 12"), or as a "top N" list; the site's own statements
that it never ranks are words in sentences, not headers, and are allowed.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from saferspaces.accounts.models import User
from saferspaces.demo.generator import PERSONAS
from site_matrix import NOT_HTML, PERSONA_ORDER, fill_path, matrix_entries

RANK_WORDS = re.compile(r"\b(rank(s|ed|ing)?|position|place|classement|rang|league)\b", re.I)
ORDINAL = re.compile(
    r"\b\d+\s*(st|nd|rd|th|e|er|ème)\s+(of|out of|sur)\s+\d+\b|\btop\s+\d+\b", re.I
)
HEADERS = re.compile(r"<th\b[^>]*>(.*?)</th>", re.S | re.I)
DOWNLOADS = re.compile(r'href="([^"]*[?&](?:amp;)?format=(?:csv|xlsx)[^"]*)"')


def _client(key: str, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if key != "anonymous":
        email = next(p.email for p in PERSONAS if p.key == key)
        client.force_login(User.objects.get(email=email))
    return client


def _text(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def _keys(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [str(k) for k in value] + [k for v in value.values() for k in _keys(v)]
    if isinstance(value, list):
        return [k for v in value for k in _keys(v)]
    return []


def _check_html(html: str, where: str) -> list[str]:
    problems = []
    for header in HEADERS.findall(html):
        words = _text(header).split()
        if len(words) <= 3 and RANK_WORDS.search(" ".join(words)):  # a column, not a question
            problems.append(f"{where}: a table header names a rank: {_text(header).strip()!r}")
    if m := ORDINAL.search(_text(html)):
        problems.append(f"{where}: an ordinal place: {m.group(0)!r}")
    for block in re.findall(r'<script type="application/json"[^>]*>(.*?)</script>', html, re.S):
        for key in _keys(json.loads(block)):
            if RANK_WORDS.fullmatch(key):
                problems.append(f"{where}: chart data has a key {key!r}")
    return problems


def _check_table(content: bytes, where: str) -> list[str]:
    if content[:2] == b"PK":  # XLSX: read its header row
        import io

        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
        header = [str(c) for c in next(sheet.iter_rows(values_only=True), ()) if c is not None]
    else:
        header = content.decode("utf-8-sig").splitlines()[0].split(",") if content else []
    return [
        f"{where}: a column named {h!r}"
        for h in header
        if len(h.split()) <= 3 and RANK_WORDS.search(h)
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_no_page_chart_or_download_carries_a_rank(demo_module: Any, language: str) -> None:
    problems: list[str] = []
    opened = downloads = 0
    for name, (method, template, expected) in sorted(matrix_entries().items()):
        if method != "get" or name in NOT_HTML:
            continue
        path = fill_path(template)
        for key in PERSONA_ORDER:
            if expected.get(key) != 200:
                continue
            client = _client(key, language)
            response = client.get(path)
            if response.status_code != 200:
                continue
            opened += 1
            html = response.content.decode()
            problems += _check_html(html, f"{name} as {key}")
            for link in sorted(set(DOWNLOADS.findall(html))):
                file = client.get(link.replace("&amp;", "&"))
                if file.status_code == 200:
                    downloads += 1
                    problems += _check_table(file.content, f"{link} as {key}")
            break  # the first persona that may see the page; the content is the same kind
    assert opened > 30 and downloads >= 5, (opened, downloads)
    assert not problems, "\n".join(problems)


def test_the_scanner_catches_a_ranking() -> None:
    assert _check_html("<table><tr><th>Rank</th></tr></table>", "x")
    assert _check_html("<p>You are 3rd of 40 cities</p>", "x")
    assert _check_html("<p>Vous êtes 2e sur 12</p>", "x")
    assert _check_html('<script type="application/json">{"position": 1}</script>', "x")
    assert _check_table(b"Authority,Rank\nA,1\n", "x")
    assert not _check_html("<p>Nothing here is a ranking; it never ranks authorities.</p>", "x")

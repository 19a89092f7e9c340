"""Fixtures of the reports tests: the demo (built once per module), clients per persona, the
demo's first round, and report files written to a temporary media folder."""

from __future__ import annotations

import re
import shutil
import subprocess
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from conftest import require

# a report must never rank authorities: none of these words may appear ("rang" as a word only:
# "orange" or "arrangement" are fine)
RANK_WORDS = re.compile(
    r"\b(rank|ranks|ranked|ranking|rankings|classement|classements|rang|rangs)\b", re.I
)


@pytest.fixture
def client_for(demo_module, db):  # type: ignore[no-untyped-def]
    from saferspaces.accounts.models import User
    from saferspaces.demo.generator import PERSONAS

    def make(key: str) -> Client:
        c = Client()
        if key != "anonymous":
            c.force_login(User.objects.get(email=next(p.email for p in PERSONAS if p.key == key)))
        return c

    return make


@pytest.fixture
def pilot_round(demo_module, db) -> Any:  # type: ignore[no-untyped-def]
    from saferspaces.assessments.models import Round
    from saferspaces.demo.generator import MAIN_NETWORK

    return Round.objects.filter(network__name=MAIN_NETWORK).order_by("created_at", "pk").first()


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_job() -> Any:
    """``run_job(kind, parameters, language)``: a report job created and rendered right away (the
    test suite's queue runs a task when it is enqueued), as finished: done with its file, or
    failed with its message."""
    from saferspaces.reports.jobs import report_job_run
    from saferspaces.reports.services import report_job_create

    def run(kind: str, parameters: dict[str, Any], language: str) -> Any:
        job = report_job_create(kind=kind, parameters=parameters, language=language, user=None)
        if not job.finished:  # the database queue is on: run the job as its task would
            return report_job_run(job_id=job.pk, task_id=job.task_id, worker="test")
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def rank_words() -> re.Pattern[str]:
    return RANK_WORDS


@pytest.fixture
def pdf_tools() -> Any:
    """(text, info, inflated objects) readers of PDF bytes with Debian's poppler-utils."""
    return pdf_text, pdf_info, pdf_objects


def pdf_objects(data: bytes) -> bytes:
    """The file with every Flate stream inflated (the catalog may sit in an object stream)."""
    parts = [data]
    for m in re.finditer(rb"stream\r?\n", data):
        try:
            parts.append(zlib.decompressobj().decompress(data[m.end() : m.end() + 5_000_000]))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_text(data: bytes, tmp: Path) -> str:
    require(shutil.which("pdftotext") is not None, "pdftotext (poppler-utils) is not installed")
    path = tmp / "report.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return out.stdout.decode("utf-8")


def pdf_info(data: bytes, tmp: Path) -> dict[str, str]:
    require(shutil.which("pdfinfo") is not None, "pdfinfo (poppler-utils) is not installed")
    path = tmp / "info.pdf"
    path.write_bytes(data)
    out = subprocess.run(
        ["pdfinfo", "-enc", "UTF-8", str(path)], check=True, capture_output=True, timeout=60
    )
    info = {}
    for line in out.stdout.decode("utf-8").splitlines():
        key, _sep, value = line.partition(":")
        info[key.strip()] = value.strip()
    return info

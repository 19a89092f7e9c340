"""Request bodies larger than a page accepts are refused before they are read (issue 14).

Django reads a whole multipart body, and writes each file over 5 MB to a temporary file, before a
view can look at its size; the limit is therefore checked on the request's ``Content-Length``
by ``saferspaces.web.uploads.UploadLimitMiddleware``, before anything reads the body.
"""

from __future__ import annotations

import http.client
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client, override_settings

from saferspaces.core.limits import ANSWERS_FILE_MAX_BYTES, EDITION_FILE_MAX_BYTES, MB

BOUNDARY = "hostileboundary"


def _multipart(name: str, content: bytes) -> bytes:
    return (
        (
            f"--{BOUNDARY}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )


def _post_claiming(path: str, claimed: int) -> object:
    """POST a small body that claims ``claimed`` bytes: reading it would fail the test client."""
    body = _multipart("big.xlsx", b"PK\x03\x04" + bytes(1000))
    return Client().post(
        path,
        data=body,
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
        CONTENT_LENGTH=str(claimed),
    )


@pytest.mark.parametrize(
    ("path", "limit_mb"),
    [
        ("/frameworks/upload/", EDITION_FILE_MAX_BYTES // MB),
        ("/assessments/1/import/", ANSWERS_FILE_MAX_BYTES // MB),
        ("/assessments/1/q/QOL_P01/evidence/", 20),
        ("/accounts/login/", 10),
    ],
)
def test_a_300_mb_body_is_refused_unread_with_the_limit(path: str, limit_mb: int, db: None) -> None:
    response = _post_claiming(path, 300 * MB)
    assert response.status_code == 413
    text = response.content.decode()
    assert f"up to {limit_mb} MB" in text
    assert "Nothing was uploaded" in text


def test_the_evidence_limit_follows_the_setting(db: None) -> None:
    with override_settings(EVIDENCE_MAX_MB=2):
        response = _post_claiming("/assessments/1/q/QOL_P01/evidence/", 3 * MB)
    assert response.status_code == 413
    assert "up to 2 MB" in response.content.decode()


def test_a_body_within_the_limit_reaches_the_page(db: None) -> None:
    """Anonymous: the page itself answers (a redirect to log in), not the size check."""
    response = Client().post(
        "/frameworks/upload/",
        data=_multipart("e.yaml", b"x" * (EDITION_FILE_MAX_BYTES - 1000)),
        content_type=f"multipart/form-data; boundary={BOUNDARY}",
    )
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_real_300_mb_upload_is_answered_before_it_is_sent(
    live_server: object, transactional_db: None
) -> None:
    """Over a socket: the server answers 413 after the first megabyte, writing nothing to disk."""
    url = urlsplit(str(live_server.url))  # type: ignore[attr-defined]
    temp = Path(tempfile.gettempdir())
    before = {p.name for p in temp.iterdir()}
    conn = http.client.HTTPConnection(url.hostname or "127.0.0.1", url.port, timeout=30)
    conn.putrequest("POST", "/frameworks/upload/")
    conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    conn.putheader("Content-Length", str(300 * MB))
    conn.endheaders()
    conn.send(_multipart("big.xlsx", b"")[:-20] + bytes(MB))
    response = conn.getresponse()
    text = response.read().decode()
    conn.close()
    assert response.status == 413
    assert f"up to {EDITION_FILE_MAX_BYTES // MB} MB" in text
    new = {p.name for p in temp.iterdir()} - before
    assert not [n for n in new if n.endswith(".upload")]  # Django's temporary upload files

"""Uploaded files recognised by their first bytes: one table of signatures for evidence files and
answer files."""

from __future__ import annotations

import pytest

from saferspaces.core.filetypes import (
    EVIDENCE_KINDS,
    FileTypeError,
    filetype_detect,
    signature_of,
)


def test_a_file_is_what_its_name_and_its_bytes_say() -> None:
    assert (
        filetype_detect(name="plan.PDF", head=b"%PDF-1.7\n...", allowed=EVIDENCE_KINDS).kind
        == "pdf"
    )
    assert (
        filetype_detect(name="a.csv", head="é;b\n1;2".encode(), allowed=EVIDENCE_KINDS).kind
        == "csv"
    )
    assert (
        filetype_detect(
            name="b.xlsx", head=b"PK\x03\x04" + b"\x00" * 40, allowed=EVIDENCE_KINDS
        ).kind
        == "xlsx"
    )


@pytest.mark.parametrize(
    ("name", "head", "message"),
    [
        ("photo.png", b"GIF89a\x01\x00", "named .png but its content is a GIF image"),
        ("report.pdf", b"hello", "named .pdf but its content is a text file"),
        ("x.exe", b"MZ", "files of type .exe are not accepted"),
        ("empty.pdf", b"", "the file is empty"),
        ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "its content is an old Excel 97-2003"),
    ],
)
def test_a_mismatch_is_refused_with_a_message(name: str, head: bytes, message: str) -> None:
    with pytest.raises(FileTypeError, match=message):
        filetype_detect(name=name, head=head, allowed=EVIDENCE_KINDS)


def test_the_signature_table_names_what_a_file_is() -> None:
    assert signature_of(b"%PDF-1.4") == ("pdf", "a PDF document")
    assert signature_of(b"\x1f\x8b\x08") == ("gzip", "a gzip archive")
    assert signature_of(b"plain text") is None

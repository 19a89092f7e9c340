"""Inspect a zip container (XLSX, ODS, XLSForm, Kobo export) before any reader unpacks it.

First the central directory: how many members, how large they say they are once unpacked, and
how much each one says it grows. Then every member is unpacked once, in chunks, because headers
can lie: the bytes are counted against the limits as they come (Python's ``zipfile`` stops at the
declared size and then finds the CRC wrong, which is reported as a header that does not match
its content), and the XML members are counted in tags and parsed by expat for their depth and
well-formedness, so that a broken or deeply nested worksheet is refused with the member, line and
column before the spreadsheet reader builds anything from it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from xml.parsers import expat

from saferspaces.core.filetypes import signature_of
from saferspaces.core.limits import (
    XML_DEPTH_MAX,
    XML_MARKUP_MAX,
    ZIP_MEMBERS_MAX,
    ZIP_RATIO_FROM_BYTES,
    ZIP_RATIO_MAX,
    ZIP_UNPACKED_MAX_BYTES,
    InputError,
    LimitExceeded,
)
from saferspaces.core.safeload.text import size_text

CHUNK = 64 * 1024
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_XML_SUFFIXES = (".xml", ".rels", ".vml")


def zip_open(*, content: bytes, where: str) -> zipfile.ZipFile:
    """The archive in ``content``; a file that is not a zip archive is named for what it is."""
    try:
        return zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise InputError(
            f"this is not an Excel workbook (.xlsx): it is {_what(content)}", where=where
        ) from None


def _what(content: bytes) -> str:
    if not content.strip():
        return "an empty file"
    signature = signature_of(content[:16])
    if signature is not None:
        return signature[1]
    head = content[:4096]
    if not _CONTROL_BYTES.search(head):
        for encoding in ("utf-8", "cp1252"):
            try:
                head.decode(encoding)
            except UnicodeDecodeError as error:
                if error.start >= len(head) - 4:  # a character cut at the end of the sample
                    return "a text file"
                continue
            return "a text file"
    if content.startswith(b"PK"):
        return "a damaged or incomplete zip archive"
    return "neither a workbook nor text (random or damaged bytes)"


def zip_check(
    *,
    content: bytes,
    where: str,
    max_unpacked: int = ZIP_UNPACKED_MAX_BYTES,
    max_members: int = ZIP_MEMBERS_MAX,
    max_ratio: int = ZIP_RATIO_MAX,
    max_markup: int = XML_MARKUP_MAX,
    max_depth: int = XML_DEPTH_MAX,
) -> None:
    """Refuse ``content`` unless it is a zip archive within every limit.

    Raises :class:`LimitExceeded` or :class:`InputError` naming the member (and the line and
    column of a problem inside an XML member).
    """
    with zip_open(content=content, where=where) as archive:
        members = archive.infolist()
        if len(members) > max_members:
            raise LimitExceeded(
                f"the archive holds {len(members):,} files; the limit is {max_members:,}",
                where=where,
            )
        declared = sum(info.file_size for info in members)
        if declared > max_unpacked:
            raise LimitExceeded(
                f"the file unpacks to {size_text(declared)}; the limit is "
                f"{size_text(max_unpacked)} unpacked",
                where=where,
            )
        for info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > ZIP_RATIO_FROM_BYTES and ratio > max_ratio:
                raise LimitExceeded(
                    f"{info.filename} unpacks to {ratio:,.0f} times its packed size; "
                    f"the limit is {max_ratio} times",
                    where=where,
                )
            if info.flag_bits & 0x1:
                raise InputError(
                    f"{info.filename} is encrypted; save the file without a password", where=where
                )
        budget = _Budget(max_unpacked, max_markup)
        for info in members:
            if not info.is_dir():
                _member_check(archive, info, where, budget, max_depth)


class _Budget:
    def __init__(self, max_unpacked: int, max_markup: int) -> None:
        self.max_unpacked = max_unpacked
        self.max_markup = max_markup
        self.unpacked = 0
        self.markup = 0

    def spend(self, chunk: bytes, xml: bool, where: str) -> None:
        self.unpacked += len(chunk)
        if self.unpacked > self.max_unpacked:
            raise LimitExceeded(
                f"the file unpacks to more than {size_text(self.max_unpacked)}; "
                "its headers understate its size",
                where=where,
            )
        if xml:
            self.markup += chunk.count(b"<")
            if self.markup > self.max_markup:
                raise LimitExceeded(
                    f"the workbook holds more than {self.max_markup:,} XML tags (about "
                    f"{self.max_markup // 4:,} filled cells); the limit keeps reading it within "
                    "seconds",
                    where=where,
                )


def _member_check(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str, budget: _Budget, max_depth: int
) -> None:
    xml = info.filename.lower().endswith(_XML_SUFFIXES)
    parser: _DepthParser | None = None
    place = ", ".join(p for p in (where, info.filename) if p)
    first = True
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                if first:  # XML under another name is parsed too: a reader may be sent to it
                    xml = xml or _looks_xml(chunk)
                    parser = _DepthParser(max_depth) if xml else None
                    first = False
                budget.spend(chunk, xml, where)
                if parser is not None:
                    parser.feed(chunk, place)
        if parser is not None:
            parser.feed(b"", place, final=True)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as error:
        raise InputError(
            f"{info.filename} is damaged: its content does not match its header ({error})",
            where=where,
        ) from None
    except (NotImplementedError, RuntimeError) as error:
        raise InputError(f"{info.filename} cannot be unpacked ({error})", where=where) from None


def _looks_xml(chunk: bytes) -> bool:
    """Whether a member starts like XML (after a byte-order mark and blanks)."""
    head = chunk[:256]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return (
            head[2:]
            .decode("utf-16-le" if head[0] == 0xFF else "utf-16-be", "ignore")
            .lstrip()
            .startswith("<")
        )
    return head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<")


class _DepthParser:
    """expat on a stream of chunks: well-formed, no DTD, elements nested at most ``max_depth``."""

    def __init__(self, max_depth: int) -> None:
        self.max_depth = max_depth
        self.depth = 0
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.problem: str | None = None
        self.at = (0, 0)

    def _stop(self, problem: str) -> None:
        self.problem = problem
        self.at = (self.parser.CurrentLineNumber, self.parser.CurrentColumnNumber + 1)
        raise _Stop

    def _start(self, name: str, attrs: object) -> None:
        self.depth += 1
        if self.depth > self.max_depth:
            self._stop(f"XML elements are nested more than {self.max_depth} levels deep")

    def _end(self, name: str) -> None:
        self.depth -= 1

    def _doctype(self, *args: object) -> None:
        self._stop("the XML declares a DTD, which a workbook never does")

    def feed(self, chunk: bytes, place: str, *, final: bool = False) -> None:
        try:
            self.parser.Parse(chunk, final)
        except _Stop:
            raise LimitExceeded(
                self.problem or "",
                where=place,
                line=self.at[0],
                column=self.at[1],
            ) from None
        except expat.ExpatError as error:
            raise InputError(
                f"the XML is broken ({expat.errors.messages[error.code]})",
                where=place,
                line=error.lineno,
                column=error.offset + 1,
            ) from None


class _Stop(Exception):
    """Raised from an expat handler to stop parsing; the reason is in the parser."""

"""Fetching a dataset: an injectable :class:`Transport`, with an HTTP one for Eurostat's API and
a file one for downloaded files. Both hand back a binary stream, gzip already undone.

Both obey the limits of :mod:`saferspaces.core.limits`: the size as stored or sent
(``OPENDATA_FILE_MAX_BYTES``, before reading when it is known, while streaming otherwise), and
for gzip the unpacked size and ratio (``GZIP_UNPACKED_MAX_BYTES``, ``GZIP_RATIO_MAX``), checked
while unpacking. Damaged or cut gzip data is a :class:`ParseError` saying so, never the
decompressor's own exception.
"""

from __future__ import annotations

import gzip
import io
import urllib.error
import urllib.parse
import urllib.request
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from saferspaces.core.limits import (
    GZIP_RATIO_MAX,
    GZIP_UNPACKED_MAX_BYTES,
    MB,
    OPENDATA_FILE_MAX_BYTES,
)
from saferspaces.core.opendata.errors import Location, NetworkError, OpenDataError, ParseError
from saferspaces.core.opendata.observation import DataFormat

#: Eurostat's dissemination API (SDMX 2.1 and the JSON-stat statistics API live under it).
EUROSTAT_API = "https://ec.europa.eu/eurostat/api/dissemination"
_GZIP_MAGIC = b"\x1f\x8b"


@dataclass(frozen=True, slots=True)
class FetchRequest:
    """What to fetch: a dataset code, the wanted format and optionally the first year."""

    dataset: str
    fmt: DataFormat = DataFormat.SDMX_TSV
    since: int | None = None


def _too_large(location: str, size: int | None = None) -> OpenDataError:
    told = f" ({size / MB:,.0f} MB)" if size is not None else ""
    return OpenDataError(
        f"the file is larger than {OPENDATA_FILE_MAX_BYTES // MB} MB{told}, the limit for an "
        "open-data file: ask Eurostat for fewer periods (--since) or download the .tsv.gz",
        location=Location(location, step="fetch"),
    )


class _CountingReader(io.RawIOBase):
    """Counts the bytes read from the underlying stream and refuses more than the limit; turns
    I/O errors into NetworkError."""

    def __init__(self, inner: IO[bytes], location: str) -> None:
        super().__init__()
        self._inner = inner
        self._location = location
        self.count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._inner.read(len(buffer))
        except (TimeoutError, OSError) as exc:
            raise NetworkError(
                f"the connection broke while reading ({exc}); nothing was loaded",
                location=Location(self._location, step="fetch"),
            ) from None
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.count > OPENDATA_FILE_MAX_BYTES:
            raise _too_large(self._location)
        return n

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


class _Tally:
    """Counts the packed bytes the gzip decoder takes (it reads 8 KiB at a time)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner = inner
        self.count = 0

    def read(self, size: int = -1, /) -> bytes:
        data = self.inner.read(size)
        self.count += len(data)
        return data

    def seek(self, offset: int, /) -> int:
        return self.inner.seek(offset)


class _Gunzip(io.RawIOBase):
    """Undoes gzip as it is read, within the limits on the unpacked size and ratio."""

    def __init__(self, packed: IO[bytes], location: str) -> None:
        super().__init__()
        self._packed = _Tally(packed)
        self._gzip = gzip.GzipFile(fileobj=self._packed, mode="rb")
        self._location = location
        self.unpacked = 0

    def readable(self) -> bool:
        return True

    def _refuse(self, message: str) -> ParseError:
        return ParseError(
            f"{message} (after {self.unpacked:,} unpacked bytes); nothing was loaded",
            location=Location(self._location, step="fetch"),
        )

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._gzip.read(len(buffer))
        except EOFError:
            raise self._refuse(
                "the gzip data is cut short: the file ends inside the compressed stream "
                "(an interrupted download?)"
            ) from None
        except (gzip.BadGzipFile, zlib.error) as exc:
            raise self._refuse(f"the gzip data is damaged ({exc})") from None
        n = len(data)
        self.unpacked += n
        if self.unpacked > GZIP_UNPACKED_MAX_BYTES:
            raise self._refuse(
                f"the gzip data unpacks to more than {GZIP_UNPACKED_MAX_BYTES // MB} MB, the "
                "limit for an open-data file"
            )
        if self.unpacked > GZIP_RATIO_MAX * self._packed.count + MB:
            raise self._refuse(
                f"the gzip data unpacks to more than {GZIP_RATIO_MAX} times its size, which no "
                "Eurostat file does: refused as a decompression bomb"
            )
        buffer[:n] = data
        return n

    def close(self) -> None:
        try:
            self._gzip.close()
        finally:
            super().close()


@dataclass(slots=True)
class Fetched:
    """An open dataset: a binary stream (decompressed) and where it came from."""

    stream: IO[bytes]
    location: str
    size: int | None = None
    compressed: bool = False
    _counter: _CountingReader | None = field(default=None, repr=False)

    @property
    def bytes_read(self) -> int:
        """Bytes taken from the source so far (compressed bytes when it was gzip)."""
        return self._counter.count if self._counter is not None else 0

    def close(self) -> None:
        self.stream.close()

    def __enter__(self) -> Fetched:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def fetched_wrap(
    *, raw: IO[bytes], location: str, size: int | None, gzipped: bool | None = None
) -> Fetched:
    """Wrap a raw binary stream: count bytes, undo gzip (told, or detected from the magic bytes)."""
    counter = _CountingReader(raw, location)
    buffered = io.BufferedReader(counter, 64 * 1024)
    if gzipped is None:
        gzipped = buffered.peek(2)[:2] == _GZIP_MAGIC
    stream: IO[bytes] = buffered
    if gzipped:
        stream = io.BufferedReader(_Gunzip(buffered, location), 64 * 1024)  # type: ignore[arg-type]
    return Fetched(
        stream=stream, location=location, size=size, compressed=gzipped, _counter=counter
    )


class Transport(Protocol):
    """Opens a dataset for reading. Implementations raise :class:`OpenDataError` subclasses."""

    def open(self, *, request: FetchRequest) -> Fetched: ...


@dataclass(frozen=True, slots=True)
class FileTransport:
    """Reads a downloaded file (``.tsv``, ``.tsv.gz``, ``.json``), whatever the dataset asked.

    ``label`` names the file in messages and in the run's location instead of its path (an
    uploaded file is stored under a name of the server's, but people know it by its own)."""

    path: Path
    label: str = ""

    def open(self, *, request: FetchRequest) -> Fetched:
        path = Path(self.path)
        where = self.label or str(path)
        try:
            raw = path.open("rb")
        except FileNotFoundError:
            raise OpenDataError("no such file", location=Location(where, step="fetch")) from None
        except OSError as exc:
            raise OpenDataError(
                f"cannot open the file ({exc.strerror})", location=Location(where, step="fetch")
            ) from None
        size = path.stat().st_size
        if size > OPENDATA_FILE_MAX_BYTES:
            raw.close()
            raise _too_large(where, size)
        return fetched_wrap(raw=raw, location=where, size=size)


Opener = Callable[..., Any]


@dataclass(frozen=True, slots=True)
class HttpTransport:
    """Fetches from Eurostat's dissemination API with ``urllib``.

    * SDMX 2.1 TSV: ``{base}/sdmx/2.1/data/{dataset}?format=TSV&compressed=false``
    * JSON-stat 2.0: ``{base}/statistics/1.0/data/{dataset}``
    """

    base_url: str = EUROSTAT_API
    timeout: float = 60.0
    user_agent: str = "saferspaces-opendata/1"
    opener: Opener | None = None

    def url_for(self, *, request: FetchRequest) -> str:
        dataset = urllib.parse.quote(request.dataset, safe="")
        base = self.base_url.rstrip("/")
        if request.fmt is DataFormat.JSON_STAT:
            query = {"format": "JSON", "lang": "EN"}
            if request.since is not None:
                query["sinceTimePeriod"] = str(request.since)
            return f"{base}/statistics/1.0/data/{dataset}?{urllib.parse.urlencode(query)}"
        if request.fmt is DataFormat.LEGACY_TSV:
            raise OpenDataError(
                "the legacy bulk TSV is not served by the API; use --file with a downloaded file",
                location=Location(request.dataset, step="fetch"),
            )
        query = {"format": "TSV", "compressed": "false"}
        if request.since is not None:
            query["startPeriod"] = str(request.since)
        return f"{base}/sdmx/2.1/data/{dataset}?{urllib.parse.urlencode(query)}"

    def open(self, *, request: FetchRequest) -> Fetched:
        url = self.url_for(request=request)
        host = urllib.parse.urlsplit(url).netloc
        http_request = urllib.request.Request(  # noqa: S310 - the scheme is ours (https)
            url, headers={"Accept-Encoding": "gzip", "User-Agent": self.user_agent}
        )
        opener = self.opener or urllib.request.urlopen
        where = Location(url, step="fetch")
        try:
            response = opener(http_request, timeout=self.timeout)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                raise OpenDataError(
                    f"Eurostat has no dataset {request.dataset!r} (HTTP 404)", location=where
                ) from None
            raise NetworkError(
                f"Eurostat answered HTTP {exc.code} {exc.reason}; try again later or use --file",
                location=where,
            ) from None
        except (TimeoutError, urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NetworkError(
                f"cannot reach {host} ({reason}); nothing was loaded. Download the file and "
                "use --file PATH to import it offline",
                location=where,
            ) from None
        headers = getattr(response, "headers", {}) or {}
        length = headers.get("Content-Length")
        encoding = (headers.get("Content-Encoding") or "").lower()
        size = int(length) if length and length.isdigit() else None
        if size is not None and size > OPENDATA_FILE_MAX_BYTES:
            response.close()
            raise _too_large(url, size)
        return fetched_wrap(
            raw=response, location=url, size=size, gzipped=True if encoding == "gzip" else None
        )

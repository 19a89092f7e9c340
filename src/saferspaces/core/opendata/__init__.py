"""Open data import (issue 7, pure core): Eurostat readers, the import pipeline, declared
sources and geography helpers.

Typical use::

    report = source_import(
        source=source_get(name="urb_percep"),
        transport=FileTransport(Path("urb_percep.tsv")),
        sink=InMemorySink(),
        clock=lambda: datetime.now(UTC),
    )
"""

from saferspaces.core.opendata.derive import Direct, LikertTopShare, Ratio, Transform
from saferspaces.core.opendata.errors import (
    GeographyError,
    Location,
    NetworkError,
    OpenDataError,
    ParseError,
    Problem,
    SourceError,
)
from saferspaces.core.opendata.flags import FLAG_MEANINGS, flags_describe, flags_parse
from saferspaces.core.opendata.observation import DataFormat, Observation
from saferspaces.core.opendata.pipeline import ImportFailed, source_import
from saferspaces.core.opendata.prefill import (
    PrefillSpec,
    PrefillSuggestion,
    StoredCell,
    prefill_choose,
    prefill_spec_parse,
)
from saferspaces.core.opendata.readers import (
    ReadStats,
    format_detect,
    jsonstat_read,
    observations_read,
    tsv_read,
)
from saferspaces.core.opendata.report import (
    DerivedValue,
    Progress,
    RunCounts,
    RunReport,
    RunStatus,
)
from saferspaces.core.opendata.sinks import CountingSink, InMemorySink, Sink
from saferspaces.core.opendata.sources import (
    SOURCES,
    DerivedIndicator,
    EurostatSource,
    GeographyKind,
    source_get,
)
from saferspaces.core.opendata.transport import (
    EUROSTAT_API,
    Fetched,
    FetchRequest,
    FileTransport,
    HttpTransport,
    Transport,
)

__all__ = [
    "EUROSTAT_API",
    "FLAG_MEANINGS",
    "SOURCES",
    "CountingSink",
    "DataFormat",
    "DerivedIndicator",
    "DerivedValue",
    "Direct",
    "EurostatSource",
    "FetchRequest",
    "Fetched",
    "FileTransport",
    "GeographyError",
    "GeographyKind",
    "HttpTransport",
    "ImportFailed",
    "InMemorySink",
    "LikertTopShare",
    "Location",
    "NetworkError",
    "Observation",
    "OpenDataError",
    "ParseError",
    "PrefillSpec",
    "PrefillSuggestion",
    "Problem",
    "Progress",
    "Ratio",
    "ReadStats",
    "RunCounts",
    "RunReport",
    "RunStatus",
    "Sink",
    "SourceError",
    "StoredCell",
    "Transform",
    "Transport",
    "flags_describe",
    "flags_parse",
    "format_detect",
    "jsonstat_read",
    "observations_read",
    "prefill_choose",
    "prefill_spec_parse",
    "source_get",
    "source_import",
    "tsv_read",
]

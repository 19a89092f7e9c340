"""The import pipeline end to end on real files: fetch -> parse -> validate -> load -> report."""

from __future__ import annotations

import gzip
import http.server
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from saferspaces.core.opendata import (
    CountingSink,
    DataFormat,
    FetchRequest,
    FileTransport,
    HttpTransport,
    ImportFailed,
    InMemorySink,
    NetworkError,
    OpenDataError,
    Progress,
    RunStatus,
    source_get,
    source_import,
)
from saferspaces.core.opendata.geography import GeoLevel

from .helpers import FIXTURES, StepClock


def _import(path: Path, name: str, sink=None, **kwargs):  # type: ignore[no-untyped-def]
    sink = sink if sink is not None else InMemorySink()
    report = source_import(
        source=source_get(name=name),
        transport=FileTransport(path),
        sink=sink,
        clock=StepClock(),
        **kwargs,
    )
    return report, sink


def test_real_urb_percep_import_loads_everything_with_provenance(shared_data: Path) -> None:
    events: list[Progress] = []
    report, sink = _import(
        shared_data / "eurostat" / "urb_percep.tsv", "urb_percep", progress=events.append
    )
    assert report.status is RunStatus.SUCCEEDED
    assert report.fmt == DataFormat.LEGACY_TSV.value
    assert report.retrieved_at.isoformat() == "2026-03-01T09:00:00+00:00"
    assert report.finished_at > report.retrieved_at
    c = report.counts
    assert (c.read, c.kept, c.skipped, c.malformed) == (225906, 225906, 0, 0)
    assert c.missing == 156016 and c.flagged == 1551
    assert report.flag_counts == {"b": 74, "d": 120, "e": 995, "u": 362}
    assert len(sink.observations) == 225906
    assert sink.runs == [report]
    # derived: top-two-box share of "I feel safe walking alone at night in my city", Vienna 2019
    derived = {(d.indicator, d.geo, d.time): d for d in sink.derived}
    night = derived[("urb_percep.safe_night_city", "AT001C", "2019")]
    assert night.value == pytest.approx(49.2 + 32.1)
    assert night.geo_level is GeoLevel.CITY and night.verified
    assert night.inputs == ("PS3514V", "PS3515V", "PS3516V", "PS3517V", "PS3518V")
    assert "top-2-box" in night.method
    assert derived[
        ("urb_percep.safe_night_neighbourhood", "BE001C", "2019")
    ].value == pytest.approx(31.8 + 44.5)
    assert not derived[("urb_percep.trust_people_city", "AT001C", "2019")].verified
    assert c.derived == len(sink.derived)
    steps = [e.step for e in events]
    assert steps[0] == "fetch" and steps[-1] == "report" and "parse" in steps
    parse = [e for e in events if e.step == "parse"]
    size = (shared_data / "eurostat" / "urb_percep.tsv").stat().st_size
    assert all(e.bytes_total == size and 0 < e.bytes_read <= size for e in parse)
    assert parse[-1].fraction is not None and 0 < parse[-1].fraction <= 1


def test_since_keeps_only_recent_periods(shared_data: Path) -> None:
    report, sink = _import(shared_data / "eurostat" / "urb_percep.tsv", "urb_percep", since=2015)
    assert {o.time for o in sink.observations} == {"2019", "2015"}
    assert report.counts.kept == 37651 * 2
    assert report.counts.skipped == 37651 * 4
    assert report.since == 2015


def test_sdmx_crime_source_filters_levels_and_flags() -> None:
    report, sink = _import(FIXTURES / "crim_gen_reg_sdmx.tsv", "crim_gen_reg")
    assert report.fmt == "sdmx-tsv"
    # extra-regio DEZZZ (4 cells) is skipped, the EU aggregate is kept
    assert report.counts.skipped == 4
    assert report.counts.kept == 40
    assert report.status is RunStatus.SUCCEEDED
    robbery = {
        (d.context["unit"], d.geo, d.time): d
        for d in sink.derived
        if d.indicator == "crim_gen_reg.robbery"
    }
    rate = robbery[("P_HTHAB", "DE111", "2021")]
    assert (rate.value, rate.flags, rate.geo_level) == (15.7, ("e", "p"), GeoLevel.NUTS3)
    assert robbery[("NR", "DE1", "2019")].geo_level is GeoLevel.NUTS1
    assert ("P_HTHAB", "DE111", "2020") not in robbery  # confidential: no value to offer


def test_jsonstat_survey_import_derives_top_two_box() -> None:
    report, sink = _import(FIXTURES / "urb_percep_jsonstat.json", "urb_percep")
    assert report.fmt == "json-stat"
    values = {
        (d.geo, d.time): d for d in sink.derived if d.indicator == "urb_percep.safe_night_city"
    }
    assert values[("AT001C", "2019")].value == pytest.approx(81.3)
    assert values[("EL001C", "2019")].flags == ("e",)
    assert ("AT001C", "2023") not in values  # the item is declared for the 2019 wave


def test_population_ratio_and_filters() -> None:
    _report, sink = _import(FIXTURES / "demo_r_pjanaggr3_sdmx.tsv", "demo_r_pjanaggr3")
    assert all(o.series["sex"] == "T" for o in sink.observations)
    derived = {(d.indicator, d.geo, d.time): d for d in sink.derived}
    share = derived[("demo_r_pjanaggr3.share_65_plus", "DE111", "2023")]
    assert share.value == pytest.approx(117200 / 633484 * 100)
    assert share.flags == ("e", "p")
    assert ("demo_r_pjanaggr3.share_under_15", "DE111", "2023") not in derived


def test_malformed_file_fails_loads_nothing_and_is_recorded() -> None:
    sink = InMemorySink()
    with pytest.raises(ImportFailed) as caught:
        _import(FIXTURES / "crim_gen_reg_malformed.tsv", "crim_gen_reg", sink=sink)
    assert len(caught.value.problems) == 6
    assert sink.observations == [] and sink.derived == []
    (run,) = sink.runs
    assert run.status is RunStatus.FAILED and run.counts.malformed == 6
    assert "line 3, column 1" in run.error


def test_malformed_rows_can_be_tolerated_with_a_warning() -> None:
    report, sink = _import(
        FIXTURES / "crim_gen_reg_malformed.tsv", "crim_gen_reg", tolerate_malformed=True
    )
    assert report.status is RunStatus.SUCCEEDED_WITH_WARNINGS
    assert any("6 malformed" in w for w in report.warnings)
    assert len(sink.observations) == 4


def test_wrong_dataset_file_is_refused(shared_data: Path) -> None:
    sink = InMemorySink()
    with pytest.raises(ImportFailed, match="needs iccs, unit, geo") as caught:
        _import(shared_data / "eurostat" / "urb_percep.tsv", "crim_gen_reg", sink=sink)
    assert caught.value.report.status is RunStatus.FAILED
    assert sink.observations == []


def test_missing_file_is_a_clear_error() -> None:
    sink = InMemorySink()
    with pytest.raises(ImportFailed, match="no such file"):
        _import(FIXTURES / "nope.tsv", "urb_percep", sink=sink)
    assert sink.runs[0].status is RunStatus.FAILED


def test_gzip_file_is_read(tmp_path: Path) -> None:
    packed = tmp_path / "crim_gen_reg.tsv.gz"
    packed.write_bytes(gzip.compress((FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes()))
    report, _sink = _import(packed, "crim_gen_reg", sink=CountingSink())
    assert report.counts.kept == 40


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_no_network_fails_clearly_and_loads_nothing() -> None:
    sink = InMemorySink()
    transport = HttpTransport(base_url=f"http://127.0.0.1:{_closed_port()}/api", timeout=2)
    with pytest.raises(ImportFailed) as caught:
        source_import(
            source=source_get(name="urb_percep"), transport=transport, sink=sink, clock=StepClock()
        )
    assert isinstance(caught.value.cause, NetworkError)
    assert "cannot reach 127.0.0.1" in caught.value.message
    assert "--file" in caught.value.message
    assert sink.observations == [] and sink.runs[0].status is RunStatus.FAILED


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        if "/sdmx/2.1/data/crim_gen_reg" in self.path:
            body = gzip.compress((FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            self.server.paths.append(self.path)  # type: ignore[attr-defined]
        else:
            self.send_error(404)

    def log_message(self, *args: object) -> None:
        return None


@pytest.fixture
def local_api() -> Iterator[str]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Handler)
    server.paths = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api"
    finally:
        server.shutdown()
        server.server_close()


def test_http_transport_against_a_local_server(local_api: str) -> None:
    sink = InMemorySink()
    report = source_import(
        source=source_get(name="crim_gen_reg"),
        transport=HttpTransport(base_url=local_api, timeout=5),
        sink=sink,
        clock=StepClock(),
        since=2020,
    )
    assert report.counts.kept == 30
    assert report.location.endswith(
        "/sdmx/2.1/data/crim_gen_reg?format=TSV&compressed=false&startPeriod=2020"
    )
    with pytest.raises(ImportFailed, match="no dataset 'ilc_mddw03'"):
        source_import(
            source=source_get(name="ilc_mddw03"),
            transport=HttpTransport(base_url=local_api, timeout=5),
            sink=sink,
            clock=StepClock(),
        )


def test_http_urls_follow_eurostat_api() -> None:
    http_transport = HttpTransport()
    tsv = http_transport.url_for(request=FetchRequest(dataset="urb_percep"))
    assert tsv == (
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/urb_percep"
        "?format=TSV&compressed=false"
    )
    js = http_transport.url_for(
        request=FetchRequest(dataset="urb_percep", fmt=DataFormat.JSON_STAT)
    )
    assert js.startswith(
        "https://ec.europa.eu/eurostat/api/dissemination/statistics/1.0/data/urb_percep?"
    )
    with pytest.raises(OpenDataError, match="--file"):
        http_transport.url_for(request=FetchRequest(dataset="x", fmt=DataFormat.LEGACY_TSV))


def test_values_outside_the_unit_range_and_unknown_geography_warn(tmp_path: Path) -> None:
    path = tmp_path / "urb_percep_odd.tsv"
    path.write_text(
        "indic_ur,unit,cities\\time\t2019 \t2015 \n"
        "PS3514V,PC,AT001C\t130.0 \t49.0 \n"
        "PS3514V,PC,XX-1\t20.0 \t: \n"
        "PS3514V,PC,AT130\t20.0 q\t: \n",
        encoding="utf-8",
    )
    report, sink = _import(path, "urb_percep")
    assert report.status is RunStatus.SUCCEEDED_WITH_WARNINGS
    text = "\n".join(report.warnings)
    assert "line 2, column 2: 130 for AT001C 2019 is outside 0-100" in text
    assert "neither Urban Audit nor NUTS: XX-1" in text
    assert "1 at nuts3" in text
    assert "flags not in Eurostat's list were kept as they are: q (1)" in text
    assert len(sink.observations) == 6

"""Importing into the database: the real ``urb_percep.tsv`` end to end, run records, failed runs
that change nothing, idempotent re-imports and the API path without network."""

from __future__ import annotations

import urllib.error
from pathlib import Path
from typing import Any

import pytest

from saferspaces.core.opendata import HttpTransport
from saferspaces.opendata.models import ImportRun, Observation, RunStatus, TransportKind
from saferspaces.opendata.services import OpenDataImportError, opendata_import

from .conftest import CORE_FIXTURES, StepClock

pytestmark = pytest.mark.django_db

URB_PERCEP_CELLS = 37651 * 6  # rows x waves of the legacy file
URB_PERCEP_MISSING = 156016


@pytest.fixture(scope="module")
def real_run(django_db_setup: Any, django_db_blocker: Any, shared_data: Path) -> Any:
    """The real urb_percep.tsv imported once for the module (tests must not change it)."""
    with django_db_blocker.unblock():
        run = opendata_import(
            source="urb_percep",
            file=shared_data / "eurostat" / "urb_percep.tsv",
            clock=StepClock(),
        )
    yield run
    with django_db_blocker.unblock():
        Observation.objects.all().delete()
        ImportRun.objects.all().delete()


def _value(geo: str, code: str, period: str = "2019") -> tuple[float | None, str, int]:
    row = Observation.objects.get(
        dataset="urb_percep", code=code, unit="PC", geo=geo, period=period
    )
    return row.value, row.flags, row.run_id


def test_real_file_loads_every_cell_with_a_known_2019_city_value(real_run: ImportRun) -> None:
    # Wien, 2019, "I feel safe walking alone at night in my city": strongly agree / somewhat agree
    assert _value("AT001C", "PS3514V") == (49.2, "", real_run.pk)
    assert _value("AT001C", "PS3515V")[0] == 32.1
    assert _value("BE001C", "PS3514V")[0] == 14.7
    # ':' stays missing, not zero
    assert _value("AT001C", "PS3514V", "2015")[0] is None
    assert Observation.objects.filter(dataset="urb_percep").count() == URB_PERCEP_CELLS
    assert Observation.objects.filter(value__isnull=True).count() == URB_PERCEP_MISSING
    row = Observation.objects.get(dataset="urb_percep", code="PS3514V", geo="AT001C", period="2019")
    assert (row.geo_level, row.year, row.context) == ("city", 2019, "")


def test_flags_are_kept_with_the_value(real_run: ImportRun) -> None:
    flagged = Observation.objects.exclude(flags="")
    assert flagged.count() == real_run.flagged_count > 0
    assert set("".join(flagged.values_list("flags", flat=True).distinct())) <= set(
        real_run.flag_counts
    )


def test_the_run_is_recorded(real_run: ImportRun) -> None:
    run = ImportRun.objects.get(pk=real_run.pk)
    assert run.status == RunStatus.OK
    assert (run.source, run.dataset, run.transport) == ("urb_percep", "urb_percep", "file")
    assert run.file_name == "urb_percep.tsv"
    assert run.data_format == "legacy-tsv"
    assert run.read_count == run.loaded_count == URB_PERCEP_CELLS
    assert run.missing_count == URB_PERCEP_MISSING
    assert run.skipped_count == 0 and run.malformed_count == 0
    assert run.derived_count > 0
    assert run.retrieved_at is not None and run.finished_at is not None
    assert run.started_at <= run.retrieved_at < run.finished_at
    assert sorted(run.time_periods) == ["2004", "2006", "2009", "2012", "2015", "2019"]
    assert run.error_message == "" and run.warnings == []


def test_reimport_is_idempotent_and_the_newest_run_wins(real_run: ImportRun) -> None:
    again = opendata_import(
        source="urb_percep", file=CORE_FIXTURES / "urb_percep_jsonstat.json", clock=StepClock()
    )
    assert again.status == RunStatus.OK and again.pk != real_run.pk
    # same values, now linked to the newer run; nothing duplicated
    assert _value("AT001C", "PS3514V") == (49.2, "", again.pk)
    count = Observation.objects.filter(dataset="urb_percep").count()
    new_cells = count - URB_PERCEP_CELLS  # cells of the fixture absent from the real file
    assert 0 <= new_cells < again.loaded_count
    twice = opendata_import(
        source="urb_percep", file=CORE_FIXTURES / "urb_percep_jsonstat.json", clock=StepClock()
    )
    assert twice.loaded_count == again.loaded_count
    assert Observation.objects.filter(dataset="urb_percep").count() == count
    assert Observation.objects.filter(run=again).count() == 0
    assert Observation.objects.filter(run=twice).count() == twice.loaded_count


def test_a_garbled_file_fails_and_changes_nothing(
    real_run: ImportRun, shared_data: Path, tmp_path: Path
) -> None:
    lines = (shared_data / "eurostat" / "urb_percep.tsv").read_text().splitlines()
    broken = tmp_path / "urb_percep.tsv"
    # the head of the real file with changed values, then a garbled row, then a cut-off one
    head = [line.replace("49.2", "99.9") for line in lines[:30000]]
    broken.write_text("\n".join([*head, "PS3514V,PC,AT001C\tnot-a-number\t1", "PS35"]) + "\n")
    before = Observation.objects.count()
    with pytest.raises(OpenDataImportError) as caught:
        opendata_import(source="urb_percep", file=broken, clock=StepClock())
    run = caught.value.run
    assert run is not None and run.status == RunStatus.FAILED
    assert "malformed" in run.error_message and "line 30002" in run.error_message
    assert run.loaded_count == 0 and run.problems
    assert Observation.objects.count() == before
    assert _value("AT001C", "PS3514V") == (49.2, "", real_run.pk)
    assert not Observation.objects.filter(run=run).exists()


def test_a_file_of_another_dataset_fails_clearly(real_run: ImportRun) -> None:
    with pytest.raises(OpenDataImportError) as caught:
        opendata_import(
            source="urb_percep", file=CORE_FIXTURES / "crim_gen_reg_sdmx.tsv", clock=StepClock()
        )
    assert "Is it the urb_percep dataset?" in caught.value.message
    assert caught.value.run is not None and caught.value.run.status == RunStatus.FAILED


def _offline(request: Any, timeout: float) -> Any:
    """What urllib raises on a machine without network (DNS lookup fails)."""
    raise urllib.error.URLError(OSError(-3, "Temporary failure in name resolution"))


def test_the_api_path_without_network_fails_clearly_and_changes_nothing(
    real_run: ImportRun,
) -> None:
    before = Observation.objects.count()
    with pytest.raises(OpenDataImportError) as caught:
        opendata_import(
            source="urb_percep",
            from_api=True,
            transport=HttpTransport(opener=_offline, timeout=1),
            clock=StepClock(),
        )
    run = caught.value.run
    assert run is not None
    assert (run.status, run.transport, run.loaded_count) == (RunStatus.FAILED, "api", 0)
    assert "cannot reach ec.europa.eu" in run.error_message
    assert "Temporary failure in name resolution" in run.error_message
    assert "--file" in run.error_message
    assert Observation.objects.count() == before


def test_arguments_are_checked_before_anything_is_recorded() -> None:
    before = ImportRun.objects.count()
    with pytest.raises(OpenDataImportError, match="unknown source 'nope'"):
        opendata_import(source="nope", file=CORE_FIXTURES / "urb_percep_jsonstat.json")
    with pytest.raises(OpenDataImportError, match="exactly one"):
        opendata_import(source="urb_percep")
    with pytest.raises(OpenDataImportError, match="exactly one"):
        opendata_import(source="urb_percep", file=Path("x.tsv"), from_api=True)
    with pytest.raises(OpenDataImportError, match="year"):
        opendata_import(source="urb_percep", file=Path("x.tsv"), since=15)
    assert ImportRun.objects.count() == before


def test_since_skips_older_periods_and_a_missing_file_is_a_failed_run() -> None:
    run = opendata_import(
        source="crim_gen_reg",
        file=CORE_FIXTURES / "crim_gen_reg_sdmx.tsv",
        since=2021,
        clock=StepClock(),
    )
    assert run.skipped_count > 0
    assert set(
        Observation.objects.filter(dataset="crim_gen_reg").values_list("year", flat=True)
    ) == {2021, 2022}
    assert run.transport == TransportKind.FILE
    with pytest.raises(OpenDataImportError, match="no such file"):
        opendata_import(source="crim_gen_reg", file=Path("/nonexistent/x.tsv"))
    assert ImportRun.objects.filter(source="crim_gen_reg", status=RunStatus.FAILED).count() == 1


def test_a_gzip_file_cut_short_is_a_failed_run_with_its_message(tmp_path: Path) -> None:
    import gzip

    whole = gzip.compress((CORE_FIXTURES / "crim_gen_reg_sdmx.tsv").read_bytes())
    path = tmp_path / "crim_gen_reg.tsv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    before = Observation.objects.count()
    with pytest.raises(OpenDataImportError, match="cut short") as caught:
        opendata_import(source="crim_gen_reg", file=path, clock=StepClock())
    run = ImportRun.objects.get(pk=caught.value.run.pk)  # type: ignore[union-attr]
    assert run.status == RunStatus.FAILED and "cut short" in run.error_message
    assert run.finished_at is not None
    assert Observation.objects.count() == before
    assert not ImportRun.objects.filter(status=RunStatus.RUNNING).exists()


def test_an_import_stopped_by_any_exception_is_a_failed_run_never_running(tmp_path: Path) -> None:
    # the progress line writes to the terminal; a closed one (a pipe whose reader went away)
    # raises in the middle of the import
    closed = (tmp_path / "progress.log").open("w")
    closed.close()

    def progress(event: object) -> None:
        closed.write(f"{event}\n")

    before = Observation.objects.count()
    with pytest.raises(OpenDataImportError) as caught:
        opendata_import(
            source="crim_gen_reg",
            file=CORE_FIXTURES / "crim_gen_reg_sdmx.tsv",
            clock=StepClock(),
            progress=progress,
        )
    run = ImportRun.objects.get(pk=caught.value.run.pk)  # type: ignore[union-attr]
    assert run.status == RunStatus.FAILED and run.failure == "unexpected"
    # the run's page says what happened for people (the details are in the log) ...
    assert "unexpected error" in run.error_message and f"import run {run.pk}" in run.error_message
    assert "I/O operation on closed file" not in run.error_message
    # ... and the operator at the terminal reads the error too
    assert "I/O operation on closed file" in caught.value.message
    assert run.finished_at is not None
    assert Observation.objects.count() == before
    assert not ImportRun.objects.filter(status=RunStatus.RUNNING).exists()

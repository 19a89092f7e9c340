"""The ``opendata`` command (good and bad arguments) and the pages: import runs and an
authority's geography (who may open them is checked by the permission matrix)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from saferspaces.demo.generator import PERSONA_AUTHORITY
from saferspaces.opendata.models import GeographyMatch, ImportRun, MatchMethod, Observation

from .conftest import CORE_FIXTURES

pytestmark = pytest.mark.django_db


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("opendata", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_a_file_with_progress_then_status() -> None:
    out, err = _run(
        "import", "crim_gen_reg", "--file", str(CORE_FIXTURES / "crim_gen_reg_sdmx.tsv")
    )
    run = ImportRun.objects.get()
    assert f"run {run.pk}: crim_gen_reg (crim_gen_reg) ok; read 44" in out
    assert "parse" in err or "report" in err  # the progress indicator writes to stderr
    assert "values" in err
    assert Observation.objects.filter(dataset="crim_gen_reg").count() == run.loaded_count > 0
    status, _ = _run("status")
    lines = status.splitlines()
    assert lines[0].split() == [
        "SOURCE", "LAST", "RUN", "STATUS", "READ", "LOADED", "SKIPPED", "MISSING", "LAST", "OK", "STORED"
    ]  # fmt: skip
    crime = next(line for line in lines if line.startswith("crim_gen_reg"))
    assert f"#{run.pk}" in crime and " ok " in crime
    assert next(line for line in lines if line.startswith("urb_percep")).split()[1] == "never"


def test_quiet_import_with_since() -> None:
    out, err = _run(
        "import", "urb_percep", "--file", str(CORE_FIXTURES / "urb_percep_jsonstat.json"),
        "--since", "2020", "--quiet",
    )  # fmt: skip
    assert err == "" and " ok;" in out
    assert set(Observation.objects.values_list("period", flat=True)) == {"2023"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "nope", "--file", "x.tsv"], "unknown source 'nope'; known sources:"),
        (["import", "urb_percep"], "one of the arguments --file --from-api is required"),
        (["import", "urb_percep", "--file", "x.tsv", "--from-api"], "not allowed with argument"),
        (["import", "urb_percep", "--file", "/nonexistent/x.tsv"], "no such file"),
        (["import", "urb_percep", "--from-api", "--since", "last"], "is not a year"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_arguments_are_a_clear_command_error(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        _run(*args)
    assert not ImportRun.objects.exists()


def test_a_failed_import_is_a_command_error_and_is_recorded() -> None:
    with pytest.raises(CommandError) as caught:
        _run("import", "urb_percep", "--file", str(CORE_FIXTURES / "crim_gen_reg_malformed.tsv"))
    run = ImportRun.objects.get()
    assert f"recorded as run {run.pk}; nothing was loaded" in str(caught.value)
    assert run.status == "failed" and not Observation.objects.exists()


# --- pages ------------------------------------------------------------------------------------


def test_runs_and_run_detail_show_counts_warnings_and_errors(client_as: Any) -> None:
    _run(
        "import", "crim_gen_reg", "--file", str(CORE_FIXTURES / "crim_gen_reg_sdmx.tsv"), "--quiet"
    )
    with pytest.raises(CommandError):
        _run("import", "urb_percep", "--file", str(CORE_FIXTURES / "crim_gen_reg_malformed.tsv"))
    ok, failed = ImportRun.objects.order_by("id")
    coordinator = client_as("coordinator")
    page = coordinator.get("/open-data/runs/").content.decode()
    assert f'href="/open-data/runs/{ok.pk}/"' in page and f"#{failed.pk}" in page
    assert "<caption>" in page and 'scope="col"' in page
    detail = coordinator.get(f"/open-data/runs/{ok.pk}/").content.decode()
    assert "crim_gen_reg_sdmx.tsv" in detail and str(ok.loaded_count) in detail
    for warning in ok.warnings:
        assert warning.split(":")[0] in detail
    assert "provisional" in detail  # flag meanings are shown
    detail = coordinator.get(f"/open-data/runs/{failed.pk}/").content.decode()
    assert "Why it failed" in detail and "Nothing was loaded by this run." in detail
    assert coordinator.get("/open-data/runs/999999/").status_code == 404


def test_geography_page_get_and_post(client_as: Any, demo: Any) -> None:
    from saferspaces.authorities.models import Authority

    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    url = f"/open-data/authorities/{authority.slug}/geography/"
    lead = client_as("lead")
    page = lead.get(url).content.decode()
    assert "suggested automatically, not yet confirmed" in page
    assert authority.nuts_region.code in page and "NUTS 2 region" in page
    assert 'name="nuts_code"' in page and f'value="{authority.nuts_region.code}"' in page
    bad = lead.post(url, {"city_code": "BE001C", "nuts_code": authority.nuts_region.code})
    assert bad.status_code == 400
    assert (
        "There is a problem" in bad.content.decode()
        and "belongs to country BE" in bad.content.decode()
    )
    assert not GeographyMatch.objects.exists()
    done = lead.post(url, {"city_code": "", "nuts_code": authority.nuts_region.code})
    assert done.status_code == 302 and done["Location"] == url
    match = GeographyMatch.objects.get(authority=authority)
    assert match.method == MatchMethod.CONFIRMED and match.confirmed_by is not None
    assert "confirmed" in lead.get(url).content.decode()
    assert client_as("respondent").post(url, {"nuts_code": "FRL04"}).status_code == 403


def test_geography_page_suggests_cities_of_a_similar_population(client_as: Any, demo: Any) -> None:
    from saferspaces.authorities.models import Authority
    from saferspaces.opendata.services import opendata_import

    authority = Authority.objects.get(name=PERSONA_AUTHORITY)  # FR, 184 300 inhabitants
    url = f"/open-data/authorities/{authority.slug}/geography/"
    lead = client_as("lead")
    before = lead.get(url).content.decode()
    assert "No city population (Eurostat urb_cpop1) has been imported yet" in before
    opendata_import(source="urb_cpop1", file=CORE_FIXTURES / "urb_cpop1_sdmx.tsv")
    page = lead.get(url).content.decode()
    assert "City codes suggested from their population" in page
    # within a factor of two of 184 300, closest first; Lyon (522 250) and Paris are not
    shown = [code for code in ("FR010C", "FR016C", "FR026C") if f"<code>{code}</code>" in page]
    assert shown == ["FR010C", "FR016C", "FR026C"]
    assert page.index("FR010C") < page.index("FR016C") < page.index("FR026C")
    assert "FR003C" not in page.split("City codes suggested")[1].split("</table>")[0]
    assert "-6.1 %" in page or "-6,1 %" in page  # 173 089 against 184 300, in 2021
    # nothing is applied until a person saves one of them: that confirms the suggestion
    assert not GeographyMatch.objects.filter(authority=authority).exists()
    done = lead.post(url, {"city_code": "FR010C", "nuts_code": authority.nuts_region.code})
    assert done.status_code == 302
    match = GeographyMatch.objects.get(authority=authority)
    assert (match.city_code, match.method) == ("FR010C", MatchMethod.CONFIRMED)


def test_geography_page_without_a_registered_population(client_as: Any, demo: Any) -> None:
    from saferspaces.authorities.models import Authority

    authority = Authority.objects.get(name=PERSONA_AUTHORITY)
    Authority.objects.filter(pk=authority.pk).update(population=None)
    page = client_as("lead").get(f"/open-data/authorities/{authority.slug}/geography/")
    assert "No population is registered for this authority" in page.content.decode()

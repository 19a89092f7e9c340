"""The kinds of report are one registry: every entry has every part, the model's choices are the
registry's, the job runner's kinds are the registry's, and the views ask it (a job of an unknown
or broken kind is a 404, never a 500)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from saferspaces.reports.jobs import REPORT_JOBS
from saferspaces.reports.kinds import REPORT_KINDS, ReportKindEntry, report_kind_choices
from saferspaces.reports.models import ReportJob


def test_every_kind_has_every_part() -> None:
    assert REPORT_KINDS
    for name, kind in REPORT_KINDS.items():
        assert isinstance(kind, ReportKindEntry) and kind.name == name
        for field in dataclasses.fields(kind):
            value = getattr(kind, field.name)
            assert value not in (None, ""), (name, field.name)
        assert str(kind.title) and str(kind.gone) and str(kind.reading)
        assert kind.pdf_template.startswith("reports/") and kind.pdf_template.endswith(".html")


def test_the_model_choices_and_the_job_runner_are_the_registry() -> None:
    field = ReportJob._meta.get_field("kind")
    assert [value for value, _label in field.choices] == list(REPORT_KINDS)
    assert field.choices == report_kind_choices()
    assert set(REPORT_JOBS.kinds) == set(REPORT_KINDS)


def test_the_reports_import_no_circle() -> None:
    """jobs does not import services (services asks jobs for the job type), kinds neither."""
    import ast
    import inspect

    from saferspaces.reports import jobs, kinds

    for module in (jobs, kinds):
        tree = ast.parse(inspect.getsource(module))
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module is not None
        }
        assert "saferspaces.reports.services" not in imported, module.__name__


@pytest.mark.parametrize("parameters", [{}, {"round": "1"}, {"round": True}, {"round": 0}])
def test_a_job_whose_object_is_gone_or_malformed_fails_with_a_message(
    db: Any, parameters: dict[str, Any]
) -> None:
    from saferspaces.reports.jobs import report_job_run
    from saferspaces.reports.models import JobState

    job = ReportJob.objects.create(kind="round_analysis", parameters=parameters, language="en")
    done = report_job_run(job_id=job.pk)
    assert done.state == JobState.FAILED and "does not exist any more" in done.message


def test_the_page_of_a_job_of_an_unknown_kind_or_with_bad_parameters_is_404(
    db: Any, client_for: Any, demo_module: Any
) -> None:
    client = client_for("administrator")
    for kind, parameters in (
        ("retired_kind", {"round": 1}),
        ("round_analysis", {"round": "x"}),
        ("authority_report", {}),
    ):
        job = ReportJob.objects.create(kind=kind, parameters=parameters, language="en")
        assert client.get(f"/reports/jobs/{job.pk}/").status_code == 404
        assert client.get(f"/reports/jobs/{job.pk}/status/").status_code == 404

"""The frameworks app with format 2: the json-schema subcommand, and a format-2 edition (another
instrument) validated and stored by the same command as the first edition."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from saferspaces.core.framework.json_schema import edition_json_schema
from saferspaces.frameworks.models import FrameworkEdition

CORE_TESTS = Path(__file__).resolve().parents[1] / "core" / "framework"
PYRAMID = CORE_TESTS / "fixtures" / "pyramid.yaml"
BROKEN = CORE_TESTS / "broken"


def test_json_schema_subcommand_prints_the_schema() -> None:
    out = io.StringIO()
    call_command("framework", "json-schema", stdout=out)
    assert json.loads(out.getvalue()) == edition_json_schema()


@pytest.mark.django_db
def test_a_format_2_edition_is_validated_and_stored() -> None:
    out = io.StringIO()
    call_command("framework", "validate", str(PYRAMID), stdout=out)
    assert "valid edition pyramid-2026.1" in out.getvalue()
    call_command("framework", "load", str(PYRAMID), stdout=out)
    assert FrameworkEdition.objects.filter(edition_id="pyramid-2026.1").exists()
    with pytest.raises(CommandError) as info:
        call_command("framework", "validate", str(BROKEN / "v2_calc_cycle.yaml"))
    assert "circular calculation: AAA -> BBB -> AAA" in str(info.value)

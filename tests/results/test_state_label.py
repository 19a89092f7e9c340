"""A result run names the assessment's state in words of the page's language, not its code."""

from __future__ import annotations

from django.utils import translation

from saferspaces.results.models import ResultRun


def test_the_state_of_a_run_is_words_in_the_page_language() -> None:
    with translation.override("fr"):
        assert ResultRun(state="submitted").state_label == "Soumise"
    with translation.override("en"):
        assert ResultRun(state="accepted").state_label == "Accepted"
    assert ResultRun(state="not_submitted").state_label == "not_submitted"  # unknown: as stored

"""How soon a submission's results reach its team (issue 16 item 4: within 2 s): an idle task
worker looks at the queue four times a second, and the scores page asks for the results'
status twice a second while they are computed. The time itself is measured by
``benchmarks/test_bench_round_results.py`` ("seen"), not here."""

from __future__ import annotations

from django.template.loader import render_to_string

from saferspaces.background.management.commands.worker import IDLE_INTERVAL_S, Command


def test_an_idle_worker_looks_at_the_queue_four_times_a_second() -> None:
    options = Command().create_parser("saferspaces", "worker").parse_args([])
    assert options.interval == IDLE_INTERVAL_S == 0.25


def test_the_scores_page_asks_for_the_status_twice_a_second() -> None:
    from types import SimpleNamespace

    html = render_to_string("results/_pending.html", {"assessment": SimpleNamespace(pk=7)})
    assert 'hx-trigger="every 500ms"' in html
    assert "/assessments/7/" in html

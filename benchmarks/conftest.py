"""Benchmarks run by ``make bench`` (pytest-benchmark). Each module names the issue's targets."""

"""The pure-Python core: framework model, scoring engine, file parsers.

Nothing in this package may import Django or any web-layer module of Safer Spaces; an
import-linter contract in ``pyproject.toml`` enforces it (``make lint``).
"""

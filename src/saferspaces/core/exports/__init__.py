"""Exports of a round's data for researchers (pure Python, no Django).

Builders (:mod:`.tables`, :mod:`.coinr`, :mod:`.codebook`) take plain rows and the edition and
return tables whose rows stream; writers (:mod:`.writers`) turn tables into CSV, XLSX and
Parquet. Units are coded by a keyed hash (:mod:`.units`) and named only when they published
their results. No table holds a rank or is ordered by score. See ``docs/exports.md``.
"""

from .codebook import CODEBOOK_COLUMNS, codebook_about, codebook_table
from .coinr import CoinrTables, coinr_tables
from .errors import ExportError, Problem
from .model import (
    RULE_ALL_CODED,
    RULE_PUBLISHED_NAMED,
    AnswerRow,
    CodedUnit,
    Column,
    ExportContext,
    IndicatorValue,
    ProfileRow,
    ScoreRow,
    Table,
    Unit,
)
from .tables import (
    ANSWERS_COLUMNS,
    BACKGROUND_COLUMNS,
    SCORES_COLUMNS,
    answers_table,
    background_table,
    scores_table,
)
from .units import RULE_TEXT, units_code, value_coarsen
from .writers import (
    cell_text,
    codebook_json,
    table_csv_chunks,
    table_parquet_write,
    tables_xlsx_write,
)

__all__ = [
    "ANSWERS_COLUMNS",
    "BACKGROUND_COLUMNS",
    "CODEBOOK_COLUMNS",
    "RULE_ALL_CODED",
    "RULE_PUBLISHED_NAMED",
    "RULE_TEXT",
    "SCORES_COLUMNS",
    "AnswerRow",
    "CodedUnit",
    "CoinrTables",
    "Column",
    "ExportContext",
    "ExportError",
    "IndicatorValue",
    "Problem",
    "ProfileRow",
    "ScoreRow",
    "Table",
    "Unit",
    "answers_table",
    "background_table",
    "cell_text",
    "codebook_about",
    "codebook_json",
    "codebook_table",
    "coinr_tables",
    "scores_table",
    "table_csv_chunks",
    "table_parquet_write",
    "tables_xlsx_write",
    "units_code",
    "value_coarsen",
]

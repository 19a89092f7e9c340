"""A chart's rows as its data table: display cells for the HTML table, and CSV/XLSX downloads.

Both files are written by :mod:`saferspaces.core.spreadsheets`, the product's only CSV and XLSX
writer, so a spreadsheet never runs a text as a formula.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.http import HttpResponse
from django.utils.formats import number_format

from saferspaces.charts.spec import Chart, Column, json_value
from saferspaces.core.spreadsheets import csv_writer_open, workbook_create
from saferspaces.web.numbers import decimal_separator, fixed_plain

FORMATS = ("csv", "xlsx")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    """One cell of the HTML data table: display text, or missing."""

    text: str
    missing: bool
    number: bool


def chart_table(chart: Chart) -> list[list[Cell]]:
    """The rows as display cells: numbers localised with the column's digits, None as missing."""
    table = []
    decimal_sep = decimal_separator()
    for row in chart.rows:
        cells = []
        for column in chart.columns:
            value = json_value(row.get(column.key))
            number = column.kind == "number"
            if value is None or value == "":
                cells.append(Cell(text="", missing=True, number=number))
            elif number and isinstance(value, int | float) and not isinstance(value, bool):
                text = (
                    number_format(
                        _rounded(value, column.digits), decimal_pos=column.digits, use_l10n=True
                    )
                    if settings.USE_THOUSAND_SEPARATOR
                    else fixed_plain(value, column.digits, decimal_sep)
                )
                cells.append(Cell(text=text, missing=False, number=True))
            else:
                cells.append(Cell(text=str(value), missing=False, number=number))
        table.append(cells)
    return table


def _rounded(value: float, digits: int) -> Decimal:
    """Half away from zero, as a spreadsheet rounds (55.25 -> 55.3, not Python's 55.2)."""
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


def _file_value(column: Column, value: Any) -> Any:
    """A number in a number column, text otherwise (the writers keep text from being a formula)."""
    value = json_value(value)
    if value is None:
        return None
    if column.kind == "number" and isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)


def _csv_bytes(columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv_writer_open(out=buffer)
    writer.writerow([column.label for column in columns])
    for row in rows:
        writer.writerow([_file_value(column, row.get(column.key)) for column in columns])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _xlsx_bytes(title: str, columns: Sequence[Column], rows: Sequence[Mapping[str, Any]]) -> bytes:
    from openpyxl.styles import Font

    workbook = workbook_create()
    sheet = workbook.sheet(title=_sheet_title(title))
    bold = Font(bold=True)
    for index, column in enumerate(columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = bold
        width = max([len(column.label)] + [len(str(row.get(column.key) or "")) for row in rows])
        sheet.layout.column_dimensions[cell.column_letter].width = min(60, max(10, width + 2))
    for row_index, row in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = _file_value(column, row.get(column.key))
            cell = sheet.cell(row=row_index, column=index, value=value)
            if value is not None and column.kind == "number" and not isinstance(value, str):
                cell.number_format = "0" if column.digits == 0 else "0." + "0" * column.digits
    sheet.layout.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(out=buffer)
    return buffer.getvalue()


def _sheet_title(title: str) -> str:
    cleaned = re.sub(r"[\[\]:*?/\\]", " ", title).strip() or "Data"
    return cleaned[:31]


def _filename(filename: str, fmt: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", filename).strip("-.") or "chart"
    suffix = f".{fmt}"
    return stem if stem.lower().endswith(suffix) else stem + suffix


def chart_table_response(*, chart: Chart, fmt: str, filename: str) -> HttpResponse:
    """The chart's data as a download: ``csv`` (UTF-8 with BOM) or ``xlsx``; headers = column labels.

    Raises ValueError for any other format, with a message naming the accepted ones.
    """
    if fmt not in FORMATS:
        raise ValueError(
            f"Unknown data format {fmt!r} for chart {chart.id!r}: use one of {', '.join(FORMATS)}"
        )
    name = _filename(filename, fmt)
    if fmt == "csv":
        response = HttpResponse(
            _csv_bytes(chart.columns, chart.rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            _xlsx_bytes(chart.title, chart.columns, chart.rows), content_type=XLSX_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response

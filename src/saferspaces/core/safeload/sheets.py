"""Excel workbooks read by openpyxl within bounds.

The container is checked first (:func:`~saferspaces.core.safeload.zipcheck.zip_check`). Then rows
are read with the sheet's stated dimensions ignored (a hostile file states a million rows) and
cut to the width of the header, so that a cell in the last column cannot widen every row to
16,384 cells, and the cells handed out (empty ones included, as a gap of missing rows is filled
with them) are counted against :data:`~saferspaces.core.limits.TABLE_CELLS_MAX`. Every exception
of openpyxl (it raises many kinds on a damaged workbook) becomes an
:class:`~saferspaces.core.limits.InputError` naming the sheet and row.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from saferspaces.core.limits import TABLE_CELLS_MAX, InputError, LimitExceeded
from saferspaces.core.safeload.zipcheck import zip_check

Values = tuple[object, ...]


def _describe(error: BaseException) -> str:
    text = str(error).strip()
    name = type(error).__name__
    return f"{name}: {text[:200]}" if text else name


def dimensions_from_head(parser: Any) -> tuple[int, int, int, int] | None:
    """The boundaries a worksheet states in its ``<dimension>`` element (min column, min row,
    max column, max row), or None: openpyxl's ``WorkSheetParser.parse_dimensions`` with the
    scan ended where the schema ends the element's place, at the start of ``<sheetData>``.

    openpyxl looks for the element in *end* events, and ``<sheetData>`` ends only after the
    last row: a sheet without the element (a valid sheet may omit it) was parsed in full when
    the workbook was opened, before a row was read, which doubled the cost of every such
    workbook (about 1.4 s for one at the markup limit). The readers here ignore the stated
    dimensions anyway (``reset_dimensions``); other readers get the same boundaries as before
    from every workbook that follows the schema.
    """
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG
    from openpyxl.worksheet.dimensions import SheetDimension
    from openpyxl.xml.functions import iterparse

    for _event, element in iterparse(parser.source, events=("start",)):
        if element.tag == DIMENSION_TAG:
            return SheetDimension.from_tree(element).boundaries  # type: ignore[no-any-return]
        if element.tag == DATA_TAG:
            return None
    return None


#: openpyxl's own ``WorkSheetParser.parse_dimensions``, once replaced (the tests compare)
_OPENPYXL_SCAN: list[Any] = []


def _openpyxl_dimensions_from_head() -> None:
    """Make openpyxl read a worksheet's stated dimensions from its head only (idempotent)."""
    from openpyxl.worksheet._reader import WorkSheetParser

    if WorkSheetParser.parse_dimensions is not dimensions_from_head:
        _OPENPYXL_SCAN[:] = [WorkSheetParser.parse_dimensions]
        WorkSheetParser.parse_dimensions = dimensions_from_head  # type: ignore[method-assign]


def openpyxl_dimensions_scan() -> Any:
    """openpyxl's own scan for the stated dimensions, replaced or not."""
    from openpyxl.worksheet._reader import WorkSheetParser

    return _OPENPYXL_SCAN[0] if _OPENPYXL_SCAN else WorkSheetParser.parse_dimensions


def workbook_open(*, content: bytes, where: str, checked: bool = False) -> Any:
    """The openpyxl workbook (read-only, values) in ``content`` once the container is checked
    (``checked``: the caller ran :func:`zip_check` on it already).

    The caller closes it. Raises :class:`InputError` or :class:`LimitExceeded`.
    """
    from openpyxl import load_workbook

    _openpyxl_dimensions_from_head()
    if not checked:
        zip_check(content=content, where=where)
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged workbook
        raise InputError(
            f"the Excel workbook cannot be read ({_describe(error)}); is it damaged?",
            where=where,
        ) from None


def sheet_header(ws: Any, *, where: str) -> Values:
    """The values of the first row of ``ws`` (empty when the sheet is empty); ``where`` names
    the sheet in errors."""
    ws.reset_dimensions()  # the stated dimensions may be wrong, or hostile
    try:
        return next(iter(ws.iter_rows(min_row=1, max_row=1, values_only=True)), ())
    except Exception as error:  # openpyxl raises many kinds on a damaged worksheet
        raise InputError(
            f"the row cannot be read ({_describe(error)})", where=where, row=1
        ) from None


def sheet_rows(
    ws: Any, *, where: str, width: int, first: int = 2, max_cells: int = TABLE_CELLS_MAX
) -> Iterator[tuple[int, Values]]:
    """(row number, values) of each row of ``ws`` from ``first``, cut to ``width`` columns.

    ``where`` names the sheet in errors. Raises :class:`LimitExceeded` beyond ``max_cells`` cells (rows x columns) and
    :class:`InputError` when openpyxl cannot read a row, both naming the sheet and row.
    """
    if width < 1:
        return
    ws.reset_dimensions()
    rows = ws.iter_rows(min_row=first, max_col=width, values_only=True)
    number = first
    cells = 0
    while True:
        try:
            values = next(rows)
        except StopIteration:
            return
        except Exception as error:  # openpyxl raises many kinds on a damaged worksheet
            raise InputError(
                f"the row cannot be read ({_describe(error)})", where=where, row=number
            ) from None
        cells += max(len(values), 1)
        if cells > max_cells:
            raise LimitExceeded(
                f"the sheet holds more than {max_cells:,} cells (rows x columns, empty ones "
                "included); remove the empty rows and columns or split it",
                where=where,
                row=number,
            )
        yield number, values
        number += 1

"""Excel cells that cannot run: text a person typed never becomes a formula in an exported workbook.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
LibreOffice as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``), and openpyxl itself writes a string
starting with ``=`` as a formula. Every export writes its values through ``cell_value`` (or ``row_values``),
which prefixes such text with a single quote, as OWASP recommends; numbers, dates and booleans pass unchanged
(a negative number is a number, not text). An import reads cells through ``imported_text``, which removes that
quote again, so an exported ledger re-imports unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable

from openpyxl import Workbook as _OpenpyxlWorkbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_value(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def row_values(values: Iterable) -> list:
    return [cell_value(v) for v in values]


def imported_text(value):
    """The text as the person typed it: the quote ``cell_value`` added is taken off."""
    if isinstance(value, str) and len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def _neutralised(worksheet):
    append = worksheet.append

    def safe_append(iterable):
        return append(row_values(iterable) if not isinstance(iterable, dict) else iterable)

    worksheet.append = safe_append
    return worksheet


class Workbook(_OpenpyxlWorkbook):
    """openpyxl's workbook whose sheets write every appended row through ``cell_value``: the one way the
    portal writes Excel files."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for worksheet in self._sheets:
            _neutralised(worksheet)

    def create_sheet(self, *args, **kwargs):
        return _neutralised(super().create_sheet(*args, **kwargs))

"""Shared by the workbook tests: save a workbook as the CSV files a spreadsheet program
writes (the displayed text of each cell), and edit a cell of a saved workbook."""

import csv
import datetime
import io
import re

from openpyxl import load_workbook
from sscmm.workbook import layout as L


def displayed(cell):
    """The text a spreadsheet shows for a cell: fixed decimals kept, dates as ISO."""
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    match = re.fullmatch(r"0(?:\.(0+))?", cell.number_format or "")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and match:
        return f"{value:.{len(match.group(1) or '')}f}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def save_as_csv(workbook, folder):
    """Each data sheet as folder/<sheet>.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in L.DATA_SHEETS:
        with open(folder / f"{name}.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out)
            for row in workbook[name].iter_rows():
                writer.writerow([displayed(c) for c in row])
    return folder


def workbook_bytes(workbook):
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edited(path, sheet, cell, value, out):
    """A copy of the workbook at path with one cell changed, saved at out."""
    workbook = load_workbook(path)
    workbook[sheet][cell] = value
    workbook.save(out)
    return out


def find_cell(workbook, sheet, header, row_match):
    """The coordinate of the cell under ``header`` in the first row whose cells include
    all of row_match's values."""
    ws = workbook[sheet]
    headers = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        values = [c.value for c in row]
        if all(v in values for v in row_match):
            return row[headers.index(header)].coordinate
    raise LookupError(f"no row with {row_match} in {sheet}")

"""Data collection the way cities work: a workbook template built from the model, import
of a filled workbook (or the same tables as CSV files) into an assessment graph, and
export of a graph back into the workbook."""

from .cells import CellError, WorkbookError
from .reading import read_tables, read_workbook, tables_from_csv, tables_from_xlsx, tables_from_zip
from .template import template
from .vocabulary import WorkbookVocabulary
from .writing import export

__all__ = ["CellError", "WorkbookError", "WorkbookVocabulary", "export", "read_tables", "read_workbook",
           "tables_from_csv", "tables_from_xlsx", "tables_from_zip", "template"]

"""Regression: workbooks that crashed POST /import (a 500) or gave a graph the store
cannot hold, each now a 422 naming the sheet and cell. Found by tests/test_fuzz_workbook.py:

- a City ID or other reference that makes no valid IRI (a control character, "<") was
  turned into an IRI anyway; with the city's IRI missing, the other sheets then added
  triples about None;
- a Base IRI such as "https:<//..." passed the scheme check;
- a value of 10^27 in a cell formatted "0.0" overflowed the decimal context when its
  places were kept (decimal.InvalidOperation), and "1e999999999" in an integer KPI would
  have been turned into a billion-digit int;
- a Row ID with "<" made target IRIs the store refuses;
- CSV with a lone carriage return, or a field past csv.field_size_limit(), raised csv.Error;
- an Evidence column "[rdfs:label @not a tag]" made rdflib refuse the language tag (a
  ValueError) when the first cell was read.
"""

import io

import pytest
from openpyxl import load_workbook

from sscmm.model import load_model
from sscmm.rdfio import parse_file
from sscmm.workbook import WorkbookError, WorkbookVocabulary, export, read_workbook, tables_from_csv, tables_from_xlsx

from .service_support import EXAMPLES
from .workbook_support import workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def saltmere(model):
    return workbook_bytes(export(parse_file(EXAMPLES / "saltmere.ttl"), WorkbookVocabulary(model)))


def _with(saltmere, sheet, cell, value, number_format=None):
    workbook = load_workbook(io.BytesIO(saltmere))
    workbook[sheet][cell] = value
    if number_format:
        workbook[sheet][cell].number_format = number_format
    return workbook_bytes(workbook)


@pytest.mark.parametrize(("sheet", "cell", "value", "number_format", "message"), [
    ("City", "B3", "ci<ty", None, "does not make a valid IRI"),
    ("City", "B2", "https:<//data.saltmere.example/ssc/", None, "is not an absolute IRI"),
    ("KPIs", "K2", 1e27, "0.0", None),  # accepted: 28 digits, kept with its place
    ("KPIs", "K3", "1e999999999", None, "is too large"),
    ("KPIs", "J2", "water<loss", None, "is not a usable row ID"),
])
def test_cells_give_errors_not_crashes(demo_client, model, saltmere, sheet, cell, value, number_format, message):
    data = _with(saltmere, sheet, cell, value, number_format)
    if message is None:
        graph = read_workbook(tables_from_xlsx(data), model)
        assert any(str(o) == "1000000000000000000000000000.0" for o in graph.objects())
        return
    with pytest.raises(WorkbookError) as caught:
        read_workbook(tables_from_xlsx(data), model)
    assert any(e.sheet == sheet and e.cell == cell and message in e.message for e in caught.value.errors), \
        caught.value.errors
    response = demo_client.post("/import", data=data, content_type=XLSX)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"


@pytest.mark.parametrize("content", [b"Field,Value\rBase IRI,\"https://a.example/\r", b"Field,Value\n\"" + b"x" * 200000 + b"\"\n"],
                         ids=["lone-carriage-return", "field-past-the-size-limit"])
def test_unreadable_csv_is_a_workbook_error(model, content):
    with pytest.raises(WorkbookError) as caught:
        read_workbook(tables_from_csv({"City.csv": content}), model)
    assert caught.value.errors[0].sheet == "City"


def test_an_evidence_column_with_a_bad_language_tag_is_a_header_error(model, saltmere):
    data = _with(saltmere, "Evidence", "J1", "label [rdfs:label @prefix@en]")
    with pytest.raises(WorkbookError) as caught:
        read_workbook(tables_from_xlsx(data), model)
    assert any(e.sheet == "Evidence" and e.cell == "J1" and "does not end with" in e.message for e in caught.value.errors)

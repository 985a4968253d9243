"""Property-based tests of importing workbooks (sscmm.workbook): any bytes as an .xlsx or
a .zip, a real workbook or its CSV files with random edits, and cells holding random
values, are either an assessment graph the store can hold or a WorkbookError whose every
error names its sheet, within a time limit: never another exception (a 500 from POST
/import) and never a hang."""

import datetime
import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sscmm.model import load_model
from sscmm.rdfio import InputError, parse_file
from sscmm.store import oxigraph_triples
from sscmm.workbook import (WorkbookError, WorkbookVocabulary, export, read_workbook, tables_from_csv, tables_from_xlsx,
                            tables_from_zip)
from sscmm.workbook import layout as L
from sscmm.workbook.reading import Table

from .fuzz_support import examples, mutated, within
from .service_support import EXAMPLES
from .workbook_support import save_as_csv, workbook_bytes


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def workbook(model):
    return export(parse_file(EXAMPLES / "saltmere.ttl"), WorkbookVocabulary(model))


@pytest.fixture(scope="module")
def xlsx(workbook):
    return workbook_bytes(workbook)


@pytest.fixture(scope="module")
def csv_files(workbook, tmp_path_factory):
    folder = save_as_csv(workbook, tmp_path_factory.mktemp("csv"))
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.csv"))}


def imported(read_tables, model):
    """What POST /import does before assessing: the tables, then the graph, then the
    store's terms; a WorkbookError must say where each problem is."""
    with within(20):
        try:
            graph = read_workbook(read_tables(), model)
        except WorkbookError as err:
            assert err.errors, "a workbook error lists its problems"
            for error in err.errors:
                assert error.sheet and error.message, error
            return None
        try:
            oxigraph_triples(graph)
        except InputError as err:
            raise AssertionError(f"the workbook gave a graph the store cannot hold: {err}") from None
        return graph


@hsettings(max_examples=examples(40))
@given(data=st.binary(max_size=2048))
def test_any_bytes_as_xlsx_or_zip(model, data):
    imported(lambda: tables_from_xlsx(data), model)
    imported(lambda: tables_from_zip(data), model)


@hsettings(max_examples=examples(30))
@given(data=st.data())
def test_edited_xlsx_bytes(model, xlsx, data):
    edited = data.draw(mutated(xlsx))
    imported(lambda: tables_from_xlsx(edited), model)


#: Values a cell can hold after a person (or a program) has been at it.
CELL_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40), st.sampled_from(["", " ", "=1/0", "#N/A", "yes", "no", "2024-02-30", "2024", "1e400",
                                           "-0", "city", "ex:city", "http://x y", "https://a.example/ok", ":",
                                           "EC:ICT:ICT:1C", "not reported", "≥", "\x00", "a" * 5000]),
    st.dates(), st.datetimes(), st.times(),
)


@hsettings(max_examples=examples(60))
@given(data=st.data())
def test_cells_with_random_values(model, xlsx, data):
    tables = tables_from_xlsx(xlsx)
    for _ in range(data.draw(st.integers(1, 6))):
        table = tables[data.draw(st.sampled_from(sorted(tables)))]
        row = data.draw(st.integers(0, len(table.rows)))
        if row == len(table.rows):
            table.rows.append([])
        column = data.draw(st.integers(0, len(table.rows[row]) + 1))
        cells = table.rows[row] + [(None, None)] * (column + 1 - len(table.rows[row]))
        cells[column] = (data.draw(CELL_VALUES), data.draw(st.sampled_from([None, "General", "0.0", "0", "@"])))
        table.rows[row] = cells
    if data.draw(st.booleans()):  # a sheet missing
        tables.pop(data.draw(st.sampled_from(sorted(tables))))
    imported(lambda: tables, model)


@hsettings(max_examples=examples(40))
@given(data=st.data())
def test_edited_csv_files(model, csv_files, data):
    name = data.draw(st.sampled_from(sorted(csv_files)))
    files = {**csv_files, name: data.draw(mutated(csv_files[name]))}
    imported(lambda: tables_from_csv(files), model)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for filename, content in files.items():
            archive.writestr(filename, content)
    imported(lambda: tables_from_zip(buffer.getvalue()), model)


def test_the_unedited_workbook_imports(model, xlsx, csv_files):
    """The properties above are not met by refusing everything."""
    assert imported(lambda: tables_from_xlsx(xlsx), model) is not None
    assert imported(lambda: tables_from_csv(csv_files), model) is not None
    assert isinstance(tables_from_xlsx(xlsx)[L.CITY], Table)
    assert datetime  # dates and datetimes above are cell values openpyxl gives

"""The workbook: a template built from the model, export of a graph and import back
(isomorphic, same levels), the same tables as CSV, errors that name sheet and cell, a
hand-filled fixture and the real U4SSC values."""

import csv
import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from rdflib import Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SKOS, XSD
from sscmm.engine import engine_for
from sscmm.namespaces import SSCMM, U4SSC, Y4904
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file
from sscmm.workbook import WorkbookError, WorkbookVocabulary, export, read_tables, read_workbook, tables_from_xlsx, template
from sscmm.workbook import layout as L

from .conftest import FIXTURES, run_cli
from .workbook_support import edited, find_cell, save_as_csv, workbook_bytes

EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.ttl"))
SDMXD = "http://purl.org/linked-data/sdmx/2009/dimension#"


@pytest.fixture(scope="module")
def vocab(shipped_model):
    return WorkbookVocabulary(shipped_model)


def levels(graph):
    result = engine_for(None).assess(graph).as_dict()
    assert result["input_errors"] == []
    return result["overall_level"]["order"], {a["name"]: a["level"]["order"] for a in result["aspects"]}


# -- the template ---------------------------------------------------------------------------

def test_template_lists_what_the_model_holds(vocab, shipped_model):
    wb = template(vocab, "core", [2022, 2023])
    core = {str(code) for code, in shipped_model.query(
        "SELECT ?code WHERE { ?k a sscmm:KPI ; sscmm:kpiType ?t ; sscmm:code ?code . ?t skos:prefLabel ?l "
        "FILTER (LCASE(STR(?l)) = 'core') }")}
    kpi_codes = {c.value for c in wb[L.KPIS]["A"][1:] if c.value}
    assert kpi_codes == core
    # a KPI reported per data point has one row per data point, named by the model
    points = {str(n) for n in shipped_model.objects(U4SSC["EN-EN-AQ-1C_PM10"], SKOS.notation)}
    rows = [(r[0].value, r[4].value) for r in wb[L.KPIS].iter_rows(min_row=2)]
    assert ("EN: EN: AQ: 1C", points.pop()) in rows
    y4904 = Y4904["model"]
    levels_in_model = sorted(int(o) for s, o in shipped_model.subject_objects(SSCMM.levelOrder)
                             if (s, SSCMM.inModel, y4904) in shipped_model)
    matrix_headers = [c.value for c in wb[L.MATRIX][1]]
    assert [h for h in matrix_headers if h.startswith("Level ")] == \
        [L.level_header(lv) for lv in vocab.levels if lv.order > 0]
    assert len([h for h in matrix_headers if h.startswith("Level ")]) == len([o for o in levels_in_model if o > 0])
    assert wb[L.KPIS]["K1"].value == "2022" and wb[L.KPIS]["L1"].value == "2022 status"
    achievements = {a for a in shipped_model.subjects(RDF.type, SSCMM.Achievement) if (a, SSCMM.inModel, y4904) in shipped_model}
    assert wb[L.ACHIEVEMENTS].max_row - 1 == len(achievements)
    # drop-downs list the model's vocabularies; numbers are checked
    lists = wb[L.LISTS]
    statuses = {c.value for c in lists["A"][1:] if c.value}
    assert statuses == {str(shipped_model.value(s, SKOS.prefLabel))
                        for s in shipped_model.subjects(RDF.type, SSCMM.VerificationStatus)}
    kinds = {dv.type for dv in wb[L.KPIS].data_validations.dataValidation}
    assert {"list", "decimal"} <= kinds


def test_template_cli_all_and_chosen_kpis(tmp_path, vocab):
    out = tmp_path / "all.xlsx"
    assert run_cli("template", "--kpis", "all", "--years", "2020-2023", "-o", str(out)).returncode == 0
    wb = load_workbook(out)
    assert len({c.value for c in wb[L.KPIS]["A"][1:]}) == len(vocab.kpis)
    chosen = tmp_path / "two.xlsx"
    done = run_cli("template", "--kpis", "EC:ICT:ICT:1C, sc: sh: sa: 9c", "-o", str(chosen))
    assert done.returncode == 0, done.stderr
    assert {c.value for c in load_workbook(chosen)[L.KPIS]["A"][1:]} == {"EC: ICT: ICT: 1C", "SC: SH: SA: 9C"}
    bad = run_cli("template", "--kpis", "EC:ICT:ICT:99C", "-o", str(tmp_path / "bad.xlsx"))
    assert bad.returncode == 2 and "EC:ICT:ICT:99C" in bad.stderr and not (tmp_path / "bad.xlsx").exists()


# -- export then import -----------------------------------------------------------------------

@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_export_then_import_is_isomorphic(path, vocab, shipped_model):
    source = parse_file(path)
    back = read_workbook(tables_from_xlsx(workbook_bytes(export(source, vocab))), shipped_model)
    assert isomorphic(source, back)
    assert levels(back) == levels(source)


def test_values_targets_and_selections_get_real_columns(vocab):
    wb = export(parse_file(ROOT / "data" / "examples" / "karmoy.ttl"), vocab)
    kpis = wb[L.KPIS]
    cell = find_cell(wb, L.KPIS, "2019", ["EC: I: WS: 3C"])
    assert kpis[cell].value == pytest.approx(35.42) and kpis[cell].number_format == "0.00"
    assert kpis[find_cell(wb, L.KPIS, "2019 status", ["EC: I: WS: 3C"])].value == "verified"
    assert kpis[find_cell(wb, L.KPIS, L.DATA_POINT, ["EC: ICT: ICT: 4C", "i-ws-1c"][:1])].value in ("3G", "4G")
    assert kpis[find_cell(wb, L.KPIS, L.APPLIES_FROM, ["EC: ICT: D: 1A"])].value == "5 Optimization"
    matrix = wb[L.MATRIX]
    assert matrix[find_cell(wb, L.MATRIX, "Level 5 Optimization", ["EC: I: WS: 3C"])].value == 25
    ids = {c.value for c in wb[L.EVIDENCE]["A"][1:]}
    assert not any(i.startswith(("obs-", "t-", "sel-")) for i in ids if i)


def test_cli_export_import_round_trip(tmp_path):
    path = ROOT / "data" / "examples" / "exampleton.ttl"
    xlsx, ttl = tmp_path / "exampleton.xlsx", tmp_path / "exampleton.ttl"
    assert run_cli("export", str(path), "-o", str(xlsx)).returncode == 0
    done = run_cli("import", str(xlsx), "-o", str(ttl))
    assert done.returncode == 0, done.stderr
    assert isomorphic(parse_file(path), parse_file(ttl))


def test_csv_tables_import_like_the_workbook(tmp_path, vocab, shipped_model):
    source = parse_file(ROOT / "data" / "examples" / "rivenport.ttl")
    folder = save_as_csv(export(source, vocab), tmp_path / "rivenport")
    assert isomorphic(source, read_workbook(read_tables(folder), shipped_model))
    ttl = tmp_path / "rivenport.ttl"
    assert run_cli("import", str(folder), "-o", str(ttl)).returncode == 0
    assert isomorphic(source, parse_file(ttl))


def test_achievement_evidence_round_trips(tmp_path, vocab, shipped_model):
    xlsx = tmp_path / "s.xlsx"
    export(parse_file(ROOT / "data" / "examples" / "saltmere.ttl"), vocab).save(xlsx)
    wb = load_workbook(xlsx)
    sheet = wb[L.ACHIEVEMENTS]
    sheet["E2"], sheet["F2"], sheet["G2"], sheet["H2"] = "Strategy 2023-2030", "https://saltmere.example/s.pdf", \
        datetime.datetime(2023, 2, 14), "operational"
    wb.save(xlsx)
    graph = read_workbook(read_tables(xlsx), shipped_model)
    node = next(graph.subjects(RDF.type, SSCMM.AchievementEvidence))
    assert graph.value(node, SSCMM.evidenceFor) == URIRef(sheet["C2"].value.replace("y4904:", str(vocab.model)[:-5]))
    assert graph.value(node, SSCMM.implementationStatus) == SSCMM.Operational
    assert isomorphic(graph, read_workbook(tables_from_xlsx(workbook_bytes(export(graph, vocab))), shipped_model))


# -- errors: sheet and cell, and no output ----------------------------------------------------

@pytest.fixture(scope="module")
def saltmere_xlsx(tmp_path_factory, vocab):
    path = tmp_path_factory.mktemp("wb") / "saltmere.xlsx"
    export(parse_file(ROOT / "data" / "examples" / "saltmere.ttl"), vocab).save(path)
    return path


def _import_fails(tmp_path, workbook, *expected):
    out = tmp_path / "out.ttl"
    done = run_cli("import", str(workbook), "-o", str(out))
    assert done.returncode == 1, done.stderr
    for text in expected:
        assert text in done.stderr
    assert not out.exists()
    assert not list(tmp_path.glob(".out.ttl*"))
    return done.stderr


def test_not_a_number_names_sheet_and_cell(tmp_path, saltmere_xlsx):
    cell = find_cell(load_workbook(saltmere_xlsx), L.KPIS, "2023", ["EC: I: WS: 3C"])
    bad = edited(saltmere_xlsx, L.KPIS, cell, "9o", tmp_path / "bad.xlsx")
    _import_fails(tmp_path, bad, f"KPIs!{cell}: '9o' is not a number")


def test_unknown_kpi_code(tmp_path, saltmere_xlsx):
    cell = find_cell(load_workbook(saltmere_xlsx), L.KPIS, L.CODE, ["EC: I: WS: 3C"])
    bad = edited(saltmere_xlsx, L.KPIS, cell, "EC: I: WS: 42C", tmp_path / "bad.xlsx")
    _import_fails(tmp_path, bad, f"KPIs!{cell}: unknown KPI code 'EC: I: WS: 42C'")


def test_unknown_status(tmp_path, saltmere_xlsx):
    cell = find_cell(load_workbook(saltmere_xlsx), L.KPIS, "2023 status", ["EC: I: WS: 3C"])
    bad = edited(saltmere_xlsx, L.KPIS, cell, "checked", tmp_path / "bad.xlsx")
    _import_fails(tmp_path, bad, f"KPIs!{cell}: 'checked' is not a known status")


def test_missing_required_city_field(tmp_path, saltmere_xlsx):
    row = next(r for r in load_workbook(saltmere_xlsx)[L.CITY].iter_rows() if r[0].value == L.ASSESSMENT_DATE)
    bad = edited(saltmere_xlsx, L.CITY, row[1].coordinate, None, tmp_path / "bad.xlsx")
    _import_fails(tmp_path, bad, f"City!{row[1].coordinate}: Assessment date is required")


def test_bad_year_header(tmp_path, saltmere_xlsx):
    cell = find_cell(load_workbook(saltmere_xlsx), L.KPIS, "2023", ["EC: I: WS: 3C"])
    header = cell.rstrip("0123456789") + "1"
    bad = edited(saltmere_xlsx, L.KPIS, header, "20x3", tmp_path / "bad.xlsx")
    _import_fails(tmp_path, bad, f"KPIs!{header}: '20x3' is not a year column")


def test_unreadable_file(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"this is not a spreadsheet")
    _import_fails(tmp_path, bad, "not a readable .xlsx workbook")


def test_input_shape_errors_write_nothing(tmp_path, saltmere_xlsx):
    """A workbook that reads but gives an invalid graph (a selection without its KPI's
    data) is refused by the input shapes, and nothing is written."""
    cell = find_cell(load_workbook(saltmere_xlsx), L.KPIS, L.SELECTION, ["EC: I: WS: 3C"])
    bad = edited(saltmere_xlsx, L.KPIS, cell, "sel-internet", tmp_path / "bad.xlsx")  # one ID for two KPIs
    _import_fails(tmp_path, bad, "selection 'sel-internet' is given to 2 different KPIs")


def test_errors_are_collected_not_just_the_first(saltmere_xlsx, shipped_model, tmp_path):
    wb = load_workbook(saltmere_xlsx)
    first = find_cell(wb, L.KPIS, "2023", ["EC: I: WS: 3C"])
    second = find_cell(wb, L.KPIS, "2022", ["EN: EN: AQ: 2C"])
    wb[L.KPIS][first], wb[L.KPIS][second] = "x", "1,2,3"
    with pytest.raises(WorkbookError) as caught:
        read_workbook(tables_from_xlsx(workbook_bytes(wb)), shipped_model)
    assert [str(e) for e in caught.value.errors] == [f"KPIs!{first}: 'x' is not a number",
                                                     f"KPIs!{second}: '1,2,3' is not a number"]


# -- a workbook filled by hand ----------------------------------------------------------------

def test_hand_filled_workbook(tmp_path, shipped_model):
    """tests/fixtures/hand-filled.xlsx (made once by tests/fixtures/hand_filled_workbook.py):
    blank rows, numbers typed as text, trailing spaces, a decimal comma, Excel dates,
    'Not reported' typed as a value, a status in capitals."""
    graph = read_workbook(read_tables(FIXTURES / "hand-filled.xlsx"), shipped_model)
    base = "https://data.lindholm.example/ssc/"
    city, assessment = URIRef(base + "city"), URIRef(base + "assessment-2024")
    assert graph.value(assessment, SSCMM.assessmentDate) == Literal(datetime.date(2024, 5, 31), datatype=XSD.date)
    assert graph.value(assessment, SSCMM.forCity) == city
    value = lambda obs: graph.value(URIRef(base + obs), SSCMM.kpiValue)
    assert value("obs-internet-2022") == Literal(Decimal("88.5"), datatype=XSD.decimal)  # "88.5 " as text
    assert value("obs-internet-2023") == Literal(Decimal("91.25"), datatype=XSD.decimal)  # "91,25"
    assert value("obs-ec-ict-ict-5c-2023") == Literal(12, datatype=XSD.integer)  # 12.0 typed for a count
    assert value("obs-resilience-2023") == Literal(True)  # "Yes"
    not_reported = URIRef(base + "obs-water-loss-2022")
    assert graph.value(not_reported, SSCMM.kpiValue) is None
    assert graph.value(not_reported, SSCMM.verificationStatus) == SSCMM.NotReported
    assert graph.value(URIRef(base + "obs-internet-2023"), SSCMM.verificationStatus) == SSCMM.Verified
    assert graph.value(URIRef(base + "sel-internet"), SSCMM.dataOwner) == URIRef(base + "dept-digital")
    assert graph.value(URIRef(base + "strategy"), URIRef("http://purl.org/dc/terms/issued")) == \
        Literal(datetime.date(2023, 3, 1), datatype=XSD.date)
    assert len(set(graph.subjects(RDF.type, SSCMM.KPIObservation))) == 7
    assert len(set(graph.subjects(RDF.type, SSCMM.Target))) == 8
    levels(graph)  # no input errors: it passes the input shapes
    out = tmp_path / "lindholm.ttl"
    assert run_cli("import", str(FIXTURES / "hand-filled.xlsx"), "-o", str(out)).returncode == 0
    assert isomorphic(parse_file(out), graph)


# -- the real U4SSC values ----------------------------------------------------------------------

def test_real_u4ssc_values_through_csv(tmp_path, vocab, shipped_model):
    """Every row of data/reference/u4ssc_city_values.csv typed into the KPI sheet of a
    template for its city, saved as CSV and imported: each value arrives as published."""
    with open(ROOT / "data" / "reference" / "u4ssc_city_values.csv", encoding="utf-8") as source:
        rows = list(csv.DictReader(source))
    for city in sorted({r["city"] for r in rows}):
        wb = template(vocab, "all", [2019])
        kpis = wb[L.KPIS]
        city_sheet = {r[0].value: r[1] for r in wb[L.CITY].iter_rows(min_row=2)}
        city_sheet[L.BASE].value = "https://data.example.org/" + city.split()[0].lower() + "/"
        city_sheet[L.CITY_NAME].value = city
        city_sheet[L.ASSESSMENT_ID].value = "assessment-2020"
        city_sheet[L.ASSESSMENT_DATE].value = datetime.date(2020, 6, 30)
        expected = {}
        for row in (r for r in rows if r["city"] == city):
            point = row["kpi_name"].split(": ")[1] if ": " in row["kpi_name"] else None
            match = [row["kpi_code"]] + ([point] if point else [])
            status = None if row["value"].lower() == "not reported" else "verified"
            for header, value in ((L.SELECTION, "sel-" + row["kpi_code"].replace(": ", "-").lower()),
                                  (L.SOURCE, row["source_url"]), ("2019", row["value"]), ("2019 status", status)):
                kpis[find_cell(wb, L.KPIS, header, match)] = value
            expected[(row["kpi_code"], point)] = row["value"]
        graph = read_workbook(read_tables(save_as_csv(wb, tmp_path / city.split()[0])), shipped_model)
        for (code, point), published in expected.items():
            kpi = vocab.kpi_by_notation[code.replace(" ", "")].iri
            obs = [o for o in graph.subjects(SSCMM.kpi, kpi) if (o, RDF.type, SSCMM.KPIObservation) in graph
                   and (point is None or str(graph.value(graph.value(o, SSCMM.dataPoint), SKOS.notation, default="")) == point
                        or str(vocab.term_label(graph.value(o, SSCMM.dataPoint))) == point)]
            assert len(obs) == 1, (code, point)
            value = graph.value(obs[0], SSCMM.kpiValue)
            if published.lower() == "not reported":
                assert value is None
                assert graph.value(obs[0], SSCMM.verificationStatus) == SSCMM.NotReported
            elif published.lower() in ("yes", "no"):
                assert value == Literal(published.lower() == "yes")
            else:
                assert Decimal(str(value)) == Decimal(published), (code, value, published)
        assert engine_for(None).assess(graph).valid, city
        base = "https://data.example.org/" + city.split()[0].lower() + "/"
        assert set(graph.objects(None, URIRef(SDMXD + "refArea"))) == {URIRef(base + "city")}

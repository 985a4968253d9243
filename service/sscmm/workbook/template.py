"""Build a workbook from the model: the sheets, their headers, the drop-downs and number
checks (Excel data validation), and rows. ``template`` is the empty workbook a city fills;
writing.py fills the same structure from a graph."""

import datetime
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..namespaces import SSCMM
from . import layout as L
from .cells import References

_HEADER = Font(bold=True)
_FILL = PatternFill("solid", fgColor="DDEBF7")
_INFO = PatternFill("solid", fgColor="EEEEEE")


@dataclass
class KPIRow:
    kpi: object  # vocabulary.KPI, or None for a KPI of the city's own
    code: str
    data_point: str = ""  # the data point's notation
    unit: str = ""
    selection: str = ""
    owners: list = field(default_factory=list)
    sources: list = field(default_factory=list)
    applies_from: str = ""
    row_id: str = ""
    values: dict = field(default_factory=dict)  # year -> (cell value, number format, status label, quality label)
    comparator: str = ""
    targets: dict = field(default_factory=dict)  # level order -> (cell value, number format)
    baseline: object = None


@dataclass
class Contents:
    """What goes into the sheets besides headers: filled in by template() or writing.py."""

    city: dict = field(default_factory=dict)  # City field -> cell value
    departments: list = field(default_factory=list)  # (ID, name)
    years: list = field(default_factory=list)
    kpis: list = field(default_factory=list)  # KPIRow
    evidence: dict = field(default_factory=dict)  # achievement IRI -> [(title, link, date, status label)]
    evidence_columns: list = field(default_factory=list)  # (header, ...) of the Evidence sheet
    evidence_rows: list = field(default_factory=list)  # [ID, Type, cell per column]


def default_id(kpi_code, data_point=""):
    return (kpi_code.replace(":", "-").replace(" ", "") + (f"-{data_point}" if data_point else "")).lower()


def template(vocab, kpis="core", years=None):
    """The empty workbook for a model: ``kpis`` is "core", "all" or a list of codes (already
    checked); ``years`` the value columns (default: the last five full years)."""
    if kpis == "core":
        chosen = [k for k in vocab.kpis if k.core]
    elif kpis == "all":
        chosen = list(vocab.kpis)
    else:
        chosen = [vocab.kpi_by_notation[code] for code in kpis]
    this_year = datetime.date.today().year
    contents = Contents(years=list(years or range(this_year - 5, this_year)))
    contents.city = {L.MODEL: vocab.name, L.MODEL_VERSION: vocab.version, L.CITY_ID: "city"}
    for kpi in chosen:
        for notation in (kpi.data_points or [""]):
            point = kpi.data_points.get(notation)
            unit = vocab.unit_of(kpi, point)
            contents.kpis.append(KPIRow(kpi, kpi.code, notation, References(None).write(unit) if unit else "",
                                        row_id=default_id(kpi.notation, notation)))
    contents.evidence_columns = template_evidence_columns(vocab)
    return build(vocab, contents)


def template_evidence_columns(vocab):
    """The Evidence sheet's columns in an empty workbook: a name, then every property of
    the vocabulary that describes or links the evidence classes."""
    refs, g = References(None), vocab.graph
    classes = set(vocab.evidence_classes())
    columns = [L.property_header("name", "rdfs:label", L.TEXT_KIND), L.property_header("title", "dcterms:title",
                                                                                       L.TEXT_KIND)]
    for prop in sorted(set(g.subjects(RDF.type, OWL.ObjectProperty)) | set(g.subjects(RDF.type, OWL.DatatypeProperty))):
        if not str(prop).startswith(str(SSCMM)) or str(g.value(prop, RDFS.comment, default="")).startswith("Derived"):
            continue
        if not (set(g.objects(prop, RDFS.domain)) | set(g.objects(prop, RDFS.range))) & (classes | {SSCMM.City}):
            continue
        kind = L.LINK_KIND if (prop, RDF.type, OWL.ObjectProperty) in g else L.TEXT_KIND
        columns.append(L.property_header(vocab.term_label(prop), refs.write(prop), kind))
    columns.append(L.property_header("adopted", "dcterms:issued", refs.write(XSD.date)))
    return columns


def build(vocab, contents):
    wb = Workbook()
    wb.remove(wb.active)
    lists = _lists_sheet(wb, vocab)
    _instructions(wb.create_sheet(L.INSTRUCTIONS), vocab)
    _city(wb.create_sheet(L.CITY), contents, lists)
    _departments(wb.create_sheet(L.DEPARTMENTS), contents)
    _kpis(wb.create_sheet(L.KPIS), vocab, contents, lists)
    _matrix(wb.create_sheet(L.MATRIX), vocab, contents, lists)
    _achievements(wb.create_sheet(L.ACHIEVEMENTS), vocab, contents, lists)
    _evidence(wb.create_sheet(L.EVIDENCE), vocab, contents, lists)
    wb.move_sheet(lists, offset=len(wb.sheetnames))
    lists.sheet_state = "hidden"
    return wb


def _lists_sheet(wb, vocab):
    """A hidden sheet holding each drop-down's options (lists longer than Excel's
    255-character inline limit work too); returns the sheet, with .ranges[name]."""
    sheet = wb.create_sheet(L.LISTS)
    options = {
        "status": list(vocab.statuses), "quality": list(vocab.qualities), "comparator": list(vocab.comparators),
        "implementation": list(vocab.implementation), "level": [lv.title for lv in vocab.levels],
        "yesno": ["yes", "no"], "model": [vocab.name],
        "type": [References(None).write(c) for c in vocab.evidence_classes()],
    }
    sheet.ranges = {}
    for column, (name, values) in enumerate(options.items(), start=1):
        letter = get_column_letter(column)
        sheet.cell(1, column, name).font = _HEADER
        for row, value in enumerate(values, start=2):
            sheet.cell(row, column, value)
        sheet.ranges[name] = f"{quote_sheetname(L.LISTS)}!${letter}$2:${letter}${max(2, len(values) + 1)}"
    return sheet


def _drop_down(sheet, lists, name, cells, prompt):
    dv = DataValidation(type="list", formula1=lists.ranges[name], allow_blank=True, errorStyle="warning",
                        error=f"Not a known {name}; pick one from the list.", prompt=prompt)
    dv.add(cells)
    sheet.add_data_validation(dv)


def _headers(sheet, headers, informative=()):
    for column, header in enumerate(headers, start=1):
        cell = sheet.cell(1, column, header)
        cell.font, cell.fill = _HEADER, _INFO if header in informative else _FILL
        sheet.column_dimensions[get_column_letter(column)].width = max(10, min(40, len(header) + 2))
    sheet.freeze_panes = "A2"


def _instructions(sheet, vocab):
    lines = [
        f"Assessment workbook for {vocab.label} ({vocab.name}, version {vocab.version})",
        "",
        "Fill in the sheets, then turn the workbook into an assessment graph with `sscmm import FILE.xlsx -o city.ttl`",
        "(or POST it to /import). Errors name the sheet and cell, and nothing is written until they are fixed.",
        "",
        f"{L.CITY}: who is assessed, when, against which model. IDs everywhere are relative to the Base IRI.",
        f"{L.DEPARTMENTS}: the city's departments (data owners, responsible departments, users of platforms).",
        (f"{L.KPIS}: one row per KPI (and data point). Give a Selection ID and a Data owner or Source for the KPIs "
        "the city tracks. One value column per year, with its status and data-quality drop-downs; a value with no "
        "number may be left empty with status 'not reported'. Add a column headed with another year to add a year."),
        (f"{L.MATRIX}: the city's own target per KPI and level (level 1 asks only for a baseline value). "
        "A range target (comparator 'within') is written '0.9 to 1.1'."),
        (f"{L.ACHIEVEMENTS}: for each achievement of each level and aspect, where its evidence is (title, link, "
        "date, status). The criteria themselves are checked on the Evidence sheet's things."),
        (f"{L.EVIDENCE}: the strategy, goals, plans, initiatives, infrastructure, datasets, services, decisions, "
        "verification and anything else the criteria look for: one row per thing, one column per property; "
        "several links in one cell are separated by ';'. A column header '[prefix:property kind]' may be added "
        "for any other property (kind: link, text, @language or an xsd: datatype)."),
        "",
        "Levels of the model: " + ", ".join(lv.title for lv in vocab.levels),
        "The achievements are this project's interpretation of the model, not Recommendation text.",
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row, 1, line).alignment = Alignment(wrap_text=False)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 120


def _city(sheet, contents, lists):
    _headers(sheet, ("Field", "Value", "What it is"))
    for row, (name, help_text, required) in enumerate(L.CITY_FIELDS, start=2):
        sheet.cell(row, 1, name).font = Font(bold=required)
        value = contents.city.get(name)
        cell = sheet.cell(row, 2, value)
        if name == L.ASSESSMENT_DATE:
            cell.number_format = "yyyy-mm-dd"
            dv = DataValidation(type="date", operator="greaterThan", formula1="1", errorStyle="warning",
                                error="A date, please.")
            dv.add(cell.coordinate)
            sheet.add_data_validation(dv)
        if name == L.MODEL:
            _drop_down(sheet, lists, "model", cell.coordinate, "the model's short name")
        sheet.cell(row, 3, help_text + (" (required)" if required else ""))
    sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width = 24, 48
    sheet.column_dimensions["C"].width = 90


def _departments(sheet, contents):
    _headers(sheet, (L.DEPT_ID, L.DEPT_NAME))
    for row, (dept_id, name) in enumerate(contents.departments, start=2):
        sheet.cell(row, 1, dept_id)
        sheet.cell(row, 2, name)
    sheet.column_dimensions["B"].width = 40


def _kpi_headers(contents):
    headers = list(L.KPI_COLUMNS)
    for year in contents.years:
        headers += [str(year), f"{year}{L.STATUS_SUFFIX}", f"{year}{L.QUALITY_SUFFIX}"]
    return headers


def _kpis(sheet, vocab, contents, lists):
    headers = _kpi_headers(contents)
    _headers(sheet, headers, informative=L.KPI_INFORMATIVE)
    column = {h: i for i, h in enumerate(headers, start=1)}
    numbers = DataValidation(type="decimal", operator="between", formula1="-1E+300", formula2="1E+300",
                             allow_blank=True, errorStyle="warning", error="A number, please (or leave it empty).")
    whole = DataValidation(type="whole", operator="between", formula1="-2147483648", formula2="2147483647",
                           allow_blank=True, errorStyle="warning", error="A whole number, please.")
    yes_no = DataValidation(type="list", formula1=lists.ranges["yesno"], allow_blank=True, errorStyle="warning")
    for validation in (numbers, whole, yes_no):
        sheet.add_data_validation(validation)
    last = len(contents.kpis) + 1
    for row, kpi_row in enumerate(contents.kpis, start=2):
        kpi = kpi_row.kpi
        point = kpi.data_points.get(kpi_row.data_point) if kpi else None
        cells = {L.CODE: kpi_row.code, L.NAME: kpi.name if kpi else "", L.UNIT: kpi_row.unit,
                 L.DIRECTION: vocab.term_label(vocab.direction_of(kpi, point)) if kpi and kpi.direction else "",
                 L.DATA_POINT: kpi_row.data_point, L.SELECTION: kpi_row.selection,
                 L.OWNER: "; ".join(kpi_row.owners), L.SOURCE: "; ".join(kpi_row.sources),
                 L.APPLIES_FROM: kpi_row.applies_from, L.ROW_ID: kpi_row.row_id}
        for header, value in cells.items():
            sheet.cell(row, column[header], value or None)
        check = {XSD.boolean: yes_no, XSD.integer: whole}.get(kpi.value_type if kpi else None, numbers)
        for year in contents.years:
            value_cell = sheet.cell(row, column[str(year)])
            check.add(value_cell.coordinate)
            if year in kpi_row.values:
                value, number_format, status, quality = kpi_row.values[year]
                value_cell.value = value
                if number_format:
                    value_cell.number_format = number_format
                sheet.cell(row, column[f"{year}{L.STATUS_SUFFIX}"], status or None)
                sheet.cell(row, column[f"{year}{L.QUALITY_SUFFIX}"], quality or None)
    if contents.years:
        for year in contents.years:
            for suffix, name in ((L.STATUS_SUFFIX, "status"), (L.QUALITY_SUFFIX, "quality")):
                letter = get_column_letter(column[f"{year}{suffix}"])
                _drop_down(sheet, lists, name, f"{letter}2:{letter}{max(last, 200)}", f"{name} of the {year} value")
    letter = get_column_letter(column[L.APPLIES_FROM])
    _drop_down(sheet, lists, "level", f"{letter}2:{letter}{max(last, 200)}", "only when it differs from the model")


def _matrix(sheet, vocab, contents, lists):
    target_levels = [lv for lv in vocab.levels if lv.order > 0]
    headers = list(L.MATRIX_COLUMNS) + [L.level_header(lv) for lv in target_levels]
    _headers(sheet, headers, informative=(L.BASELINE_VALUE,))
    rows = contents.kpis
    for row, kpi_row in enumerate(rows, start=2):
        for column, value in enumerate((kpi_row.code, kpi_row.data_point, kpi_row.row_id, kpi_row.comparator,
                                        kpi_row.baseline), start=1):
            sheet.cell(row, column, value if value not in ("", None) else None)
        for column, level in enumerate(target_levels, start=len(L.MATRIX_COLUMNS) + 1):
            if level.order in kpi_row.targets:
                value, number_format = kpi_row.targets[level.order]
                cell = sheet.cell(row, column, value)
                if number_format:
                    cell.number_format = number_format
    letter = get_column_letter(headers.index(L.COMPARATOR) + 1)
    _drop_down(sheet, lists, "comparator", f"{letter}2:{letter}{max(len(rows) + 1, 200)}",
               "empty: the KPI's direction decides")


def _achievements(sheet, vocab, contents, lists):
    _headers(sheet, L.ACHIEVEMENT_COLUMNS, informative=(L.LEVEL, L.ASPECT, L.CRITERION))
    refs, row = References(None), 2
    for achievement in vocab.achievements:
        for title, link, date, status in contents.evidence.get(achievement.iri) or [("", "", None, "")]:
            values = (achievement.level.title, achievement.aspect, refs.write(achievement.iri), achievement.criterion,
                      title, link, date, status)
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row, column, value if value not in ("", None) else None)
                if column == 7:
                    cell.number_format = "yyyy-mm-dd"
            row += 1
    _drop_down(sheet, lists, "implementation", f"H2:H{max(row, 200)}", "the status of what the evidence shows")
    sheet.column_dimensions["D"].width = 70


def _evidence(sheet, vocab, contents, lists):
    _headers(sheet, [L.EV_ID, L.EV_TYPE] + contents.evidence_columns)
    for row, values in enumerate(contents.evidence_rows, start=2):
        for column, value in enumerate(values, start=1):
            if isinstance(value, tuple):  # (value, number format)
                value, number_format = value
                sheet.cell(row, column, value).number_format = number_format
            elif value not in ("", None):
                cell = sheet.cell(row, column, value)
                if isinstance(value, datetime.date):
                    cell.number_format = "yyyy-mm-dd"
    _drop_down(sheet, lists, "type", f"B2:B{max(len(contents.evidence_rows) + 1, 300)}", "the kind of thing")
    sheet.column_dimensions["A"].width = 28


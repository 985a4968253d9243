"""A filled workbook (.xlsx), or the same tables as CSV files (a folder or a zip), read
into an assessment graph. Every problem is collected with its sheet and cell, and the
graph is returned only when there are none."""

import csv
import io
import re
import zipfile
import zlib
from pathlib import Path

from openpyxl import load_workbook
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from ..model import ModelError
from ..namespaces import ORG, SSCMM, bind_prefixes
from ..terms import is_iri, is_language_tag
from . import layout as L
from .cells import CellError, CellProblem, References, WorkbookError, cell_name, choice, date, kpi_value, text
from .vocabulary import WorkbookVocabulary

SDMXD = "http://purl.org/linked-data/sdmx/2009/dimension#"
SDMXA = "http://purl.org/linked-data/sdmx/2009/attribute#"
REF_AREA, REF_PERIOD, UNIT_MEASURE = URIRef(SDMXD + "refArea"), URIRef(SDMXD + "refPeriod"), URIRef(SDMXA + "unitMeasure")


class Table:
    """One sheet: rows of (value, number format), 0-based."""

    def __init__(self, name, rows):
        self.name, self.rows = name, rows

    def header(self):
        return [text(v) for v, _ in self.rows[0]] if self.rows else []

    def records(self):
        """(row index, cells) for each non-blank row; cells maps each header, and each column
        index, to (value, number format, column index)."""
        headers = self.header()
        for index, row in enumerate(self.rows[1:], start=1):
            if all(text(v) == "" for v, _ in row):
                continue
            cells = {c: (v, f, c) for c, (v, f) in enumerate(row)}
            cells.update({h: cells[c] for c, h in enumerate(headers[:len(row)]) if h and h not in cells})
            yield index, cells


def _sheet_key(name):
    return re.sub(r"[^a-z0-9]", "", name.lower())


_KEYS = {_sheet_key(name): name for name in L.DATA_SHEETS}


#: The most a workbook or zip may unpack to (its members' sizes as the archive declares
#: them, which zipfile holds them to): a filled workbook of every KPI over fifteen years
#: unpacks to about 130 KB, while a "zip bomb" of a few KB unpacks to gigabytes.
MAX_UNPACKED = 8 * 1024 * 1024


def _refuse_zip_bomb(archive):
    unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise WorkbookError([CellError("(file)", "", f"the file unpacks to {unpacked:,} bytes; at most "
                                       f"{MAX_UNPACKED:,} are read")])


def tables_from_xlsx(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _refuse_zip_bomb(archive)
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except WorkbookError:
        raise
    except Exception as err:  # noqa: BLE001 - openpyxl raises zipfile, XML, KeyError and its own errors
        raise WorkbookError([CellError("(file)", "", f"not a readable .xlsx workbook ({type(err).__name__}: {err})")])
    tables = {}
    for sheet in wb.worksheets:
        name = _KEYS.get(_sheet_key(sheet.title))
        if name:
            tables[name] = Table(name, [[(c.value, c.number_format) for c in row] for row in sheet.iter_rows()])
    return tables


def tables_from_csv(files):
    """``files``: {file name: bytes}; each CSV named after its sheet ("KPIs.csv")."""
    tables = {}
    for filename, data in files.items():
        name = _KEYS.get(_sheet_key(Path(filename).stem))
        if name is None:
            continue
        try:
            content = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise WorkbookError([CellError(name, "", f"{filename} is not UTF-8 text")]) from None
        dialect = csv.excel
        try:
            dialect = csv.Sniffer().sniff(content[:4096], delimiters=",;\t")
        except csv.Error:
            pass
        reader = csv.reader(io.StringIO(content, newline=""), dialect)  # the reader reads \r, \n and \r\n line ends
        try:
            tables[name] = Table(name, [[(v, None) for v in row] for row in reader])
        except csv.Error as err:  # a field past csv.field_size_limit(), a stray quote with some dialects
            raise WorkbookError([CellError(name, "", f"{filename}, line {reader.line_num}: not readable CSV ({err})")]) from None
    if not tables:
        raise WorkbookError([CellError("(files)", "", "no CSV file is named after a sheet (" +
                                       ", ".join(f"{n}.csv" for n in L.DATA_SHEETS) + ")")])
    return tables


def read_tables(path):
    """The tables of an .xlsx file, a folder of CSV files or a .zip of them."""
    path = Path(path)
    if path.is_dir():
        return tables_from_csv({p.name: p.read_bytes() for p in sorted(path.glob("*.csv"))})
    try:
        data = path.read_bytes()
    except OSError as err:
        raise WorkbookError([CellError(str(path), "", f"cannot read: {err.strerror}")]) from None
    if path.suffix.lower() == ".zip":
        return tables_from_zip(data)
    return tables_from_xlsx(data)


def tables_from_zip(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _refuse_zip_bomb(archive)
            files = {Path(n).name: archive.read(n) for n in archive.namelist() if n.lower().endswith(".csv")}
    except (zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as err:  # corrupt, encrypted, unknown method
        raise WorkbookError([CellError("(file)", "", f"not a readable zip file ({err})")]) from None
    return tables_from_csv(files)


class _Reader:
    def __init__(self, tables, model_graph):
        self.tables, self.model_graph = tables, model_graph
        self.errors = []
        self.graph = bind_prefixes(Graph())

    def problem(self, sheet, row, column, message):
        self.errors.append(CellError(sheet, cell_name(row, column) if row is not None else "", message))

    def convert(self, sheet, row, cell, function, *args):
        """function(value, *args) with a CellProblem turned into an error at the cell (None)."""
        value, number_format, column = cell
        try:
            if function is kpi_value:
                return function(value, *args, number_format)
            return function(value, *args)
        except CellProblem as err:
            self.problem(sheet, row, column, str(err))
            return None

    def add(self, *triple):
        self.graph.add(triple)

    # -- City ------------------------------------------------------------------------------
    def city(self):
        table = self.tables.get(L.CITY)
        if table is None:
            self.errors.append(CellError(L.CITY, "", "the sheet is missing"))
            return None
        fields, where = {}, {}
        known = {name.lower(): name for name, _, _ in L.CITY_FIELDS}
        for index, row in enumerate(table.rows[1:], start=1):
            if not row or text(row[0][0]) == "":
                continue
            name = known.get(text(row[0][0]).lower())
            if name is None:
                self.problem(L.CITY, index, 0, f"unknown field {text(row[0][0])!r}")
                continue
            value, number_format = row[1] if len(row) > 1 else (None, None)
            where[name] = (index, 1)
            if text(value):
                fields[name] = (value, number_format, 1)
        for name, _, required in L.CITY_FIELDS:
            if required and name not in fields:
                row, column = where.get(name, (None, None))
                self.problem(L.CITY, row, column, f"{name} is required")
        if L.MODEL not in fields:
            return None
        try:
            self.vocab = WorkbookVocabulary(self.model_graph, text(fields[L.MODEL][0]))
        except ModelError as err:
            self.problem(L.CITY, where[L.MODEL][0], 1, str(err))
            return None
        base = text(fields.get(L.BASE, (None,))[0])
        if base and not is_iri(base):
            self.problem(L.CITY, where[L.BASE][0], 1, f"{base!r} is not an absolute IRI")
            base = ""
        self.refs = References(base)
        self.fields, self.where = fields, where
        return base

    def ref(self, sheet, row, cell):
        return self.convert(sheet, row, cell, self.refs.read)

    def refs_in(self, sheet, row, cell):
        return self.convert(sheet, row, cell, self.refs.read_many) or []

    def city_graph(self):
        f, at = self.fields, lambda name: self.where[name][0]
        self.city_iri = self.ref(L.CITY, at(L.CITY_ID), f[L.CITY_ID]) if L.CITY_ID in f else None
        self.assessment = self.ref(L.CITY, at(L.ASSESSMENT_ID), f[L.ASSESSMENT_ID]) if L.ASSESSMENT_ID in f else None
        city, assessment = self.city_iri, self.assessment
        if city is None or assessment is None:
            return
        self.add(city, RDF.type, SSCMM.City)
        if L.CITY_NAME in f:
            self.add(city, RDFS.label, Literal(text(f[L.CITY_NAME][0])))
        self.add(assessment, RDF.type, SSCMM.Assessment)
        self.add(assessment, SSCMM.forCity, city)
        self.add(assessment, SSCMM.usesModel, self.vocab.model)
        if L.MODEL_VERSION in f:
            self.add(assessment, SSCMM.modelVersion, Literal(text(f[L.MODEL_VERSION][0])))
        if L.ASSESSMENT_DATE in f:
            value = self.convert(L.CITY, at(L.ASSESSMENT_DATE), f[L.ASSESSMENT_DATE], date)
            if value is not None:
                self.add(assessment, SSCMM.assessmentDate, value)
        for name, prop in ((L.ASSESSOR, PROV.wasAssociatedWith), (L.BASELINE, SSCMM.baseline),
                           (L.VERIFIED_BY, SSCMM.verifiedBy), (L.ACTIONS, SSCMM.recordsImprovementAction),
                           (L.PUBLISHED_AT, SSCMM.resultsPublishedAt)):
            if name in f:
                for term in self.refs_in(L.CITY, at(name), f[name]):
                    self.add(assessment, prop, term)
        self.matrix = self.ref(L.CITY, at(L.MATRIX_ID), f[L.MATRIX_ID]) if L.MATRIX_ID in f else None
        if self.matrix is not None:
            self.add(assessment, SSCMM.hasPerformanceMatrix, self.matrix)
            self.add(self.matrix, RDF.type, SSCMM.PerformanceMatrix)
            self.add(self.matrix, SSCMM.forCity, city)

    # -- Departments -----------------------------------------------------------------------
    def departments(self):
        table = self.tables.get(L.DEPARTMENTS)
        for row, cells in table.records() if table else ():
            if L.DEPT_ID not in cells or not text(cells[L.DEPT_ID][0]):
                self.problem(L.DEPARTMENTS, row, 0, "a department needs an ID")
                continue
            dept = self.ref(L.DEPARTMENTS, row, cells[L.DEPT_ID])
            if dept is None:
                continue
            self.add(self.city_iri, ORG.hasUnit, dept)
            self.add(dept, RDF.type, ORG.OrganizationalUnit)
            if text(cells.get(L.DEPT_NAME, (None,))[0]):
                self.add(dept, RDFS.label, Literal(text(cells[L.DEPT_NAME][0])))

    # -- KPIs --------------------------------------------------------------------------------
    def kpi_of(self, sheet, row, cells):
        """(KPI IRI, value type, data point IRI or None) of a KPI or matrix row."""
        code_cell = cells.get(L.CODE)
        if code_cell is None or not text(code_cell[0]):
            self.problem(sheet, row, 0, "the row has no KPI code")
            return None
        code = text(code_cell[0])
        from ..codes import CodeError, normalise_code

        try:
            kpi = self.vocab.kpi_by_notation.get(normalise_code(code))
            if kpi is None:
                self.problem(sheet, row, code_cell[2], f"unknown KPI code {code!r} (not in the {self.vocab.name} catalogue)")
                return None
            iri, value_type, points = kpi.iri, kpi.value_type, kpi.data_points
        except CodeError:  # a KPI of the city's own, described on the Evidence sheet
            iri = self.convert(sheet, row, code_cell, self.refs.read)
            if iri is None:
                return None
            if (iri, RDF.type, SSCMM.KPI) not in self.evidence_graph:
                self.problem(sheet, row, code_cell[2], f"unknown KPI code {code!r}: not a U4SSC code, and no "
                             f"{L.EVIDENCE} row describes {code!r} as an sscmm:KPI")
                return None
            value_type, points = self.evidence_graph.value(iri, SSCMM.valueType) or XSD.decimal, {}
        point = None
        point_cell = cells.get(L.DATA_POINT)
        if point_cell is not None and text(point_cell[0]):
            notation = text(point_cell[0])
            matches = [p for n, p in points.items() if n.lower() == notation.lower()]
            if not matches:
                self.problem(sheet, row, point_cell[2], f"{notation!r} is not a data point of {code} "
                             f"(its data points: {', '.join(points) or 'none'})")
                return None
            point = matches[0]
        return iri, value_type, point

    def row_id(self, sheet, row, cells, kpi, point):
        from .template import default_id

        cell = cells.get(L.ROW_ID)
        if cell is not None and text(cell[0]):
            raw = text(cell[0])
            if re.search(r"[\s/#:;?]", raw) or not is_iri(self.refs.base + raw):
                self.problem(sheet, row, cell[2], f"{raw!r} is not a usable row ID (letters, digits, '-', '_')")
                return None
            return raw
        return default_id(self.refs.write(kpi).split(":")[-1], self.vocab.term_label(point) if point else "")

    def kpis(self):
        table = self.tables.get(L.KPIS)
        if table is None:
            return
        years = {}
        for column, header in enumerate(table.header()):
            if not header or header in L.KPI_COLUMNS:
                continue
            match = L.YEAR_HEADER.match(header)
            if match is None:
                self.problem(L.KPIS, 0, column, f"{header!r} is not a year column (e.g. '2023', '2023 status', "
                             "'2023 quality') nor a column of this sheet")
                continue
            years.setdefault(int(match.group(1)), {})[match.group(2) or ""] = header
        selections = {}
        for row, cells in table.records():
            found = self.kpi_of(L.KPIS, row, cells)
            if found is None:
                continue
            kpi, value_type, point = found
            row_id = self.row_id(L.KPIS, row, cells, kpi, point)
            if text(cells.get(L.SELECTION, (None,))[0]):
                selection = self.ref(L.KPIS, row, cells[L.SELECTION])
                if selection is not None:
                    selections.setdefault(selection, set()).add(kpi)
                    self.add(self.assessment, SSCMM.hasKPISelection, selection)
                    self.add(selection, RDF.type, SSCMM.KPISelection)
                    self.add(selection, SSCMM.kpi, kpi)
                    for name, prop in ((L.OWNER, SSCMM.dataOwner), (L.SOURCE, DCTERMS.source)):
                        if name in cells:
                            for term in self.refs_in(L.KPIS, row, cells[name]):
                                self.add(selection, prop, term)
                    if text(cells.get(L.APPLIES_FROM, (None,))[0]):
                        level = self.level(L.KPIS, row, cells[L.APPLIES_FROM])
                        if level is not None:
                            self.add(selection, SSCMM.appliesFromLevel, level.iri)
            unit = self.ref(L.KPIS, row, cells[L.UNIT]) if text(cells.get(L.UNIT, (None,))[0]) else None
            for year_value, headers in sorted(years.items()):
                self.observation(row, cells, headers, year_value, kpi, value_type, point, row_id, unit)
        for selection, kpis in selections.items():
            if len(kpis) > 1:
                self.errors.append(CellError(L.KPIS, "", f"selection {self.refs.write(selection)!r} is given to "
                                             f"{len(kpis)} different KPIs; give each KPI its own Selection ID"))

    def level(self, sheet, row, cell):
        raw = text(cell[0])
        order = raw.split()[0] if raw else ""
        for level in self.vocab.levels:
            if raw.lower() in (level.title.lower(), level.name.lower()) or order == str(level.order):
                return level
        self.problem(sheet, row, cell[2], f"{raw!r} is not a level of {self.vocab.name} "
                     f"({', '.join(lv.title for lv in self.vocab.levels)})")
        return None

    def observation(self, row, cells, headers, year_value, kpi, value_type, point, row_id, unit):
        value_cell, status_cell, quality_cell = (cells.get(headers.get(key)) for key in ("", L.STATUS_SUFFIX,
                                                                                         L.QUALITY_SUFFIX))
        raw = text(value_cell[0]) if value_cell else ""
        status = self.convert(L.KPIS, row, status_cell, choice, self.vocab.statuses, "status") \
            if status_cell and text(status_cell[0]) else None
        if raw and status is None and raw.lower() in {s.lower() for s in self.vocab.statuses}:
            status, raw = self.vocab.statuses[next(s for s in self.vocab.statuses if s.lower() == raw.lower())], ""
        quality = self.convert(L.KPIS, row, quality_cell, choice, self.vocab.qualities, "data quality") \
            if quality_cell and text(quality_cell[0]) else None
        if not raw and status is None and quality is None:
            return
        value = self.convert(L.KPIS, row, value_cell, kpi_value, value_type) if raw else None
        if row_id is None or self.city_iri is None:
            return
        obs = URIRef(self.refs.base + L.observation_id(row_id, year_value))
        self.add(obs, RDF.type, SSCMM.KPIObservation)
        self.add(obs, SSCMM.kpi, kpi)
        if point is not None:
            self.add(obs, SSCMM.dataPoint, point)
        self.add(obs, REF_AREA, self.city_iri)
        self.add(obs, REF_PERIOD, Literal(str(year_value), datatype=XSD.gYear))
        if value is not None:
            self.add(obs, SSCMM.kpiValue, value)
            if unit is not None:
                self.add(obs, UNIT_MEASURE, unit)
        if status is not None:
            self.add(obs, SSCMM.verificationStatus, status)
        if quality is not None:
            self.add(obs, SSCMM.dataQuality, quality)

    # -- Performance matrix ----------------------------------------------------------------
    def matrix_targets(self):
        table = self.tables.get(L.MATRIX)
        if table is None:
            return
        levels = {}
        for column, header in enumerate(table.header()):
            if not header or header in L.MATRIX_COLUMNS:
                continue
            match = L.LEVEL_HEADER.match(header)
            level = next((lv for lv in self.vocab.levels if match and match.group(1) == str(lv.order)), None)
            if level is None:
                self.problem(L.MATRIX, 0, column, f"{header!r} is not a level column (e.g. "
                             f"{L.level_header(self.vocab.levels[-1])!r}) nor a column of this sheet")
                continue
            levels[header] = level
        for row, cells in table.records():
            if not any(text(cells[h][0]) for h in levels if h in cells):
                continue
            found = self.kpi_of(L.MATRIX, row, cells)
            if found is None:
                continue
            kpi, value_type, point = found
            row_id = self.row_id(L.MATRIX, row, cells, kpi, point)
            comparator = None
            if text(cells.get(L.COMPARATOR, (None,))[0]):
                comparator = self.convert(L.MATRIX, row, cells[L.COMPARATOR], choice, self.vocab.comparators,
                                          "comparator")
            if self.matrix is None:
                self.problem(L.CITY, self.where.get(L.MATRIX_ID, (None,))[0], 1,
                             f"{L.MATRIX_ID} is required when the {L.MATRIX} sheet has targets")
                self.matrix = URIRef("urn:sscmm:missing-matrix")
            for header, level in levels.items():
                cell = cells.get(header)
                if cell is None or not text(cell[0]) or row_id is None:
                    continue
                target = URIRef(self.refs.base + L.target_id(row_id, level))
                self.add(self.matrix, SSCMM.hasTarget, target)
                self.add(target, RDF.type, SSCMM.Target)
                self.add(target, SSCMM.kpi, kpi)
                if point is not None:
                    self.add(target, SSCMM.dataPoint, point)
                self.add(target, SSCMM.level, level.iri)
                if comparator is not None:
                    self.add(target, SSCMM.comparator, comparator)
                bounds = L.RANGE.match(text(cell[0])) if isinstance(cell[0], str) else None
                if bounds:
                    for bound, prop in zip(bounds.groups(), (SSCMM.targetMin, SSCMM.targetMax)):
                        value = self.convert(L.MATRIX, row, (bound, None, cell[2]), kpi_value, XSD.decimal)
                        if value is not None:
                            self.add(target, prop, value)
                else:
                    value = self.convert(L.MATRIX, row, cell, kpi_value, value_type)
                    if value is not None:
                        self.add(target, SSCMM.targetValue, value)

    # -- Achievements checklist ------------------------------------------------------------
    def achievements(self):
        table = self.tables.get(L.ACHIEVEMENTS)
        known = {a.iri: a for a in self.vocab.achievements}
        counts = {}
        for row, cells in table.records() if table else ():
            if not any(text(cells.get(h, (None,))[0]) for h in (L.EV_TITLE, L.EV_LINK, L.EV_DATE, L.EV_STATUS)):
                continue
            achievement = self.ref(L.ACHIEVEMENTS, row, cells[L.ACHIEVEMENT]) if L.ACHIEVEMENT in cells else None
            if achievement not in known:
                if achievement is not None:
                    self.problem(L.ACHIEVEMENTS, row, cells[L.ACHIEVEMENT][2],
                                 f"{text(cells[L.ACHIEVEMENT][0])!r} is not an achievement of {self.vocab.name}")
                else:
                    self.problem(L.ACHIEVEMENTS, row, 2, "the row names no achievement")
                continue
            counts[achievement] = counts.get(achievement, 0) + 1
            node = URIRef(self.refs.base + L.evidence_id(achievement.split("/")[-1], counts[achievement]))
            self.add(node, RDF.type, SSCMM.AchievementEvidence)
            self.add(node, SSCMM.evidenceFor, achievement)
            if text(cells.get(L.EV_TITLE, (None,))[0]):
                self.add(node, DCTERMS.title, Literal(text(cells[L.EV_TITLE][0])))
            if text(cells.get(L.EV_LINK, (None,))[0]):
                for link in self.refs_in(L.ACHIEVEMENTS, row, cells[L.EV_LINK]):
                    self.add(node, FOAF.page, link)
            if text(cells.get(L.EV_DATE, (None,))[0]):
                value = self.convert(L.ACHIEVEMENTS, row, cells[L.EV_DATE], date)
                if value is not None:
                    self.add(node, DCTERMS.date, value)
            if text(cells.get(L.EV_STATUS, (None,))[0]):
                status = self.convert(L.ACHIEVEMENTS, row, cells[L.EV_STATUS], choice, self.vocab.implementation,
                                      "status")
                if status is not None:
                    self.add(node, SSCMM.implementationStatus, status)

    # -- Evidence ----------------------------------------------------------------------------
    def evidence(self):
        """The Evidence sheet, read first (a KPI of the city's own is defined there)."""
        self.evidence_graph = Graph()
        table = self.tables.get(L.EVIDENCE)
        if table is None:
            return
        columns = {}
        for column, header in enumerate(table.header()):
            if not header or header in (L.EV_ID, L.EV_TYPE):
                continue
            match = L.PROPERTY_HEADER.search(header)
            prop = kind = None
            if match:
                try:
                    prop = self.refs.read(match.group(1)) if ":" in match.group(1) else None
                    kind = self._kind(match.group(2))
                except CellProblem:
                    prop = None
            if prop is None or kind is None:
                self.problem(L.EVIDENCE, 0, column, f"{header!r} does not end with '[prefix:property kind]' "
                             "(kind: link, text, @language or an xsd: datatype)")
                continue
            columns[column] = (prop, kind)
        for row, cells in table.records():
            if L.EV_ID not in cells or not text(cells[L.EV_ID][0]):
                self.problem(L.EVIDENCE, row, 0, "the row has no ID")
                continue
            subject = self.ref(L.EVIDENCE, row, cells[L.EV_ID])
            if subject is None:
                continue
            for term in self.refs_in(L.EVIDENCE, row, cells[L.EV_TYPE]) if L.EV_TYPE in cells else ():
                self.evidence_graph.add((subject, RDF.type, term))
            for column, (prop, kind) in columns.items():
                cell = cells.get(column)
                if cell is None or not text(cell[0]):
                    continue
                for value in self._values(row, cell, kind):
                    self.evidence_graph.add((subject, prop, value))

    def _kind(self, raw):
        if raw in (L.LINK_KIND, L.TEXT_KIND) or (raw.startswith("@") and is_language_tag(raw[1:])):
            return raw
        return self.refs.read(raw) if raw.startswith("xsd:") else None

    def _values(self, row, cell, kind):
        if kind == L.LINK_KIND:
            return self.refs_in(L.EVIDENCE, row, cell)
        value = cell[0]
        if kind == L.TEXT_KIND:
            return [Literal(text(value))]
        if kind.startswith("@"):
            return [Literal(text(value), lang=kind[1:])]
        if kind == XSD.date:
            return [v for v in [self.convert(L.EVIDENCE, row, cell, date)] if v is not None]
        if kind in (XSD.decimal, XSD.integer):
            return [v for v in [self.convert(L.EVIDENCE, row, cell, kpi_value, kind)] if v is not None]
        lexical = value.isoformat() if hasattr(value, "isoformat") else text(value)
        literal = Literal(lexical, datatype=kind)
        if literal.ill_typed:
            self.problem(L.EVIDENCE, row, cell[2], f"{lexical!r} is not a valid {self.refs.write(kind)}")
            return []
        return [literal]


def read_workbook(tables, model_graph):
    """The assessment graph of the tables; WorkbookError with every problem otherwise."""
    reader = _Reader(tables, model_graph)
    base = reader.city()
    if base is None or reader.errors:
        raise WorkbookError(reader.errors)
    reader.city_graph()
    if reader.errors:  # the other sheets name the city, the assessment and the matrix: read them once these are sound
        raise WorkbookError(reader.errors)
    reader.evidence()
    reader.departments()
    reader.kpis()
    reader.matrix_targets()
    reader.achievements()
    if reader.errors:
        raise WorkbookError(reader.errors)
    reader.graph += reader.evidence_graph
    return reader.graph

"""An assessment graph written into the workbook, so that importing it gives the same
graph back (isomorphic). Each part goes to the sheet with real columns for it when it fits
that sheet's pattern (IRIs named as the reader names them, one value where the sheet has
one cell); whatever does not fit, and every other statement, goes to the Evidence sheet."""

from collections import Counter, defaultdict

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from ..codes import CodeError, normalise_code
from ..namespaces import ORG, SSCMM, local_name
from . import layout as L
from .cells import CellError, CellProblem, References, WorkbookError, cell_of, kpi_value
from .reading import REF_AREA, REF_PERIOD, UNIT_MEASURE
from .template import Contents, KPIRow, build


class _Writer:
    def __init__(self, graph, vocab):
        self.g, self.vocab = graph, vocab
        self.used = set()
        self.contents = Contents()
        self.labels = {v: k for k, v in vocab.statuses.items()}
        self.quality_labels = {v: k for k, v in vocab.qualities.items()}
        self.comparator_labels = {v: k for k, v in vocab.comparators.items()}
        self.implementation_labels = {v: k for k, v in vocab.implementation.items()}

    def take(self, s, p, o):
        self.used.add((s, p, o))

    def one(self, s, p):
        values = list(self.g.objects(s, p))
        return values[0] if len(values) == 1 else None

    def assessment_and_city(self):
        g = self.g
        assessments = set(g.subjects(RDF.type, SSCMM.Assessment)) - set(g.objects(None, SSCMM.baseline))
        if len(assessments) != 1:
            raise WorkbookError([CellError("(graph)", "", f"the graph has {len(assessments)} assessments under "
                                           "evaluation; a workbook holds exactly one")])
        self.assessment = assessments.pop()
        self.city = self.one(self.assessment, SSCMM.forCity)
        if self.city is None or not isinstance(self.city, URIRef):
            raise WorkbookError([CellError("(graph)", "", "the assessment names no single city (sscmm:forCity)")])
        iri = str(self.city)
        self.refs = References(iri[:max(iri.rfind("/"), iri.rfind("#")) + 1])

    def plain(self, value):
        return isinstance(value, Literal) and value.datatype is None and value.language is None \
            and value == Literal(str(value).strip())

    # -- City --------------------------------------------------------------------------------
    def city_sheet(self):
        g, a, c, f = self.g, self.assessment, self.city, self.contents.city
        f[L.BASE], f[L.CITY_ID], f[L.ASSESSMENT_ID] = self.refs.base, self.refs.write(c), self.refs.write(a)
        f[L.MODEL] = self.vocab.name
        for triple in ((c, RDF.type, SSCMM.City), (a, RDF.type, SSCMM.Assessment), (a, SSCMM.forCity, c),
                       (a, SSCMM.usesModel, self.vocab.model)):
            if triple in g:
                self.take(*triple)
        if (a, SSCMM.usesModel, self.vocab.model) not in g:
            raise WorkbookError([CellError("(graph)", "", f"the assessment does not use the model {self.vocab.name}")])
        name = self.one(c, RDFS.label)
        if self.plain(name):
            f[L.CITY_NAME] = str(name)
            self.take(c, RDFS.label, name)
        version = self.one(a, SSCMM.modelVersion)
        if self.plain(version):
            f[L.MODEL_VERSION] = str(version)
            self.take(a, SSCMM.modelVersion, version)
        when = self.one(a, SSCMM.assessmentDate)
        if isinstance(when, Literal) and when.datatype == XSD.date and not when.ill_typed \
                and str(when) == when.toPython().isoformat():
            f[L.ASSESSMENT_DATE] = when.toPython()
            self.take(a, SSCMM.assessmentDate, when)
        for name, prop in ((L.ASSESSOR, PROV.wasAssociatedWith), (L.BASELINE, SSCMM.baseline),
                           (L.VERIFIED_BY, SSCMM.verifiedBy), (L.ACTIONS, SSCMM.recordsImprovementAction),
                           (L.PUBLISHED_AT, SSCMM.resultsPublishedAt)):
            values = sorted(v for v in g.objects(a, prop) if isinstance(v, URIRef))
            if values:
                f[name] = "; ".join(self.refs.write(v) for v in values)
                for v in values:
                    self.take(a, prop, v)
        self.matrix = self.one(a, SSCMM.hasPerformanceMatrix)
        if isinstance(self.matrix, URIRef) and (self.matrix, SSCMM.forCity, c) in g \
                and len(list(g.objects(self.matrix, SSCMM.forCity))) == 1:
            f[L.MATRIX_ID] = self.refs.write(self.matrix)
            for triple in ((a, SSCMM.hasPerformanceMatrix, self.matrix), (self.matrix, SSCMM.forCity, c),
                           (self.matrix, RDF.type, SSCMM.PerformanceMatrix)):
                if triple in g:
                    self.take(*triple)
        else:
            self.matrix = None

    def departments(self):
        for dept in sorted(self.g.objects(self.city, ORG.hasUnit)):
            labels = list(self.g.objects(dept, RDFS.label))
            if not isinstance(dept, URIRef) or (dept, RDF.type, ORG.OrganizationalUnit) not in self.g \
                    or len(labels) > 1 or (labels and not self.plain(labels[0])):
                continue
            self.contents.departments.append((self.refs.write(dept), str(labels[0]) if labels else None))
            self.take(self.city, ORG.hasUnit, dept)
            self.take(dept, RDF.type, ORG.OrganizationalUnit)
            if labels:
                self.take(dept, RDFS.label, labels[0])

    # -- KPIs, selections, observations, targets ----------------------------------------------
    def kpi_info(self, kpi):
        """(code cell, value type, data points) of a catalogue KPI or a KPI of the city's own."""
        model_kpi = self.vocab.kpi_by_iri.get(kpi)
        if model_kpi is not None:
            return model_kpi.code, model_kpi.value_type, model_kpi.data_points
        if (kpi, RDF.type, SSCMM.KPI) in self.g and isinstance(kpi, URIRef):
            code = self.refs.write(kpi)
            try:
                normalise_code(code)
                return None  # would be read as a catalogue code
            except CodeError:
                return code, self.g.value(kpi, SSCMM.valueType) or XSD.decimal, {}
        return None

    def point_notation(self, points, point):
        if point is None:
            return ""
        return next((n for n, p in points.items() if p == point), None)

    def reads_back(self, literal, value_type):
        value, number_format = cell_of(literal)
        try:
            return kpi_value(value, value_type, number_format) == literal and \
                kpi_value(value, value_type, number_format).datatype == literal.datatype
        except CellProblem:
            return False

    def row_for(self, kpi, point):
        """The KPI sheet's row of a KPI and data point (made on first use), or None when the
        KPI or data point cannot be named in a cell."""
        info = self.kpi_info(kpi)
        if info is None:
            return None
        notation = self.point_notation(info[2], point)
        if notation is None:
            return None
        if (kpi, point) not in self.rows:
            row = KPIRow(self.vocab.kpi_by_iri.get(kpi), info[0], notation)
            row.value_type, row.iri = info[1], kpi
            self.rows[(kpi, point)] = row
        return self.rows[(kpi, point)]

    def kpi_rows(self):
        g = self.g
        self.rows = {}
        # candidates: observations and targets by row, with the stem their IRIs give
        observations, targets = defaultdict(list), defaultdict(list)
        for obs in g.subjects(RDF.type, SSCMM.KPIObservation):
            kpi, point, period = self.one(obs, SSCMM.kpi), self.one(obs, SSCMM.dataPoint), self.one(obs, REF_PERIOD)
            if kpi is None or len(list(g.objects(obs, SSCMM.dataPoint))) > 1 or not isinstance(obs, URIRef):
                continue
            if not (isinstance(period, Literal) and period.datatype == XSD.gYear and str(period).isdigit()
                    and len(str(period)) == 4) or self.one(obs, REF_AREA) != self.city:
                continue
            prefix, suffix = self.refs.base + "obs-", f"-{period}"
            if str(obs).startswith(prefix) and str(obs).endswith(suffix) and len(str(obs)) > len(prefix + suffix):
                observations[(kpi, point)].append((str(obs)[len(prefix):-len(suffix)], obs))
        levels = {lv.iri: lv for lv in self.vocab.levels if lv.order > 0}
        for target in g.objects(self.matrix, SSCMM.hasTarget) if self.matrix is not None else ():
            kpi, point, level = self.one(target, SSCMM.kpi), self.one(target, SSCMM.dataPoint), \
                self.one(target, SSCMM.level)
            if kpi is None or level not in levels or len(list(g.objects(target, SSCMM.dataPoint))) > 1:
                continue
            prefix, suffix = self.refs.base + "t-", f"-{levels[level].order}"
            if str(target).startswith(prefix) and str(target).endswith(suffix) and len(str(target)) > len(prefix + suffix):
                targets[(kpi, point)].append((str(target)[len(prefix):-len(suffix)], target, levels[level]))
        for key in sorted(set(observations) | set(targets), key=str):
            row = self.row_for(*key)
            if row is None:
                continue
            stems = Counter(s for s, *_ in observations[key] + targets[key])
            row.row_id = stems.most_common(1)[0][0]
            self.observations(row, [o for s, o in observations[key] if s == row.row_id])
            self.targets(row, key, [(t, lv) for s, t, lv in targets[key] if s == row.row_id])
        self.selections()
        for row in self.rows.values():
            if row.values:
                row.baseline = row.values[min(row.values)][0]
        self.contents.kpis = sorted((r for r in self.rows.values() if r.values or r.targets or r.selection),
                                    key=lambda r: (r.code, r.data_point))
        self.contents.years = sorted({y for r in self.contents.kpis for y in r.values})

    def observations(self, row, candidates):
        g = self.g
        valued = [o for o in candidates if self.one(o, SSCMM.kpiValue) is not None]
        units = Counter(g.value(o, UNIT_MEASURE) for o in valued)
        unit = units.most_common(1)[0][0] if units else None
        row.unit = self.refs.write(unit) if unit is not None else ""
        for obs in sorted(candidates):
            year = int(self.one(obs, REF_PERIOD))
            value, status, quality = (self.one(obs, p) for p in (SSCMM.kpiValue, SSCMM.verificationStatus,
                                                                  SSCMM.dataQuality))
            units_here = list(g.objects(obs, UNIT_MEASURE))
            if year in row.values or len(list(g.objects(obs, SSCMM.kpiValue))) > 1 \
                    or (value is not None and not (isinstance(value, Literal) and self.reads_back(value, row.value_type))) \
                    or (value is None and units_here) or (value is not None and units_here != ([unit] if unit else [])) \
                    or len(list(g.objects(obs, SSCMM.verificationStatus))) > 1 \
                    or len(list(g.objects(obs, SSCMM.dataQuality))) > 1 \
                    or (status is not None and status not in self.labels) \
                    or (quality is not None and quality not in self.quality_labels) \
                    or (value is None and status is None and quality is None):
                continue
            cell, number_format = cell_of(value) if value is not None else (None, None)
            row.values[year] = (cell, number_format, self.labels.get(status, ""), self.quality_labels.get(quality, ""))
            for p, o in ((RDF.type, SSCMM.KPIObservation), (SSCMM.kpi, row.iri),
                         (SSCMM.dataPoint, None), (REF_AREA, self.city), (REF_PERIOD, None), (SSCMM.kpiValue, value),
                         (UNIT_MEASURE, None), (SSCMM.verificationStatus, status), (SSCMM.dataQuality, quality)):
                for found in g.objects(obs, p):
                    if o is None or found == o:
                        self.take(obs, p, found)

    def targets(self, row, key, candidates):
        g = self.g
        comparators = Counter(self.one(t, SSCMM.comparator) for t, _ in candidates)
        comparator = comparators.most_common(1)[0][0] if comparators else None
        row.comparator = self.comparator_labels.get(comparator, "")
        for target, level in candidates:
            value, low, high = (self.one(target, p) for p in (SSCMM.targetValue, SSCMM.targetMin, SSCMM.targetMax))
            counts = [len(list(g.objects(target, p))) for p in (SSCMM.targetValue, SSCMM.targetMin, SSCMM.targetMax,
                                                                 SSCMM.comparator)]
            if level.order in row.targets or max(counts) > 1 or self.one(target, SSCMM.comparator) != comparator \
                    or (comparator is not None and comparator not in self.comparator_labels):
                continue
            if value is not None and low is None and high is None and isinstance(value, Literal) \
                    and self.reads_back(value, row.value_type):
                row.targets[level.order] = cell_of(value)
            elif value is None and isinstance(low, Literal) and isinstance(high, Literal) \
                    and all(self.reads_back_text(b) for b in (low, high)):
                row.targets[level.order] = (f"{low} to {high}", None)
            else:
                continue
            self.take(self.matrix, SSCMM.hasTarget, target)
            for p in (RDF.type, SSCMM.kpi, SSCMM.dataPoint, SSCMM.level, SSCMM.comparator, SSCMM.targetValue,
                      SSCMM.targetMin, SSCMM.targetMax):
                for found in g.objects(target, p):
                    if p != RDF.type or found == SSCMM.Target:
                        self.take(target, p, found)

    def reads_back_text(self, literal):
        try:
            return kpi_value(str(literal), XSD.decimal) == literal and literal.datatype == XSD.decimal
        except CellProblem:
            return False

    def selections(self):
        g, seen = self.g, set()
        levels = {lv.iri: lv for lv in self.vocab.levels}
        for selection in sorted(g.objects(self.assessment, SSCMM.hasKPISelection)):
            kpi = self.one(selection, SSCMM.kpi)
            applies = list(g.objects(selection, SSCMM.appliesFromLevel))
            if kpi is None or kpi in seen or not isinstance(selection, URIRef) or len(applies) > 1 \
                    or (applies and applies[0] not in levels) or self.kpi_info(kpi) is None \
                    or (selection, RDF.type, SSCMM.KPISelection) not in g:
                continue
            owners = sorted(o for o in g.objects(selection, SSCMM.dataOwner) if isinstance(o, URIRef))
            sources = sorted(o for o in g.objects(selection, DCTERMS.source) if isinstance(o, URIRef))
            rows = [r for (k, _), r in self.rows.items() if k == kpi] or [self.row_for(kpi, None)]
            if not rows:
                continue
            seen.add(kpi)
            for row in rows:
                row.selection = self.refs.write(selection)
                row.owners = [self.refs.write(o) for o in owners]
                row.sources = [self.refs.write(o) for o in sources]
                row.applies_from = levels[applies[0]].title if applies else ""
            self.take(self.assessment, SSCMM.hasKPISelection, selection)
            self.take(selection, RDF.type, SSCMM.KPISelection)
            self.take(selection, SSCMM.kpi, kpi)
            for o in owners:
                self.take(selection, SSCMM.dataOwner, o)
            for o in sources:
                self.take(selection, DCTERMS.source, o)
            for o in applies:
                self.take(selection, SSCMM.appliesFromLevel, o)

    # -- Achievements checklist ------------------------------------------------------------
    def achievements(self):
        g, known = self.g, {a.iri for a in self.vocab.achievements}
        by_achievement = defaultdict(dict)
        for node in g.subjects(RDF.type, SSCMM.AchievementEvidence):
            achievement = self.one(node, SSCMM.evidenceFor)
            if achievement not in known or not isinstance(node, URIRef):
                continue
            stem = self.refs.base + L.evidence_id(local_name(achievement), 1)
            index = 1 if str(node) == stem else (int(str(node)[len(stem) + 1:]) if str(node).startswith(stem + "-")
                                                 and str(node)[len(stem) + 1:].isdigit() else None)
            title, when, status = (self.one(node, p) for p in (DCTERMS.title, DCTERMS.date, SSCMM.implementationStatus))
            pages = sorted(o for o in g.objects(node, FOAF.page) if isinstance(o, URIRef))
            counts = [len(list(g.objects(node, p))) for p in (DCTERMS.title, DCTERMS.date, SSCMM.implementationStatus)]
            if index is None or index < 2 and str(node) != stem or max(counts) > 1 \
                    or (title is not None and not self.plain(title)) \
                    or (when is not None and (not isinstance(when, Literal) or when.datatype != XSD.date
                                              or str(when) != when.toPython().isoformat())) \
                    or (status is not None and status not in self.implementation_labels) \
                    or (title is None and when is None and status is None and not pages):
                continue
            by_achievement[achievement][index] = (node, title, pages, when, status)
        for achievement, found in by_achievement.items():
            entries = []
            for index in range(1, len(found) + 1):  # the reader numbers rows 1, 2, ...: only a gapless run fits
                if index not in found:
                    break
                node, title, pages, when, status = found[index]
                entries.append((str(title) if title is not None else "", "; ".join(self.refs.write(p) for p in pages),
                                when.toPython() if when is not None else None, self.implementation_labels.get(status, "")))
                for p, o in ((RDF.type, SSCMM.AchievementEvidence), (SSCMM.evidenceFor, achievement),
                             (DCTERMS.title, title), (DCTERMS.date, when), (SSCMM.implementationStatus, status)):
                    if o is not None:
                        self.take(node, p, o)
                for page in pages:
                    self.take(node, FOAF.page, page)
            self.contents.evidence[achievement] = entries

    # -- Evidence: everything else --------------------------------------------------------
    def evidence(self):
        left = [t for t in self.g if t not in self.used]
        blank = [t for t in left if any(isinstance(x, BNode) for x in t)]
        if blank:
            raise WorkbookError([CellError("(graph)", "", f"{len(blank)} statement(s) use blank nodes, which a "
                                           "workbook cannot name; give those things IRIs")])
        by_subject = defaultdict(lambda: defaultdict(list))
        for s, p, o in left:
            if p == RDF.type and isinstance(o, URIRef):
                by_subject[s][None].append(o)
            else:
                by_subject[s][(p, self.kind(o))].append(o)
        widths = Counter()
        for values in by_subject.values():
            for key, objects in values.items():
                if key is not None and key[1] != L.LINK_KIND:
                    widths[key] = max(widths[key], len(objects))
                elif key is not None:
                    widths[key] = 1
        columns = [key for key in sorted(widths, key=lambda k: (self.refs.write(k[0]), str(k[1])))
                   for _ in range(widths[key])]
        self.contents.evidence_columns = [L.property_header(self.property_label(p), self.refs.write(p),
                                                            self.refs.write(kind) if isinstance(kind, URIRef) else kind)
                                          for p, kind in columns]
        for subject in sorted(by_subject, key=self.refs.write):
            values = by_subject[subject]
            cells = [self.refs.write(subject), "; ".join(self.refs.write(t) for t in sorted(values.get(None, [])))]
            taken = Counter()
            for key in columns:
                objects = sorted(values.get(key, []))
                if key[1] == L.LINK_KIND:
                    cells.append("; ".join(self.refs.write(o) for o in objects))
                    continue
                index = taken[key]
                taken[key] += 1
                cells.append(self.cell(objects[index]) if index < len(objects) else None)
            self.contents.evidence_rows.append(cells)

    @staticmethod
    def kind(term):
        if isinstance(term, URIRef):
            return L.LINK_KIND
        if term.language:
            return "@" + term.language
        return term.datatype or L.TEXT_KIND

    def property_label(self, prop):
        label = self.vocab.graph.value(prop, RDFS.label)
        return str(label) if label is not None else local_name(prop)

    @staticmethod
    def cell(literal):
        if literal.datatype == XSD.date and not literal.ill_typed and str(literal) == literal.toPython().isoformat():
            return literal.toPython()
        if literal.datatype in (XSD.decimal, XSD.integer) and not literal.ill_typed:
            return cell_of(literal)
        return str(literal)


def export(graph, vocab):
    """The workbook (openpyxl) holding the assessment graph."""
    writer = _Writer(graph, vocab)
    writer.assessment_and_city()
    writer.city_sheet()
    writer.departments()
    writer.kpi_rows()
    writer.achievements()
    writer.evidence()
    return build(vocab, writer.contents)

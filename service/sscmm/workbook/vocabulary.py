"""What a workbook lists, read from the model graph: levels, aspects, achievements, KPIs
and their data points, units and directions, and the status, quality, comparator and
implementation-status vocabularies. Nothing here names a level, a KPI or a concept."""

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..model import find_model
from ..namespaces import PREFIXES, SSCMM


@dataclass
class Level:
    iri: URIRef
    order: int
    name: str

    @property
    def title(self):
        return f"{self.order} {self.name}"


@dataclass
class KPI:
    iri: URIRef
    code: str  # as published (sscmm:code), e.g. "EC: ICT: ICT: 1C"
    notation: str  # normalised, e.g. "EC:ICT:ICT:1C"
    name: str
    core: bool
    unit: URIRef | None
    direction: URIRef | None
    value_type: URIRef | None
    data_points: dict = field(default_factory=dict)  # notation -> IRI


@dataclass
class Achievement:
    iri: URIRef
    level: Level
    aspect: str
    aspect_order: int
    criterion: str


def _label(graph, term):
    for prop in (SKOS.prefLabel, RDFS.label):
        value = graph.value(term, prop)
        if value is not None:
            return str(value)
    return str(term)


class WorkbookVocabulary:
    """The model as the workbook needs it (built once per model graph and name)."""

    def __init__(self, model_graph, name=None):
        self.graph = model_graph
        self.model, self.name, self.label, self.version = find_model(model_graph, name)
        g = model_graph
        self.levels = sorted((Level(lv, int(g.value(lv, SSCMM.levelOrder)), _label(g, lv))
                              for lv in g.subjects(SSCMM.inModel, self.model)
                              if (lv, RDF.type, SSCMM.MaturityLevel) in g), key=lambda lv: lv.order)
        self.level_by_iri = {lv.iri: lv for lv in self.levels}
        self.kpis = self._kpis()
        self.kpi_by_iri = {k.iri: k for k in self.kpis}
        self.kpi_by_notation = {k.notation: k for k in self.kpis}
        self.achievements = self._achievements()
        #: label -> IRI for each drop-down vocabulary, from the concepts' skos:prefLabel
        self.statuses = self._concepts(SSCMM.VerificationStatus)
        self.qualities = self._concepts(SSCMM.DataQualityClass)
        self.comparators = self._concepts(SSCMM.Comparator)
        self.directions = self._concepts(SSCMM.Direction)
        self.implementation = self._concepts(SSCMM.ImplementationStatus)
        self.core_type = self._core_type()

    def _core_type(self):
        """The KPI type the default mapping applies from the lowest level (U4SSC "core")."""
        return next((t for t in self.graph.subjects(RDF.type, SSCMM.KPIType)
                     if str(self.graph.value(t, SKOS.prefLabel, default="")).lower() == "core"), None)

    def _concepts(self, cls):
        return {_label(self.graph, c): c for c in sorted(self.graph.subjects(RDF.type, cls))}

    def _kpis(self):
        g = self.graph
        catalogues = set(g.objects(self.model, SSCMM.usesCatalogue))
        core = {t for t in g.subjects(RDF.type, SSCMM.KPIType)
                if str(g.value(t, SKOS.prefLabel, default="")).lower() == "core"}
        kpis = []
        for kpi in g.subjects(RDF.type, SSCMM.KPI):
            if g.value(kpi, SKOS.inScheme) not in catalogues or g.value(kpi, SKOS.notation) is None:
                continue
            points = {str(g.value(dp, SKOS.notation)): dp for dp in g.objects(kpi, SSCMM.hasDataPoint)}
            kpis.append(KPI(kpi, str(g.value(kpi, SSCMM.code) or g.value(kpi, SKOS.notation)),
                            str(g.value(kpi, SKOS.notation)), _label(g, kpi), g.value(kpi, SSCMM.kpiType) in core,
                            g.value(kpi, PREFIXES["qudt"].hasUnit), g.value(kpi, SSCMM.direction),
                            g.value(kpi, SSCMM.valueType), dict(sorted(points.items()))))
        return sorted(kpis, key=lambda k: k.notation)

    def _achievements(self):
        g = self.graph
        found = []
        for ach in g.subjects(SSCMM.inModel, self.model):
            if (ach, RDF.type, SSCMM.Achievement) not in g:
                continue
            aspect = g.value(ach, SSCMM.aspect)
            found.append(Achievement(ach, self.level_by_iri[g.value(ach, SSCMM.level)], _label(g, aspect),
                                     int(g.value(aspect, SSCMM.aspectOrder, default=0)),
                                     str(g.value(ach, SSCMM.criterion, default=""))))
        return sorted(found, key=lambda a: (a.level.order, a.aspect_order))

    def unit_of(self, kpi, data_point=None):
        point_unit = self.graph.value(data_point, PREFIXES["qudt"].hasUnit) if data_point is not None else None
        return point_unit or kpi.unit

    def direction_of(self, kpi, data_point=None):
        point_direction = self.graph.value(data_point, SSCMM.direction) if data_point is not None else None
        return point_direction or kpi.direction

    def term_label(self, term):
        return _label(self.graph, term)

    def evidence_classes(self):
        """The classes of the things a city's evidence is made of: the ranges of the
        properties that hang off a city or an assessment, followed from class to class."""
        g, found = self.graph, set()
        frontier = {SSCMM.City, SSCMM.Assessment}
        while frontier:
            cls = frontier.pop()
            for prop in g.subjects(RDFS.domain, cls):
                for rng in g.objects(prop, RDFS.range):
                    if rng not in found and rng not in (SSCMM.KPISelection, SSCMM.PerformanceMatrix, SSCMM.Target,
                                                        SSCMM.MaturityModel, SSCMM.Assessment, SSCMM.City) \
                            and (rng, RDF.type, OWL.Class) in g:
                        found.add(rng)
                        frontier.add(rng)
        for cls in list(found):  # and their subclasses (a platform is an infrastructure item)
            found.update(g.transitive_subjects(RDFS.subClassOf, cls))
        return sorted(found)

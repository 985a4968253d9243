"""Assessing a city's graph against a maturity model.

An Engine loads the model, its level shapes, the input shapes and the rules once. Each
assessment then runs four explicit steps:

1. input checks (SPARQL, shapes/input/checks/*.rq) on an embedded pyoxigraph store that
   holds the model and the city's graph;
2. rules/derive/*.rq: SPARQL CONSTRUCT into a separate derived graph (the assessment
   under evaluation, latest and baseline values, one check per selected KPI and level);
3. pyshacl, with the shapes harvested once (validation.PreparedShapes), over the city's
   graph plus the derived graph plus the model facts the shapes refer to; violations of
   input shapes are input errors, results of level shapes are unmet criteria;
4. rules/conclude/*.rq: the attained level per aspect, dimension, sub-dimension and
   overall, from the criteria that failed.
"""

import threading
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from .levelshapes import LEVEL_SHAPES_DIR
from .model import find_model, load_model
from .namespaces import SSCMM, bind_prefixes
from .paths import ROOT, SHAPES_DIR
from .result import AssessmentResult, Failure, InputProblem
from .validation import PreparedShapes

RULES_DIR = ROOT / "rules"
INPUT_SHAPES_DIR = SHAPES_DIR / "input"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Derived nodes the rules need but no shape reads: left out of the graph pyshacl walks.
_WORKING_CLASSES = (SSCMM.KPIRequirement, SSCMM.KPIValueSummary)
MODEL_G = ox.NamedNode("urn:sscmm:graph:model")
INPUT_G = ox.NamedNode("urn:sscmm:graph:input")
DERIVED_G = ox.NamedNode("urn:sscmm:graph:derived")

_ESSENTIALS = """
CONSTRUCT { ?s ?p ?o } WHERE {
    { ?s a ?o . BIND (rdf:type AS ?p) }
    UNION { ?s rdfs:subClassOf ?o . BIND (rdfs:subClassOf AS ?p) }
    UNION { ?s a sscmm:KPI ; ?p ?o . FILTER (?p IN (skos:prefLabel, sscmm:direction, sscmm:valueType)) }
}"""


def _read_queries(folder):
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.rq"))]


def _to_ox(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def _to_rdflib(term):
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class Engine:
    """One maturity model, ready to assess any number of city graphs."""

    def __init__(self, model=None, paths=None):
        self.model = load_model(paths)
        self.model_iri, self.name, self.label, self.version = find_model(self.model, model)
        level_shapes = Graph().parse(LEVEL_SHAPES_DIR / f"{self.name}.ttl", format="turtle")
        input_shapes = Graph()
        for path in sorted(INPUT_SHAPES_DIR.glob("*.ttl")):
            input_shapes.parse(path, format="turtle")
        shapes = Graph()
        shapes += input_shapes
        shapes += level_shapes
        self.shapes = PreparedShapes(shapes)
        self.level_shapes = level_shapes
        self.input_node_shapes = set(input_shapes.subjects(RDF.type, SH.NodeShape))
        self.parent_shape = {prop: node for node, prop in shapes.subject_objects(SH.property)}
        self.input_checks = _read_queries(INPUT_SHAPES_DIR / "checks")
        self.derive_rules = _read_queries(RULES_DIR / "derive")
        self.conclude_rules = _read_queries(RULES_DIR / "conclude")
        self.essentials = Graph()
        for triple in self.model.query(_ESSENTIALS):
            self.essentials.add(triple)
        self._store = ox.Store()
        self._store.extend([ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), MODEL_G)
                            for g in (self.model, level_shapes) for s, p, o in g])
        self._lock = threading.Lock()

    # -- the four steps -------------------------------------------------------------

    def _construct(self, query):
        triples = []
        for triple in self._store.query(query, use_default_graph_as_union=True):
            triples.append(triple)
        self._store.extend([ox.Quad(t.subject, t.predicate, t.object, DERIVED_G) for t in triples])
        return triples

    def _input_problems(self, data):
        problems = []
        for name, query in self.input_checks:
            solutions = self._store.query(query, use_default_graph_as_union=True)
            has_field = "?field" in [str(v) for v in solutions.variables]
            for row in solutions:
                term = row["term"]
                field = row["field"] if has_field else None
                problems.append(InputProblem.of(data, self.model, _to_rdflib(term) if term is not None else None,
                                                field=_to_rdflib(field) if field is not None else "",
                                                message=row["message"].value, check=name))
        return problems

    def assess(self, graph):
        """Assess a city's graph (rdflib Graph); returns an AssessmentResult."""
        data = bind_prefixes(Graph())
        data += graph
        for prefix, ns in graph.namespaces():
            data.bind(prefix, ns, override=False)
        with self._lock:
            self._store.clear_graph(INPUT_G)
            self._store.clear_graph(DERIVED_G)
            self._store.extend([ox.Quad(_to_ox(s), _to_ox(p), _to_ox(o), INPUT_G) for s, p, o in data])
            problems = self._input_problems(data)
            derived = Graph()
            for _name, query in self.derive_rules:
                for t in self._construct(query):
                    derived.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
            checked = Graph()
            checked += data
            working = {s for t in _WORKING_CLASSES for s in derived.subjects(RDF.type, t)}
            for triple in derived:
                if triple[0] not in working:
                    checked.add(triple)
            checked += self.essentials
            _conforms, report = self.shapes.validate(checked)
            failures, input_results = self._read_report(report, data, derived)
            problems += input_results
            if problems:
                return AssessmentResult(self, data, derived, report, failures=[], input_errors=problems)
            current = next(derived.subjects(RDF.type, SSCMM.CurrentAssessment))
            failed_shapes = sorted({f.shape for f in failures})
            self._store.extend([ox.Quad(_to_ox(current), _to_ox(SSCMM.failsCriterion), _to_ox(shape), DERIVED_G)
                                for shape in failed_shapes])
            for shape in failed_shapes:
                derived.add((current, SSCMM.failsCriterion, shape))
            for _name, query in self.conclude_rules:
                for t in self._construct(query):
                    derived.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
            self._store.clear_graph(INPUT_G)
            self._store.clear_graph(DERIVED_G)
        return AssessmentResult(self, data, derived, report, failures=failures, input_errors=[])

    def _read_report(self, report, data, derived):
        failures, problems = [], []
        for result in report.subjects(RDF.type, SH.ValidationResult):
            if (None, SH.detail, result) in report:  # a nested result explains its parent; not a result of its own
                continue
            source = report.value(result, SH.sourceShape)
            shape = self.parent_shape.get(source, source)
            focus = report.value(result, SH.focusNode)
            value = report.value(result, SH.value)
            message = report.value(result, SH.resultMessage)
            path = report.value(result, SH.resultPath)
            if shape in self.input_node_shapes:
                problems.append(InputProblem.of(data, self.model, focus, field=path, message=str(message or ""),
                                                check=str(shape), value=value))
            else:
                failures.append(Failure(shape=shape, focus=focus, value=value, message=str(message or ""),
                                        path=path))
        return failures, problems


@lru_cache(maxsize=8)
def engine_for(model=None):
    """The shared Engine of a model (built on first use)."""
    return Engine(model)


def assess(graph, model=None):
    """Assess a city's assessment graph against a maturity model (default: y4904)."""
    return engine_for(model).assess(graph)

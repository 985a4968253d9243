"""Assessing a city's graph against a maturity model.

An Engine loads the model, its level shapes, the input shapes and the rules once. Each
assessment runs on an embedded pyoxigraph store that holds the model; the city's graph
goes into its own named graph, and every step but the level shapes runs there as SPARQL:

1. input checks: shapes/input/checks/*.rq, then rules/prepare/*.rq (the assessment under
   evaluation, which the input shapes read), then the input shapes compiled to SPARQL
   (coresparql); any problem ends the assessment with input errors, not failed levels.
   They run before the derived facts exist: their self-joins (sh:maxCount) then scan half
   as many triples, and an invalid graph costs no derivation;
2. rules/derive/*.rq: SPARQL CONSTRUCT into a separate derived graph (latest and baseline
   values, one check per selected KPI and level, the unmet checks of each criterion);
3. pyshacl, with the level shapes harvested once (validation.PreparedShapes), over the
   part of the city's and derived graphs the level shapes can read (shapes_view_query):
   the triples of the predicates on their paths, and the rdf:type triples of the classes
   they name. Its results are the unmet criteria;
4. rules/conclude/*.rq: the attained level per aspect, dimension, sub-dimension and
   overall, from the criteria that failed.

The derived facts stay in the assessment's store: the result reads them from there
(sscmm.derived), and converts them to rdflib only for the RDF output.
"""

import gc
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

from .coresparql import compile_shapes
from .derived import DerivedFacts
from .levelshapes import LEVEL_SHAPES_DIR, build_level_shapes, criteria_of
from .levelsparql import compile_level_shapes
from .model import find_model, load_model
from .namespaces import SSCMM, bind_prefixes
from .paths import ROOT, SHAPES_DIR
from .rdfio import ParsedGraph, ox_triples_of
from .result import AssessmentResult, Failure, InputProblem, ModelNames, criterion_facts
from .terms import TermMemo, to_ox
from .validation import PreparedShapes

RULES_DIR = ROOT / "rules"
INPUT_SHAPES_DIR = SHAPES_DIR / "input"
MODEL_G = ox.NamedNode("urn:sscmm:graph:model")
INPUT_G = ox.NamedNode("urn:sscmm:graph:input")
DERIVED_G = ox.NamedNode("urn:sscmm:graph:derived")
RUN = ox.NamedNode("urn:sscmm:run")
#: Constraints that read more than the paths they name: a shapes graph using them is
#: given the whole city and derived graphs.
_READS_EVERYTHING = (SH.closed, SH.sparql, SH.targetSubjectsOf, SH.targetObjectsOf)
#: What checks a city's graph against the level shapes: pyshacl (the validator of ``sscmm
#: assess``), or their compiled SPARQL (sscmm.levelsparql), which tests compare with it.
VALIDATORS = ("pyshacl", "sparql")
_PATH_KEYS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)


def _read_queries(folder):
    return [(p.stem, p.read_text(encoding="utf-8")) for p in sorted(Path(folder).glob("*.rq"))]


def _path_predicates(shapes, path):
    if isinstance(path, URIRef):
        yield path
    elif (path, RDF.first, None) in shapes:
        for step in Collection(shapes, path):
            yield from _path_predicates(shapes, step)
    else:
        for key in _PATH_KEYS:
            for inner in shapes.objects(path, key):
                yield from _path_predicates(shapes, inner)


def shapes_view_query(shapes: Graph):
    """A CONSTRUCT of what the shapes can read from the city's and derived graphs: the
    triples of the predicates on their paths, the rdf:type triples of the classes they name,
    and rdfs:subClassOf. Shapes that may read anything (sh:closed, sh:sparql, targets by
    predicate) get every triple of those graphs and every type."""
    everything = any((None, key, None) in shapes for key in _READS_EVERYTHING)
    predicates = {p for path in shapes.objects(None, SH.path) for p in _path_predicates(shapes, path)}
    classes = set(shapes.objects(None, SH["class"])) | set(shapes.objects(None, SH.targetClass))
    values = lambda terms: " ".join(sorted(t.n3() for t in terms))  # noqa: E731
    only_predicates = "" if everything else f"VALUES ?p {{ {values(predicates)} }}"
    only_classes = "" if everything else f"VALUES ?c {{ {values(classes)} }} ?o <{RDFS.subClassOf}>* ?c ."
    return f"""CONSTRUCT {{ ?s ?p ?o }} WHERE {{
    {{ {only_predicates} GRAPH ?g {{ ?s ?p ?o }} FILTER (?g != {MODEL_G}) }}
    UNION {{ {only_classes} ?s a ?o . BIND (<{RDF.type}> AS ?p) }}
    UNION {{ ?s <{RDFS.subClassOf}> ?o . BIND (<{RDFS.subClassOf}> AS ?p) }}
}}"""


class Engine:
    """One maturity model, ready to assess any number of city graphs."""

    def __init__(self, model=None, paths=None, validator="pyshacl"):
        if validator not in VALIDATORS:
            raise ValueError(f"unknown validator {validator!r}; use one of {', '.join(VALIDATORS)}")
        self.validator = validator
        self.model = load_model(paths)
        self.model_iri, self.name, self.label, self.version = find_model(self.model, model)
        self.names = ModelNames(self.model)
        self.level_shapes = _level_shapes(self.model, self.name, paths)
        self.input_shapes = Graph()
        for path in sorted(INPUT_SHAPES_DIR.glob("*.ttl")):
            self.input_shapes.parse(path, format="turtle")
        self.shapes = PreparedShapes(self.level_shapes)
        self.parent_shape = {prop: node for node, prop in self.level_shapes.subject_objects(SH.property)}
        self.criteria = criterion_facts(self.level_shapes, self.model)
        self.input_checks = _read_queries(INPUT_SHAPES_DIR / "checks")
        self.input_shape_checks = [(str(c.shape), c.query) for c in compile_shapes(self.input_shapes)]
        self.prepare_rules = _read_queries(RULES_DIR / "prepare")
        self.derive_rules = _read_queries(RULES_DIR / "derive")
        self.conclude_rules = _read_queries(RULES_DIR / "conclude")
        self.view_query = shapes_view_query(self.level_shapes)
        self.compiled_criteria = compile_level_shapes(self.level_shapes) if validator == "sparql" else []
        self._model_quads = [ox.Quad(to_ox(s), to_ox(p), to_ox(o), MODEL_G)
                             for g in (self.model, self.level_shapes) for s, p, o in g]
        # which model this engine assesses against (rules/prepare/10), whatever the graph declares
        self._model_quads.append(ox.Quad(RUN, to_ox(SSCMM.evaluatesModel), to_ox(self.model_iri), MODEL_G))

    # -- the four steps -------------------------------------------------------------

    def _new_store(self, graph, terms):
        """A store of the model and the city's graph, for one assessment. A fresh store each
        time: one in-memory store reused with clear_graph got slower with every city (the
        input checks took twice as long by the eighth), and nothing needs a lock."""
        store = ox.Store()
        store.extend(self._model_quads)
        parsed = ox_triples_of(graph)
        if parsed is not None:
            store.extend([ox.Quad(t.subject, t.predicate, t.object, INPUT_G) for t in parsed])
        else:
            store.extend([ox.Quad(terms.ox(s), terms.ox(p), terms.ox(o), INPUT_G) for s, p, o in graph])
        return store

    @staticmethod
    def _construct(store, query):
        triples = list(store.query(query, use_default_graph_as_union=True))
        store.extend([ox.Quad(t.subject, t.predicate, t.object, DERIVED_G) for t in triples])

    def _problems(self, store, checks, data, terms):
        problems = []
        for name, query in checks:
            solutions = store.query(query, use_default_graph_as_union=True)
            names = {v.value for v in solutions.variables}
            for row in solutions:
                term = row["term"]
                field = row["field"] if "field" in names else None
                value = row["value"] if "value" in names else None
                problems.append(InputProblem.of(
                    data, self.names, terms.rdflib(term) if term is not None else None,
                    field=terms.rdflib(field) if field is not None else "", message=row["message"].value,
                    check=name, value=terms.rdflib(value) if value is not None else None))
        return problems

    def _validated_graph(self, store, terms):
        """What pyshacl walks: the view of the level shapes (shapes_view_query)."""
        graph = Graph()
        _add_all(graph, map(terms.triple, store.query(self.view_query, use_default_graph_as_union=True)))
        return graph

    def assess(self, graph):
        """Assess a city's graph (rdflib Graph; a ParsedGraph, as rdfio reads Turtle and
        TriG, goes into the store without converting its terms); returns an AssessmentResult."""
        data = _display_view(graph)
        terms = TermMemo()
        store = self._new_store(graph, terms)
        problems = self._problems(store, self.input_checks, data, terms)
        for _name, query in self.prepare_rules:
            self._construct(store, query)
        problems += self._problems(store, self.input_shape_checks, data, terms)
        facts = DerivedFacts(store, DERIVED_G, terms)
        if problems:
            return AssessmentResult(self, data, facts, Graph(), failures=[], input_errors=problems)
        for _name, query in self.derive_rules:
            self._construct(store, query)
        if self.validator == "sparql":
            failures = self._sparql_failures(store, terms)
            report = _report_of(failures, self.level_shapes)
        else:
            _conforms, report = self.shapes.validate(self._validated_graph(store, terms))
            failures = self._read_report(report)
        current = terms.ox(facts.current)
        store.extend([ox.Quad(current, terms.ox(SSCMM.failsCriterion), terms.ox(shape), DERIVED_G)
                      for shape in sorted({f.shape for f in failures})])
        for _name, query in self.conclude_rules:
            self._construct(store, query)
        return AssessmentResult(self, data, facts, report, failures=failures, input_errors=[])

    def _sparql_failures(self, store, terms):
        """The level shapes' results from their compiled SPARQL (sscmm.levelsparql), run on
        the same view of the graph pyshacl walks."""
        view = ox.Store()
        view.extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph())
                     for t in store.query(self.view_query, use_default_graph_as_union=True)])
        failures = []
        for criterion in self.compiled_criteria:
            for row in view.query(criterion.query):
                failures.append(Failure(shape=criterion.shape, focus=terms.rdflib(row["focus"]),
                                        value=terms.rdflib(row["value"]), message=row["message"].value))
        return failures

    def _read_report(self, report):
        failures = []
        for result in report.subjects(RDF.type, SH.ValidationResult):
            if (None, SH.detail, result) in report:  # a nested result explains its parent; not a result of its own
                continue
            source = report.value(result, SH.sourceShape)
            failures.append(Failure(shape=self.parent_shape.get(source, source), focus=report.value(result, SH.focusNode),
                                    value=report.value(result, SH.value),
                                    message=str(report.value(result, SH.resultMessage) or ""),
                                    path=report.value(result, SH.resultPath)))
        return failures


def _report_of(failures, shapes):
    """An sh:ValidationReport of the SPARQL validator's failures (what the Turtle output
    shows), in the terms pyshacl uses."""
    report = Graph()
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    report.add((node, SH.conforms, Literal(not failures)))
    for failure in failures:
        result = BNode()
        report.add((node, SH.result, result))
        for predicate, value in ((RDF.type, SH.ValidationResult), (SH.sourceShape, failure.shape),
                                 (SH.focusNode, failure.focus), (SH.value, failure.value),
                                 (SH.resultMessage, Literal(failure.message) if failure.message else None),
                                 (SH.resultSeverity, shapes.value(failure.shape, SH.severity) or SH.Violation)):
            if value is not None:
                report.add((result, predicate, value))
    return report


def _level_shapes(model, name, paths):
    """The shipped model's generated level shapes (shapes/levels/NAME.ttl); a model loaded
    from other files gets its level shapes generated here, from its own data."""
    shipped = LEVEL_SHAPES_DIR / f"{name}.ttl"
    if paths is None and shipped.exists():
        return Graph().parse(shipped, format="turtle")
    return build_level_shapes(model, name, criteria_of(model, name))


def _add_all(graph, triples):
    """Add converted triples straight to the graph's store: Graph.add re-checks every term."""
    add = graph.store.add
    for triple in triples:
        add(triple, graph, quoted=False)


def _display_view(graph):
    """The city's graph, not copied, seen with the project's prefixes (so nodes show as
    ``y4904:level-2``) before the graph's own. A Dataset is copied into one Graph."""
    names = bind_prefixes(Graph())
    for prefix, ns in graph.namespaces():
        names.bind(prefix, ns, override=False)
    if type(graph) in (Graph, ParsedGraph):
        return Graph(store=graph.store, identifier=graph.identifier, namespace_manager=names.namespace_manager)
    view = Graph(namespace_manager=names.namespace_manager)
    view += graph
    return view


@lru_cache(maxsize=8)
def engine_for(model=None):
    """The shared Engine of a model (built on first use).

    The model, shapes and store it loads live as long as the process, so they are moved out
    of the garbage collector's reach (gc.freeze): otherwise every full collection during an
    assessment walks their million objects again."""
    engine = Engine(model)
    gc.collect()
    gc.freeze()
    return engine


def assess(graph, model=None):
    """Assess a city's assessment graph against a maturity model (default: y4904)."""
    return engine_for(model).assess(graph)

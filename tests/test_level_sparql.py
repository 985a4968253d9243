"""The level shapes compiled to SPARQL (sscmm.levelsparql) against pyshacl, the reference:
each constraint on a passing and a failing mini-graph, then whole assessments — every
example city on both shipped models, the toy model, and generated cities with random
gaps — with identical failed criteria and an identical JSON result."""

import random
import sys

import pyoxigraph as ox
import pyshacl
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from sscmm.coresparql import UnsupportedShape
from sscmm.engine import Engine, _path_predicates, engine_for
from sscmm.levelsparql import compile_level_shapes
from sscmm.namespaces import SSCMM
from sscmm.paths import ONTOLOGY_DIR, ROOT
from sscmm.rdfio import parse, parse_file
from sscmm.terms import to_ox, to_rdflib

from .conftest import FIXTURES
from .service_support import EXAMPLES
from .test_toy_model import CITY as TOY_CITY

sys.path.insert(0, str(ROOT / "bench"))
from synthetic import synthetic_city_turtle  # noqa: E402

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <https://a.example/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""


def _pyshacl_keys(shapes, data):
    _conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_infos=True,
                                            allow_warnings=True)
    keys = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) in report:
            continue
        source = report.value(result, SH.sourceShape)
        shape = next((s for s in shapes.subjects(SH.property, source)), source)
        keys.add((shape, report.value(result, SH.focusNode), report.value(result, SH.value)))
    return keys


def _sparql_keys(shapes, data):
    store = ox.Store()
    store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.DefaultGraph()) for s, p, o in data])
    keys = set()
    for criterion in compile_level_shapes(shapes):
        for row in store.query(criterion.query):
            keys.add((criterion.shape, to_rdflib(row["focus"]), to_rdflib(row["value"]) if row["value"] else None))
    return keys


#: (constraint, data that conforms, data that does not): the shape targets ex:Focus.
CONSTRAINTS = {
    "minCount": ("sh:path ex:p ; sh:minCount 2", "ex:f ex:p 1, 2 .", "ex:f ex:p 1 ."),
    "maxCount 0": ("sh:path ex:p ; sh:maxCount 0", "ex:f ex:q 1 .", "ex:f ex:p 1 ."),
    "maxCount 1": ("sh:path ex:p ; sh:maxCount 1", "ex:f ex:p 1 .", "ex:f ex:p 1, 2 ."),
    "class": ("sh:path ex:p ; sh:class ex:C", "ex:f ex:p ex:v . ex:v a ex:D . ex:D rdfs:subClassOf ex:C .",
              "ex:f ex:p ex:v, ex:w . ex:v a ex:C ."),
    "node": ("sh:path ex:p ; sh:node [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ]",
             "ex:f ex:p ex:v . ex:v ex:q 1 .", "ex:f ex:p ex:v, ex:w . ex:v ex:q 1 ."),
    "node with sh:class": ("sh:path ex:p ; sh:node [ sh:class ex:C ]", "ex:f ex:p ex:v . ex:v a ex:C .",
                           "ex:f ex:p ex:v ."),
    "qualifiedMinCount": ("sh:path ex:p ; sh:qualifiedMinCount 2 ; sh:qualifiedValueShape [ sh:class ex:C ]",
                          "ex:f ex:p ex:v, ex:w . ex:v a ex:C . ex:w a ex:C .",
                          "ex:f ex:p ex:v, ex:w . ex:v a ex:C ."),
    "hasValue": ("sh:path ex:p ; sh:hasValue ex:v", "ex:f ex:p ex:v, ex:w .", "ex:f ex:p ex:w ."),
    "disjoint": ("sh:path ex:p ; sh:disjoint ex:q", "ex:f ex:p ex:v ; ex:q ex:w .", "ex:f ex:p ex:v ; ex:q ex:v ."),
    "minInclusive": ("sh:path ex:p ; sh:minInclusive 0.5", "ex:f ex:p 0.5, 0.7 .", 'ex:f ex:p 0.4, "x" .'),
    "maxInclusive": ("sh:path ex:p ; sh:maxInclusive 3", "ex:f ex:p 3 .", "ex:f ex:p 4 ."),
    "datatype": ("sh:path ex:p ; sh:datatype xsd:integer", "ex:f ex:p 1 .", 'ex:f ex:p "1" .'),
    "sequence path": ("sh:path ( ex:p ex:q ) ; sh:minCount 1", "ex:f ex:p ex:v . ex:v ex:q 1 .", "ex:f ex:p ex:v ."),
    "inverse path": ("sh:path [ sh:inversePath ex:p ] ; sh:maxCount 0", "ex:f ex:p ex:v .", "ex:v ex:p ex:f ."),
    "alternative path": ("sh:path [ sh:alternativePath ( ex:p ex:q ) ] ; sh:minCount 1", "ex:f ex:q 1 .",
                         "ex:f ex:r 1 ."),
    "qualifiedMinCount 1": ("sh:path ex:p ; sh:qualifiedMinCount 1 ; sh:qualifiedValueShape [ sh:property "
                            "[ sh:path ex:q ; sh:minCount 1 ], [ sh:path ex:r ; sh:hasValue ex:yes ] ]",
                            "ex:f ex:p ex:v, ex:w . ex:v ex:q 1 . ex:w ex:q 2 ; ex:r ex:yes .",
                            "ex:f ex:p ex:v, ex:w . ex:v ex:q 1 . ex:w ex:r ex:yes ."),
    "qualifiedMinCount 1, nested": ("sh:path ex:p ; sh:qualifiedMinCount 1 ; sh:qualifiedValueShape [ sh:property "
                                    "[ sh:path ex:q ; sh:node [ sh:class ex:C ] ], [ sh:path ex:r ; sh:maxCount 0 ] ]",
                                    "ex:f ex:p ex:v, ex:w . ex:v ex:q ex:x . ex:w ex:q ex:y . ex:y a ex:C .",
                                    "ex:f ex:p ex:v, ex:w . ex:v ex:q ex:x . ex:w ex:q ex:y ; ex:r 1 . "
                                    "ex:y a ex:C ."),
    "qualifiedMinCount 2, nested": ("sh:path ex:p ; sh:qualifiedMinCount 2 ; sh:qualifiedValueShape [ sh:property "
                                    "[ sh:path ex:q ; sh:minCount 1 ], [ sh:path ex:r ; sh:hasValue ex:yes ] ]",
                                    "ex:f ex:p ex:v, ex:w . ex:v ex:q 1 ; ex:r ex:yes . ex:w ex:q 2 ; ex:r ex:yes .",
                                    "ex:f ex:p ex:v, ex:w . ex:v ex:q 1 ; ex:r ex:yes . ex:w ex:q 2 ."),
    "node, nested": ("sh:path ex:p ; sh:node [ sh:property [ sh:path ex:q ; sh:maxCount 0 ], "
                     "[ sh:path ex:r ; sh:node [ sh:property [ sh:path ex:s ; sh:minCount 1 ] ] ] ]",
                     "ex:f ex:p ex:v . ex:v ex:r ex:x . ex:x ex:s 1 .",
                     "ex:f ex:p ex:v, ex:w . ex:v ex:r ex:x . ex:w ex:q 1 ; ex:r ex:y ."),
    "zeroOrMore path, minCount": ("sh:path ( ex:p [ sh:zeroOrMorePath ex:q ] ) ; sh:hasValue ex:x",
                                  "ex:f ex:p ex:v . ex:v ex:q ex:x .", "ex:f ex:p ex:v . ex:v ex:q ex:w ."),
    "zeroOrMore path": ("sh:path [ sh:zeroOrMorePath ex:p ] ; sh:qualifiedMinCount 1 ; "
                        "sh:qualifiedValueShape [ sh:property [ sh:path ex:q ; sh:minCount 1 ] ]",
                        "ex:f ex:p ex:v . ex:v ex:p ex:w . ex:w ex:q 1 .", "ex:f ex:p ex:v . ex:v ex:p ex:w ."),
}


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
def test_each_constraint_passes_and_fails_as_in_pyshacl(name):
    constraint, passing, failing = CONSTRAINTS[name]
    shapes = Graph().parse(data=PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:Focus ; "
                           f"sh:property [ {constraint} ; sh:message \"m\" ] .", format="turtle")
    for data_text, should_fail in ((passing, False), (failing, True)):
        data = Graph().parse(data=PREFIXES + "ex:f a ex:Focus . " + data_text, format="turtle")
        expected = _pyshacl_keys(shapes, data)
        assert bool(expected) == should_fail, (name, data_text, expected)
        assert _sparql_keys(shapes, data) == expected, (name, data_text)


def test_target_node_is_checked_even_without_data():
    shapes = Graph().parse(data=PREFIXES + "ex:S a sh:NodeShape ; sh:targetNode ex:n ; "
                           "sh:property [ sh:path ex:p ; sh:minCount 1 ] .", format="turtle")
    data = Graph().parse(data=PREFIXES + "ex:other ex:p 1 .", format="turtle")
    assert _sparql_keys(shapes, data) == _pyshacl_keys(shapes, data) != set()


@pytest.mark.parametrize("constraint", ["sh:path ex:p ; sh:pattern \"x\"", "sh:path ex:p ; sh:qualifiedMaxCount 1 ; "
                                        "sh:qualifiedValueShape [ sh:class ex:C ]"])
def test_what_is_not_compiled_is_refused(constraint):
    shapes = Graph().parse(data=PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:Focus ; "
                           f"sh:property [ {constraint} ] .", format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_level_shapes(shapes)


def test_a_path_that_can_be_empty_from_a_named_focus_node_is_refused():
    """oxigraph gives no zero-length match from a term that is not in the data, where
    pyshacl takes the focus node as its own value: refused rather than judged otherwise."""
    shapes = Graph().parse(data=PREFIXES + "ex:S a sh:NodeShape ; sh:targetNode ex:n ; sh:property "
                           "[ sh:path [ sh:zeroOrMorePath ex:p ] ; sh:class ex:C ] .", format="turtle")
    data = Graph().parse(data=PREFIXES + "ex:other ex:p 1 .", format="turtle")
    assert _pyshacl_keys(shapes, data)  # ex:n, its own value, is no ex:C
    assert not list(ox.Store().query("SELECT * { <https://a.example/n> <https://a.example/p>* ?v }"))
    with pytest.raises(UnsupportedShape, match="can be empty"):
        compile_level_shapes(shapes)


# -- whole assessments --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sparql_engines():
    return {}


def _engines(cache, model):
    if model not in cache:
        cache[model] = Engine(model, validator="sparql")
    return engine_for(model), cache[model]


def _same_assessment(reference, compiled, graph):
    ours, theirs = reference.assess(graph), compiled.assess(graph)
    keys = lambda result: {(f.shape, f.focus, f.value, f.message) for f in result.failures}  # noqa: E731
    assert keys(theirs) == keys(ours)
    expected, got = ours.as_dict(), theirs.as_dict()
    expected.pop("engine"), got.pop("engine")
    assert got == expected
    return ours


@pytest.mark.parametrize("model", ["y4904", "wego-tmf"])
@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.ttl")), ids=lambda p: p.stem)
def test_every_example_city_gives_the_same_result(sparql_engines, model, path):
    reference, compiled = _engines(sparql_engines, model)
    _same_assessment(reference, compiled, parse_file(path))


TOY_FACTS = [
    "",
    ":city toy:lanePlan :plan ; toy:townHallRacks :racks ; toy:stationParking :station . "
    ":plan toy:builtLane :l1 , :l2 , :l3 . :station toy:covered false .",
    ":city toy:lanePlan :plan ; toy:townHallRacks :racks ; toy:stationParking :station . "
    ":plan toy:builtLane :l1 , :l2 , :l3 . :station toy:covered true .",
]


@pytest.mark.parametrize("facts", TOY_FACTS)
def test_the_toy_model_gives_the_same_result(facts):
    paths = [ONTOLOGY_DIR / "sscmm.ttl", ONTOLOGY_DIR / "references.ttl", FIXTURES / "toy-model.ttl"]
    reference, compiled = Engine("toy", paths=paths), Engine("toy", paths=paths, validator="sparql")
    _same_assessment(reference, compiled, Graph().parse(data=TOY_CITY + facts, format="turtle"))


def _with_gaps(text, rng, share):
    """The city's graph with random gaps that keep it a valid assessment: a share of the
    triples whose predicates only the level shapes read (evidence, links, ratings) removed,
    and a share of the observations and of the matrix targets removed whole."""
    graph = parse(text, "turtle")
    engine = engine_for()
    level_paths = {p for path in engine.level_shapes.objects(None, SH.path)
                   for p in _path_predicates(engine.level_shapes, path)}
    input_paths = {p for path in engine.input_shapes.objects(None, SH.path)
                   for p in _path_predicates(engine.input_shapes, path)}
    checked = " ".join(query for _name, query in engine.input_checks)
    evidence = {p for p in level_paths - input_paths if str(p) not in checked and p != RDF.type}
    for triple in sorted(graph, key=str):
        if triple[1] in evidence and rng.random() < share:
            graph.remove(triple)
    for kind in (SSCMM.KPIObservation, SSCMM.Target):
        for node in sorted(graph.subjects(RDF.type, kind), key=str):
            if rng.random() < share:
                graph.remove((node, None, None))
                graph.remove((None, None, node))
    return graph


@pytest.mark.parametrize("index", range(6))
def test_generated_cities_with_random_gaps_give_the_same_result(sparql_engines, index):
    rng = random.Random(f"level-sparql:{index}")
    graph = _with_gaps(synthetic_city_turtle(index, seed=7, years=2), rng, share=rng.choice([0.002, 0.01, 0.05]))
    reference, compiled = _engines(sparql_engines, "y4904")
    result = _same_assessment(reference, compiled, graph)
    assert result.valid, result.input_errors[:3]  # the gaps leave a valid assessment to judge

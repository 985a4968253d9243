"""The input shapes compiled to SPARQL (sscmm.coresparql) find exactly what pyshacl finds.

pyshacl stays the reference: every malformed graph of tests/test_input_errors.py, every
example city, and a mini-graph per supported constraint (passing and failing) are checked
both ways and the results compared.
"""

import pyoxigraph as ox
import pytest
from pyshacl import validate
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH
from sscmm.coresparql import UnsupportedShape, compile_shapes
from sscmm.engine import engine_for
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file
from sscmm.result import InputProblem
from sscmm.terms import to_ox, to_rdflib
from sscmm.validation import whole_graph

from .test_input_errors import CASES, _assess

EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.ttl"))


def _pyshacl_problems(engine, result):
    """pyshacl with the input shapes over the city's graph, the derived facts and the model facts."""
    data = whole_graph(engine.model, result.data, result.derived)
    _conforms, report, _ = validate(data, shacl_graph=engine.input_shapes, inference="none")
    parents = {prop: node for node, prop in engine.input_shapes.subject_objects(SH.property)}
    found = set()
    for r in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(r, SH.sourceShape)
        problem = InputProblem.of(result.data, engine.model, report.value(r, SH.focusNode),
                                  field=report.value(r, SH.resultPath) or "", message="",
                                  check=str(parents.get(source, source)), value=report.value(r, SH.value))
        found.add((problem.check, problem.node, problem.field, problem.value))
    return found


def _compiled_problems(engine, result):
    shape_names = {str(s).rsplit("#", 1)[-1] for s in engine.input_shapes.subjects(RDF.type, SH.NodeShape)}
    return {(p.check, p.node, p.field, p.value) for p in result.input_errors if p.check in shape_names}


@pytest.mark.parametrize("update", [c[1] for c in CASES], ids=[c[0] for c in CASES])
def test_compiled_input_shapes_agree_with_pyshacl_on_malformed_graphs(update):
    engine = engine_for(None)
    result = _assess(update)
    assert _compiled_problems(engine, result) == _pyshacl_problems(engine, result)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_compiled_input_shapes_agree_with_pyshacl_on_the_examples(path):
    engine = engine_for(None)
    result = engine.assess(parse_file(path))
    assert result.valid
    assert _pyshacl_problems(engine, result) == set()


# -- one mini-graph per constraint, passing and failing ---------------------------------

PREFIXES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix : <urn:t:> .
"""


def _value(term):
    """A literal by its value: oxigraph returns canonical forms ("1.0"^^xsd:decimal as "1")."""
    if isinstance(term, Literal) and term.value is not None:
        return ("literal", term.datatype, term.language, term.value)
    return term


def _rows(shapes_ttl, data_ttl):
    shapes = Graph().parse(data=PREFIXES + shapes_ttl, format="turtle")
    data = Graph().parse(data=PREFIXES + data_ttl, format="turtle")
    store = ox.Store()
    store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), ox.NamedNode("urn:g")) for s, p, o in data])
    ours = set()
    for compiled in compile_shapes(shapes):
        for row in store.query(compiled.query, use_default_graph_as_union=True):
            ours.add((to_rdflib(row["shape"]), to_rdflib(row["term"]),
                      _value(to_rdflib(row["value"])) if row["value"] is not None else None))
    _conforms, report, _ = validate(data, shacl_graph=shapes, inference="none")
    parents = {prop: node for node, prop in shapes.subject_objects(SH.property)}
    theirs = {(parents.get(report.value(r, SH.sourceShape), report.value(r, SH.sourceShape)),
               report.value(r, SH.focusNode), _value(report.value(r, SH.value)))
              for r in report.subjects(RDF.type, SH.ValidationResult)}
    return ours, theirs


CONSTRAINTS = {
    "minCount-1": ("sh:path :p ; sh:minCount 1", ":x a :C ; :p 1 .", ":x a :C ."),
    "minCount-2": ("sh:path :p ; sh:minCount 2", ":x a :C ; :p 1, 2 .", ":x a :C ; :p 1 ."),
    "maxCount-1": ("sh:path :p ; sh:maxCount 1", ":x a :C ; :p 1 .", ":x a :C ; :p 1, 2 ."),
    "maxCount-2": ("sh:path :p ; sh:maxCount 2", ":x a :C ; :p 1, 2 .", ":x a :C ; :p 1, 2, 3 ."),
    "class": ("sh:path :p ; sh:class :D", ":x a :C ; :p :y . :y a :E . :E rdfs:subClassOf :D .",
              ':x a :C ; :p :y, "lit" . :y a :E .'),
    "datatype": ("sh:path :p ; sh:datatype xsd:gYear", ':x a :C ; :p "2023"^^xsd:gYear .',
                 ':x a :C ; :p "2023", :z, "2023-01-01"^^xsd:date .'),
    "datatype-date": ("sh:path :p ; sh:datatype xsd:date", ':x a :C ; :p "2024-06-30"^^xsd:date .',
                      ':x a :C ; :p "2024-13-30"^^xsd:date, "2024-06-30"^^xsd:dateTime .'),
    "nodeKind": ("sh:path :p ; sh:nodeKind sh:Literal", ":x a :C ; :p 1 .", ":x a :C ; :p :y, [] ."),
    "nodeKind-iri": ("sh:path :p ; sh:nodeKind sh:IRI", ":x a :C ; :p :y .", ":x a :C ; :p 1, [] ."),
    "in": ("sh:path :p ; sh:in ( :a 1 )", ":x a :C ; :p :a, 1 .", ':x a :C ; :p :b, "1", 1.0 .'),
    "hasValue": ("sh:path :p ; sh:hasValue :a", ":x a :C ; :p :a, :b .", ":x a :C ; :p :b ."),
}


@pytest.mark.parametrize("name", sorted(CONSTRAINTS))
@pytest.mark.parametrize("passing", [True, False], ids=["passing", "failing"])
def test_each_compiled_constraint_matches_pyshacl(name, passing):
    constraint, good, bad = CONSTRAINTS[name]
    shapes = f":S a sh:NodeShape ; sh:targetClass :C ; sh:property [ {constraint} ] ."
    ours, theirs = _rows(shapes, good if passing else bad)
    assert ours == theirs
    assert bool(ours) is not passing


@pytest.mark.parametrize("passing", [True, False], ids=["passing", "failing"])
def test_node_level_or_and_target_node_match_pyshacl(passing):
    shapes = (":S a sh:NodeShape ; sh:targetNode :x ; sh:targetClass :C ;"
              " sh:or ( [ sh:path :p ; sh:minCount 1 ] [ sh:path :q ; sh:minCount 1 ] ) .")
    ours, theirs = _rows(shapes, ":x :q 1 . :y a :C ; :p 2 ." if passing else ":x :r 1 . :y a :C .")
    assert ours == theirs
    assert bool(ours) is not passing


def test_an_ill_formed_year_violates_sh_datatype():
    """SHACL (4.1.2) makes an ill-formed literal a violation of sh:datatype. rdflib does not
    check xsd:gYear lexical forms, so pyshacl lets "20x3"^^xsd:gYear through; the compiled
    shape reports it, which is what a city needs to hear."""
    ours, _theirs = _rows(":S a sh:NodeShape ; sh:targetClass :C ; sh:property [ sh:path :p ; sh:datatype xsd:gYear ] .",
                          ':x a :C ; :p "20x3"^^xsd:gYear, "2023"^^xsd:gYear .')
    assert {(str(f), str(v[3]) if isinstance(v, tuple) else str(v)) for _s, f, v in ours} == {("urn:t:x", "20x3")}


def test_deactivated_shapes_are_not_run():
    ours, theirs = _rows(":S a sh:NodeShape ; sh:targetClass :C ; sh:deactivated true ;"
                         " sh:property [ sh:path :p ; sh:minCount 1 ] .", ":x a :C .")
    assert ours == theirs == set()


@pytest.mark.parametrize("shape", [
    ":S a sh:NodeShape ; sh:targetClass :C ; sh:closed true .",
    ":S a sh:NodeShape ; sh:targetClass :C ; sh:property [ sh:path ( :p :q ) ; sh:minCount 1 ] .",
    ":S a sh:NodeShape ; sh:targetClass :C ; sh:property [ sh:path :p ; sh:pattern \"^a\" ] .",
    ":S a sh:NodeShape ; sh:targetSubjectsOf :p ; sh:property [ sh:path :p ; sh:minCount 1 ] .",
    ":S a sh:NodeShape ; sh:targetClass :C ; sh:or ( [ sh:path :p ; sh:minCount 2 ] ) .",
], ids=["closed", "sequence-path", "pattern", "target-subjects-of", "or-minCount-2"])
def test_shapes_beyond_the_subset_are_refused_not_skipped(shape):
    shapes = Graph().parse(data=PREFIXES + shape, format="turtle")
    with pytest.raises(UnsupportedShape):
        compile_shapes(shapes)

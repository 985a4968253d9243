"""pyshacl is given only what the level shapes can read (engine.shapes_view_query); with
the whole graph it must find exactly the same unmet criteria."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH
from sscmm.engine import INPUT_G, MODEL_G, engine_for, shapes_view_query
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file
from sscmm.terms import to_ox
from sscmm.validation import whole_graph

EXAMPLES = sorted((ROOT / "data" / "examples").glob("*.ttl"))


def _unmet(engine, report):
    return {(engine.parent_shape.get(report.value(r, SH.sourceShape), report.value(r, SH.sourceShape)),
             report.value(r, SH.focusNode), report.value(r, SH.value))
            for r in report.subjects(RDF.type, SH.ValidationResult) if (None, SH.detail, r) not in report}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_view_gives_the_same_results_as_the_whole_graph(path):
    engine = engine_for(None)
    result = engine.assess(parse_file(path))
    _conforms, whole_report = engine.shapes.validate(whole_graph(engine.model, result.data, result.derived))
    assert _unmet(engine, result.report) == _unmet(engine, whole_report)
    # Only a city that attains every level has no unmet criterion to compare.
    assert bool(result.failures) is not all(level["attained"] for level in result.as_dict()["levels"])


def _view(shapes_ttl, data):
    shapes = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix : <urn:t:> ." + shapes_ttl,
                           format="turtle")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:t:Model"), to_ox(RDF.type), ox.NamedNode("urn:t:C"), MODEL_G))
    store.extend([ox.Quad(to_ox(s), to_ox(p), to_ox(o), INPUT_G) for s, p, o in data])
    return {(t.subject.value, t.predicate.value, t.object.value)
            for t in store.query(shapes_view_query(shapes), use_default_graph_as_union=True)}


T = "urn:t:"
DATA = [(URIRef(T + "x"), RDF.type, URIRef(T + "C")), (URIRef(T + "x"), URIRef(T + "p"), URIRef(T + "y")),
        (URIRef(T + "x"), URIRef(T + "q"), URIRef(T + "z")), (URIRef(T + "y"), RDF.type, URIRef(T + "D"))]


def test_the_view_holds_the_paths_and_the_named_classes_only():
    view = _view(":S a sh:NodeShape ; sh:targetClass :C ; sh:property [ sh:path :p ; sh:minCount 1 ] .", DATA)
    assert view == {(T + "x", str(RDF.type), T + "C"), (T + "x", T + "p", T + "y"),
                    ("urn:t:Model", str(RDF.type), T + "C")}


def test_shapes_that_may_read_anything_get_everything():
    view = _view(":S a sh:NodeShape ; sh:targetClass :C ; sh:closed true ; sh:property [ sh:path :p ] .", DATA)
    assert {(str(s), str(p), str(o)) for s, p, o in DATA} <= view

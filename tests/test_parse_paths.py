"""Turtle and TriG are read by pyoxigraph (rdfio.ParsedGraph), everything else and every
error by rdflib: both paths must give the same graph, the same stored triples and the
same assessment."""

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic

from sscmm.engine import engine_for
from sscmm.rdfio import InputError, ParsedGraph, _parse_with_rdflib, ox_triples_of, parse, parse_file
from sscmm.store import oxigraph_triples
from sscmm.terms import to_rdflib

from .service_support import EXAMPLES

CITIES = sorted(EXAMPLES.glob("*.ttl"))


def _as_rdflib(triples):
    graph = Graph()
    for t in triples:
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


@pytest.mark.parametrize("path", CITIES, ids=lambda p: p.stem)
def test_both_parsers_give_the_same_graph_and_triples(path):
    fast = parse_file(path)
    slow = _parse_with_rdflib(path.read_bytes(), "turtle", path.resolve().as_uri())
    assert isinstance(fast, ParsedGraph) and not isinstance(slow, ParsedGraph)
    assert isomorphic(fast, slow)
    assert isomorphic(_as_rdflib(ox_triples_of(fast)), _as_rdflib(oxigraph_triples(slow)))
    assert dict(fast.namespaces())["sscmm"] == dict(slow.namespaces())["sscmm"]


@pytest.mark.parametrize("path", CITIES[:3], ids=lambda p: p.stem)
def test_both_parsers_give_the_same_assessment(path):
    fast = parse_file(path)
    slow = _parse_with_rdflib(path.read_bytes(), "turtle", path.resolve().as_uri())
    engine = engine_for()
    assert engine.assess(fast).to_json() == engine.assess(slow).to_json()


def test_trig_is_read_by_pyoxigraph_as_the_union_of_its_graphs():
    data = (b"@prefix ex: <https://a.example/> .\nex:g1 { ex:s ex:p 1 . }\nex:g2 { ex:s ex:p 2 . ex:s ex:p 1 . }\n")
    graph = parse(data, "trig")
    assert isinstance(graph, ParsedGraph) and len(graph) == 2
    assert isomorphic(graph, _parse_with_rdflib(data, "trig", "urn:sscmm:input:"))


def test_literals_take_rdflibs_normal_form_in_both():
    graph = parse(b'<https://a.example/s> <https://a.example/p> "01"^^<http://www.w3.org/2001/XMLSchema#integer> .',
                  "turtle")
    (triple,) = ox_triples_of(graph)
    (_s, _p, value), = graph
    assert triple.object.value == str(value) == "1"


def test_a_changed_graph_gives_its_own_triples():
    graph = parse(b"<https://a.example/s> <https://a.example/p> 1 .", "turtle")
    assert len(ox_triples_of(graph)) == 1
    graph.add((URIRef("https://a.example/s"), URIRef("https://a.example/p"), Literal(2)))
    assert ox_triples_of(graph) is None
    assert {t.object.value for t in oxigraph_triples(graph)} == {"1", "2"}


def test_relative_iris_in_a_body_are_still_refused():
    """A body has no base: pyoxigraph would resolve <rel> against urn:sscmm:input:."""
    with pytest.raises(InputError) as caught:
        parse(b"<rel> <https://a.example/p> 1 .", "turtle")
    assert "rel" in caught.value.message and caught.value.line == 1


def test_other_formats_are_read_by_rdflib():
    graph = parse(b"<https://a.example/s> <https://a.example/p> <https://a.example/o> .\n", "nt")
    assert not isinstance(graph, ParsedGraph) and len(graph) == 1
    assert oxigraph_triples(graph) == [ox.Triple(ox.NamedNode("https://a.example/s"), ox.NamedNode("https://a.example/p"),
                                                 ox.NamedNode("https://a.example/o"))]

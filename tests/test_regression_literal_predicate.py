"""Regression: rdflib's Turtle parser reads a literal as a subject or predicate
(``<s> "p" <o> .``), which Turtle does not allow; storing such a triple raised a
TypeError (a 500 from the service). Turtle and TriG now report pyoxigraph's syntax error
with its line and column; a graph built in code with such a triple is an InputError
naming the term and its place. Found by tests/test_fuzz_rdf.py."""

import pytest
from rdflib import Graph, Literal, URIRef

from sscmm.rdfio import InputError, parse
from sscmm.store import oxigraph_triples


@pytest.mark.parametrize("fmt", ["turtle", "trig"])
def test_literal_predicate_is_a_located_syntax_error(fmt):
    with pytest.raises(InputError) as caught:
        parse(b'<https://a.example/s> <https://a.example/p> 1 .\n<https://a.example/s> "p" <https://a.example/o> .\n', fmt)
    assert caught.value.line == 2 and caught.value.column == 23
    assert "not a valid predicate" in caught.value.message


def test_literal_subject_is_a_located_syntax_error():
    with pytest.raises(InputError) as caught:
        parse(b'\n"x" <https://a.example/p> 1 .\n', "turtle")
    assert caught.value.line == 2 and "not a valid subject" in caught.value.message


def test_literal_predicate_in_a_graph_is_an_input_error():
    graph = Graph()
    graph.add((URIRef("https://a.example/s"), Literal("p"), URIRef("https://a.example/o")))
    with pytest.raises(InputError) as caught:
        oxigraph_triples(graph)
    assert caught.value.message == '"p" cannot be the predicate of a statement'


def test_service_answers_400_with_the_line(demo_client):
    response = demo_client.post("/assess", data=b'<https://a.example/s> "p" <https://a.example/o> .',
                                 content_type="text/turtle")
    assert response.status_code == 400
    assert response.get_json()["line"] == 1

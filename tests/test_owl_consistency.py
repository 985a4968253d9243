"""OWL consistency with owlready2's HermiT: consistent model passes, contradictions are named."""

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from sscmm.consistency import consistency_problems, culprits, is_consistent
from sscmm.namespaces import SSCMM, U4SSC, Y4904

from .conftest import copy_graph


def test_shipped_model_is_consistent(shipped_model):
    assert is_consistent(shipped_model)


def test_functional_property_with_two_values_is_named(shipped_model):
    graph = copy_graph(shipped_model)
    graph.add((Y4904["level-2"], SSCMM.levelOrder, Literal(7)))
    problems = consistency_problems(graph)
    assert [p.term for p in problems] == ["y4904:level-2"]
    assert "OWL inconsistency" in problems[0].message


def test_term_in_two_disjoint_classes_is_named(shipped_model):
    graph = copy_graph(shipped_model)
    graph.add((U4SSC["EC-ICT-ICT-1C"], RDF.type, SSCMM.MaturityLevel))
    assert culprits(graph) == [U4SSC["EC-ICT-ICT-1C"]]


def test_range_that_makes_a_term_two_things_names_both(shipped_model):
    """An achievement whose level is another aspect: sscmm:level's range makes that aspect a
    level, which contradicts whatever says it is an aspect (its own type, or any achievement
    of that aspect); the reasoner names one such minimal pair."""
    graph = copy_graph(shipped_model)
    achievement = Y4904["achievement-2-data"]
    graph.remove((achievement, SSCMM.level, None))
    graph.add((achievement, SSCMM.level, Y4904["aspect-strategy"]))
    named = culprits(graph)
    assert achievement in named and len(named) == 2
    (other,) = set(named) - {achievement}
    assert other == Y4904["aspect-strategy"] or (other, SSCMM.aspect, Y4904["aspect-strategy"]) in graph


def test_contradictory_schema_is_reported_as_such(shipped_model):
    graph = copy_graph(shipped_model)
    graph.add((SSCMM.KPI, URIRef("http://www.w3.org/2000/01/rdf-schema#subClassOf"), SSCMM.MaturityLevel))
    graph.add((URIRef("https://w3id.org/sscmm/test/x"), RDF.type, SSCMM.KPI))
    problems = consistency_problems(graph)
    assert problems and all(p.check == "owl-consistency" for p in problems)

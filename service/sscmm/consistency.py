"""OWL consistency of a model with owlready2's bundled HermiT reasoner.

HermiT answers only "consistent or not". To name the offending terms, an inconsistent
model is bisected: the schema, then growing sets of individuals (each with its triples),
until the smallest set that is inconsistent on its own is found (log2(n)+2 reasoner runs
per culprit). Each call uses a fresh owlready2 World, so calls do not leak state.
"""

import io
import shutil

from owlready2 import OwlReadyInconsistentOntologyError, OwlReadyJavaError, World, sync_reasoner_hermit
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from .checks import Problem, show

CHECK = "owl-consistency"
_DECLARED = {OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDF.Property,
             OWL.FunctionalProperty, OWL.TransitiveProperty, OWL.SymmetricProperty,
             OWL.InverseFunctionalProperty}
_SCHEMA_TYPES = _DECLARED | {OWL.Class, RDFS.Class, OWL.Ontology, OWL.Restriction, RDFS.Datatype,
                             OWL.AllDisjointClasses, OWL.AllDifferent, OWL.AllDisjointProperties, OWL.Axiom}
_BUILTIN = (str(RDF), str(RDFS), str(OWL))


class ReasonerUnavailable(RuntimeError):
    """HermiT cannot run (no Java on PATH)."""


def _annotation_declarations(graph):
    """Declare undeclared vocabulary terms (skos:, dcterms:, ...) as annotation properties,
    which is how HermiT reads them anyway; this keeps the input OWL 2 DL."""
    prelude = Graph()
    for prop in set(graph.predicates()):
        if not str(prop).startswith(_BUILTIN) and not any((prop, RDF.type, t) in graph for t in _DECLARED):
            prelude.add((prop, RDF.type, OWL.AnnotationProperty))
    return prelude


def _owl_input(graph):
    """The graph as HermiT should read it: undeclared vocabulary declared as annotations;
    non-OWL types of properties (qb:MeasureProperty) and sub-property links to undeclared
    properties (skos:inScheme) left out, since OWL 2 DL forbids mixing property kinds and
    owlready2 would warn that a property "belongs to more than one entity type"."""
    declared = lambda term: any((term, RDF.type, t) in graph for t in _DECLARED)  # noqa: E731
    data = Graph()
    for s, p, o in graph:
        if p == RDF.type and not str(o).startswith(_BUILTIN) and declared(s):
            continue
        if p == RDFS.subPropertyOf and not declared(o):
            continue
        data.add((s, p, o))
    return data + _annotation_declarations(graph)


def is_consistent(graph):
    """True when HermiT finds the graph consistent."""
    if shutil.which("java") is None:
        raise ReasonerUnavailable("the OWL consistency check needs Java on PATH (HermiT); install a JRE "
                                  "(e.g. apt-get install default-jre-headless) or pass --no-owl")
    world = World()
    try:
        data = _owl_input(graph).serialize(format="nt", encoding="utf-8")
        world.get_ontology("urn:sscmm:consistency-check").load(fileobj=io.BytesIO(data), format="ntriples")
        sync_reasoner_hermit(world, infer_property_values=False, debug=0)
        return True
    except OwlReadyInconsistentOntologyError:
        return False
    finally:
        world.close()


def _split(graph):
    """(schema graph, [(individual, its triples)]); punned classes stay in the schema."""
    individuals = sorted({
        s for s, t in graph.subject_objects(RDF.type)
        if isinstance(s, URIRef) and not any((s, RDF.type, m) in graph for m in _SCHEMA_TYPES)
    })
    groups = [(ind, graph.cbd(ind, include_reifications=False)) for ind in individuals]
    in_groups = set().union(*(set(g) for _, g in groups)) if groups else set()
    schema = Graph()
    for triple in graph:
        if triple not in in_groups:
            schema.add(triple)
    return schema, groups


def culprits(graph):
    """The individuals whose statements, with the schema, are inconsistent (None: the schema is)."""
    schema, candidates = _split(graph)
    if not is_consistent(schema):
        return None

    def union(groups):
        merged = Graph()
        merged += schema
        for _, triples in groups:
            merged += triples
        return merged

    found = []
    while is_consistent(union(found)):
        low, high = 1, len(candidates)
        while low < high:
            mid = (low + high) // 2
            if is_consistent(union(found + candidates[:mid])):
                low = mid + 1
            else:
                high = mid
        found.append(candidates[high - 1])
        candidates = candidates[:high - 1]
    return [ind for ind, _ in found]


def consistency_problems(graph):
    """[] when consistent, else Problems naming the individuals (or the schema) at fault."""
    try:
        if is_consistent(graph):
            return []
        names = culprits(graph)
    except (ReasonerUnavailable, OwlReadyJavaError) as err:
        return [Problem(term="(model)", message=f"OWL consistency could not be checked: {err}", check=CHECK)]
    if names is None:
        return [Problem(term="(schema)", message="the classes and properties are inconsistent on their own "
                        "(disjointness, domains or ranges contradict each other)", check=CHECK)]
    together = ", ".join(show(graph, n) for n in names)
    return [Problem(term=show(graph, n),
                    message=f"OWL inconsistency (HermiT): the statements about {together} contradict "
                    "the ontology (disjoint classes, a functional property with two values, or a "
                    "domain/range that makes a term two disjoint things)", check=CHECK)
            for n in names]

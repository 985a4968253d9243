"""The JSON-LD @context that lets a web developer write a city's graph as plain JSON
("type": "KPIObservation", "kpiValue": 91.2), built from the vocabulary (ontology/sscmm.ttl).

It is served at GET /context.jsonld. rdfio never fetches a context: a document whose
@context names CONTEXT_IRI gets this context inlined (any other URL, even a copy of it,
is refused as every remote context is), and a JSON body without any @context is read with it."""

from functools import lru_cache

from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .namespaces import SSCMM, local_name
from .paths import ONTOLOGY_DIR

CONTEXT_IRI = "https://w3id.org/sscmm/context.jsonld"
_SDMX = {"refArea": ("http://purl.org/linked-data/sdmx/2009/dimension#refArea", "@id"),
         "refPeriod": ("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod", str(XSD.gYear)),
         "unitMeasure": ("http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure", "@id")}


@lru_cache(maxsize=1)
def context():
    """{"@context": {...}}: the prefixes, every class and property of the sscmm vocabulary
    by its local name (links typed @id, dates and numbers by their range), and the few
    reused terms a city's graph needs."""
    from .workbook.cells import CELL_PREFIXES

    vocabulary = Graph().parse(ONTOLOGY_DIR / "sscmm.ttl", format="turtle")
    terms = {"id": "@id", "type": "@type", **CELL_PREFIXES,
             "label": str(RDFS.label), "name": "http://www.w3.org/2004/02/skos/core#prefLabel",
             "title": "http://purl.org/dc/terms/title",
             "issued": {"@id": "http://purl.org/dc/terms/issued", "@type": str(XSD.date)},
             "source": {"@id": "http://purl.org/dc/terms/source", "@type": "@id"},
             "hasUnit": {"@id": "http://www.w3.org/ns/org#hasUnit", "@type": "@id"},
             "wasAssociatedWith": {"@id": "http://www.w3.org/ns/prov#wasAssociatedWith", "@type": "@id"},
             **{name: {"@id": iri, "@type": kind} for name, (iri, kind) in _SDMX.items()}}
    for term in sorted(set(vocabulary.subjects(RDF.type, OWL.Class)) | set(vocabulary.subjects(RDF.type, RDFS.Class))):
        if str(term).startswith(str(SSCMM)):
            terms[local_name(term)] = str(term)
    for term in sorted(vocabulary.subjects(RDF.type, OWL.ObjectProperty)):
        if str(term).startswith(str(SSCMM)):
            terms[local_name(term)] = {"@id": str(term), "@type": "@id"}
    for term in sorted(vocabulary.subjects(RDF.type, OWL.DatatypeProperty)):
        if str(term).startswith(str(SSCMM)):
            datatype = vocabulary.value(term, RDFS.range)
            terms[local_name(term)] = {"@id": str(term), **({"@type": str(datatype)} if datatype else {})}
    terms["assessmentDate"] = {"@id": str(SSCMM.assessmentDate), "@type": str(XSD.date)}
    return {"@context": terms}


def is_own_context(value):
    return value == CONTEXT_IRI


def with_local_context(document):
    """The JSON document with our context inlined where it is named, or added when the
    document has none; other remote contexts are left for rdfio to refuse."""
    ours = context()["@context"]

    def inline(ctx):
        if is_own_context(ctx):
            return ours
        if isinstance(ctx, list):
            return [inline(c) for c in ctx]
        return ctx

    def walk(node):
        if isinstance(node, list):
            return [walk(n) for n in node]
        if isinstance(node, dict):
            return {k: (inline(v) if k == "@context" else walk(v)) for k, v in node.items()}
        return node

    if isinstance(document, dict) and "@context" not in document:
        return {"@context": ours, **walk(document)}
    if isinstance(document, list):
        return {"@context": ours, "@graph": walk(document)}
    return walk(document)

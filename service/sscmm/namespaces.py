"""The namespaces of the model and of the vocabularies it reuses."""

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, PROV, QB, RDF, RDFS, SKOS, XSD

SSCMM = Namespace("https://w3id.org/sscmm/ontology#")
REF = Namespace("https://w3id.org/sscmm/ref/")
Y4904 = Namespace("https://w3id.org/sscmm/model/y4904/")
U4SSC = Namespace("https://w3id.org/sscmm/kpi/u4ssc/")
SSCMMU = Namespace("https://w3id.org/sscmm/unit/")
SDG = Namespace("http://metadata.un.org/sdg/")
QUDT = Namespace("http://qudt.org/schema/qudt/")
UNIT = Namespace("http://qudt.org/vocab/unit/")
ORG = Namespace("http://www.w3.org/ns/org#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
SDMXD = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
VANN = Namespace("http://purl.org/vocab/vann/")

#: The namespaces whose terms this project defines: a reference into one of them must
#: resolve to a term defined in the model (checked by ``sscmm model check``).
OWN_NAMESPACES = ("https://w3id.org/sscmm/",)

PREFIXES = {
    "sscmm": SSCMM, "ref": REF, "y4904": Y4904, "u4ssc": U4SSC, "sscmmu": SSCMMU,
    "sdg": SDG, "qudt": QUDT, "unit": UNIT, "org": ORG, "dqv": DQV, "foaf": FOAF,
    "vann": VANN, "skos": SKOS, "dcterms": DCTERMS, "dcat": DCAT, "prov": PROV, "qb": QB,
    "owl": OWL, "rdf": RDF, "rdfs": RDFS, "xsd": XSD,
}


def local_name(term):
    """The part of an IRI after its last # or /."""
    return str(term).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def bind_prefixes(graph):
    """Bind the project's prefixes so serialisations read as the source files do."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph

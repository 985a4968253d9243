"""HTML documentation of the ontology, the Y.4904 model and the KPI catalogue (pyLODE).

``sscmm model docs`` writes docs/ontology.html (OWL classes and properties, pyLODE's
OntPub profile) and one page per SKOS scheme (the model, the catalogue) with a
"Concepts" section that pyLODE 3.3.4's VocPub lacks. Graphs are canonicalised first so
the output is byte-identical between runs and can be committed and checked for staleness.
"""

import logging
import shutil
import tempfile
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from .model import load_model
from .paths import DOCS_DIR, ONTOLOGY_DIR

_root_level = logging.getLogger().level
import pylode.utils  # noqa: E402  (pyLODE sets the root logger to DEBUG on import)
from pylode import OntPub, VocPub  # noqa: E402
from pylode.rdf_elements import ONT_TYPES  # noqa: E402
from pylode.utils import make_title_from_iri, section_html  # noqa: E402

logging.getLogger().setLevel(_root_level)

# pyLODE caches pickles inside its own package folder on first use, which fails on a
# read-only install; give it a writable copy instead.
_CACHE = Path(tempfile.gettempdir()) / "sscmm-pylode-3.3.4-rdf"
if not _CACHE.exists():
    shutil.copytree(Path(pylode.utils.__file__).parent / "rdf", _CACHE, dirs_exist_ok=True)
pylode.utils.RDF_FOLDER = _CACHE

ONT_TYPES.setdefault(SKOS.Concept, ("con", "SKOS Concept"))
CONCEPT_PROPERTIES = [
    DCTERMS.title, SKOS.notation, SKOS.altLabel, DCTERMS.description, RDF.type, SKOS.broader,
    SKOS.scopeNote, SKOS.editorialNote, DCTERMS.source,
]


class ConceptSchemePage(VocPub):
    """pyLODE's VocPub plus a "Concepts" section listing every concept of the scheme."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for prop in CONCEPT_PROPERTIES:
            if self.props_labeled.get(prop) is None:
                titles = sorted(self.back_onts.objects(prop, DCTERMS.title))
                self.props_labeled[prop] = {
                    "title": titles[0] if titles else make_title_from_iri(prop),
                    "description": None, "ont_title": "SKOS",
                }

    def _make_main_sections(self):
        super()._make_main_sections()
        if (None, RDF.type, SKOS.Concept) in self.ont:
            with self.content:
                section_html("Concepts", self.ont, self.back_onts, self.ns, SKOS.Concept,
                             CONCEPT_PROPERTIES, self.toc, "concepts", self.fids, self.props_labeled)


def _with_skos_types(graph):
    """Type every instance of a subclass of skos:Concept / ConceptScheme as such, which
    pyLODE needs (it does no reasoning)."""
    for base in (SKOS.Concept, SKOS.ConceptScheme):
        subclasses = set(graph.transitive_subjects(RDFS.subClassOf, base))
        for cls in subclasses:
            for instance in list(graph.subjects(RDF.type, cls)):
                graph.add((instance, RDF.type, base))
    return graph


def _scheme_page(model, scheme, files):
    """The scheme, the concepts of the given files, and the vocabulary for labels."""
    graph = Graph()
    for path in files:
        graph.parse(path, format="turtle")
    for triple in model.triples((None, RDFS.subClassOf, None)):
        graph.add(triple)
    _with_skos_types(graph)
    for concept in list(graph.subjects(RDF.type, SKOS.Concept)):
        if not isinstance(concept, URIRef):
            continue
        for source, target in ((SKOS.prefLabel, DCTERMS.title), (SKOS.definition, DCTERMS.description)):
            for value in graph.objects(concept, source):
                graph.add((concept, target, value))
    for label in graph.objects(scheme, SKOS.prefLabel):
        graph.add((scheme, DCTERMS.title, label))
    graph.remove((None, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Ontology")))
    graph.remove((None, RDFS.subClassOf, None))
    return graph


def _render(page_class, graph, destination):
    canonical = Graph()
    canonical += to_canonical_graph(graph)
    for prefix, namespace in graph.namespaces():
        canonical.bind(prefix, namespace, override=True)
    page_class(canonical, sort_subjects=True).make_html(destination=destination)
    return destination


PAGES = (
    ("ontology.html", "the sscmm ontology (classes and properties)"),
    ("y4904.html", "the ITU-T Y.4904 model (levels, aspects, achievements, steps, KPI mapping)"),
    ("wego-tmf.html", "the WeGO – TM Forum model (dimensions, statements, scale, levels, achievements) and the crosswalk"),
    ("u4ssc-kpis.html", "the U4SSC KPI catalogue"),
)


def build_docs(output=None, progress=lambda *_: None):
    """Write the HTML pages into ``output`` (default docs/); return their paths."""
    out = Path(output or DOCS_DIR)
    out.mkdir(parents=True, exist_ok=True)
    model = load_model()
    written = []
    progress("pyLODE: ontology ...")
    ontology = Graph().parse(ONTOLOGY_DIR / "sscmm.ttl", format="turtle")
    written.append(_render(OntPub, ontology, out / "ontology.html"))
    progress("pyLODE: Y.4904 model ...")
    y4904 = _scheme_page(model, URIRef("https://w3id.org/sscmm/model/y4904/model"),
                         [ONTOLOGY_DIR / "y4904.ttl", ONTOLOGY_DIR / "y4904-kpi-mapping.ttl"])
    written.append(_render(ConceptSchemePage, y4904, out / "y4904.html"))
    progress("pyLODE: WeGO – TM Forum model ...")
    wego = _scheme_page(model, URIRef("https://w3id.org/sscmm/model/wego-tmf/model"),
                        [ONTOLOGY_DIR / "wego-tmf.ttl", ONTOLOGY_DIR / "crosswalk-wego-tmf-y4904.ttl"])
    written.append(_render(ConceptSchemePage, wego, out / "wego-tmf.html"))
    progress("pyLODE: U4SSC KPI catalogue ...")
    kpis = _scheme_page(model, URIRef("https://w3id.org/sscmm/kpi/u4ssc/catalogue"),
                        [ONTOLOGY_DIR / "u4ssc-kpis.ttl", ONTOLOGY_DIR / "units.ttl"])
    written.append(_render(ConceptSchemePage, kpis, out / "u4ssc-kpis.html"))
    return written

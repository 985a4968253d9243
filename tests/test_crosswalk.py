"""The crosswalk between WeGO – TM Forum and Y.4904 (ontology/crosswalk-wego-tmf-y4904.ttl):
every mapping joins two terms the models define, every mapping carries its reasoning,
and docs/crosswalk.md lists every mapping."""

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS
from sscmm.model import load_model
from sscmm.namespaces import SSCMM
from sscmm.paths import ONTOLOGY_DIR, ROOT

CROSSWALK = ONTOLOGY_DIR / "crosswalk-wego-tmf-y4904.ttl"
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.relatedMatch, SKOS.broadMatch, SKOS.narrowMatch)
WEGO = "https://w3id.org/sscmm/model/wego-tmf/"


@pytest.fixture(scope="module")
def crosswalk():
    return Graph().parse(CROSSWALK, format="turtle")


def _mappings(graph):
    return sorted((s, p, o) for p in MAPPINGS for s, o in graph.subject_objects(p))


def _defined(model, term):
    """Defined by the model files without the crosswalk: a typed term (aspect or KPI)."""
    return any(model.objects(term, RDF.type))


def test_every_mapping_joins_terms_the_models_define(crosswalk):
    model = load_model([p for p in sorted(ONTOLOGY_DIR.glob("*.ttl")) if p != CROSSWALK])
    mappings = _mappings(crosswalk)
    assert len(mappings) >= 20
    undefined = [(s, o) for s, _p, o in mappings for t in (s, o) if not _defined(model, t)]
    assert undefined == []


def test_each_wego_dimension_is_mapped_and_kpis_reach_existing_smartness(crosswalk):
    model = load_model()
    dimensions = {a for a in model.subjects(SSCMM.inModel, URIRef(WEGO + "model")) if (a, RDF.type, SSCMM.AchievementAspect) in model}
    assert dimensions == {s for s, _p, _o in _mappings(crosswalk) if str(s).startswith(WEGO)}
    smartness = URIRef(WEGO + "existing-levels-of-smartness")
    kpis = [s for s in crosswalk.subjects(SKOS.broadMatch, smartness) if (s, RDF.type, SSCMM.KPI) in model]
    assert len(kpis) >= 10


def test_every_mapping_has_its_reasoning_and_is_marked_an_interpretation(crosswalk):
    for s, p, o in _mappings(crosswalk):
        axioms = [a for a in crosswalk.subjects(OWL.annotatedSource, s)
                  if (a, OWL.annotatedProperty, p) in crosswalk and (a, OWL.annotatedTarget, o) in crosswalk]
        assert len(axioms) == 1, (s, p, o)
        assert crosswalk.value(axioms[0], RDFS.comment) is not None
        assert crosswalk.value(axioms[0], SSCMM.contentStatus) == SSCMM.Interpretation


def test_the_documentation_lists_every_dimension_mapping(crosswalk):
    text = (ROOT / "docs" / "crosswalk.md").read_text(encoding="utf-8")
    for s, p, o in _mappings(crosswalk):
        if str(s).startswith(WEGO):
            assert f"`{s.n3(crosswalk.namespace_manager)}` | `{p.n3(crosswalk.namespace_manager)}` | `{o.n3(crosswalk.namespace_manager)}`" in text

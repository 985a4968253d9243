"""`sscmm model docs` builds the pyLODE pages, and they show every term, with working links."""

from html.parser import HTMLParser

import pytest
from rdflib import URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from sscmm.namespaces import SSCMM

from .conftest import run_cli


class _Page(HTMLParser):
    def __init__(self, text):
        super().__init__()
        self.ids, self.fragments, self.text = set(), set(), []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if (attrs.get("href") or "").startswith("#"):
            self.fragments.add(attrs["href"][1:])

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    out = tmp_path_factory.mktemp("docs")
    result = run_cli("model", "docs", "-o", str(out))
    assert result.returncode == 0, result.stderr
    return {p.name: _Page(p.read_text(encoding="utf-8")) for p in out.glob("*.html")}


def test_all_pages_are_built(pages):
    assert set(pages) == {"ontology.html", "y4904.html", "wego-tmf.html", "u4ssc-kpis.html"}


def test_internal_links_resolve(pages):
    for name, page in pages.items():
        assert page.fragments - page.ids == set(), name


def test_ontology_page_lists_every_class_and_property(pages, shipped_model):
    text = " ".join(pages["ontology.html"].text)
    terms = {t for t in shipped_model.subjects(RDFS.isDefinedBy, URIRef("https://w3id.org/sscmm/ontology"))
             if {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty} & set(shipped_model.objects(t, RDF.type))}
    labels = {str(shipped_model.value(t, RDFS.label)) for t in terms if shipped_model.value(t, RDFS.label)}
    assert len(labels) > 60
    assert {label for label in labels if label not in text} == set()


def test_kpi_page_lists_every_kpi(pages, shipped_model):
    text = " ".join(pages["u4ssc-kpis.html"].text)
    kpis = list(shipped_model.subjects(RDF.type, SSCMM.KPI))
    assert len(kpis) == 91
    for kpi in kpis:
        assert str(shipped_model.value(kpi, SKOS.notation)) in text
        assert str(shipped_model.value(kpi, SKOS.prefLabel)) in text


@pytest.mark.parametrize("name", ["y4904", "wego-tmf"])
def test_model_page_lists_levels_and_achievements(pages, shipped_model, name):
    text = " ".join(pages[f"{name}.html"].text)
    model = URIRef(f"https://w3id.org/sscmm/model/{name}/model")
    for cls in (SSCMM.Achievement, SSCMM.MaturityLevel, SSCMM.PreMaturityLevel, SSCMM.ProcedureStep):
        terms = [t for t in shipped_model.subjects(RDF.type, cls) if (t, SSCMM.inModel, model) in shipped_model]
        assert terms, cls
        for term in terms:
            assert str(shipped_model.value(term, SKOS.prefLabel)) in text

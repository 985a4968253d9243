"""Reading the service through Flask's test client: cities, published assessments, the
model and its IRIs, the index, health, the OpenAPI document, and the generic errors."""

import json
import re

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from sscmm.namespaces import SSCMM
from sscmm.rdfio import parse_file

from .service_support import EXAMPLES
from .test_examples import EXPECTED

PROBLEM = "application/problem+json"


def by_value(graph):
    """The triples with literals compared by value: the store keeps values, not lexical
    forms (70.0 comes back as 70)."""
    return {(s, p, (o.value if o.value is not None else str(o), o.datatype, o.language) if isinstance(o, Literal) else o)
            for s, p, o in graph}


def _city_by_name(client, name):
    cities = client.get("/cities").get_json()["cities"]
    return next(c for c in cities if c["name"] == name)


# -- cities ----------------------------------------------------------------------------

def test_cities_have_the_examples_latest_levels(demo_client):
    response = demo_client.get("/cities")
    assert response.status_code == 200 and response.mimetype == "application/json"
    cities = response.get_json()["cities"]
    by_iri = {c["iri"]: c for c in cities}
    assert len(cities) == len(EXPECTED)
    for name, expected in EXPECTED.items():
        graph = parse_file(EXAMPLES / name)
        city_iri = str(next(graph.subjects(RDF.type, SSCMM.City)))
        city = by_iri[city_iri]
        assert city["latest"]["overall_level"]["order"] == expected["overall"], name
        assert city["link"] == f"/cities/{city['id']}"
        assert [a["link"] for a in city["assessments"]] == [f"/assessments/{a['id']}" for a in city["assessments"]]


def test_one_city_with_its_assessments(demo_client):
    karmoy = _city_by_name(demo_client, "Karmøy")
    response = demo_client.get(karmoy["link"])
    assert response.status_code == 200
    city = response.get_json()
    assert city["iri"] == "https://data.karmoy.example/ssc/city"
    assert [(a["date"], a["overall_level"]["order"]) for a in city["assessments"]] == [("2020-06-30", 4)]
    assert city["latest"] == city["assessments"][-1]


def test_cities_as_html(demo_client):
    response = demo_client.get("/cities", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    exampleton = _city_by_name(demo_client, "Exampleton")
    assert f'href="/cities/{exampleton["id"]}">Exampleton</a>' in page
    assert "5 Optimization" in page
    city_page = demo_client.get(exampleton["link"], headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f'href="/assessments/{exampleton["latest"]["id"]}"' in city_page


def test_unknown_city_is_404(demo_client):
    response = demo_client.get("/cities/000000000000")
    assert response.status_code == 404 and response.mimetype == PROBLEM
    assert response.get_json()["status"] == 404


# -- published assessments ---------------------------------------------------------------

def test_assessment_json_is_the_stored_result(demo_client):
    saltmere = _city_by_name(demo_client, "Saltmere")
    response = demo_client.get(saltmere["latest"]["link"])
    assert response.status_code == 200 and response.mimetype == "application/json"
    result = response.get_json()
    assert {a["name"]: a["level"]["order"] for a in result["aspects"]} == EXPECTED["saltmere.ttl"]["aspects"]
    assert result["city"]["iri"] == saltmere["iri"]


def test_assessment_turtle_and_json_ld_are_the_published_graph(demo_client):
    rivenport = _city_by_name(demo_client, "Rivenport")
    published = parse_file(EXAMPLES / "rivenport.ttl")
    turtle = demo_client.get(rivenport["latest"]["link"], headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    from_turtle = Graph().parse(data=turtle.get_data(as_text=True), format="turtle")
    assert len(from_turtle) == len(published)
    assert by_value(from_turtle) == by_value(published)  # the example has no blank nodes
    json_ld = demo_client.get(rivenport["latest"]["link"], headers={"Accept": "application/ld+json"})
    assert json_ld.mimetype == "application/ld+json"
    assert by_value(Graph().parse(data=json_ld.get_data(as_text=True), format="json-ld")) == by_value(published)


def test_assessment_trig_has_the_graph_and_its_result(demo_client):
    exampleton = _city_by_name(demo_client, "Exampleton")
    assessment_id = exampleton["latest"]["id"]
    response = demo_client.get(exampleton["latest"]["link"], headers={"Accept": "application/trig"})
    assert response.status_code == 200 and response.mimetype == "application/trig"
    dataset = Dataset()
    dataset.parse(data=response.get_data(as_text=True), format="trig")
    published = dataset.graph(URIRef(f"urn:sscmm:assessment:{assessment_id}"))
    result = dataset.graph(URIRef(f"urn:sscmm:result:{assessment_id}"))
    assert len(published) == len(parse_file(EXAMPLES / "exampleton.ttl"))
    assessment = URIRef(exampleton["latest"]["assessment"])
    assert (assessment, SSCMM.attainedLevel, URIRef("https://w3id.org/sscmm/model/y4904/level-5")) in result
    assert json.loads(str(result.value(URIRef(f"urn:sscmm:result:{assessment_id}"), RDF.value)))["overall_level"][
        "order"] == 5


def test_assessment_html_page(demo_client):
    kettlewick = _city_by_name(demo_client, "Kettlewick")
    response = demo_client.get(kettlewick["latest"]["link"], headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "Kettlewick: overall level 0 (Pre-maturity)" in page
    assert "<td>Strategy</td><td>5 Optimization</td>" in page


def test_unknown_assessment_is_404_and_unavailable_type_406(demo_client):
    missing = demo_client.get("/assessments/ffffffffffff")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    exampleton = _city_by_name(demo_client, "Exampleton")
    unavailable = demo_client.get(exampleton["latest"]["link"], headers={"Accept": "image/png"})
    assert unavailable.status_code == 406 and unavailable.mimetype == PROBLEM
    assert "application/json" in unavailable.get_json()["available"]


# -- the model ---------------------------------------------------------------------------

@pytest.mark.parametrize("path, prop, value, count", [
    ("/model/levels", SSCMM.levelOrder, None, 6), ("/model/aspects", SSCMM.aspectOrder, None, 6),
    ("/model/achievements", RDF.type, SSCMM.Achievement, 30), ("/model/kpis", RDF.type, SSCMM.KPI, 91)])
def test_model_parts_as_turtle(demo_client, path, prop, value, count):
    response = demo_client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert len(set(graph.subjects(prop, value))) == count


def test_levels_are_the_ordered_scheme_with_pre_maturity(demo_client):
    response = demo_client.get("/model/levels", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    orders = sorted(int(o) for o in graph.objects(None, SSCMM.levelOrder))
    assert orders == [0, 1, 2, 3, 4, 5]
    assert (URIRef("https://w3id.org/sscmm/model/y4904/level-0"), RDF.type, SSCMM.PreMaturityLevel) in graph


def test_model_as_json_ld_and_html(demo_client):
    json_ld = demo_client.get("/model", headers={"Accept": "application/ld+json"})
    assert json_ld.status_code == 200 and json_ld.mimetype == "application/ld+json"
    graph = Graph().parse(data=json_ld.get_data(as_text=True), format="json-ld")
    model = URIRef("https://w3id.org/sscmm/model/y4904/model")
    assert (model, RDF.type, SSCMM.MaturityModel) in graph
    html = demo_client.get("/model/levels", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/model/y4904/level-1">Planning</a>' in html


@pytest.mark.parametrize("code", ["EC:ICT:ICT:1C", "EC: ICT: ICT: 1C", "EC-ICT-ICT-1C", "ec-ict-ict-1c"])
def test_a_kpi_by_its_code_written_either_way(demo_client, code):
    response = demo_client.get(f"/model/kpis/{code}", headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    kpi = URIRef("https://w3id.org/sscmm/kpi/u4ssc/EC-ICT-ICT-1C")
    assert str(graph.value(kpi, SKOS.prefLabel)) == "Household Internet Access"


def test_a_kpi_with_data_points(demo_client):
    response = demo_client.get("/model/kpis/EN:EN:AQ:1C", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    points = set(graph.subjects(RDF.type, SSCMM.KPIDataPoint))
    assert URIRef("https://w3id.org/sscmm/kpi/u4ssc/EN-EN-AQ-1C_PM10") in points and len(points) == 5


def test_unknown_kpi_and_model_are_404(demo_client):
    assert demo_client.get("/model/kpis/XX:YY:1C").status_code == 404
    unknown_model = demo_client.get("/model/levels?model=nope")
    assert unknown_model.status_code == 404 and "no model named 'nope'" in unknown_model.get_json()["detail"]


@pytest.mark.parametrize("iri", [
    "https://w3id.org/sscmm/model/y4904/level-1", "https://w3id.org/sscmm/model/y4904/achievement-1-strategy",
    "https://w3id.org/sscmm/kpi/u4ssc/EC-ICT-ICT-1C", "https://w3id.org/sscmm/unit/PER-100K-INHABITANTS",
    "https://w3id.org/sscmm/ref/ITU-T_Y.4904", "https://w3id.org/sscmm/model/y4904"])
def test_the_ontologys_iris_resolve_here(demo_client, iri):
    path = iri.removeprefix("https://w3id.org/sscmm")
    response = demo_client.get(path, headers={"Accept": "text/turtle"})
    assert response.status_code == 200, path
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert (URIRef(iri), None, None) in graph
    html = demo_client.get(path, headers={"Accept": "text/html"})
    assert html.status_code == 200 and iri in html.get_data(as_text=True)


def test_vocabulary_terms_resolve_to_anchors_on_ontology(demo_client):
    response = demo_client.get("/ontology", headers={"Accept": "text/html"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for term in ("KPI", "MaturityLevel", "attainedLevel", "forCity"):
        assert f'<section id="{term}">' in page
    turtle = demo_client.get("/ontology", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    graph = Graph().parse(data=turtle, format="turtle")
    assert (SSCMM.KPI, RDF.type, URIRef("http://www.w3.org/2002/07/owl#Class")) in graph


def test_undescribed_iri_is_404(demo_client):
    response = demo_client.get("/kpi/u4ssc/NOPE")
    assert response.status_code == 404 and response.mimetype == PROBLEM


# -- meta, generic errors -------------------------------------------------------------------

def test_demo_publishes_each_example_once(demo_app):
    store = demo_app.extensions["sscmm"].store
    before = store.store.dump(format=ox.RdfFormat.N_QUADS)
    demo_app.extensions["sscmm"].publish_examples()
    assert store.store.dump(format=ox.RdfFormat.N_QUADS) == before
    assert len(store.records()) == len(EXPECTED)


def test_health(demo_client):
    response = demo_client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": "0.1.0", "model": "y4904",
                                   "assessments": len(EXPECTED), "cities": len(EXPECTED)}


def test_index_links(demo_client):
    assert demo_client.get("/", headers={"Accept": "application/json"}).get_json()["links"]["sparql"] == "/sparql"
    assert 'href="/cities"' in demo_client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)


def test_openapi_covers_every_route(demo_app, demo_client):
    document = demo_client.get("/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    for rule in demo_app.url_map.iter_rules():
        path = re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule.rule)
        assert path in document["paths"], f"{rule.rule} is not in openapi.json"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in document["paths"][path], f"{method} {rule.rule} is not in openapi.json"
    assert len(document["paths"]) == len({r.rule for r in demo_app.url_map.iter_rules()})


def test_unknown_path_and_wrong_method_are_problems(demo_client):
    missing = demo_client.get("/nothing-here")
    assert missing.status_code == 404 and missing.mimetype == PROBLEM
    assert missing.get_json()["type"] == "about:blank" and missing.get_json()["title"] == "Not Found"
    wrong = demo_client.delete("/cities")
    assert wrong.status_code == 405 and wrong.mimetype == PROBLEM
    assert "GET" in wrong.headers["Allow"]


def test_model_lists_the_models_and_picks_one_by_name(demo_client):
    listing = demo_client.get("/model", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=listing.get_data(as_text=True), format="turtle")
    assert set(graph.subjects(RDF.type, SSCMM.MaturityModel)) == {
        URIRef("https://w3id.org/sscmm/model/y4904/model"), URIRef("https://w3id.org/sscmm/model/wego-tmf/model")}
    html = demo_client.get("/model", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/model?model=wego-tmf"' in html and 'href="/model?model=y4904"' in html
    one = demo_client.get("/model?model=wego-tmf", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=one.get_data(as_text=True), format="turtle")
    assert set(graph.subjects(RDF.type, SSCMM.MaturityModel)) == {URIRef("https://w3id.org/sscmm/model/wego-tmf/model")}
    levels = demo_client.get("/model/levels?model=wego-tmf", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/model/wego-tmf/level-5">Delivering</a>' in levels
    assert demo_client.get("/model?model=nope").status_code == 404


def test_assess_against_the_model_named_in_the_query(demo_client):
    body = (EXAMPLES / "exampleton.ttl").read_bytes()
    for name, overall in (("wego-tmf", 1), ("y4904", 5)):
        response = demo_client.post(f"/assess?model={name}", data=body, headers={"Content-Type": "text/turtle"})
        assert response.status_code == 200, response.get_data(as_text=True)
        assert (response.json["model"]["name"], response.json["overall_level"]["order"]) == (name, overall)
    unknown = demo_client.post("/assess?model=nope", data=body, headers={"Content-Type": "text/turtle"})
    assert unknown.status_code == 400 and unknown.json["type"].endswith("unknown-model")

"""The API behaves the same on every store: the embedded pyoxigraph store, a real
``oxigraph serve`` and a real Virtuoso (both started on loopback by tests/store_servers.py),
each with the seven example cities published. Then what is particular to a remote store:
a server that is down is a 503, a publication that fails half-way is never listed."""

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS
from sscmm.namespaces import SSCMM
from sscmm.store import short_id

from .conftest import make_app
from .service_support import BRACKENFORD_CITY, brackenford_variant, example
from .store_servers import oxigraph_server
from .test_examples import EXPECTED
from .test_service_sparql import EXPECTED_LEVELS, LEVELS

PROBLEM = "application/problem+json"
STORES = ["embedded", "oxigraph", pytest.param("virtuoso", marks=pytest.mark.virtuoso)]


def _app(request, kind, data_dir, **config):
    if kind != "embedded":
        config = {**request.getfixturevalue(kind).config, **config}
    return make_app(data_dir, SPARQL_MAX_ROWS=50, **config)


@pytest.fixture(scope="module", params=STORES)
def app(request, tmp_path_factory):
    app = _app(request, request.param, tmp_path_factory.mktemp(f"{request.param}-data"))
    app.extensions["sscmm"].publish_examples()
    app.store_kind = request.param
    yield app
    app.extensions["sscmm"].close()


@pytest.fixture
def client(app):
    return app.test_client()


def _store(app):
    return app.extensions["sscmm"].store


def _ids(client):
    return {c["name"]: c["latest"]["id"] for c in client.get("/cities").get_json()["cities"]}


# -- the API ----------------------------------------------------------------------------------

def test_cities_and_levels(client):
    cities = client.get("/cities").get_json()["cities"]
    assert {c["name"]: c["latest"]["overall_level"]["order"] for c in cities} == EXPECTED_LEVELS
    assert client.get("/health").get_json()["assessments"] == len(EXPECTED)


def test_read_back_in_every_format(client):
    assessment_id = _ids(client)["Exampleton"]
    result = client.get(f"/assessments/{assessment_id}").get_json()
    assert result["overall_level"]["order"] == 5 and result["city"]["name"] == "Exampleton"
    turtle = client.get(f"/assessments/{assessment_id}", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    published = Graph().parse(data=turtle, format="turtle")
    expected = Graph().parse(data=example("exampleton.ttl"), format="turtle")
    assert len(published) == len(expected)
    assert (URIRef("https://data.exampleton.example/ssc/city"), None, SSCMM.City) in published
    trig = client.get(f"/assessments/{assessment_id}", headers={"Accept": "application/trig"})
    assert b"urn:sscmm:result:" + assessment_id.encode() in trig.data
    assert "Exampleton" in client.get(f"/assessments/{assessment_id}", headers={"Accept": "text/html"}).get_data(
        as_text=True)


def test_republishing_is_409_and_changes_nothing(app, client):
    token = app.extensions["sscmm"].tokens.create(BRACKENFORD_CITY)[0]
    headers = {"Authorization": f"Bearer {token}"}
    before = _store(app).dump()
    again = client.post("/assessments", data=example("brackenford.ttl"), content_type="text/turtle", headers=headers)
    assert again.status_code == 409
    wrong = client.post("/assessments", data=example("saltmere.ttl"), content_type="text/turtle", headers=headers)
    assert wrong.status_code == 403
    assert _store(app).dump() == before


def test_publish_then_listed(app, client):
    token = app.extensions["sscmm"].tokens.create(BRACKENFORD_CITY)[0]
    body = brackenford_variant(f"store-{app.store_kind}").replace('"2024-03-15"^^xsd:date', '"2025-01-10"^^xsd:date')
    response = client.post("/assessments", data=body, content_type="text/turtle",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 201, response.get_data(as_text=True)
    city = client.get(f"/cities/{short_id(BRACKENFORD_CITY)}").get_json()
    assert city["latest"]["id"] == response.get_json()["id"] and city["latest"]["date"] == "2025-01-10"


def test_sparql_select_construct_ask(client):
    rows = client.get("/sparql", query_string={"query": LEVELS}).get_json()["results"]["bindings"]
    levels = {row["name"]["value"]: int(row["order"]["value"]) for row in rows}
    assert {name: levels[name] for name in EXPECTED_LEVELS} == EXPECTED_LEVELS
    construct = client.get("/sparql", query_string={"query": (
        "PREFIX sscmm: <https://w3id.org/sscmm/ontology#> CONSTRUCT { ?a sscmm:attainedLevel ?l } "
        "WHERE { GRAPH ?g { ?a a sscmm:CurrentAssessment ; sscmm:attainedLevel ?l } }")},
        headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=construct.get_data(as_text=True), format="turtle")
    assert (URIRef("https://data.exampleton.example/ssc/assessment-2024"), SSCMM.attainedLevel,
            URIRef("https://w3id.org/sscmm/model/y4904/level-5")) in graph
    ask = client.get("/sparql", query_string={"query": "ASK { GRAPH ?g { ?s a <https://w3id.org/sscmm/ontology#City> } }"})
    assert ask.get_json()["boolean"] is True
    csv = client.get("/sparql", query_string={"query": LEVELS}, headers={"Accept": "text/csv"})
    assert csv.mimetype == "text/csv" and "Exampleton" in csv.get_data(as_text=True)


def test_sparql_row_cap_and_errors(client):
    capped = client.get("/sparql", query_string={"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }"})
    assert capped.status_code == 200 and capped.headers["X-SSCMM-Truncated"] == "true"
    assert len(capped.get_json()["results"]["bindings"]) == 50
    assert client.get("/sparql", query_string={"query": "SELECT ?x WHERE { ?x"}).status_code == 400
    refused = client.get("/sparql", query_string={"query": "DROP ALL"})
    assert refused.status_code == 400 and refused.get_json()["type"].endswith("update-refused")


# -- the analysis library on each store (expected results from the example cities) -------------

def _rows(client, name, **params):
    response = client.get(f"/analysis/{name}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["rows"]


def test_kpi_across_cities(client):
    rows = _rows(client, "kpi-across-cities", kpi="EC: ICT: ICT: 1C")  # latest year: 2023
    got = {r["cityName"]: (r["value"], r["rank"], r["percentile"], r["targetLevel"], r["benchmarkPoints"]) for r in rows}
    # 2023 values in the examples: Exampleton 96.2, Saltmere 92.4, Brackenford 86.5 (benchmark 90 %)
    assert got == {"Exampleton": (96.2, 1, 100, 5, 4), "Saltmere": (92.4, 2, 50, 3, 4),
                   "Brackenford": (86.5, 3, 0, None, 4)}
    assert {r["year"] for r in rows} == {2023}
    low = _rows(client, "kpi-across-cities", kpi="EC-ICT-ICT-1C", year="2023", benchmark="100")
    assert {r["cityName"]: r["benchmarkPoints"] for r in low} == {"Exampleton": 4, "Saltmere": 3, "Brackenford": 3}


def test_kpi_across_cities_lower_is_better_per_data_point(client):
    rows = _rows(client, "kpi-across-cities", kpi="EN:EN:AQ:1C", year="2021")
    no2 = [(r["cityName"], r["value"], r["rank"]) for r in rows if r["dataPoint"].endswith("_NO2")]
    assert no2 == [("Rivenport", 28.9, 1), ("Exampleton", 31.0, 2)]  # lower is better


def test_u4ssc_score(client):
    rows = _rows(client, "u4ssc-score", city="https://data.exampleton.example/ssc/city")
    by_group = {(r["groupKind"], r["groupName"]): (r["values"], r["points"], r["score"]) for r in rows}
    # Exampleton's latest: internet 96.2 (90) -> 4, unemployment 3.6 (5, lower) -> 4, PM10 14.1 (20) -> 4,
    # NO2 22.4 (40) -> 4: every benchmarked value scores 4 points.
    assert by_group[("dimension", "Economy")] == (2, 8, 100)
    assert by_group[("category", "Air Quality")] == (2, 8, 100)
    assert {r["city"] for r in _rows(client, "u4ssc-score")} >= {"https://data.exampleton.example/ssc/city",
                                                                   "https://data.brackenford.example/ssc/city"}


def test_level_distribution(client):
    rows = _rows(client, "level-distribution")
    counts = {(r["aspectName"], r["levelOrder"]): r["cities"] for r in rows}
    orders = {r["levelOrder"] for r in rows}  # every level of the model, attained or not
    assert orders >= {e["overall"] for e in EXPECTED.values()}
    for aspect in EXPECTED["exampleton.ttl"]["aspects"]:
        for order in orders:
            assert counts[(aspect, order)] == sum(1 for e in EXPECTED.values() if e["aspects"][aspect] == order), aspect
    for order in orders:
        assert counts[("overall", order)] == sum(1 for e in EXPECTED.values() if e["overall"] == order)


def test_levels(client):
    rows = _rows(client, "levels")
    table = {}
    for row in rows:
        table.setdefault(row["cityName"], {})[row["aspectName"]] = row["levelOrder"]
    names = {c["name"]: c["iri"] for c in client.get("/cities").get_json()["cities"]}
    assert set(table) == set(names) == set(EXPECTED_LEVELS)
    by_name = {}
    for name, expected in EXPECTED.items():
        graph = Graph().parse(data=example(name), format="turtle")
        by_name[str(graph.value(next(graph.subjects(RDF.type, SSCMM.City)), RDFS.label))] = expected
    for city, levels in table.items():
        assert levels == {**by_name[city]["aspects"], "overall": by_name[city]["overall"]}, city
    exampleton = [r["aspectName"] for r in rows if r["cityName"] == "Exampleton"]
    assert exampleton[0] == "overall" and len(exampleton) == 7  # overall, then the aspects in order


def test_city_progress(client):
    rows = _rows(client, "city-progress", city="https://data.exampleton.example/ssc/city")
    levels = {r["subjectName"]: r["levelOrder"] for r in rows if r["kind"] == "level"}
    assert levels == {**EXPECTED["exampleton.ttl"]["aspects"], "overall": 5}
    internet = next(r for r in rows if r["kind"] == "kpi" and r["subject"].endswith("EC-ICT-ICT-1C"))
    assert (internet["baseline"], internet["latestValue"]) == (88.5, 96.2)
    assert internet["change"] == pytest.approx(7.7)


def _aspect_levels(client):
    """Each city's latest levels per aspect, from the stored JSON results (not SPARQL)."""
    levels = {}
    for city in client.get("/cities").get_json()["cities"]:
        result = client.get(city["latest"]["link"]).get_json()
        levels[city["iri"]] = {a["aspect"]: a["level"]["order"] for a in result["aspects"]}
    return levels


def test_peer_cities(client):
    exampleton = "https://data.exampleton.example/ssc/city"
    rows = _rows(client, "peer-cities", city=exampleton, limit="3")
    levels = _aspect_levels(client)
    distances = sorted(sum(abs(profile[a] - levels[exampleton][a]) for a in profile)
                       for city, profile in levels.items() if city != exampleton)
    assert [r["distance"] for r in rows] == distances[:3]
    assert rows[0]["peerName"] == "Rivenport"  # the other city at level 5 everywhere
    assert {r["sharedAspects"] for r in rows} == {len(EXPECTED["exampleton.ttl"]["aspects"])}


def test_one_criterion_short(client):
    rows = _rows(client, "one-criterion-short")
    assert rows and all(r["nextLevelOrder"] == r["levelOrder"] + 1 for r in rows)
    for row in rows:  # the one failed criterion is of the next level or below, in its aspect
        assert row["criterionName"] and row["aspectName"]
    names = {r["cityName"] for r in rows}
    assert "Exampleton" not in names and "Rivenport" not in names  # nothing left to reach


def test_reporting_coverage(client):
    rows = {r["cityName"]: r for r in _rows(client, "reporting-coverage")}
    assert set(rows) == set(EXPECTED_LEVELS)
    assert (rows["Exampleton"]["selected"], rows["Exampleton"]["reported"], rows["Exampleton"]["verified"]) == (5, 5, 5)
    assert rows["Exampleton"]["catalogueKpis"] == 91
    assert rows["Kettlewick"]["reported"] < rows["Kettlewick"]["selected"]


def test_facts_missing_from_older_publications_are_added_the_same(app):
    """A store whose publications lack the analysis facts (published before they existed)
    gets them computed from its stored graphs: the same triples as a publication writes."""
    from .test_analysis_facts import WITHOUT_FACTS

    store = _store(app)
    before = store.dump()
    if app.store_kind == "embedded":
        store.store.update(WITHOUT_FACTS)
    else:
        store._update(WITHOUT_FACTS)  # the test plays an older version of the service
    assert store.dump() != before
    assert store.add_missing_facts() == len(store.records())
    assert store.dump() == before
    assert store.add_missing_facts() == 0


def test_replace_triples_leaves_exactly_the_new_graphs(app):
    """Graphs replaced together (remote stores batch them into requests, the embedded store
    writes only the difference): afterwards each holds exactly its new triples, graphs
    with the same triples again are unchanged, and every other graph is as it was."""
    import pyoxigraph as ox
    from sscmm.remote import UPDATE_CHUNK

    store = _store(app)
    before = store.dump()
    p, q = ox.NamedNode("https://a.example/p"), ox.NamedNode("https://a.example/q")

    def triples(name, count, predicate=p):
        return [ox.Triple(ox.NamedNode(f"https://a.example/{name}/{i}"), predicate, ox.Literal(i)) for i in range(count)]

    names = [ox.NamedNode(f"urn:sscmm:test:replace:{i}") for i in range(40)]
    first = {name: triples(name.value, 30) for name in names}
    first[names[0]] = triples("big", UPDATE_CHUNK * 2 + 7)
    first[names[1]] = []
    store.replace_triples(first)
    assert {name: sorted(map(str, store.graph_triples(name))) for name in names} == \
        {name: sorted(map(str, found)) for name, found in first.items()}
    second = {name: found[: len(found) // 2] + triples(name.value + "/new", 3, q) for name, found in first.items()}
    second[names[2]] = first[names[2]]
    second[names[3]] = []
    store.replace_triples(second)
    assert {name: sorted(map(str, store.graph_triples(name))) for name in names} == \
        {name: sorted(map(str, found)) for name, found in second.items()}
    store.replace_triples({name: [] for name in names})
    assert store.dump() == before


# -- remote stores: failures ---------------------------------------------------------------------

def test_a_store_that_is_down_is_503(request, tmp_path):
    with oxigraph_server(tmp_path / "short-lived") as server:
        app = make_app(tmp_path / "data", **server.config)
    # the server is stopped now
    client = app.test_client()
    for path in ("/cities", "/health", "/analysis/level-distribution", "/sparql?query=ASK%7B%7D"):
        response = client.get(path)
        assert response.status_code == 503 and response.mimetype == PROBLEM, path
        assert "unavailable" in response.get_json()["detail"]
    app.extensions["sscmm"].close()


def test_a_publication_failing_half_way_is_never_listed(request, oxigraph, tmp_path):
    broken = {**oxigraph.config, "UPDATE_URL": oxigraph.update_url + "-missing"}  # graphs land, the record does not
    app = make_app(tmp_path, **broken)
    token = app.extensions["sscmm"].tokens.create(BRACKENFORD_CITY)[0]
    body = brackenford_variant("half-way")
    response = app.test_client().post("/assessments", data=body, content_type="text/turtle",
                                      headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503 and response.mimetype == PROBLEM
    fixed = make_app(tmp_path, **oxigraph.config)
    client = fixed.test_client()
    assessment = "https://data.brackenford.example/ssc/assessment-2024-vhalf-way"
    assert fixed.extensions["sscmm"].store.record(short_id(assessment)) is None
    again = client.post("/assessments", data=body, content_type="text/turtle",
                        headers={"Authorization": f"Bearer {token}"})
    assert again.status_code == 201  # the leftovers are replaced

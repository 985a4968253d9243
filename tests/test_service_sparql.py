"""GET|POST /sparql through Flask's test client, over the published example cities: the
protocol's three ways to send a query, every result format, update and SERVICE refused
(nested too), the row cap and the time limit (the runaway query's process is ended)."""

import csv
import html
import io
import multiprocessing
import os
import re
import time
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef

from sscmm.queries import QueryRefused, check_query

from .service_support import recording_server
from .test_examples import EXPECTED

PROBLEM = "application/problem+json"
LEVELS = """PREFIX sscmm: <https://w3id.org/sscmm/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?name ?order WHERE {
  GRAPH <urn:sscmm:catalogue> { ?record foaf:primaryTopic ?assessment ; dcterms:spatial ?city }
  GRAPH ?record { ?city rdfs:label ?name }
  ?assessment sscmm:attainedLevel ?level .
  ?level sscmm:levelOrder ?order .
} ORDER BY ?name"""
EXPECTED_LEVELS = {"Brackenford": 0, "Exampleton": 5, "Karmøy": 4, "Kettlewick": 0, "Rivenport": 5,
                   "Saltmere": 2, "Østervik": 1}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def _levels_from_json(response):
    rows = response.get_json()["results"]["bindings"]
    return {row["name"]["value"]: int(row["order"]["value"]) for row in rows}


def test_expected_levels_match_the_examples():
    assert sorted(EXPECTED_LEVELS.values()) == sorted(e["overall"] for e in EXPECTED.values())


def test_get_post_form_and_post_query_body(demo_client):
    by_get = demo_client.get("/sparql", query_string={"query": LEVELS})
    by_form = demo_client.post("/sparql", data={"query": LEVELS})
    by_body = demo_client.post("/sparql", data=LEVELS, content_type="application/sparql-query")
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200 and response.mimetype == "application/sparql-results+json"
        assert _levels_from_json(response) == EXPECTED_LEVELS


def test_xml_csv_tsv_results(demo_client):
    xml = demo_client.get("/sparql", query_string={"query": LEVELS},
                          headers={"Accept": "application/sparql-results+xml"})
    assert xml.mimetype == "application/sparql-results+xml"
    ns = {"r": "http://www.w3.org/2005/sparql-results#"}
    names = [b.findtext("r:literal", namespaces=ns)
             for b in ET.fromstring(xml.data).iterfind(".//r:binding[@name='name']", ns)]
    assert names == sorted(EXPECTED_LEVELS)
    table = demo_client.get("/sparql", query_string={"query": LEVELS}, headers={"Accept": "text/csv"})
    assert table.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(table.get_data(as_text=True))))
    assert {r["name"]: int(r["order"]) for r in rows} == EXPECTED_LEVELS
    tsv = demo_client.get("/sparql", query_string={"query": LEVELS}, headers={"Accept": "text/tab-separated-values"})
    assert tsv.get_data(as_text=True).splitlines()[0] == "?name\t?order"


def test_construct_and_describe_answer_rdf(demo_client):
    query = """PREFIX sscmm: <https://w3id.org/sscmm/ontology#>
    CONSTRUCT { ?a sscmm:attainedLevel ?l } WHERE { ?a a sscmm:CurrentAssessment ; sscmm:attainedLevel ?l }"""
    response = demo_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert len(graph) == len(EXPECTED)
    described = demo_client.get("/sparql", query_string={
        "query": "DESCRIBE <https://w3id.org/sscmm/model/y4904/level-3>"}, headers={"Accept": "application/ld+json"})
    assert described.mimetype == "application/ld+json"
    level = Graph().parse(data=described.get_data(as_text=True), format="json-ld")
    assert (URIRef("https://w3id.org/sscmm/model/y4904/level-3"), None, None) in level


def test_ask(demo_client):
    response = demo_client.get("/sparql", query_string={"query": "ASK { GRAPH <urn:sscmm:catalogue> { ?s ?p ?o } }"})
    assert response.get_json() == {"head": {}, "boolean": True}


def test_default_graph_uri_narrows_the_default_graph(demo_client):
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/sscmm/ontology#City> }"
    union = demo_client.get("/sparql", query_string={"query": query}).get_json()
    model_only = demo_client.get("/sparql", query_string={"query": query, "default-graph-uri": "urn:sscmm:model"})
    assert int(union["results"]["bindings"][0]["n"]["value"]) == len(EXPECTED)
    assert model_only.get_json()["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize("send", [
    lambda c: c.post("/sparql", data={"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}),
    lambda c: c.get("/sparql", query_string={"update": "CLEAR ALL"}),
    lambda c: c.post("/sparql", data="DROP ALL", content_type="application/sparql-update"),
    lambda c: c.get("/sparql", query_string={"query": "DELETE WHERE { ?s ?p ?o }"}),
    lambda c: c.post("/sparql", data="insert data { <urn:a> <urn:b> <urn:c> }", content_type="application/sparql-query"),
])
def test_update_is_refused_and_changes_nothing(demo_app, demo_client, send):
    before = len(demo_app.extensions["sscmm"].store.store)
    response = send(demo_client)
    assert response.status_code == 400 and response.mimetype == PROBLEM
    assert response.get_json()["type"].endswith("/update-refused")
    assert len(demo_app.extensions["sscmm"].store.store) == before


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { ?x ?y ?z . { SELECT ?s WHERE { service silent <http://127.0.0.1:9/> { ?s ?p ?o } } } }",
    "SELECT * WHERE { ?s ?p ?o.SERVICE ?endpoint { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p 'a' # SERVICE in a comment is fine, not on the next line\n SeRvIcE <http://x/> {} }",
])
def test_service_is_refused_wherever_it_is(demo_client, query):
    response = demo_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and response.get_json()["type"].endswith("/service-refused")


def test_service_never_calls_out(demo_client):
    with recording_server() as (base, requested):
        query = f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{base}/sparql> {{ ?s ?p ?o }} }} }} }}"
        response = demo_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and requested == []


@pytest.mark.parametrize("query, form", [
    ("SELECT ?service WHERE { ?service <https://example.org/p> 'SERVICE <x> {}' }", "SELECT"),
    ("PREFIX service: <https://example.org/> ASK { ?s service:SERVICE ?o . ?s a <https://example.org/SERVICE> }",
     "ASK"),
    ("# SERVICE <http://x/> { }\nCONSTRUCT WHERE { ?s ?p \"\"\"a\n SERVICE\"\"\"@en }", "CONSTRUCT"),
    ("DESCRIBE <https://example.org/insert>", "DESCRIBE"),
])
def test_the_word_service_in_names_strings_and_comments_is_no_service(query, form):
    assert check_query(query) == form


def test_not_a_query_and_syntax_errors_are_400(demo_client):
    with pytest.raises(QueryRefused):
        check_query("PREFIX ex: <https://example.org/>")
    not_a_query = demo_client.get("/sparql", query_string={"query": "PREFIX ex: <https://example.org/>"})
    assert not_a_query.status_code == 400 and not_a_query.get_json()["type"].endswith("/not-a-query")
    wrong = demo_client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s ?p }"})
    assert wrong.status_code == 400 and wrong.get_json()["type"].endswith("/syntax-error")
    missing = demo_client.get("/sparql")
    assert missing.status_code == 400 and missing.get_json()["type"].endswith("/no-query")


def test_a_browser_gets_a_query_form_whose_example_runs(demo_client):
    page = demo_client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert page.status_code == 200 and '<form method="get" action="/sparql">' in page.get_data(as_text=True)
    example = html.unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", page.get_data(as_text=True), re.DOTALL).group(1))
    rows = demo_client.get("/sparql", query_string={"query": example}).get_json()["results"]["bindings"]
    assert {(r["city"]["value"], r["level"]["value"]) for r in rows} >= {("Exampleton", "Optimization"),
                                                                        ("Saltmere", "Alignment")}
    assert len(rows) == len(EXPECTED)


def test_unsupported_request_and_answer_types(demo_client):
    assert demo_client.post("/sparql", data=LEVELS, content_type="text/plain").status_code == 415
    refused = demo_client.get("/sparql", query_string={"query": LEVELS}, headers={"Accept": "text/turtle"})
    assert refused.status_code == 406 and refused.mimetype == PROBLEM


def test_results_past_the_cap_are_cut_off_and_say_so(demo_app, demo_client):
    cap = demo_app.config["SPARQL_MAX_ROWS"]
    response = demo_client.get("/sparql", query_string={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"})
    assert response.status_code == 200
    assert response.headers["X-SSCMM-Truncated"] == "true" and response.headers["X-SSCMM-Max-Rows"] == str(cap)
    assert len(response.get_json()["results"]["bindings"]) == cap
    construct = demo_client.get("/sparql", query_string={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
                                headers={"Accept": "application/n-triples"})
    assert construct.headers["X-SSCMM-Truncated"] == "true"
    assert len(construct.get_data(as_text=True).strip().splitlines()) == cap
    small = demo_client.get("/sparql", query_string={"query": LEVELS})
    assert "X-SSCMM-Truncated" not in small.headers


def _worker_pids():
    return {p.pid for p in multiprocessing.active_children() if p.name == "sscmm-sparql-worker"}


def test_a_runaway_query_is_stopped_at_the_time_limit(demo_app, demo_client):
    limit = demo_app.config["SPARQL_TIMEOUT"]
    demo_client.get("/sparql", query_string={"query": "ASK {}"})  # the worker is up
    workers_before = _worker_pids()
    started = time.monotonic()
    response = demo_client.get("/sparql", query_string={"query": RUNAWAY})
    elapsed = time.monotonic() - started
    assert response.status_code == 503 and response.mimetype == PROBLEM
    assert response.get_json()["type"].endswith("/query-timeout") and response.get_json()["time_limit"] == limit
    assert limit <= elapsed < limit + 3
    for pid in workers_before - _worker_pids():  # the worker that ran it is gone, not left computing
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert workers_before - _worker_pids(), "the runaway query's worker was not ended"
    # The one worker's replacement answers at once.
    started = time.monotonic()
    assert _levels_from_json(demo_client.get("/sparql", query_string={"query": LEVELS})) == EXPECTED_LEVELS
    assert time.monotonic() - started < limit

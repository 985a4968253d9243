"""The real ``sscmm serve`` process (waitress) on a free port, with the examples published
by --demo: driven with requests, and with SPARQLWrapper against /sparql. Configuration
from SSCMM_* environment variables; SIGTERM and a restart on the same data directory."""

import threading
import time

import pytest
import requests
from rdflib import Graph, URIRef
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from sscmm.namespaces import SSCMM

from .conftest import run_cli
from .service_support import BRACKENFORD_CITY, SERVER_ENV, brackenford_variant, example, recording_server, running
from .test_examples import EXPECTED
from .test_service_sparql import EXPECTED_LEVELS, LEVELS, RUNAWAY


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("server") / "data"


@pytest.fixture(scope="module")
def token(data_dir):
    created = run_cli("token", "create", "--city", BRACKENFORD_CITY, "--data-dir", str(data_dir))
    assert created.returncode == 0, created.stderr
    return created.stdout.strip()


@pytest.fixture(scope="module")
def server(data_dir):
    with running(data_dir, "--demo") as server:
        yield server


def _auth(token):
    return {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}


def test_demo_cities_and_their_levels(server):
    cities = requests.get(server.url + "/cities", timeout=10).json()["cities"]
    levels = {c["name"]: c["latest"]["overall_level"]["order"] for c in cities}
    assert levels == EXPECTED_LEVELS
    health = requests.get(server.url + "/health", timeout=10).json()
    assert health["assessments"] >= len(EXPECTED)


def test_publish_and_read_back(server, token):
    response = requests.post(server.url + "/assessments", data=brackenford_variant("server").encode("utf-8"),
                             headers=_auth(token), timeout=30)
    assert response.status_code == 201, response.text
    location = response.headers["Location"]
    assert requests.get(server.url + location, timeout=10).json()["overall_level"]["order"] == 0
    page = requests.get(server.url + location, headers={"Accept": "text/html"}, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html") and "Brackenford: overall level 0" in page.text
    turtle = requests.get(server.url + location, headers={"Accept": "text/turtle"}, timeout=10)
    assert (URIRef(BRACKENFORD_CITY), None, SSCMM.City) in Graph().parse(data=turtle.text, format="turtle")


def test_other_citys_graph_is_403(server, token):
    response = requests.post(server.url + "/assessments", data=example("saltmere.ttl").encode("utf-8"),
                             headers=_auth(token), timeout=30)
    assert response.status_code == 403
    assert response.headers["Content-Type"] == "application/problem+json"


def test_assess_a_multipart_upload(server):
    files = {"file": ("rivenport.ttl", example("rivenport.ttl").encode("utf-8"))}
    response = requests.post(server.url + "/assess", files=files, timeout=30)
    assert response.status_code == 200
    assert response.json()["overall_level"]["order"] == EXPECTED["rivenport.ttl"]["overall"]


def test_max_body_from_the_environment_is_413(server):
    body = example("exampleton.ttl") + "\n# padding\n" * 20000
    assert len(body.encode()) > int(SERVER_ENV["SSCMM_MAX_CONTENT_LENGTH"])
    response = requests.post(server.url + "/assess", data=body.encode("utf-8"),
                             headers={"Content-Type": "text/turtle"}, timeout=30)
    assert response.status_code == 413 and response.json()["status"] == 413


def test_concurrent_publishes_all_land(server, token):
    results = {}

    def publish(index):
        results[index] = requests.post(server.url + "/assessments",
                                       data=brackenford_variant(f"server-{index}").encode("utf-8"),
                                       headers=_auth(token), timeout=60).status_code

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: 201 for i in range(8)}
    city = next(c for c in requests.get(server.url + "/cities", timeout=10).json()["cities"]
                if c["iri"] == BRACKENFORD_CITY)
    published = {a["assessment"].rsplit("-v", 1)[-1] for a in city["assessments"]}
    assert {f"server-{i}" for i in range(8)} <= published


def test_json_ld_remote_context_is_not_fetched(server):
    with recording_server() as (base, requested):
        body = f'{{"@context": "{base}/ctx", "@id": "https://example.org/a", "name": "A"}}'
        response = requests.post(server.url + "/assess", data=body,
                                 headers={"Content-Type": "application/ld+json"}, timeout=30)
    assert response.status_code == 400 and requested == []


# -- SPARQLWrapper --------------------------------------------------------------------------

def _sparql(server):
    return SPARQLWrapper(server.url + "/sparql")


def test_sparqlwrapper_select(server):
    for method in ("GET", POST):
        sparql = _sparql(server)
        sparql.setQuery(LEVELS)
        sparql.setReturnFormat(JSON)
        sparql.setMethod(method)
        rows = sparql.queryAndConvert()["results"]["bindings"]
        levels = {row["name"]["value"]: int(row["order"]["value"]) for row in rows}
        assert {name: levels[name] for name in EXPECTED_LEVELS} == EXPECTED_LEVELS


def test_sparqlwrapper_construct_and_ask(server):
    sparql = _sparql(server)
    sparql.setQuery("PREFIX sscmm: <https://w3id.org/sscmm/ontology#> "
                    "CONSTRUCT { ?a sscmm:attainedLevel ?l } WHERE { ?a a sscmm:CurrentAssessment ; sscmm:attainedLevel ?l }")
    sparql.setReturnFormat(TURTLE)
    graph = Graph().parse(data=sparql.queryAndConvert(), format="turtle")
    assert (URIRef("https://data.exampleton.example/ssc/assessment-2024"), SSCMM.attainedLevel,
            URIRef("https://w3id.org/sscmm/model/y4904/level-5")) in graph
    sparql = _sparql(server)
    sparql.setQuery("ASK { ?s a <https://w3id.org/sscmm/ontology#City> }")
    sparql.setReturnFormat(JSON)
    assert sparql.queryAndConvert()["boolean"] is True


def test_sparqlwrapper_update_is_refused(server):
    before = requests.get(server.url + "/health", timeout=10).json()
    sparql = _sparql(server)
    sparql.setMethod(POST)
    sparql.setQuery("DROP ALL")
    with pytest.raises(QueryBadFormed):
        sparql.query()
    assert requests.get(server.url + "/health", timeout=10).json() == before


def test_runaway_query_is_stopped(server):
    started = time.monotonic()
    response = requests.get(server.url + "/sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503 and response.json()["time_limit"] == 3
    assert time.monotonic() - started < 3 + 3
    assert requests.get(server.url + "/sparql", params={"query": "ASK {}"}, timeout=10).status_code == 200


# -- durability -----------------------------------------------------------------------------

def test_restart_with_the_same_data_dir_keeps_everything(tmp_path):
    data_dir = tmp_path / "data"
    created = run_cli("token", "create", "--city", BRACKENFORD_CITY, "--data-dir", str(data_dir))
    restart_token = created.stdout.strip()
    with running(data_dir) as first:
        response = requests.post(first.url + "/assessments", data=example("brackenford.ttl").encode("utf-8"),
                                 headers=_auth(restart_token), timeout=30)
        assert response.status_code == 201
        location = response.headers["Location"]
        dump_before = requests.get(first.url + location, headers={"Accept": "application/trig"}, timeout=10).text
    with running(data_dir, "--demo") as second:  # the demo skips Brackenford: already published
        assert requests.get(second.url + location, headers={"Accept": "application/trig"}, timeout=10).text \
            == dump_before
        cities = requests.get(second.url + "/cities", timeout=10).json()["cities"]
        brackenford = next(c for c in cities if c["iri"] == BRACKENFORD_CITY)
        assert [a["link"] for a in brackenford["assessments"]] == [location]
        assert len(cities) == len(EXPECTED)
        again = requests.post(second.url + "/assessments", data=brackenford_variant("later").encode("utf-8"),
                              headers=_auth(restart_token), timeout=30)
        assert again.status_code == 201  # the token survived the restart

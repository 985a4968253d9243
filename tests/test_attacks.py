"""Attacks on a running ``sscmm serve``, each with the proof that it fails: nothing is
fetched (a listener on loopback records every connection: none may arrive), nothing
expands, nothing is stored, nothing runs past its limit, nobody publishes for a city not
theirs, and no path reaches what it should not. Every attack leaves the store as it was
(per-graph triple counts and the city listing compared) and the server healthy.
SECURITY.md lists the promises these tests hold the service to."""

import http.client
import io
import json
import os
import time
import zipfile
from urllib.parse import urlsplit

import pytest
import requests

from sscmm.model import load_model
from sscmm.rdfio import parse_file
from sscmm.store import short_id
from sscmm.workbook import WorkbookVocabulary, export

from .conftest import run_cli
from .service_support import (
    BRACKENFORD_CITY,
    EXAMPLES,
    SALTMERE_CITY,
    SERVER_ENV,
    brackenford_variant,
    example,
    recording_server,
    running,
)
from .workbook_support import workbook_bytes

LIMIT = int(SERVER_ENV["SSCMM_MAX_CONTENT_LENGTH"])
SALTMERE_ID = short_id("https://data.saltmere.example/ssc/assessment-2024")  # published by --demo
TIME_LIMIT = float(SERVER_ENV["SSCMM_SPARQL_TIMEOUT"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("attacks") / "data"


@pytest.fixture(scope="module")
def tokens(data_dir):
    """A live token for Brackenford, one for Saltmere, and a revoked one for Brackenford."""
    made = {}
    for name, city in (("brackenford", BRACKENFORD_CITY), ("saltmere", SALTMERE_CITY), ("revoked", BRACKENFORD_CITY)):
        created = run_cli("token", "create", "--city", city, "--data-dir", str(data_dir))
        assert created.returncode == 0, created.stderr
        made[name] = created.stdout.strip()
    assert run_cli("token", "revoke", made["revoked"], "--data-dir", str(data_dir)).returncode == 0
    return made


@pytest.fixture(scope="module")
def server(data_dir, tokens):
    with running(data_dir, "--demo") as server:
        yield server


def store_state(server):
    """What the store holds, over HTTP: the triples in each graph, and the cities."""
    counts = requests.get(server.url + "/sparql", timeout=30, params={
        "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"}).json()
    cities = requests.get(server.url + "/cities", timeout=30).json()
    return {row["g"]["value"]: int(row["n"]["value"]) for row in counts["results"]["bindings"]}, cities


@pytest.fixture
def unharmed(server):
    """The store as it was, and the server up, after the test."""
    before = store_state(server)
    yield
    assert requests.get(server.url + "/health", timeout=30).status_code == 200
    assert store_state(server) == before, "the attack changed the store"


def _problem(response, *statuses):
    assert response.status_code in statuses, (response.status_code, response.text[:1000])
    assert response.headers["Content-Type"].startswith(PROBLEM), response.headers["Content-Type"]
    return response.json()


def _auth(token, content_type="text/turtle"):
    return {"Authorization": f"Bearer {token}", "Content-Type": content_type}


# -- nothing is fetched -------------------------------------------------------------------------

def _remote_contexts(base):
    """JSON-LD documents that would make a JSON-LD processor fetch from base."""
    node = {"@id": "https://data.brackenford.example/ssc/city", "name": "Brackenford"}
    return {
        "context IRI": {"@context": f"{base}/context.jsonld", **node},
        "context array": {"@context": [{"name": "http://xmlns.com/foaf/0.1/name"}, f"{base}/more.jsonld"], **node},
        "nested context": {"@context": {"name": "http://xmlns.com/foaf/0.1/name"},
                           "@graph": [{"@context": f"{base}/nested.jsonld", **node}]},
        "scoped context": {"@context": {"knows": {"@id": "http://xmlns.com/foaf/0.1/knows",
                                                  "@context": f"{base}/scoped.jsonld"}},
                           "@id": "https://a.example/x", "knows": node},
        "import": {"@context": {"@version": 1.1, "@import": f"{base}/import.jsonld"}, **node},
        "remote document": [{"@context": f"{base}/list.jsonld"}, node],
    }


@pytest.mark.parametrize("variant", sorted(_remote_contexts("")))
def test_json_ld_remote_context_is_never_fetched(server, tokens, unharmed, variant):
    with recording_server() as (base, arrived):
        body = json.dumps(_remote_contexts(base)[variant]).encode("utf-8")
        answers = [
            requests.post(server.url + "/assess", data=body, headers={"Content-Type": "application/ld+json"}, timeout=30),
            requests.post(server.url + "/assessments", data=body, headers=_auth(tokens["brackenford"], "application/ld+json"),
                          timeout=30),
            requests.post(server.url + "/assess", files={"file": ("city.jsonld", body)}, timeout=30),
        ]
    assert arrived == [], f"the service fetched from the listener: {arrived}"
    for answer in answers:
        _problem(answer, 400, 422)


def test_json_ld_context_on_the_servers_disk_is_never_read(server, unharmed, tmp_path):
    """A named pipe as the context: a server that opened it would wait for a writer (and
    the request would time out); a file whose terms would show in the answer."""
    fifo, secret = tmp_path / "context.fifo", tmp_path / "secret.jsonld"
    os.mkfifo(fifo)
    secret.write_text(json.dumps({"@context": {"name": "https://leak.example/SECRET#"}}))
    for reference in (str(fifo), fifo.as_uri(), str(secret), secret.as_uri(), "/dev/zero"):
        body = json.dumps({"@context": reference, "@id": "https://a.example/x", "name": "X"}).encode()
        response = requests.post(server.url + "/assess", data=body, headers={"Content-Type": "application/ld+json"},
                                 timeout=20)
        assert "is not read" in _problem(response, 400)["detail"] and "SECRET" not in response.text


def test_sparql_service_and_remote_graphs_never_call_out(server, unharmed):
    with recording_server() as (base, arrived):
        endpoint = f"{base}/sparql"
        refused = [
            f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}",
            f"select * where {{ ?a ?b ?c . service silent <{endpoint}> {{ ?s ?p ?o }} }} LIMIT 1",
            f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }} }} }}",
            f"SELECT * WHERE {{ ?a ?b ?c OPTIONAL {{ SERVICE<{endpoint}>{{?s ?p ?o}} }} }} LIMIT 1",
            (f"PREFIX ex: <http://e/> SELECT * WHERE {{ VALUES ?v {{ ex:a\\' }} SERVICE <{endpoint}> {{ ?x ?y ?z }} "
             "FILTER(?v != 'x') }"),
            f"LOAD <{endpoint}>",
        ]
        for query in refused:
            response = requests.get(server.url + "/sparql", params={"query": query}, timeout=30)
            assert _problem(response, 400)["type"].rsplit("/", 1)[-1] in ("service-refused", "update-refused"), query
        answered = [
            {"query": f"SELECT * FROM <{endpoint}> WHERE {{ ?s ?p ?o }} LIMIT 1"},
            {"query": f"SELECT * FROM NAMED <{endpoint}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} LIMIT 1"},
            {"query": f"DESCRIBE <{endpoint}>"},
            {"query": "ASK { ?s ?p ?o }", "default-graph-uri": endpoint, "named-graph-uri": endpoint},
        ]
        for params in answered:  # graph names, not documents to load
            assert requests.get(server.url + "/sparql", params=params, timeout=30).status_code == 200, params
    assert arrived == [], f"the service called the listener: {arrived}"


def test_owl_imports_is_data_never_followed(server, tokens):
    with recording_server() as (base, arrived):
        body = brackenford_variant("imports") + (
            f"\n<https://data.brackenford.example/ssc/assessment-2024-vimports> "
            f"<http://www.w3.org/2002/07/owl#imports> <{base}/ontology.ttl> .\n"
            f"<https://data.brackenford.example/ssc/city> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <{base}/more.rdf> .\n")
        assessed = requests.post(server.url + "/assess", data=body.encode(), headers={"Content-Type": "text/turtle"},
                                 timeout=60)
        published = requests.post(server.url + "/assessments", data=body.encode(), headers=_auth(tokens["brackenford"]),
                                  timeout=60)
        stored = requests.get(server.url + published.headers.get("Location", "/none"),
                              headers={"Accept": "text/turtle"}, timeout=30)
    assert assessed.status_code == 200 and published.status_code == 201, published.text
    assert f"{base}/ontology.ttl" in stored.text  # kept as a statement
    assert arrived == [], f"the service followed a link: {arrived}"


# -- nothing expands ----------------------------------------------------------------------------

_RDF_XML = ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://a.example/">\n'
            '<rdf:Description rdf:about="https://a.example/s"><ex:p>{ref}</ex:p></rdf:Description>\n</rdf:RDF>\n')
_LAUGHS = ('<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "' + f"&lol{'' if i == 1 else i - 1};" * 10 + '">'
                                          for i in range(1, 10)))


def _entity_documents(base):
    """(DOCTYPE, entity reference) of each attack on XML."""
    return {
        "billion laughs": (f"<!DOCTYPE rdf:RDF [{_LAUGHS}]>", "&lol9;"),
        "external http": (f'<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "{base}/entity">]>', "&ext;"),
        "external file": ('<!DOCTYPE rdf:RDF [<!ENTITY ext SYSTEM "file:///etc/passwd">]>', "&ext;"),
        "parameter entity": (f'<!DOCTYPE rdf:RDF [<!ENTITY % p SYSTEM "{base}/dtd"> %p;]>', ""),
        "external DTD": (f'<!DOCTYPE rdf:RDF SYSTEM "{base}/rdf.dtd">', ""),
    }


@pytest.mark.parametrize("variant", sorted(_entity_documents("")))
def test_rdf_xml_entities_are_never_expanded_or_fetched(server, tokens, unharmed, variant):
    with recording_server() as (base, arrived):
        doctype, ref = _entity_documents(base)[variant]
        body = ('<?xml version="1.0"?>\n' + doctype + "\n" + _RDF_XML.format(ref=ref)).encode("utf-8")
        started = time.monotonic()
        answers = [requests.post(server.url + "/assess", data=body, headers={"Content-Type": "application/rdf+xml"},
                                 timeout=30),
                   requests.post(server.url + "/assessments", data=body,
                                 headers=_auth(tokens["brackenford"], "application/rdf+xml"), timeout=30)]
    assert time.monotonic() - started < 10
    assert arrived == [], f"the service fetched from the listener: {arrived}"
    for answer in answers:
        problem = _problem(answer, 400, 422)
        assert "root:" not in answer.text and "lollollol" not in answer.text
        if variant != "external DTD":
            assert problem["status"] == 400 and problem["line"] == 2  # refused at the declaration


@pytest.fixture(scope="module")
def workbook():
    return workbook_bytes(export(parse_file(EXAMPLES / "saltmere.ttl"), WorkbookVocabulary(load_model())))


def _with_doctype(xlsx, member, doctype, ref):
    """The workbook with a DOCTYPE (and an entity reference in the first cell) in one part."""
    source, out = zipfile.ZipFile(io.BytesIO(xlsx)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in source.namelist():
            data = source.read(name)
            if name == member:
                text = data.decode("utf-8")
                declaration, rest = text.split("?>", 1) if text.startswith("<?xml") else ("", text)
                cell = "<v>" if "<v>" in rest else "<t>"
                assert cell in rest
                data = ((declaration + "?>" if declaration else "") + doctype + rest.replace(cell, cell + ref, 1)).encode()
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize("variant", sorted(_entity_documents("")))
def test_workbook_xml_entities_are_never_expanded_or_fetched(server, workbook, unharmed, variant):
    with recording_server() as (base, arrived):
        doctype, ref = _entity_documents(base)[variant]
        body = _with_doctype(workbook, "xl/worksheets/sheet3.xml", doctype.replace("rdf:RDF", "worksheet"), ref)
        started = time.monotonic()
        response = requests.post(server.url + "/import", data=body, headers={"Content-Type": XLSX}, timeout=60)
    assert time.monotonic() - started < 10
    assert arrived == [], f"the service fetched from the listener: {arrived}"
    if ref:  # the reference is refused (undefined, or past expat's amplification limit) ...
        assert "not a readable .xlsx workbook" in json.dumps(_problem(response, 422))
    else:  # ... and a DOCTYPE that is only declared is never acted on
        assert response.status_code == 200, response.text[:500]
    assert "root:" not in response.text and "lollollol" not in response.text


@pytest.mark.parametrize("kind", ["xlsx", "zip"])
def test_zip_bombs_are_refused_unread(server, unharmed, kind):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml" if kind == "xlsx" else "KPIs.csv", b"0" * (150 * 1024 * 1024))
    assert len(buffer.getvalue()) < LIMIT  # 150 KB that unpack to 150 MB
    started = time.monotonic()
    response = requests.post(server.url + "/import", data=buffer.getvalue(),
                             headers={"Content-Type": XLSX if kind == "xlsx" else "application/zip"}, timeout=60)
    assert time.monotonic() - started < 10
    problem = _problem(response, 422)
    assert "unpacks to 157,286,400 bytes" in json.dumps(problem)


# -- nothing runs past its limits ---------------------------------------------------------------

def test_a_100_mb_body_is_refused_unread(server, tokens, unharmed):
    body = b"#" * (100 * 1024 * 1024)
    for path, headers in (("/assess", {"Content-Type": "text/turtle"}), ("/assessments", _auth(tokens["brackenford"])),
                          ("/import", {"Content-Type": XLSX}), ("/sparql", {"Content-Type": "application/sparql-query"})):
        started = time.monotonic()
        response = requests.post(server.url + path, data=body, headers=headers, timeout=60)
        assert response.status_code == 413, (path, response.status_code)
        assert time.monotonic() - started < 10, path

    def chunks():
        for _ in range(100):
            yield b"#" * (1024 * 1024)

    assert requests.post(server.url + "/assess", data=chunks(), headers={"Content-Type": "text/turtle"},
                         timeout=60).status_code == 413
    just_over = requests.post(server.url + "/assess", data=b"#" * (LIMIT + 1), headers={"Content-Type": "text/turtle"},
                              timeout=60)
    assert _problem(just_over, 413)["status"] == 413  # up to twice the limit the service answers a problem document


@pytest.mark.parametrize("depth", [500, 100_000])
def test_deeply_nested_documents_are_refused(server, unharmed, depth):
    documents = {
        "application/ld+json": '{"@id": "https://a.example/x", "https://a.example/p": ' * depth + "1" + "}" * depth,
        "application/json": "[" * depth + "]" * depth,
        "text/turtle": "<https://a.example/s> <https://a.example/p> " + "[ <https://a.example/p> " * depth + "1"
                       + " ]" * depth + " .",
    }
    for media_type, document in documents.items():
        started = time.monotonic()
        response = requests.post(server.url + "/assess", data=document.encode()[: LIMIT], timeout=60,
                                 headers={"Content-Type": media_type})
        assert time.monotonic() - started < 10, media_type
        if media_type == "text/turtle" and len(document) <= LIMIT:
            # pyoxigraph's Turtle parser does not recurse: a valid document, however deep, is
            # read, and found not to be an assessment
            assert _problem(response, 422)["errors"]
            continue
        problem = _problem(response, 400)
        assert "nests too deeply" in problem["detail"] or problem.get("line"), (media_type, problem)


#: Queries built to run for ever (or for hours) on the demo store.
FOREVER = {
    "cartesian product": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "sorted product": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY DESC(STR(?c)) DESC(STR(?f)) LIMIT 1",
    "any path": "SELECT (COUNT(*) AS ?n) WHERE { ?s (<https://a.example/p>|!<https://a.example/p>)* ?o . ?x ?y ?z }",
    "string blow-up": "SELECT (MAX(STRLEN(?s)) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f "
                      "BIND (CONCAT(STR(?c), STR(?f), STR(?c), STR(?f)) AS ?s) }",
}


@pytest.mark.parametrize("shape", sorted(FOREVER))
def test_a_query_built_to_run_forever_is_stopped(server, unharmed, shape):
    started = time.monotonic()
    response = requests.get(server.url + "/sparql", params={"query": FOREVER[shape]}, timeout=120)
    elapsed = time.monotonic() - started
    assert _problem(response, 503)["type"].endswith("/query-timeout") and elapsed < TIME_LIMIT + 5, elapsed
    assert requests.get(server.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30).json()["boolean"]


# -- nobody publishes for another city ----------------------------------------------------------

def test_publishing_needs_the_citys_own_live_token(server, tokens, unharmed):
    body = brackenford_variant("attack").encode("utf-8")
    refused = {
        "no token": ({"Content-Type": "text/turtle"}, 401),
        "another scheme": ({"Content-Type": "text/turtle", "Authorization": "Basic YWRtaW46YWRtaW4="}, 401),
        "empty bearer": ({"Content-Type": "text/turtle", "Authorization": "Bearer "}, 401),
        "unknown token": (_auth("sscmm_" + "A" * 43), 401),
        "revoked token": (_auth(tokens["revoked"]), 401),
        "a token's prefix": (_auth(tokens["brackenford"][:-1]), 401),
        "another city's token": (_auth(tokens["saltmere"]), 403),
    }
    for name, (headers, status) in refused.items():
        response = requests.post(server.url + "/assessments", data=body, headers=headers, timeout=60)
        problem = _problem(response, status)
        if status == 401:
            assert response.headers["WWW-Authenticate"].startswith("Bearer"), name
        else:
            assert problem["city"] == BRACKENFORD_CITY and problem["token_city"] == SALTMERE_CITY
    in_query = requests.post(server.url + f"/assessments?token={tokens['brackenford']}&access_token={tokens['brackenford']}",
                             data=body, headers={"Content-Type": "text/turtle"}, timeout=60)
    _problem(in_query, 401)  # only the Authorization header counts
    saltmere_as_brackenford = example("saltmere.ttl").replace(":assessment-2024 ", ":assessment-2024-attack ")
    _problem(requests.post(server.url + "/assessments", data=saltmere_as_brackenford.encode(),
                           headers=_auth(tokens["brackenford"]), timeout=60), 403)


def test_revoking_takes_effect_on_the_running_server(server, data_dir, unharmed):
    created = run_cli("token", "create", "--city", BRACKENFORD_CITY, "--data-dir", str(data_dir))
    token = created.stdout.strip()
    assert run_cli("token", "revoke", token, "--data-dir", str(data_dir)).returncode == 0
    response = requests.post(server.url + "/assessments", data=brackenford_variant("revoked").encode(),
                             headers=_auth(token), timeout=60)
    _problem(response, 401)


def test_markup_in_a_graph_is_shown_as_text(server, tokens):
    """A city's names and labels end up in pages: they are escaped, in HTML and in the SVG charts."""
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    body = brackenford_variant("markup").replace('rdfs:label "Brackenford"', f"rdfs:label {json.dumps(script)}")
    body = body.replace('rdfs:label "IT Services"', f"rdfs:label {json.dumps(script)}")
    assert json.dumps(script) in body
    report = requests.post(server.url + "/report", files={"file": ("city.ttl", body.encode())}, timeout=60)
    published = requests.post(server.url + "/assessments", data=body.encode(), headers=_auth(tokens["brackenford"]),
                              timeout=60)
    assert report.status_code == 200 and published.status_code == 201, published.text
    pages = [report.text] + [requests.get(server.url + path, headers={"Accept": "text/html"}, timeout=30).text
                             for path in (published.headers["Location"], "/cities", "/", "/benchmark")]
    assert any("&lt;script&gt;" in page for page in pages)
    for page in pages:
        assert "<script>alert" not in page and "<img src=x" not in page


# -- no path reaches what it should not ---------------------------------------------------------

PATH_TRICKS = [
    "/assessments/..", "/assessments/../cities", "/assessments/%2e%2e", "/assessments/..%2fcities",
    "/assessments/%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/assessments/..%252f..%252fetc%252fpasswd",
    "/assessments/%00", f"/assessments/{SALTMERE_ID}%00", f"/assessments/{SALTMERE_ID.upper()}",
    f"/assessments/{SALTMERE_ID}%20", f"/assessments/{SALTMERE_ID[:-1]}", "/assessments/" + "a" * 5000,
    '/assessments/x%22%20%7D%20%3B%20DROP%20ALL%20%3B%20%7B%20%22', "/assessments/x%3E%20%3Fp%20%3Fo%20%7D",
    "/assessments/catalogue", "/assessments/urn:sscmm:catalogue", "/assessments/model",
    f"/assessments/{SALTMERE_ID}/../../cities", "/assessments/%2e%2e/workbook", "/assessments/..%2f/workbook",
    "/cities/..%2f..%2fetc%2fpasswd", "/static/../../pyproject.toml", "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fpyproject.toml", "/model/..%2f..%2f..%2fetc%2fpasswd", "/kpi/../../etc/passwd",
]


@pytest.mark.parametrize("path", PATH_TRICKS)
def test_path_tricks_reach_nothing(server, unharmed, path):
    netloc = urlsplit(server.url).netloc
    connection = http.client.HTTPConnection(netloc, timeout=30)
    for accept in ("application/json", "text/turtle", "application/trig", "text/html"):
        connection.request("GET", path, headers={"Accept": accept})  # sent as written, not normalised
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        assert response.status in (301, 308, 400, 404), (path, accept, response.status, body[:300])
        if response.status >= 400:
            assert response.getheader("Content-Type").startswith(PROBLEM), (path, response.getheader("Content-Type"))
        assert "root:x:0" not in body and "[build-system]" not in body
    connection.close()
    assert requests.get(server.url + f"/assessments/{SALTMERE_ID}", timeout=30).status_code == 200  # the real one

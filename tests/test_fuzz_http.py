"""Property-based tests of the HTTP service through Flask's test client: random query
parameters, path segments and Accept headers on every GET route (read from the app's own
URL map, so a new route is fuzzed without a change here), and random or edited bodies on
every POST route. Never a 500, never a hang; every error is a problem document; and
nothing changes the store but a 201 from POST /assessments, which adds exactly the
assessment it names."""

import io
import json
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sscmm.analysis import load_analyses
from sscmm.rdfio import FORMATS, parse_file
from sscmm.tokens import TokenStore

from .conftest import make_app
from .fuzz_support import SYNTAX, examples, mutated, within
from .service_support import BRACKENFORD_CITY, EXAMPLES

PROBLEM = "application/problem+json"
#: Parameters the routes read, so random values reach the code that reads them.
KNOWN_PARAMETERS = ["model", "format", "kpi", "year", "query", "default-graph-uri", "named-graph-uri", "update",
                    "assess", "city", "limit", "benchmark"]
ACCEPT = st.sampled_from([None, "*/*", "text/html", "application/json", "text/turtle", "application/ld+json",
                          "application/trig", "text/csv", "application/sparql-results+xml", "image/png", "",
                          "text/html;q=0, */*;q=0", "garbage/;;;q=x", "application/*"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
#: Path segments meant to break out of a route or confuse a look-up.
PATH_TRICKS = ["..", "../..", "%2e%2e", "..%2f..%2fetc%2fpasswd", "%2F", "%00", "%252e", "a/b", "'", "\"",
               "<x>", "%3Cx%3E", "x" * 3000, "%E2%80%AE", "%C0%AE", " ", "%20", "~", "*", "?", "#",
               "urn:sscmm:catalogue", "EC:ICT:ICT:1C", "EC-ICT-ICT-1C", "y4904/level-1", "sscmm.css"]
STATUSES = {200, 201, 400, 401, 403, 404, 405, 406, 409, 413, 415, 422, 503}


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """An app of its own (the fuzz publishes), the examples published, a short SPARQL limit."""
    data_dir = tmp_path_factory.mktemp("fuzz-data")
    app = make_app(data_dir, SPARQL_TIMEOUT=3, SPARQL_MAX_ROWS=50, SPARQL_WORKERS=1, MAX_CONTENT_LENGTH=300_000)
    app.extensions["sscmm"].publish_examples()
    yield app
    app.extensions["sscmm"].close()


@pytest.fixture(scope="module")
def token(app):
    return TokenStore(app.config["DATA_DIR"]).create(BRACKENFORD_CITY)[0]


def _known_values(app):
    """Values that name things that exist, mixed into the random ones."""
    store = app.extensions["sscmm"].store
    records = store.records()
    return [r.id for r in records] + [r.city_id for r in records] + [r.city for r in records] + \
        list(app.extensions["sscmm"].analyses) + ["y4904", "wego-tmf", "json", "ttl", "jsonld", "trig", "2023",
                                                  "-1", "99999999999999999999999", "1e999", "NaN", ""]


def _routes(app, method):
    return sorted(rule.rule for rule in app.url_map.iter_rules() if method in rule.methods)


def _check(response):
    """Never a 500; an error is a problem document (a page's form errors are pages); a
    redirect (werkzeug merges "//" in a path) stays on this service."""
    if response.status_code in (301, 308):
        assert response.headers["Location"].startswith(("/", "http://localhost/")), response.headers["Location"]
        return
    assert response.status_code in STATUSES, (response.status_code, response.get_data(as_text=True)[:2000])
    if response.status_code >= 400:
        assert response.mimetype == PROBLEM, (response.status_code, response.mimetype,
                                              response.get_data(as_text=True)[:500])
        problem = json.loads(response.get_data())
        assert problem["status"] == response.status_code and problem["detail"]


def _quoted(text):
    """Percent-encoded; a lone surrogate becomes bytes that are not UTF-8 (%ED%B3%BF)."""
    return quote(text, safe="", errors="surrogatepass")


def _segment(draw, values):
    raw = draw(st.one_of(TEXT.map(_quoted), st.sampled_from(PATH_TRICKS), st.sampled_from(values).map(_quoted)))
    return raw or "x"


def test_get_routes_with_random_parameters(app):
    client, values = app.test_client(), _known_values(app)
    store = app.extensions["sscmm"].store
    before = store.dump()
    value = st.one_of(TEXT, st.sampled_from(values), st.lists(st.sampled_from(SYNTAX), max_size=6).map("".join))

    @hsettings(max_examples=examples(300))
    @given(data=st.data())
    def check(data):
        rule = data.draw(st.sampled_from(_routes(app, "GET")))
        path = rule
        while "<" in path:
            start = path.index("<")
            path = path[:start] + _segment(data.draw, values) + path[path.index(">", start) + 1:]
        names = st.one_of(st.sampled_from(KNOWN_PARAMETERS), TEXT)
        params = data.draw(st.lists(st.tuples(names, value), max_size=4))
        query = "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in params)
        accept = data.draw(ACCEPT)
        with within(30):
            response = client.get(path + ("?" + query if query else ""),
                                  headers={"Accept": accept} if accept is not None else {})
        _check(response)

    check()
    assert store.dump() == before, "a GET changed the store"


#: Values for typed parameters: numbers of every shape, IRIs, KPI codes, and junk.
TYPED_VALUES = st.one_of(
    st.integers(-10**30, 10**30).map(str), st.decimals(allow_nan=True).map(str), st.floats().map(repr),
    st.sampled_from(["1e999999999", "-0", "+5", "0x10", "１２", "2023", "10", "0", "", " ", "EC:ICT:ICT:1C",
                     "EC-ICT-ICT-1C", "ec: ict: ict: 1c", "XX:YY:ZZ:1C", BRACKENFORD_CITY, "http://a", "urn:x",
                     "http://a b", "<http://a>", "y4904", "wego-tmf", "\x00", "'", '"', "} DROP ALL {"]),
    TEXT)


NUMBERS = st.one_of(st.integers(-10**25, 10**25).map(str), st.sampled_from(["2021", "2022", "2023", "1", "0", "-1",
                                                                              "1e999999999", "99999999999999999999"]))
#: Values of each analysis parameter type, mostly well-formed, so the query is reached.
BY_TYPE = {"integer": NUMBERS, "decimal": NUMBERS | st.decimals(allow_nan=False).map(str),
           "iri": st.sampled_from([BRACKENFORD_CITY, "https://data.saltmere.example/ssc/city", "http://a"]),
           "kpi": st.sampled_from(["EC:ICT:ICT:1C", "EN-EN-AQ-1C", "SC: EH: ED: 5A", "EC:I:WS:3C"]),
           "string": st.sampled_from(["y4904", "wego-tmf", "none"])}


@pytest.mark.parametrize("name", sorted(load_analyses()))
def test_analyses_with_random_parameter_values(app, name):
    client, analysis = app.test_client(), app.extensions["sscmm"].analyses[name]

    @hsettings(max_examples=examples(25))
    @given(data=st.data())
    def check(data):
        params = {}
        for parameter in analysis.parameters:  # each given four times in five, three in four of its type
            if data.draw(st.integers(0, 4)):
                params[parameter.name] = data.draw(BY_TYPE[parameter.type] if data.draw(st.integers(0, 3))
                                                   else TYPED_VALUES)
        if data.draw(st.integers(0, 9)) == 0:
            params[data.draw(TEXT)] = "x"  # a parameter the analysis does not take
        query = "&".join(f"{_quoted(k)}={_quoted(v)}" for k, v in params.items())
        with within(30):
            response = client.get(f"/analysis/{name}?{query}",
                                  headers={"Accept": data.draw(st.sampled_from(["application/json", "text/csv"]))})
        _check(response)

    check()


SPARQL_QUERIES = ["ASK {}", "SELECT * WHERE { ?s ?p ?o } LIMIT 5", "CONSTRUCT WHERE { ?s a ?o } LIMIT 3",
                  "DESCRIBE <https://data.brackenford.example/ssc/city>",
                  "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"]


def test_sparql_protocol_with_random_requests(app):
    client = app.test_client()
    graph_iri = st.one_of(TYPED_VALUES, st.sampled_from(["urn:sscmm:catalogue", "urn:sscmm:model"]))

    @hsettings(max_examples=examples(100))
    @given(data=st.data())
    def check(data):
        query = data.draw(st.sampled_from(SPARQL_QUERIES).map(str.encode).flatmap(mutated)
                          | st.sampled_from(SPARQL_QUERIES).map(str.encode)).decode("utf-8", "replace")
        params = [("query", query)] + [(name, data.draw(graph_iri)) for name in data.draw(st.lists(
            st.sampled_from(["default-graph-uri", "named-graph-uri"]), max_size=3))]
        accept = data.draw(ACCEPT)
        headers = {"Accept": accept} if accept is not None else {}
        with within(30):
            if data.draw(st.booleans()):
                response = client.get("/sparql?" + "&".join(f"{k}={_quoted(v)}" for k, v in params), headers=headers)
            else:
                response = client.post("/sparql", data=dict(params), headers=headers)
        _check(response)

    check()


def _rdf_bodies():
    return {fmt: [parse_file(EXAMPLES / name).serialize(format=fmt).encode("utf-8")
                  for name in ("brackenford.ttl", "ostervik.ttl")] for fmt in FORMATS}


BODY_TYPES = [media for _fmt, _ext, media in FORMATS.values()] + ["application/json", "text/plain", "",
                                                                  "multipart/form-data; boundary=x",
                                                                  "application/x-www-form-urlencoded"]


def test_post_assess_with_edited_bodies(app):
    client, bodies = app.test_client(), _rdf_bodies()
    store = app.extensions["sscmm"].store
    before = store.dump()

    @hsettings(max_examples=examples(40))
    @given(data=st.data())
    def check(data):
        fmt = data.draw(st.sampled_from(sorted(bodies)))
        body = data.draw(st.sampled_from(bodies[fmt]).flatmap(mutated))
        content_type = data.draw(st.sampled_from([FORMATS[fmt][2]] * 4 + BODY_TYPES))
        query = data.draw(st.sampled_from(["", "?model=wego-tmf", "?model=%00", "?model="]))
        with within(60):
            response = client.post("/assess" + query, data=body, content_type=content_type,
                                   headers={"Accept": data.draw(st.sampled_from(["application/json", "text/turtle"]))})
        _check(response)

    check()
    assert store.dump() == before, "POST /assess changed the store"


def test_publish_with_edited_bodies(app, token):
    """A refused publication leaves the store as it was; an accepted one adds its record."""
    client, store = app.test_client(), app.extensions["sscmm"].store
    brackenford = (EXAMPLES / "brackenford.ttl").read_bytes()
    renamed = iter(range(10**6))

    @hsettings(max_examples=examples(30))
    @given(data=st.data())
    def check(data):
        body = data.draw(mutated(brackenford))
        if data.draw(st.booleans()):  # a new assessment IRI, so an intact graph can be published
            body = body.replace(b":assessment-2024 ", f":assessment-fuzz-{next(renamed)} ".encode(), 1)
        authorization = data.draw(st.sampled_from([f"Bearer {token}"] * 3 + ["", "Bearer", f"bearer {token}x",
                                                                             "Basic dXNlcjpwYXNz", f"Bearer  {token}"]))
        before = store.dump()
        with within(60):
            response = client.post("/assessments", data=body, content_type="text/turtle",
                                   headers={"Authorization": authorization})
        _check(response)
        if response.status_code == 201:
            record = response.get_json()
            assert store.is_listed(record["id"]) and record["city"]["iri"] == BRACKENFORD_CITY
            assert store.dump() != before
        else:
            assert store.dump() == before, f"a refused publication ({response.status_code}) changed the store"

    check()


def test_post_routes_with_random_bodies(app, token):
    client, store = app.test_client(), app.extensions["sscmm"].store
    before = store.dump()
    routes = _routes(app, "POST")
    assert {"/assess", "/assessments", "/import", "/report", "/sparql"} <= set(routes)
    content_types = BODY_TYPES + ["application/sparql-query", "application/sparql-update", "text/csv",
                                  "application/zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]

    @hsettings(max_examples=examples(150))
    @given(data=st.data())
    def check(data):
        route = data.draw(st.sampled_from(routes))
        query = data.draw(st.sampled_from(["", "?assess=1", "?model=y4904", "?query=ASK%7B%7D", "?update=x"]))
        headers = {"Authorization": f"Bearer {token}"} if data.draw(st.booleans()) else {}
        with within(60):
            if data.draw(st.booleans()):  # a form, as browsers and curl -F send
                fields = data.draw(st.dictionaries(st.sampled_from(["file", "turtle", "model", "query", "x"]),
                                                   TEXT, max_size=3))
                form = {k: v for k, v in fields.items() if k != "file"}
                if "file" in fields:
                    name = data.draw(st.sampled_from(["a.ttl", "a.xlsx", "a.csv", "City.csv", "a.zip", "a", "", "a.jsonld"]))
                    form["file"] = (io.BytesIO(data.draw(st.binary(max_size=300))), name)
                response = client.post(route + query, data=form, headers=headers)
            else:
                body = data.draw(st.binary(max_size=600) | TEXT.map(str.encode))
                response = client.post(route + query, data=body, content_type=data.draw(st.sampled_from(content_types)),
                                       headers=headers)
        if route == "/report":  # the index page's form shows its errors in the page
            assert response.status_code in {200, 400, 413, 415, 422}, response.status_code
        else:
            _check(response)

    check()
    assert store.dump() == before, "a refused POST changed the store"


def test_some_requests_succeed(app, token):
    """The properties above are not met by refusing everything."""
    client = app.test_client()
    assert client.get("/cities").status_code == 200
    assert client.post("/assess", data=(EXAMPLES / "ostervik.ttl").read_bytes(), content_type="text/turtle").status_code == 200
    assert client.get("/sparql?query=ASK%7B%7D").status_code == 200

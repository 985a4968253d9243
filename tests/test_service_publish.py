"""Publishing (POST /assessments) through Flask's test client, on a real store in a tmp
dir: tokens, every refusal leaving the store byte for byte as it was, concurrent
publishes, and a reopened data directory keeping everything. Tokens from the CLI too."""

import gc
import io
import json
import threading

import pyoxigraph as ox
import pytest

from sscmm.tokens import TokenStore

from .conftest import make_app, run_cli
from .service_support import BRACKENFORD_CITY, SALTMERE_CITY, brackenford_variant, example

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("publish-data"))
    yield app
    app.extensions["sscmm"].close()


@pytest.fixture(scope="module")
def tokens(app):
    store = app.extensions["sscmm"].tokens
    return {"brackenford": store.create(BRACKENFORD_CITY)[0], "saltmere": store.create(SALTMERE_CITY)[0]}


@pytest.fixture
def client(app):
    return app.test_client()


def _dump(app):
    return app.extensions["sscmm"].store.store.dump(format=ox.RdfFormat.N_QUADS)


def _publish(client, token, body, content_type="text/turtle", path="/assessments"):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return client.post(path, data=body, content_type=content_type, headers=headers)


def test_publish_then_read_back(client, tokens):
    response = _publish(client, tokens["saltmere"], example("saltmere.ttl"))
    assert response.status_code == 201, response.get_data(as_text=True)
    record = response.get_json()
    assert response.headers["Location"] == f"/assessments/{record['id']}" == record["link"]
    assert record["overall_level"]["order"] == 2 and record["city"]["iri"] == SALTMERE_CITY
    stored = client.get(response.headers["Location"]).get_json()
    assert stored["overall_level"]["order"] == 2 and stored["assessment"]["iri"] == record["assessment"]
    city = client.get(record["city"]["link"]).get_json()
    assert [a["id"] for a in city["assessments"]] == [record["id"]]
    assert city["latest"]["published"] == record["published"]


def test_a_later_assessment_becomes_the_citys_latest(client, tokens):
    first = _publish(client, tokens["brackenford"], brackenford_variant("early")).get_json()
    later = brackenford_variant("later").replace('"2024-03-15"^^xsd:date', '"2025-03-15"^^xsd:date')
    second = _publish(client, tokens["brackenford"], later)
    assert second.status_code == 201
    city = client.get(second.get_json()["city"]["link"]).get_json()
    dates = [a["date"] for a in city["assessments"]]
    assert dates == sorted(dates) and "2025-03-15" in dates
    assert city["latest"]["id"] == second.get_json()["id"] != first["id"]


def test_a_city_with_several_names_has_the_same_name_everywhere(client, tokens):
    text = brackenford_variant("names").replace(":city a sscmm:City ;",
                                                ':city a sscmm:City ; <http://www.w3.org/2004/02/skos/core#prefLabel> "Zed town"@nb, "Alder town"@en ;')
    text = text.replace('"2024-03-15"^^xsd:date', '"2026-03-15"^^xsd:date')  # the city's latest assessment
    response = _publish(client, tokens["brackenford"], text)
    assert response.status_code == 201, response.get_data(as_text=True)
    record = response.get_json()
    stored = client.get(record["link"]).get_json()
    cities = {c["iri"]: c["name"] for c in client.get("/cities").get_json()["cities"]}
    assert record["city"]["name"] == stored["city"]["name"] == cities[BRACKENFORD_CITY] == "Alder town"


@pytest.mark.parametrize("headers, error", [
    ({}, None), ({"Authorization": "Basic dXNlcjpwYXNz"}, None), ({"Authorization": "Bearer "}, None),
    ({"Authorization": "Bearer not-a-token"}, "invalid_token")])
def test_no_valid_token_is_401_and_changes_nothing(app, client, headers, error):
    before = _dump(app)
    response = client.post("/assessments", data=example("saltmere.ttl"), content_type="text/turtle", headers=headers)
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert (f'error="{error}"' in response.headers["WWW-Authenticate"]) == (error is not None)
    assert _dump(app) == before


def test_revoked_token_is_401(app, client):
    token_store = app.extensions["sscmm"].tokens
    token, token_id = token_store.create(BRACKENFORD_CITY)
    assert token_store.revoke(token_id)
    before = _dump(app)
    assert _publish(client, token, brackenford_variant("revoked")).status_code == 401
    assert _dump(app) == before


def test_token_for_another_city_is_403_and_changes_nothing(app, client, tokens):
    before = _dump(app)
    response = _publish(client, tokens["brackenford"], example("exampleton.ttl"))
    assert response.status_code == 403 and response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["city"] == "https://data.exampleton.example/ssc/city" and problem["token_city"] == BRACKENFORD_CITY
    assert _dump(app) == before


def test_input_errors_are_422_and_change_nothing(app, client, tokens):
    before = _dump(app)
    body = brackenford_variant("invalid").replace('"2024-03-15"^^xsd:date', '"someday"')
    response = _publish(client, tokens["brackenford"], body)
    assert response.status_code == 422 and response.get_json()["errors"]
    assert _dump(app) == before


def test_republishing_is_409_and_changes_nothing(app, client, tokens):
    body = brackenford_variant("twice")
    first = _publish(client, tokens["brackenford"], body)
    assert first.status_code == 201
    before = _dump(app)
    again = _publish(client, tokens["brackenford"], body)
    assert again.status_code == 409 and again.get_json()["link"] == first.headers["Location"]
    assert _dump(app) == before


@pytest.mark.parametrize("body, content_type, status", [
    ("@prefix : <https://example.org/> .\n:a :b", "text/turtle", 400),
    ("a,b", "text/csv", 415)])
def test_unreadable_bodies_change_nothing(app, client, tokens, body, content_type, status):
    before = _dump(app)
    assert _publish(client, tokens["saltmere"], body, content_type).status_code == status
    assert _dump(app) == before


def test_body_over_the_limit_is_413_and_changes_nothing(app, client, tokens, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 500)
    before = _dump(app)
    response = _publish(client, tokens["brackenford"], brackenford_variant("large"))
    assert response.status_code == 413 and response.mimetype == PROBLEM
    assert _dump(app) == before


def test_multipart_publish(client, tokens):
    upload = {"file": (io.BytesIO(brackenford_variant("upload").encode("utf-8")), "brackenford.ttl")}
    response = client.post("/assessments", data=upload, content_type="multipart/form-data",
                           headers={"Authorization": f"Bearer {tokens['brackenford']}"})
    assert response.status_code == 201


def test_concurrent_publishes_all_land(app, tokens):
    count = 8
    statuses, errors = [], []

    def publish(index):
        try:
            statuses.append(_publish(app.test_client(), tokens["brackenford"],
                                     brackenford_variant(f"concurrent-{index}")).status_code)
        except Exception as err:  # noqa: BLE001 - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=publish, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and statuses == [201] * count
    records = app.extensions["sscmm"].store.records()
    published = {r.assessment for r in records}
    for index in range(count):
        assert f"https://data.brackenford.example/ssc/assessment-2024-vconcurrent-{index}" in published
    store = app.extensions["sscmm"].store.store
    sizes = {len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(f"urn:sscmm:assessment:{r.id}"))))
             for r in records if "vconcurrent" in r.assessment}
    assert sizes == {len(list(store.quads_for_pattern(None, None, None, ox.NamedNode(
        f"urn:sscmm:assessment:{records[0].id}"))))}


def test_a_reopened_data_directory_keeps_everything(tmp_path):
    app = make_app(tmp_path)
    token = app.extensions["sscmm"].tokens.create(BRACKENFORD_CITY)[0]
    location = _publish(app.test_client(), token, brackenford_variant("kept")).headers["Location"]
    before = _dump(app)
    app.extensions["sscmm"].close()
    del app
    gc.collect()

    reopened = make_app(tmp_path)
    try:
        client = reopened.test_client()
        assert _dump(reopened) == before
        assert client.get(location).get_json()["overall_level"]["order"] == 0
        assert _publish(client, token, brackenford_variant("after-restart")).status_code == 201  # token kept too
        assert client.get("/health").get_json()["assessments"] == 2
    finally:
        reopened.extensions["sscmm"].close()


# -- tokens ---------------------------------------------------------------------------------

def test_only_the_tokens_hash_is_stored(tmp_path):
    store = TokenStore(tmp_path)
    token, token_id = store.create(SALTMERE_CITY)
    text = (tmp_path / "tokens.json").read_text(encoding="utf-8")
    assert token not in text and token_id in text
    assert token.startswith("sscmm_")  # never "-": a command line would take it for an option
    assert store.city_for(token) == SALTMERE_CITY and store.city_for(token + "x") is None
    assert (tmp_path / "tokens.json").stat().st_mode & 0o077 == 0


def test_token_cli_create_list_revoke(tmp_path):
    created = run_cli("token", "create", "--city", SALTMERE_CITY, "--data-dir", str(tmp_path))
    assert created.returncode == 0, created.stderr
    token = created.stdout.strip()
    assert TokenStore(tmp_path).city_for(token) == SALTMERE_CITY
    listed = run_cli("token", "list", "--data-dir", str(tmp_path))
    assert SALTMERE_CITY in listed.stdout and "live" in listed.stdout and token not in listed.stdout
    assert run_cli("token", "revoke", token, "--data-dir", str(tmp_path)).returncode == 0
    assert TokenStore(tmp_path).city_for(token) is None
    assert run_cli("token", "revoke", token, "--data-dir", str(tmp_path)).returncode == 1
    entries = json.loads((tmp_path / "tokens.json").read_text(encoding="utf-8"))["tokens"]
    assert entries[0]["revoked"] is not None


def test_publish_against_the_model_named_in_the_query(client, tokens):
    response = _publish(client, tokens["brackenford"], brackenford_variant("wego"), path="/assessments?model=wego-tmf")
    assert response.status_code == 201, response.get_data(as_text=True)
    record = response.get_json()
    wego = "https://w3id.org/sscmm/model/wego-tmf/model"
    assert record["model"] == wego and record["overall_level"]["iri"].startswith("https://w3id.org/sscmm/model/wego-tmf/")
    stored = client.get(record["link"], headers={"Accept": "application/json"}).get_json()
    assert stored["model"]["name"] == "wego-tmf"
    listed = [a for a in client.get(record["city"]["link"]).get_json()["assessments"] if a["id"] == record["id"]]
    assert [a["model"] for a in listed] == [wego]
    unknown = _publish(client, tokens["brackenford"], brackenford_variant("nope"), path="/assessments?model=nope")
    assert unknown.status_code == 400 and unknown.get_json()["type"].endswith("unknown-model")

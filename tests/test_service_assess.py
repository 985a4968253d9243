"""POST /assess through Flask's test client: every input format, multipart, the answers
as JSON and RDF, every error, the input-safety rules; and that nothing is stored."""

import io

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from sscmm.namespaces import SSCMM
from sscmm.rdfio import parse_file

from .service_support import EXAMPLES, example, recording_server
from .test_examples import EXPECTED

PROBLEM = "application/problem+json"
RDF_TYPES = {"turtle": "text/turtle", "trig": "application/trig", "json-ld": "application/ld+json",
             "nt": "application/n-triples", "xml": "application/rdf+xml"}


def _dump(app):
    return app.extensions["sscmm"].store.store.dump(format=ox.RdfFormat.N_QUADS)


def _aspects(result):
    return {a["name"]: a["level"]["order"] for a in result["aspects"]}


@pytest.mark.parametrize("fmt", sorted(RDF_TYPES))
def test_every_rdf_format_gives_the_example_levels(demo_client, fmt):
    body = parse_file(EXAMPLES / "saltmere.ttl").serialize(format=fmt)
    response = demo_client.post("/assess", data=body, content_type=RDF_TYPES[fmt])
    assert response.status_code == 200 and response.mimetype == "application/json", response.get_data(as_text=True)
    result = response.get_json()
    assert _aspects(result) == EXPECTED["saltmere.ttl"]["aspects"]
    assert result["overall_level"]["order"] == EXPECTED["saltmere.ttl"]["overall"]


def test_multipart_file_by_its_name(demo_client):
    data = {"file": (io.BytesIO(example("karmoy.ttl").encode("utf-8")), "karmoy.ttl", "application/octet-stream")}
    response = demo_client.post("/assess", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert _aspects(response.get_json()) == EXPECTED["karmoy.ttl"]["aspects"]


def test_json_answer_equals_the_cli_json(demo_client):
    from sscmm.engine import assess

    response = demo_client.post("/assess", data=example("ostervik.ttl"), content_type="text/turtle")
    expected = assess(parse_file(EXAMPLES / "ostervik.ttl")).to_json()
    assert response.get_data(as_text=True) == expected


@pytest.mark.parametrize("media_type, fmt", [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_rdf_answer_has_the_report_and_the_levels(demo_client, media_type, fmt):
    response = demo_client.post("/assess", data=example("exampleton.ttl"), content_type="text/turtle",
                                headers={"Accept": media_type})
    assert response.status_code == 200 and response.mimetype == media_type
    graph = Graph().parse(data=response.get_data(as_text=True), format=fmt)
    assessment = URIRef("https://data.exampleton.example/ssc/assessment-2024")
    assert (assessment, SSCMM.attainedLevel, URIRef("https://w3id.org/sscmm/model/y4904/level-5")) in graph
    assert (None, None, URIRef("http://www.w3.org/ns/shacl#ValidationReport")) in graph


def test_assess_stores_nothing(demo_app, demo_client):
    before = _dump(demo_app)
    assert demo_client.post("/assess", data=example("rivenport.ttl"), content_type="text/turtle").status_code == 200
    assert _dump(demo_app) == before


@pytest.mark.parametrize("content_type", ["text/turtle", "application/trig"])
def test_parse_error_is_400_with_line_and_column(demo_client, content_type):
    body = "@prefix : <https://example.org/> .\n:a :b :c ;\n  :d .\n"
    response = demo_client.post("/assess", data=body, content_type=content_type)
    assert response.status_code == 400 and response.mimetype == PROBLEM
    problem = response.get_json()
    assert problem["type"].endswith("/parse-error")
    assert (problem["line"], problem["column"]) == (3, 5)


def test_json_syntax_error_has_line_and_column(demo_client):
    response = demo_client.post("/assess", data='{\n  "@id": "x",\n  oops\n}', content_type="application/ld+json")
    assert response.status_code == 400
    assert (response.get_json()["line"], response.get_json()["column"]) == (3, 3)


def test_iri_the_store_cannot_hold_is_400(demo_client):
    body = ('<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
            '<rdf:Description rdf:about="https://example.org/a b"><rdf:type rdf:resource="https://example.org/C"/>'
            "</rdf:Description></rdf:RDF>")
    response = demo_client.post("/assess", data=body, content_type="application/rdf+xml")
    assert response.status_code == 400 and "cannot be stored as RDF" in response.get_json()["detail"]


def test_iri_with_a_space_in_turtle_is_a_located_400(demo_client):
    response = demo_client.post("/assess", data="<https://example.org/p> a 1 .\n<https://example.org/a b> <https://example.org/p> 1 .",
                                content_type="text/turtle")
    problem = response.get_json()
    assert response.status_code == 400 and "Invalid IRI" in problem["detail"] and problem["line"] == 2


def test_input_errors_are_422_with_the_errors(demo_client):
    body = example("exampleton.ttl").replace('sscmm:assessmentDate "2024-06-30"^^xsd:date',
                                             'sscmm:assessmentDate "last summer"')
    response = demo_client.post("/assess", data=body, content_type="text/turtle")
    assert response.status_code == 422 and response.mimetype == PROBLEM
    errors = response.get_json()["errors"]
    assert any(e["field"] == "sscmm:assessmentDate" and e["value"] == "last summer" for e in errors), errors


def test_unsupported_media_type_is_415(demo_client):
    response = demo_client.post("/assess", data="a,b\n1,2\n", content_type="text/csv")
    assert response.status_code == 415 and response.mimetype == PROBLEM
    assert "text/turtle" in response.get_json()["supported"]
    upload = {"file": (io.BytesIO(b"a,b"), "values.csv", "application/octet-stream")}
    assert demo_client.post("/assess", data=upload, content_type="multipart/form-data").status_code == 415


def test_multipart_without_a_file_is_400(demo_client):
    response = demo_client.post("/assess", data={"note": "no file"}, content_type="multipart/form-data")
    assert response.status_code == 400 and response.get_json()["type"].endswith("/no-file")


def test_unacceptable_answer_type_is_406(demo_client):
    response = demo_client.post("/assess", data=example("ostervik.ttl"), content_type="text/turtle",
                                headers={"Accept": "text/csv"})
    assert response.status_code == 406 and response.mimetype == PROBLEM


def test_unknown_model_is_400(demo_client):
    response = demo_client.post("/assess?model=nope", data=example("ostervik.ttl"), content_type="text/turtle")
    assert response.status_code == 400 and "no model named 'nope'" in response.get_json()["detail"]


def test_body_over_the_limit_is_413(demo_app, demo_client, monkeypatch):
    monkeypatch.setitem(demo_app.config, "MAX_CONTENT_LENGTH", 1000)
    response = demo_client.post("/assess", data=example("exampleton.ttl"), content_type="text/turtle")
    assert response.status_code == 413 and response.mimetype == PROBLEM
    upload = {"file": (io.BytesIO(example("exampleton.ttl").encode()), "exampleton.ttl", "text/turtle")}
    assert demo_client.post("/assess", data=upload, content_type="multipart/form-data").status_code == 413


# -- input safety ----------------------------------------------------------------------------

def test_json_ld_remote_context_is_never_fetched(demo_client):
    with recording_server() as (base, requested):
        body = f'{{"@context": "{base}/context.jsonld", "@id": "https://example.org/a", "name": "A"}}'
        response = demo_client.post("/assess", data=body, content_type="application/ld+json")
    assert response.status_code == 400 and "is not read" in response.get_json()["detail"]
    assert requested == []


def test_owl_imports_is_not_followed(demo_client):
    with recording_server() as (base, requested):
        imports = f"<https://data.ostervik.example/ssc/> <http://www.w3.org/2002/07/owl#imports> <{base}/more.ttl> ."
        body = example("ostervik.ttl") + "\n" + imports + "\n"
        response = demo_client.post("/assess", data=body, content_type="text/turtle")
    assert response.status_code == 200
    assert response.get_json()["overall_level"]["order"] == EXPECTED["ostervik.ttl"]["overall"]
    assert requested == []


@pytest.mark.parametrize("declaration", [
    '<!ENTITY secret SYSTEM "file:///etc/hostname">',
    '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'])
def test_rdf_xml_entities_are_not_expanded(demo_client, declaration):
    body = (f'<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ {declaration} ]>\n'
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="https://example.org/">\n'
            '<rdf:Description rdf:about="https://example.org/a"><ex:p>&c;</ex:p></rdf:Description></rdf:RDF>')
    response = demo_client.post("/assess", data=body, content_type="application/rdf+xml")
    assert response.status_code == 400
    problem = response.get_json()
    assert "entity declarations are not accepted" in problem["detail"] and problem["line"] == 2

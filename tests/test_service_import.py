"""POST /import and GET /context.jsonld, through Flask's test client and over real HTTP."""

import io
import json
import zipfile

import requests
from rdflib import Graph
from rdflib.compare import isomorphic
from sscmm.context import CONTEXT_IRI
from sscmm.rdfio import parse_file
from sscmm.workbook import WorkbookVocabulary, export

from .service_support import EXAMPLES, running
from .workbook_support import save_as_csv, workbook_bytes

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _saltmere_xlsx(model):
    return workbook_bytes(export(parse_file(EXAMPLES / "saltmere.ttl"), WorkbookVocabulary(model)))


def test_import_xlsx_gives_the_graph(demo_client, shipped_model):
    response = demo_client.post("/import", data=_saltmere_xlsx(shipped_model), content_type=XLSX,
                                headers={"Accept": "text/turtle"})
    assert response.status_code == 200, response.get_data(as_text=True)
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    assert isomorphic(graph, parse_file(EXAMPLES / "saltmere.ttl"))


def test_import_with_assess_gives_the_result(demo_client, shipped_model):
    response = demo_client.post("/import?assess=1", data={"file": (io.BytesIO(_saltmere_xlsx(shipped_model)),
                                                                    "saltmere.xlsx")})
    assert response.status_code == 200
    assert response.get_json()["overall_level"]["order"] == 2  # as data/examples/saltmere.ttl says


def test_import_zip_of_csv(demo_client, shipped_model, tmp_path):
    folder = save_as_csv(export(parse_file(EXAMPLES / "karmoy.ttl"), WorkbookVocabulary(shipped_model)), tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.glob("*.csv"):
            archive.write(path, path.name)
    response = demo_client.post("/import", data=buffer.getvalue(), content_type="application/zip",
                                headers={"Accept": "text/turtle"})
    assert response.status_code == 200
    assert isomorphic(Graph().parse(data=response.get_data(as_text=True), format="turtle"),
                      parse_file(EXAMPLES / "karmoy.ttl"))


def test_import_errors(demo_client, shipped_model):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(_saltmere_xlsx(shipped_model)))
    wb["KPIs"]["K2"] = "9o"
    response = demo_client.post("/import", data=workbook_bytes(wb), content_type=XLSX)
    assert response.status_code == 422 and response.mimetype == "application/problem+json"
    assert {"sheet": "KPIs", "cell": "K2", "message": "'9o' is not a number"} in response.get_json()["errors"]
    assert demo_client.post("/import", data=b"a,b", content_type="text/plain").status_code == 415
    broken = demo_client.post("/import", data=b"not a workbook", content_type=XLSX)
    assert broken.status_code == 422 and "not a readable .xlsx" in broken.get_json()["errors"][0]["message"]


def test_import_too_large(tmp_path, shipped_model):
    from .conftest import make_app

    app = make_app(tmp_path, MAX_CONTENT_LENGTH=1000)
    try:
        response = app.test_client().post("/import", data=_saltmere_xlsx(shipped_model), content_type=XLSX)
        assert response.status_code == 413
    finally:
        app.extensions["sscmm"].close()


def test_context_and_plain_json(demo_client):
    response = demo_client.get("/context.jsonld")
    assert response.status_code == 200 and response.mimetype == "application/ld+json"
    ctx = response.get_json()["@context"]
    assert ctx["kpiValue"]["@id"] == "https://w3id.org/sscmm/ontology#kpiValue"
    body = json.loads((EXAMPLES.parent.parent / "docs" / "plain-city.json").read_text())
    plain = demo_client.post("/assess", data=json.dumps(body), content_type="application/json")
    assert plain.status_code == 200, plain.get_data(as_text=True)
    named = demo_client.post("/assess", data=json.dumps({"@context": CONTEXT_IRI, **body}),
                             content_type="application/ld+json")
    assert named.status_code == 200
    assert plain.get_json()["overall_level"] == named.get_json()["overall_level"]


def test_import_over_http(tmp_path, shipped_model):
    with running(tmp_path / "data") as server:
        response = requests.post(f"{server.url}/import?assess=1",
                                 files={"file": ("s.xlsx", _saltmere_xlsx(shipped_model), XLSX)}, timeout=60)
        assert response.status_code == 200 and response.json()["overall_level"]["order"] == 2
        context = requests.get(f"{server.url}/context.jsonld", timeout=10)
        assert context.headers["Content-Type"].startswith("application/ld+json")

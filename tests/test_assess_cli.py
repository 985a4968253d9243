"""`sscmm assess` as a user runs it: every input format, every output format, exit codes."""

import json

import pytest
from rdflib import Dataset, Graph, URIRef

import sscmm
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file

from .conftest import run_cli

EXAMPLE = ROOT / "data" / "examples" / "exampleton.ttl"


def test_table_output():
    result = run_cli("assess", str(EXAMPLE))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Exampleton: overall level 5 (Optimization)")
    assert "KPI performance by dimension" in result.stdout


def test_json_output_has_the_documented_keys():
    result = run_cli("assess", str(EXAMPLE), "--format", "json")
    assert result.returncode == 0
    data = json.loads(result.stdout)
    assert {"city", "assessment", "model", "overall_level", "aspects", "dimensions", "levels", "kpis",
            "actions", "input_errors", "engine"} <= set(data)
    assert data["model"]["iri"] == "https://w3id.org/sscmm/model/y4904/model" and data["model"]["version"] == "1.0.0"
    level = data["levels"][1]
    assert {"level", "name", "attained", "criteria"} <= set(level)
    assert {"aspect", "id", "satisfied", "message", "suggested_action"} <= set(level["criteria"][0])
    kpi = data["kpis"][0]
    assert {"code", "latest_value", "unit", "targets", "met", "change_since_baseline"} <= set(kpi)
    assert data["engine"]["validator"].startswith("pyshacl ")


def test_turtle_output_has_report_result_and_provenance():
    result = run_cli("assess", str(EXAMPLE), "--format", "turtle")
    assert result.returncode == 0
    graph = Graph().parse(data=result.stdout, format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    prov = "http://www.w3.org/ns/prov#"
    assert any(graph.subjects(None, URIRef(sh + "ValidationReport")))
    run = next(graph.subjects(None, URIRef(prov + "Activity")))
    assert (run, URIRef(prov + "used"), URIRef("https://w3id.org/sscmm/model/y4904/model")) in graph
    assert (URIRef("https://data.exampleton.example/ssc/assessment-2024"),
            URIRef("https://w3id.org/sscmm/ontology#attainedLevel"),
            URIRef("https://w3id.org/sscmm/model/y4904/level-5")) in graph


@pytest.mark.parametrize("fmt,suffix", [("trig", ".trig"), ("json-ld", ".jsonld"), ("nt", ".nt"), ("xml", ".rdf")])
def test_every_input_format_gives_the_same_levels(tmp_path, fmt, suffix):
    graph = parse_file(EXAMPLE)
    path = tmp_path / f"city{suffix}"
    if fmt == "trig":
        dataset = Dataset()
        named = dataset.graph(URIRef("https://data.exampleton.example/ssc/graph"))
        named += graph
        path.write_text(dataset.serialize(format="trig"), encoding="utf-8")
    else:
        path.write_text(graph.serialize(format=fmt), encoding="utf-8")
    result = run_cli("assess", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["overall_level"]["order"] == 5


def test_input_format_option_overrides_the_extension(tmp_path):
    path = tmp_path / "city.txt"
    path.write_bytes(EXAMPLE.read_bytes())
    assert run_cli("assess", str(path)).returncode == 2
    assert run_cli("assess", str(path), "--input-format", "turtle").returncode == 0


def test_parse_error_names_the_line(tmp_path):
    path = tmp_path / "broken.ttl"
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith(":goal-economy"))
    lines[number - 1] = lines[number - 1].replace(" ; ", " ;; ; ", 1).replace("skos:prefLabel", "skos:prefLabel ]")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("assess", str(path))
    assert result.returncode == 1
    assert f"line {number}" in result.stderr, result.stderr


def test_json_parse_error_names_line_and_column(tmp_path):
    path = tmp_path / "broken.jsonld"
    path.write_text('{\n  "@id": "x:a",\n  "x:b": [1, 2,,]\n}\n', encoding="utf-8")
    result = run_cli("assess", str(path))
    assert result.returncode == 1
    assert "line 3, column" in result.stderr, result.stderr


def test_input_errors_exit_1_and_are_listed(tmp_path):
    path = tmp_path / "city.ttl"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace("sscmm:kpiValue 96.2", 'sscmm:kpiValue "96,2"'),
                    encoding="utf-8")
    result = run_cli("assess", str(path), "--format", "json")
    assert result.returncode == 1
    errors = json.loads(result.stdout)["input_errors"]
    assert any(e["node"] == ":obs-internet-2023" and e["kpi"] == "EC:ICT:ICT:1C" and e["field"] == "sscmm:kpiValue"
               for e in errors), errors
    assert "obs-internet-2023, KPI EC:ICT:ICT:1C, sscmm:kpiValue" in result.stderr


def test_remote_json_ld_context_is_never_fetched(tmp_path):
    path = tmp_path / "city.jsonld"
    path.write_text('{"@context": "http://127.0.0.1:9/context.jsonld", "@id": "x:a", "name": "A"}', encoding="utf-8")
    result = run_cli("assess", str(path))
    assert result.returncode == 1
    assert "is not read" in result.stderr, result.stderr


@pytest.mark.parametrize("args", [[], ["nowhere.ttl"], [str(EXAMPLE), "--format", "yaml"], [str(EXAMPLE), "--model", "nope"],
                                  [str(EXAMPLE), "--input-format", "csv"]])
def test_usage_errors_exit_2(args):
    result = run_cli("assess", *args)
    assert result.returncode == 2, result.stdout + result.stderr


def test_library_api():
    result = sscmm.assess(parse_file(EXAMPLE))
    assert result.valid
    assert result.as_dict()["overall_level"]["order"] == 5
    assert json.loads(result.to_json()) == result.as_dict()

"""`sscmm model stats`: the counts the issue and the brief state, read from the data."""

import json

from .conftest import run_cli


def test_stats_json_reports_the_shipped_model():
    result = run_cli("model", "stats", "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["model"]["name"] == "y4904"
    assert stats["levels"] == 6 and stats["level_orders"] == [0, 1, 2, 3, 4, 5]
    assert stats["aspects"] == 6
    assert stats["achievements"] == 30
    assert stats["procedure_steps"] == 5
    assert stats["kpis"]["total"] == 91
    assert stats["kpis"]["core"] == 55 and stats["kpis"]["advanced"] == 36
    assert stats["kpis"]["by_dimension"] == {"Economy": 45, "Environment": 17, "Society and Culture": 29}
    assert stats["dimensions"] == 3 and stats["sub_dimensions"] == 7
    assert stats["categories"] == 27  # 22 names, repeated under several sub-dimensions
    assert stats["kpi_level_mappings"] == 91
    assert stats["data_points"] >= 20


def test_stats_table_is_readable():
    result = run_cli("model", "stats")
    assert result.returncode == 0
    assert "KPIs             91  (36 advanced, 55 core)" in result.stdout
    assert "achievements     30" in result.stdout


def test_unknown_model_name_is_a_usage_error():
    result = run_cli("model", "stats", "--model", "nope")
    assert result.returncode == 2
    assert "no model named 'nope'; the models are: wego-tmf, y4904" in result.stderr


def test_stats_follow_the_data_not_the_code(ontology_copy):
    """A revision that adds a level is counted without any code change."""
    path = ontology_copy / "y4904.ttl"
    path.write_text(path.read_text(encoding="utf-8") + """
y4904:level-6 a sscmm:MaturityLevel ; sscmm:inModel y4904:model ; sscmm:levelOrder 6 ;
    skos:prefLabel "Sixth"@en ; sscmm:levelGoal "Beyond."@en ;
    sscmm:contentStatus sscmm:Interpretation .
""", encoding="utf-8")
    stats = json.loads(run_cli("model", "stats", "--format", "json", str(ontology_copy)).stdout)
    assert stats["levels"] == 7 and stats["level_orders"][-1] == 6

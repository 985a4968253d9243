"""Nothing about a model is in the code: a toy model that exists only in a test fixture
(three levels, two aspects, its criteria next to its achievements) is assessed by the same
engine, with level shapes generated from its data on load."""

import pytest
from rdflib import Graph
from sscmm.engine import Engine
from sscmm.paths import ONTOLOGY_DIR

from .conftest import FIXTURES

CITY = """
@prefix : <https://data.velotown.example/> .
@prefix sscmm: <https://w3id.org/sscmm/ontology#> .
@prefix toy: <https://w3id.org/sscmm/test/toy/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:city a sscmm:City ; rdfs:label "Velotown" .
:assessment a sscmm:Assessment ; sscmm:forCity :city ; sscmm:usesModel toy:model ;
    sscmm:assessmentDate "2026-05-01"^^xsd:date .
"""


@pytest.fixture(scope="module")
def toy():
    return Engine("toy", paths=[ONTOLOGY_DIR / "sscmm.ttl", ONTOLOGY_DIR / "references.ttl", FIXTURES / "toy-model.ttl"])


def _assess(engine, facts):
    return engine.assess(Graph().parse(data=CITY + facts, format="turtle")).as_dict()


def _levels(result):
    return result["overall_level"]["order"], {a["name"]: a["level"]["order"] for a in result["aspects"]}


def test_the_toy_model_has_its_own_levels_aspects_and_criteria(toy):
    result = _assess(toy, "")
    assert result["model"]["name"] == "toy"
    assert [level["name"] for level in result["levels"]] == ["Car town", "Pedalling", "Cruising"]
    assert [a["name"] for a in result["aspects"]] == ["Lanes", "Parking"]
    assert sorted(c["id"].rsplit("/", 1)[1] for level in result["levels"] for c in level["criteria"]) == [
        "lanes-1", "lanes-2", "parking-1", "parking-2"]


def test_a_city_with_nothing_is_at_the_pre_maturity_level(toy):
    result = _assess(toy, "")
    assert _levels(result) == (0, {"Lanes": 0, "Parking": 0})
    assert [step["criterion"].rsplit("/", 1)[1] for step in result["actions"]] == ["lanes-1", "parking-1"]


def test_levels_per_aspect_and_overall_follow_the_toy_criteria(toy):
    facts = """
    :city toy:lanePlan :plan ; toy:townHallRacks :racks ; toy:stationParking :station .
    :plan toy:builtLane :l1 , :l2 , :l3 .
    :station toy:covered false .
    """
    result = _assess(toy, facts)
    assert _levels(result) == (1, {"Lanes": 2, "Parking": 1})
    failed = [c for level in result["levels"] for c in level["criteria"] if not c["satisfied"]]
    assert [c["id"].rsplit("/", 1)[1] for c in failed] == ["parking-2"]
    assert failed[0]["message"] == "The city has covered bicycle parking at a station."


def test_every_toy_criterion_can_pass(toy):
    facts = """
    :city toy:lanePlan :plan ; toy:townHallRacks :racks ; toy:stationParking :station .
    :plan toy:builtLane :l1 , :l2 , :l3 .
    :station toy:covered true .
    """
    assert _levels(_assess(toy, facts)) == (2, {"Lanes": 2, "Parking": 2})


def test_the_toy_model_is_not_one_of_the_shipped_models(toy):
    from sscmm.model import ModelError, find_model, load_model
    with pytest.raises(ModelError, match="no model named 'toy'"):
        find_model(load_model(), "toy")

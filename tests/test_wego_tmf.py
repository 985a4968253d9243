"""The WeGO – TM Forum model: its criteria (each rated achievement passes at its minimum
share and fails just below it), the levels of an example city assessed against it, and
one graph assessed against both shipped models."""

import math

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS
from sscmm.engine import engine_for
from sscmm.model import find_model, load_model
from sscmm.namespaces import SSCMM
from sscmm.paths import ROOT

EXAMPLETON = ROOT / "data" / "examples" / "exampleton.ttl"
CITY = """
@prefix : <https://data.ratingville.example/> .
@prefix sscmm: <https://w3id.org/sscmm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
:city a sscmm:City ; rdfs:label "Ratingville" .
:assessment a sscmm:Assessment ; sscmm:forCity :city ; sscmm:usesModel <https://w3id.org/sscmm/model/wego-tmf/model> .
"""


@pytest.fixture(scope="module")
def model():
    return load_model()


def _rated_achievements(model):
    iri = find_model(model, "wego-tmf")[0]
    return sorted(a for a in model.subjects(SSCMM.minimumShare, None) if (a, SSCMM.inModel, iri) in model)


def _scale(model, achievement):
    """(the lowest rating of the scale, the achievement's minimum rating)."""
    minimum = model.value(achievement, SSCMM.minimumRating)
    scheme = model.value(minimum, SKOS.inScheme)
    lowest = min(model.subjects(SKOS.inScheme, scheme), key=lambda r: int(model.value(r, SSCMM.scaleOrder)))
    return lowest, minimum


def _city_rating(statements, reached, minimum, lowest):
    ratings = [f":assessment sscmm:hasRating [ a sscmm:StatementRating ; sscmm:statement <{s}> ; "
               f"sscmm:asIsRating <{minimum if i < reached else lowest}> ] ." for i, s in enumerate(statements)]
    return Graph().parse(data=CITY + "\n".join(ratings), format="turtle")


def _criterion(result, achievement):
    return next(c for level in result["levels"] for c in level["criteria"] if c["id"] == str(achievement))


def test_the_model_is_shipped_with_its_release_iri(model):
    iri, name, label, version = find_model(model, "wego-tmf")
    assert (URIRef("https://w3id.org/sscmm/model/wego-tmf"), URIRef("http://www.w3.org/2002/07/owl#versionIRI"),
            URIRef(f"https://w3id.org/sscmm/model/wego-tmf/{version}")) in model
    dimensions = [str(model.value(a, SKOS.prefLabel)) for a in model.subjects(SSCMM.inModel, iri)
                  if (a, RDF.type, SSCMM.AchievementAspect) in model]
    assert sorted(dimensions) == ["Effective Use of Data", "Existing Levels of Smartness", "Integrated ICT Infrastructure",
                                  "Leadership and Governance", "Stakeholder Engagement and Citizen Focus"]


def test_statements_are_marked_representative(model):
    statements = list(model.subjects(RDF.type, SSCMM.GoodPracticeStatement))
    assert statements
    assert all(model.value(s, SSCMM.contentStatus) == SSCMM.Representative for s in statements)


@pytest.mark.parametrize("passing", [True, False], ids=["at-the-minimum-share", "just-below"])
def test_every_rated_criterion_passes_at_its_minimum_share_and_fails_below(model, passing):
    engine = engine_for("wego-tmf")
    achievements = _rated_achievements(model)
    assert len(achievements) == 25
    for achievement in achievements:
        aspect = model.value(achievement, SSCMM.aspect)
        statements = sorted(model.subjects(SSCMM.aspect, aspect))
        statements = [s for s in statements if (s, RDF.type, SSCMM.GoodPracticeStatement) in model]
        needed = math.ceil(float(model.value(achievement, SSCMM.minimumShare)) * len(statements))
        lowest, minimum = _scale(model, achievement)
        result = engine.assess(_city_rating(statements, needed if passing else needed - 1, minimum, lowest)).as_dict()
        criterion = _criterion(result, achievement)
        assert criterion["satisfied"] is passing, (achievement, criterion)
        if not passing:
            assert f"{needed - 1} of {len(statements)} statements" in criterion["failures"][0]["message"]


def test_a_rating_further_along_the_scale_counts_and_an_unrated_statement_does_not(model):
    engine = engine_for("wego-tmf")
    achievement = URIRef("https://w3id.org/sscmm/model/wego-tmf/achievement-1-leadership-and-governance")
    statements = sorted(s for s in model.subjects(SSCMM.aspect, model.value(achievement, SSCMM.aspect))
                        if (s, RDF.type, SSCMM.GoodPracticeStatement) in model)
    delivering = URIRef("https://w3id.org/sscmm/model/wego-tmf/rating-delivering")
    ratings = [f":assessment sscmm:hasRating [ a sscmm:StatementRating ; sscmm:statement <{s}> ; sscmm:asIsRating <{delivering}> ] ."
               for s in statements[:2]]  # 2 of 5 rated, both further along than 'planned'
    result = engine.assess(Graph().parse(data=CITY + "\n".join(ratings), format="turtle")).as_dict()
    assert not _criterion(result, achievement)["satisfied"]  # 40% < 50%: the three unrated ones count as not reached
    ratings.append(ratings[0].replace(str(statements[0]), str(statements[2])))
    result = engine.assess(Graph().parse(data=CITY + "\n".join(ratings), format="turtle")).as_dict()
    assert _criterion(result, achievement)["satisfied"]  # 60%


def test_exampleton_against_wego_tmf():
    from sscmm.rdfio import parse_file
    result = engine_for("wego-tmf").assess(parse_file(EXAMPLETON)).as_dict()
    assert result["model"]["name"] == "wego-tmf"
    levels = {a["name"]: a["level"]["order"] for a in result["aspects"]}
    assert levels == {"Leadership and Governance": 5, "Stakeholder Engagement and Citizen Focus": 3,
                      "Effective Use of Data": 4, "Integrated ICT Infrastructure": 2, "Existing Levels of Smartness": 1}
    assert result["overall_level"]["order"] == 1
    assert result["dimensions"] == [] and all(k["met"] == {} for k in result["kpis"])  # no KPI criteria in this model
    targets = {a["name"]: a["target"] for a in result["aspects"] if a["target"]}
    assert targets == {"Stakeholder Engagement and Citizen Focus": {"level": {
        "iri": "https://w3id.org/sscmm/model/wego-tmf/level-4", "name": "Integrated", "order": 4}, "year": "2027"},
        "Existing Levels of Smartness": {"level": {
            "iri": "https://w3id.org/sscmm/model/wego-tmf/level-3", "name": "Running", "order": 3}, "year": "2028"}}


def test_one_graph_against_both_models_names_the_model_each_time():
    from sscmm.rdfio import parse_file
    graph = parse_file(EXAMPLETON)
    y4904, wego = engine_for("y4904").assess(graph).as_dict(), engine_for("wego-tmf").assess(graph).as_dict()
    assert (y4904["model"]["name"], y4904["overall_level"]["order"]) == ("y4904", 5)
    assert (wego["model"]["name"], wego["overall_level"]["order"]) == ("wego-tmf", 1)
    assert {c["aspect"] for level in wego["levels"] for c in level["criteria"]} <= {a["name"] for a in wego["aspects"]}


def test_cli_assesses_against_the_named_model():
    from .conftest import run_cli
    done = run_cli("assess", str(EXAMPLETON), "--model", "wego-tmf")
    assert done.returncode == 0, done.stderr
    assert "overall level 1 (Aware) against Smart City Maturity & Benchmark Model (WeGO – TM Forum)" in done.stdout

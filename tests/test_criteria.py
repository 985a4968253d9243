"""Every level criterion: Exampleton satisfies it, and breaking the one fact it asks for
makes it fail, with a detail that names what is missing. Direction handling both ways."""

from functools import lru_cache

import pytest

from sscmm.engine import engine_for
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file

from .conftest import copy_graph

EXAMPLE = ROOT / "data" / "examples" / "exampleton.ttl"
PREFIXES = """
PREFIX : <https://data.exampleton.example/ssc/>
PREFIX sscmm: <https://w3id.org/sscmm/ontology#>
PREFIX y4904: <https://w3id.org/sscmm/model/y4904/>
PREFIX wego: <https://w3id.org/sscmm/model/wego-tmf/>
PREFIX u4ssc: <https://w3id.org/sscmm/kpi/u4ssc/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX sdmxd: <http://purl.org/linked-data/sdmx/2009/dimension#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
Y = "https://w3id.org/sscmm/model/y4904/"


@lru_cache(maxsize=1)
def _example():
    return parse_file(EXAMPLE)


def assess_with(update=None):
    graph = copy_graph(_example())
    if update:
        graph.update(PREFIXES + update)
    result = engine_for(None).assess(graph)
    assert result.valid, [str(e) for e in result.input_errors]
    return result.as_dict()


def criterion(result, achievement):
    for level in result["levels"]:
        for c in level["criteria"]:
            if c["id"] == Y + achievement:
                return c
    raise AssertionError(f"no criterion {achievement}")


# (criterion that must fail, SPARQL Update that breaks only what it asks for, text a failure detail contains)
CASES = [
    ("achievement-1-strategy", "DELETE WHERE { :strategy sscmm:vision ?v }", "vision"),
    ("achievement-2-strategy", "DELETE WHERE { :strategy sscmm:hasStakeholderEngagement ?e }", "stakeholder"),
    ("achievement-2-strategy", "DELETE WHERE { :goal-society sscmm:coversDimension ?d }", "u4ssc:SC"),
    ("achievement-3-strategy", "DELETE WHERE { :init-traffic sscmm:implementationStatus ?s }", "init-traffic"),
    ("achievement-4-strategy", "DELETE WHERE { :strategy sscmm:partOfMasterPlan ?m }", "master plan"),
    ("achievement-4-strategy", "DELETE WHERE { :smart-city-office <http://www.w3.org/ns/org#hasMember> :dept-transport , :dept-environment }", "two departments"),
    ("achievement-5-strategy", "DELETE WHERE { :strategy sscmm:revisedInLightOf ?a }", "revised"),
    ("achievement-1-ict-infrastructure", "DELETE WHERE { :city sscmm:hasInfrastructurePlan ?p }", "infrastructure plan"),
    ("achievement-2-ict-infrastructure", "DELETE WHERE { :fibre-ring sscmm:supportsGoal ?g }", "fibre-ring"),
    ("achievement-3-ict-infrastructure",
     "DELETE { ?i sscmm:implementationStatus sscmm:Operational } INSERT { ?i sscmm:implementationStatus sscmm:InProgress } WHERE { ?i sscmm:implementationStatus sscmm:Operational ; a ?t . FILTER (?t IN (sscmm:Platform, sscmm:InfrastructureItem)) }",
     "operational"),
    ("achievement-4-ict-infrastructure", "DELETE DATA { :iot-platform sscmm:usedBy :dept-transport }", "two departments"),
    ("achievement-5-ict-infrastructure", "DELETE WHERE { :iot-platform sscmm:monitoredBy ?k }", "monitored"),
    ("achievement-1-data", "DELETE WHERE { :sel-internet sscmm:dataOwner ?o }", "sel-internet"),
    ("achievement-2-data", "DELETE WHERE { :data-policy sscmm:linkedToStrategy ?s }", "governance policy"),
    ("achievement-3-data", "DELETE WHERE { :ds-air-quality dcterms:license ?l }", "licence"),
    ("achievement-4-data", "DELETE WHERE { :ds-air-quality dcterms:conformsTo ?s }", "standard"),
    ("achievement-5-data", "DELETE WHERE { :decision-low-emission-zone prov:used ?d }", "decision"),
    ("achievement-1-services-and-applications", "DELETE WHERE { :plan sscmm:includesInitiative ?i }", "initiative"),
    ("achievement-2-services-and-applications", "DELETE WHERE { :init-traffic sscmm:responsibleDepartment ?d }", "init-traffic"),
    ("achievement-3-services-and-applications",
     "DELETE { :svc-journey-planner sscmm:implementationStatus ?s } INSERT { :svc-journey-planner sscmm:implementationStatus sscmm:Planned } WHERE { :svc-journey-planner sscmm:implementationStatus ?s }",
     "operational"),
    ("achievement-4-services-and-applications", "DELETE DATA { :svc-journey-planner sscmm:usesDataFrom :dept-transport }", "two systems"),
    ("achievement-5-services-and-applications", "DELETE WHERE { :svc-journey-planner sscmm:revisedInLightOf ?f }", "feedback"),
    ("achievement-1-assessment", "DELETE WHERE { :assessment-2021 sscmm:assessmentDate ?d }", "no dated baseline"),
    ("achievement-2-assessment", "DELETE WHERE { :assessment-2024 sscmm:hasPerformanceMatrix ?m }", "performance matrix"),
    ("achievement-2-assessment", "DELETE WHERE { :matrix sscmm:hasTarget :t-internet-3 }", "EC:ICT:ICT:1C"),
    ("achievement-3-assessment", "DELETE WHERE { :assessment-2021 sscmm:assessmentDate ?d }", "baseline"),
    ("achievement-4-assessment",
     "DELETE { :verification-2024 prov:wasAssociatedWith ?v } INSERT { :verification-2024 prov:wasAssociatedWith :smart-city-office } WHERE { :verification-2024 prov:wasAssociatedWith ?v }",
     "independent"),
    ("achievement-5-assessment", "DELETE WHERE { :assessment-2024 sscmm:resultsPublishedAt ?p }", "published"),
    ("achievement-1-kpi-performance", "DELETE WHERE { ?o a sscmm:KPIObservation ; sscmm:kpi u4ssc:EC-P-EM-1C ; ?p ?v }", "EC:P:EM:1C Unemployment Rate: no value reported"),
    ("achievement-2-kpi-performance", "DELETE WHERE { :t-internet-2 sscmm:targetValue ?v } ; INSERT DATA { :t-internet-2 sscmm:targetValue 99.0 }",
     "EC:ICT:ICT:1C Household Internet Access: latest value 96.2 (2023) does not meet the level-2 target >= 99"),
    ("achievement-3-kpi-performance", "DELETE WHERE { :matrix sscmm:hasTarget :t-response-3 }",
     "SC:SH:SA:5A Emergency Services Response Time: no target for level 3"),
    ("achievement-4-kpi-performance", "DELETE WHERE { :t-unemployment-4 sscmm:targetValue ?v } ; INSERT DATA { :t-unemployment-4 sscmm:targetValue 3.0 }",
     "EC:P:EM:1C Unemployment Rate: latest value 3.6 (2023) does not meet the level-4 target <= 3"),
    ("achievement-5-kpi-performance", "DELETE WHERE { :t-pm10-5 sscmm:targetValue ?v } ; INSERT DATA { :t-pm10-5 sscmm:targetValue 10.0 }",
     "EN:EN:AQ:1C Air Pollution (PM10): latest value 14.1 (2023) does not meet the level-5 target <= 10"),
]


def test_exampleton_satisfies_every_criterion():
    result = assess_with()
    unsatisfied = [c["id"] for level in result["levels"] for c in level["criteria"] if not c["satisfied"]]
    assert unsatisfied == []
    assert result["overall_level"]["order"] == 5


@pytest.mark.parametrize("achievement,update,needle", CASES, ids=[f"{c[0]}:{i}" for i, c in enumerate(CASES)])
def test_breaking_a_criterion_fails_it_with_a_reason(achievement, update, needle):
    result = assess_with(update)
    failed = criterion(result, achievement)
    assert not failed["satisfied"]
    text = " | ".join(f"{d['message']} {d.get('value', '')} {d.get('kpi', '')}" for d in failed["failures"])
    assert needle.lower() in text.lower(), text
    order = failed["level"]
    aspect = next(a for a in result["aspects"] if a["name"] == failed["aspect"])
    assert aspect["level"]["order"] <= order - 1
    assert result["overall_level"]["order"] <= order - 1


def test_every_criterion_has_a_failing_case():
    shapes = engine_for(None).level_shapes
    from sscmm.namespaces import SSCMM
    achievements = {str(a).rsplit("/", 1)[1] for a in shapes.objects(None, SSCMM.checksAchievement)}
    assert achievements - {c[0] for c in CASES} == set()


def test_lower_is_better_is_met_by_lower_values():
    """Emergency response time (minutes, lower is better): 5.8 meets 'at most 6'; 6.5 does not."""
    assert criterion(assess_with(), "achievement-5-kpi-performance")["satisfied"]
    result = assess_with("DELETE WHERE { :obs-response-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-response-2023 sscmm:kpiValue 6.5 }")
    failed = criterion(result, "achievement-5-kpi-performance")
    assert [d["kpi"] for d in failed["failures"]] == ["SC:SH:SA:5A"]
    assert criterion(result, "achievement-4-kpi-performance")["satisfied"]  # 6.5 <= 7


def test_direction_decides_without_a_comparator():
    """Unemployment has no comparator on its targets: lower is better, so 3.6 meets 4.0; a
    higher-is-better reading would fail it at every level."""
    result = assess_with()
    unemployment = next(k for k in result["kpis"] if k["code"] == "EC:P:EM:1C")
    assert unemployment["met"] == {"1": True, "2": True, "3": True, "4": True, "5": True}
    result = assess_with("DELETE WHERE { :obs-unemployment-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-unemployment-2023 sscmm:kpiValue 7.0 }")
    unemployment = next(k for k in result["kpis"] if k["code"] == "EC:P:EM:1C")
    assert unemployment["met"] == {"1": True, "2": False, "3": False, "4": False, "5": False}


def test_higher_is_better_fails_below_target():
    result = assess_with("DELETE WHERE { :obs-internet-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-internet-2023 sscmm:kpiValue 87.0 }")
    internet = next(k for k in result["kpis"] if k["code"] == "EC:ICT:ICT:1C")
    assert internet["met"] == {"1": True, "2": True, "3": True, "4": False, "5": False}
    assert internet["change_since_baseline"] == pytest.approx(-1.5)


def test_yes_no_kpi():
    result = assess_with("DELETE WHERE { :obs-resilience-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-resilience-2023 sscmm:kpiValue false }")
    resilience = next(k for k in result["kpis"] if k["code"] == "SC:SH:SA:3A")
    assert resilience["met"] == {"1": True, "3": False, "4": False, "5": False}
    assert resilience["latest_value"] is False


def test_target_range():
    """Gender income equity (target range): 0.95 is within 0.9..1.1; 0.8 is not."""
    add = """INSERT DATA {
        :assessment-2024 sscmm:hasKPISelection :sel-gender .
        :sel-gender a sscmm:KPISelection ; sscmm:kpi u4ssc:SC-SH-SI-1C ; sscmm:dataOwner :dept-digital .
        :obs-gender a sscmm:KPIObservation ; sscmm:kpi u4ssc:SC-SH-SI-1C ; sdmxd:refArea :city ;
            sdmxd:refPeriod "2023"^^xsd:gYear ; sscmm:kpiValue VALUE .
        :matrix sscmm:hasTarget :tg2 , :tg3 , :tg4 , :tg5 .
        :tg2 a sscmm:Target ; sscmm:kpi u4ssc:SC-SH-SI-1C ; sscmm:level y4904:level-2 ; sscmm:targetMin 0.7 ; sscmm:targetMax 1.3 .
        :tg3 a sscmm:Target ; sscmm:kpi u4ssc:SC-SH-SI-1C ; sscmm:level y4904:level-3 ; sscmm:targetMin 0.8 ; sscmm:targetMax 1.2 .
        :tg4 a sscmm:Target ; sscmm:kpi u4ssc:SC-SH-SI-1C ; sscmm:level y4904:level-4 ; sscmm:targetMin 0.85 ; sscmm:targetMax 1.15 .
        :tg5 a sscmm:Target ; sscmm:kpi u4ssc:SC-SH-SI-1C ; sscmm:level y4904:level-5 ; sscmm:targetMin 0.9 ; sscmm:targetMax 1.1 .
    }"""
    inside = next(k for k in assess_with(add.replace("VALUE", "0.95"))["kpis"] if k["code"] == "SC:SH:SI:1C")
    assert inside["met"] == {"1": True, "2": True, "3": True, "4": True, "5": True}
    assert inside["targets"]["5"] == {"min": 0.9, "max": 1.1}
    outside = next(k for k in assess_with(add.replace("VALUE", "0.82"))["kpis"] if k["code"] == "SC:SH:SI:1C")
    assert outside["met"] == {"1": True, "2": True, "3": True, "4": False, "5": False}


def test_dimension_levels_follow_the_kpis_of_the_dimension():
    result = assess_with("DELETE WHERE { :t-unemployment-4 sscmm:targetValue ?v } ; INSERT DATA { :t-unemployment-4 sscmm:targetValue 3.0 }")
    levels = {d["notation"]: d["level"]["order"] for d in result["dimensions"]}
    subs = {s["notation"]: (s["level"] or {}).get("order") for d in result["dimensions"] for s in d["sub_dimensions"]}
    assert levels == {"EC": 3, "EN": 5, "SC": 5}
    assert subs == {"EC-P": 3, "EC-ICT": 5, "EC-I": None, "EN-EN": 5, "EN-E": None, "SC-SH": 5, "SC-EH": None}
    kpi_aspect = next(a for a in result["aspects"] if a["name"] == "KPI performance")
    assert kpi_aspect["level"]["order"] == 3


def test_gaps_and_actions_point_at_the_next_level():
    result = assess_with("DELETE WHERE { :strategy sscmm:partOfMasterPlan ?m }")
    assert result["overall_level"]["order"] == 3 and result["next_level"]["order"] == 4
    strategy = next(a for a in result["aspects"] if a["name"] == "Strategy")
    assert [g["id"] for g in strategy["gaps"]] == [Y + "achievement-4-strategy"]
    assert result["actions"][0]["criterion"] == Y + "achievement-4-strategy"
    assert "master plan" in result["actions"][0]["action"]


def test_pre_maturity_when_the_first_level_fails():
    result = assess_with("DELETE WHERE { :city sscmm:hasStrategy ?s }")
    strategy = next(a for a in result["aspects"] if a["name"] == "Strategy")
    assert strategy["level"]["order"] == 0 and strategy["level"]["name"] == "Pre-maturity"
    assert result["overall_level"]["order"] == 0


# Regressions found in review ------------------------------------------------------------

def test_first_assessment_is_its_own_baseline():
    """Level 1 Assessment asks for a dated baseline: the baseline's date, or, for a first
    assessment (no sscmm:baseline), its own date."""
    first = assess_with("DELETE WHERE { :assessment-2024 sscmm:baseline ?b } ; DELETE WHERE { :assessment-2021 ?p ?o }")
    assert criterion(first, "achievement-1-assessment")["satisfied"]
    undated_first = assess_with("DELETE WHERE { :assessment-2024 sscmm:baseline ?b } ; DELETE WHERE { :assessment-2021 ?p ?o } ;"
                                " DELETE WHERE { :assessment-2024 sscmm:assessmentDate ?d }")
    assert not criterion(undated_first, "achievement-1-assessment")["satisfied"]
    undated_current = assess_with("DELETE WHERE { :assessment-2024 sscmm:assessmentDate ?d }")
    assert criterion(undated_current, "achievement-1-assessment")["satisfied"]


def test_dimension_without_selected_kpis_has_no_level():
    result = assess_with("DELETE WHERE { :assessment-2024 sscmm:hasKPISelection :sel-response , :sel-resilience }")
    levels = {d["notation"]: d["level"] for d in result["dimensions"]}
    assert levels["SC"] is None and levels["EC"]["order"] == 5


def test_every_reported_data_point_needs_its_own_target():
    result = assess_with("DELETE WHERE { :matrix sscmm:hasTarget :t-no2-5 }")
    failed = criterion(result, "achievement-5-kpi-performance")
    assert [d["message"] for d in failed["failures"]] == [
        "EN:EN:AQ:1C Air Pollution (NO2): no target for level 5 in the performance matrix"]
    assert not criterion(result, "achievement-2-assessment")["satisfied"]


def test_tracking_initiatives_needs_initiatives():
    result = assess_with("DELETE WHERE { :plan sscmm:includesInitiative ?i }")
    assert not criterion(result, "achievement-3-strategy")["satisfied"]


def test_failure_details_name_what_is_missing():
    result = assess_with("DELETE WHERE { :goal-society sscmm:coversDimension ?d }")
    (detail,) = criterion(result, "achievement-2-strategy")["failures"]
    assert detail["message"].endswith(": Society and Culture")
    result = assess_with("DELETE WHERE { :sel-internet sscmm:dataOwner ?o }")
    (detail,) = criterion(result, "achievement-1-data")["failures"]
    assert detail["message"].endswith(": EC:ICT:ICT:1C Household Internet Access")


def test_a_data_source_stands_in_for_a_data_owner():
    """achievement-1-data asks either (sh:alternativePath): a source alone satisfies it."""
    result = assess_with("DELETE { :sel-internet sscmm:dataOwner ?o } INSERT { :sel-internet dcterms:source "
                         "<https://example.org/isp-survey> } WHERE { :sel-internet sscmm:dataOwner ?o }")
    assert criterion(result, "achievement-1-data")["satisfied"]


def test_nested_detail_results_are_not_failures_of_their_own():
    """sh:node constraints nest sh:detail results; only top-level results are criteria."""
    graph = copy_graph(_example())
    graph.update(PREFIXES + "DELETE WHERE { :init-traffic sscmm:supportsGoal ?g ; sscmm:responsibleDepartment ?d }")
    result = engine_for(None).assess(graph)
    from rdflib import URIRef
    assert result.failures and all(isinstance(f.shape, URIRef) for f in result.failures)
    from sscmm.namespaces import SSCMM
    assert all(isinstance(o, URIRef) for o in result.derived.objects(None, SSCMM.failsCriterion))

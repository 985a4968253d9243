"""A malformed graph is reported as input errors naming node, KPI and field; never as
failed levels. Each input shape and input check has a failing mini-graph here; Exampleton
(tests/test_criteria.py) is the passing one."""

import pytest

from sscmm.engine import engine_for
from sscmm.paths import ROOT, SHAPES_DIR
from sscmm.rdfio import parse_file

from .conftest import copy_graph
from .test_criteria import PREFIXES

EXAMPLE = ROOT / "data" / "examples" / "exampleton.ttl"

RATING = ":assessment-2024 sscmm:hasRating :rating-x . :rating-x a sscmm:StatementRating ;"
TO_BE = ":assessment-2024 sscmm:hasToBeTarget :to-be-x . :to-be-x a sscmm:ToBeTarget ;"

# (case, SPARQL Update, node expected, KPI expected or "", field expected or "", check expected)
CASES = [
    ("value-not-a-number", 'DELETE WHERE { :obs-internet-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-internet-2023 sscmm:kpiValue "9o" }',
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sscmm:kpiValue", "values-are-numbers-or-yes-no"),
    ("value-not-a-literal", "DELETE WHERE { :obs-internet-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-internet-2023 sscmm:kpiValue :city }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sscmm:kpiValue", "ObservationShape"),
    ("no-period", "DELETE WHERE { :obs-internet-2023 sdmxd:refPeriod ?p }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sdmxd:refPeriod", "ObservationShape"),
    ("period-not-a-year", 'DELETE WHERE { :obs-internet-2023 sdmxd:refPeriod ?p } ; INSERT DATA { :obs-internet-2023 sdmxd:refPeriod "last year" }',
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sdmxd:refPeriod", "ObservationShape"),
    ("no-value-not-marked-not-reported", "DELETE WHERE { :obs-internet-2023 sscmm:kpiValue ?v }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "", "observation-has-a-value"),
    ("unknown-kpi", "DELETE WHERE { :obs-internet-2023 sscmm:kpi ?k } ; INSERT DATA { :obs-internet-2023 sscmm:kpi u4ssc:EC-ICT-ICT-99C }",
     ":obs-internet-2023", "u4ssc:EC-ICT-ICT-99C", "sscmm:kpi", "ObservationShape"),
    ("observation-of-no-city", "DELETE WHERE { :obs-internet-2023 sdmxd:refArea ?c }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sdmxd:refArea", "ObservationShape"),
    ("two-statuses", "INSERT DATA { :obs-internet-2023 sscmm:verificationStatus sscmm:Reported }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sscmm:verificationStatus", "ObservationShape"),
    ("bad-quality-class", "INSERT DATA { :obs-internet-2021 sscmm:dataQuality sscmm:Verified }",
     ":obs-internet-2021", "EC:ICT:ICT:1C", "sscmm:dataQuality", "ObservationShape"),
    ("two-units", "INSERT DATA { :obs-internet-2023 <http://purl.org/linked-data/sdmx/2009/attribute#unitMeasure> <http://qudt.org/vocab/unit/NUM> }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sdmxa:unitMeasure", "ObservationShape"),
    ("data-point-of-another-kpi", "INSERT DATA { :obs-internet-2023 sscmm:dataPoint u4ssc:EN-EN-AQ-1C_PM10 }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "", "data-point-of-its-kpi"),
    ("two-values-one-year", 'INSERT DATA { :obs-internet-2023b a sscmm:KPIObservation ; sscmm:kpi u4ssc:EC-ICT-ICT-1C ; sdmxd:refArea :city ; sdmxd:refPeriod "2023"^^xsd:gYear ; sscmm:kpiValue 90.0 }',
     ":obs-internet-2023", "EC:ICT:ICT:1C", "", "one-value-per-period"),
    ("yes-no-value-for-a-number", "DELETE WHERE { :obs-internet-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-internet-2023 sscmm:kpiValue true }",
     ":obs-internet-2023", "EC:ICT:ICT:1C", "sscmm:kpiValue", "value-fits-kpi-type"),
    ("number-for-a-yes-no-target", "DELETE WHERE { :t-resilience-3 sscmm:targetValue ?v } ; INSERT DATA { :t-resilience-3 sscmm:targetValue 1 }",
     ":t-resilience-3", "SC:SH:SA:3A", "sscmm:targetValue", "value-fits-kpi-type"),
    ("target-without-level", "DELETE WHERE { :t-internet-3 sscmm:level ?l }", ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:level", "TargetShape"),
    ("target-level-not-in-model", "DELETE WHERE { :t-internet-3 sscmm:level ?l } ; INSERT DATA { :t-internet-3 sscmm:level y4904:level-9 . y4904:level-9 a sscmm:MaturityLevel }",
     ":t-internet-3", "EC:ICT:ICT:1C", "", "target-level-of-the-model"),
    ("target-without-value", "DELETE WHERE { :t-internet-3 sscmm:targetValue ?v }", ":t-internet-3", "EC:ICT:ICT:1C", "", "target-has-a-value"),
    ("target-value-not-a-literal", "INSERT DATA { :t-internet-3 sscmm:targetValue :city }", ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:targetValue", "TargetShape"),
    ("target-bad-comparator", "INSERT DATA { :t-internet-3 sscmm:comparator sscmm:HigherIsBetter }",
     ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:comparator", "TargetShape"),
    ("target-bad-data-point", "INSERT DATA { :t-internet-3 sscmm:dataPoint :nowhere }", ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:dataPoint", "TargetShape"),
    ("target-min-not-a-number", 'INSERT DATA { :t-internet-3 sscmm:targetMin "low" }', ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:targetMin", "values-are-numbers-or-yes-no"),
    ("target-max-not-a-literal", "INSERT DATA { :t-internet-3 sscmm:targetMax :city }", ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:targetMax", "TargetShape"),
    ("target-min-a-yes-no", "INSERT DATA { :t-internet-3 sscmm:targetMin true }", ":t-internet-3", "EC:ICT:ICT:1C", "sscmm:targetMin", "values-are-numbers-or-yes-no"),
    ("target-unknown-kpi", "DELETE WHERE { :t-internet-3 sscmm:kpi ?k } ; INSERT DATA { :t-internet-3 sscmm:kpi :no-such-kpi }",
     ":t-internet-3", ":no-such-kpi", "sscmm:kpi", "TargetShape"),
    ("matrix-lists-a-non-target", "INSERT DATA { :matrix sscmm:hasTarget :city }", ":matrix", "", "sscmm:hasTarget", "PerformanceMatrixShape"),
    ("selection-without-kpi", "DELETE WHERE { :sel-internet sscmm:kpi ?k }", ":sel-internet", "", "sscmm:kpi", "KPISelectionShape"),
    ("selection-bad-level", "INSERT DATA { :sel-internet sscmm:appliesFromLevel :city }", ":sel-internet", "EC:ICT:ICT:1C", "sscmm:appliesFromLevel", "KPISelectionShape"),
    ("own-kpi-without-direction", "DELETE WHERE { :kpi-platform-uptime sscmm:direction ?d }", ":kpi-platform-uptime", "", "sscmm:direction", "KPIShape"),
    ("own-kpi-without-name", "DELETE WHERE { :kpi-platform-uptime skos:prefLabel ?d }", ":kpi-platform-uptime", "", "skos:prefLabel", "KPIShape"),
    ("own-kpi-bad-value-type", "DELETE WHERE { :kpi-platform-uptime sscmm:valueType ?d } ; INSERT DATA { :kpi-platform-uptime sscmm:valueType xsd:string }",
     ":kpi-platform-uptime", "", "sscmm:valueType", "KPIShape"),
    ("assessment-without-city", "DELETE WHERE { :assessment-2024 sscmm:forCity ?c }", ":assessment-2024", "", "sscmm:forCity", "AssessmentShape"),
    ("date-not-a-date", 'DELETE WHERE { :assessment-2024 sscmm:assessmentDate ?d } ; INSERT DATA { :assessment-2024 sscmm:assessmentDate "June 2024" }',
     ":assessment-2024", "", "sscmm:assessmentDate", "AssessmentShape"),
    ("two-baselines", "INSERT DATA { :assessment-2024 sscmm:baseline :assessment-2020 . :assessment-2020 a sscmm:Assessment ; sscmm:forCity :city }",
     ":assessment-2024", "", "sscmm:baseline", "AssessmentShape"),
    ("unknown-model", "DELETE WHERE { :assessment-2021 sscmm:usesModel ?m } ; INSERT DATA { :assessment-2021 sscmm:usesModel :my-model }",
     ":assessment-2021", "", "sscmm:usesModel", "AssessmentShape"),
    ("selection-not-a-selection", "INSERT DATA { :assessment-2024 sscmm:hasKPISelection :city }", ":assessment-2024", "", "sscmm:hasKPISelection", "AssessmentShape"),
    ("matrix-not-a-matrix", "INSERT DATA { :assessment-2024 sscmm:hasPerformanceMatrix :city }", ":assessment-2024", "", "sscmm:hasPerformanceMatrix", "AssessmentShape"),
    ("no-model", "DELETE WHERE { :assessment-2024 sscmm:usesModel ?m }", ":assessment-2024", "", "sscmm:usesModel", "CurrentAssessmentShape"),
    ("city-without-name", "DELETE WHERE { :city rdfs:label ?n }", ":city", "", "", "CityShape"),
    ("two-assessments-under-evaluation", "DELETE WHERE { :assessment-2024 sscmm:baseline ?b }", "", "", "", "one-assessment-under-evaluation"),
    ("rating-not-a-rating", "INSERT DATA { :assessment-2024 sscmm:hasRating :city }", ":assessment-2024", "", "sscmm:hasRating", "AssessmentShape"),
    ("rating-of-no-statement", f"INSERT DATA {{ {RATING} sscmm:asIsRating wego:rating-planned }}", ":rating-x", "", "sscmm:statement", "StatementRatingShape"),
    ("rating-of-an-unknown-statement", f"INSERT DATA {{ {RATING} sscmm:statement wego:statement-LG-99 ; sscmm:asIsRating wego:rating-planned }}",
     ":rating-x", "", "sscmm:statement", "StatementRatingShape"),
    ("rating-without-as-is", f"INSERT DATA {{ {RATING} sscmm:statement wego:statement-LG-1 }}", ":rating-x", "", "sscmm:asIsRating", "StatementRatingShape"),
    ("rating-off-the-scale", f"INSERT DATA {{ {RATING} sscmm:statement wego:statement-LG-1 ; sscmm:asIsRating sscmm:Operational }}",
     ":rating-x", "", "sscmm:asIsRating", "StatementRatingShape"),
    ("two-to-be-ratings", f"INSERT DATA {{ {RATING} sscmm:statement wego:statement-LG-1 ; sscmm:asIsRating wego:rating-planned ; "
     "sscmm:toBeRating wego:rating-running , wego:rating-delivering }", ":rating-x", "", "sscmm:toBeRating", "StatementRatingShape"),
    ("to-be-target-not-a-target", "INSERT DATA { :assessment-2024 sscmm:hasToBeTarget :city }", ":assessment-2024", "", "sscmm:hasToBeTarget", "AssessmentShape"),
    ("to-be-target-without-level", f"INSERT DATA {{ {TO_BE} sscmm:aspect wego:effective-use-of-data }}", ":to-be-x", "", "sscmm:level", "ToBeTargetShape"),
    ("to-be-target-without-aspect", f"INSERT DATA {{ {TO_BE} sscmm:level wego:level-3 }}", ":to-be-x", "", "sscmm:aspect", "ToBeTargetShape"),
    ("to-be-year-not-a-year", f'INSERT DATA {{ {TO_BE} sscmm:aspect wego:effective-use-of-data ; sscmm:level wego:level-3 ; sscmm:targetYear "soon" }}',
     ":to-be-x", "", "sscmm:targetYear", "ToBeTargetShape"),
]


def _assess(update):
    graph = copy_graph(parse_file(EXAMPLE))
    graph.bind("", "https://data.exampleton.example/ssc/")
    graph.update(PREFIXES + update)
    return engine_for(None).assess(graph)


@pytest.mark.parametrize("update,node,kpi,field,check", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_malformed_input_is_an_input_error_not_a_failed_level(update, node, kpi, field, check):
    result = _assess(update)
    assert not result.valid
    assert result.as_dict()["levels"] == [] and result.as_dict()["overall_level"] is None
    hits = [e for e in result.input_errors if e.check == check and (not node or e.node == node)
            and e.kpi == kpi and (not field or e.field == field)]
    assert hits, "\n".join(f"{e.check}: {e}" for e in result.input_errors)
    assert all(h.message for h in hits)


def test_every_input_shape_and_check_has_a_failing_case():
    from rdflib import Graph
    from rdflib.namespace import RDF, SH
    shapes = Graph()
    for path in (SHAPES_DIR / "input").glob("*.ttl"):
        shapes.parse(path)
    names = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(RDF.type, SH.NodeShape)}
    names |= {p.stem for p in (SHAPES_DIR / "input" / "checks").glob("*.rq")}
    assert names - {c[5] for c in CASES} == set()


def test_input_error_reads_well():
    result = _assess('DELETE WHERE { :obs-internet-2023 sscmm:kpiValue ?v } ; INSERT DATA { :obs-internet-2023 sscmm:kpiValue "9o" }')
    text = [str(e) for e in result.input_errors]
    assert any(t.startswith(":obs-internet-2023, KPI EC:ICT:ICT:1C, sscmm:kpiValue: ") and "'9o' is not a number" in t for t in text), text

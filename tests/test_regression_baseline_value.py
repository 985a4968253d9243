"""Regression: the baseline check of a KPI reported per data point showed SAMPLE() of the
data points' baselines, which oxigraph picked differently from run to run, so the same
input gave different Turtle. It now shows the first data point's baseline (by IRI)."""

from rdflib import RDF, URIRef
from sscmm.engine import assess
from sscmm.namespaces import SSCMM
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file

AIR_QUALITY = URIRef("https://w3id.org/sscmm/kpi/u4ssc/EN-EN-AQ-1C")
BASELINE_LEVEL = URIRef("https://w3id.org/sscmm/model/y4904/level-1")


def test_baseline_check_shows_the_first_data_points_baseline():
    # Rivenport reports NO2 (2021: 28.9) and PM2.5 (2021: 12.3); "..._NO2" sorts first.
    result = assess(parse_file(ROOT / "data" / "examples" / "rivenport.ttl"))
    derived = result.derived
    checks = [c for c in derived.subjects(SSCMM.kpi, AIR_QUALITY)
              if (c, SSCMM.level, BASELINE_LEVEL) in derived and (c, RDF.type, SSCMM.KPICheck) in derived]
    assert len(checks) == 1
    assert [str(v) for v in derived.objects(checks[0], SSCMM.latestValue)] == ["28.9"]
    assert [str(v) for v in derived.objects(checks[0], SSCMM.latestPeriod)] == ["2021"]

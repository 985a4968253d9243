"""The benchmark's synthetic cities are complete, valid input, and deterministic."""

import sys

from rdflib import URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF

from sscmm.engine import engine_for
from sscmm.namespaces import SSCMM
from sscmm.paths import ROOT

REF_PERIOD = URIRef("http://purl.org/linked-data/sdmx/2009/dimension#refPeriod")
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import synthetic_city  # noqa: E402


def test_synthetic_city_is_complete_valid_and_deterministic():
    city = synthetic_city(3, seed=1)
    assert isomorphic(city, synthetic_city(3, seed=1))
    selected = {city.value(s, SSCMM.kpi) for s in city.subjects(RDF.type, SSCMM.KPISelection)}
    assert len(selected) == 91
    years = {str(o) for o in city.objects(None, REF_PERIOD)}
    assert len(years) == 5
    result = engine_for(None).assess(city)
    assert result.valid, [str(e) for e in result.input_errors[:5]]
    assert result.as_dict()["overall_level"] is not None

"""Regression: query parameters that gave a 500. ``limit=-1`` or a limit past 2^63 made
an analysis's query invalid (``LIMIT -1``), a decimal such as ``1e999999999`` was written
out as a gigabyte of digits, and a ``default-graph-uri`` or ``named-graph-uri`` that is no
IRI reached pyoxigraph ("Invalid IRI code point"). Each is now a 400 bad-parameter
naming the parameter. Found by tests/test_fuzz_http.py."""

import pytest

from .service_support import BRACKENFORD_CITY


@pytest.mark.parametrize(("path", "parameter"), [
    (f"/analysis/peer-cities?city={BRACKENFORD_CITY}&limit=-1", "limit"),
    (f"/analysis/peer-cities?city={BRACKENFORD_CITY}&limit=99999999999999999999999", "limit"),
    ("/analysis/kpi-across-cities?kpi=EC:ICT:ICT:1C&benchmark=1e999999999", "benchmark"),
    ("/analysis/kpi-across-cities?kpi=EC:ICT:ICT:1C&year=-2023", "year"),
    ("/sparql?query=ASK%7B%7D&default-graph-uri=%3C", "default-graph-uri"),
    ("/sparql?query=ASK%7B%7D&named-graph-uri=x%20y", "named-graph-uri"),
])
def test_bad_values_are_400_naming_the_parameter(demo_client, path, parameter):
    response = demo_client.get(path)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"].endswith("/bad-parameter") and problem["parameter"] == parameter


def test_good_values_still_work(demo_client):
    assert demo_client.get(f"/analysis/peer-cities?city={BRACKENFORD_CITY}&limit=2").status_code == 200
    assert demo_client.get("/analysis/kpi-across-cities?kpi=EC:ICT:ICT:1C&benchmark=60.5&year=2023").status_code == 200
    assert demo_client.get("/sparql?query=ASK%7B%7D&named-graph-uri=urn:sscmm:catalogue").status_code == 200

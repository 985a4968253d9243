"""The facts written with each publication for the cross-city analyses (sscmm.analysisfacts):
each checked against what a SPARQL query over the stored graphs finds, on the example cities
in a real embedded store; and publications stored without them get them when the service
starts, the same triples as a fresh publication writes."""

import pytest
from sscmm.embedded import EmbeddedStore

from .conftest import make_app
from .test_examples import EXPECTED

RECORDS = """SELECT ?id ?assessment WHERE {
    GRAPH <urn:sscmm:catalogue> { ?record dcterms:identifier ?id ; foaf:primaryTopic ?assessment } }"""
#: Removes the analysis facts, as if the publications were stored before they existed.
WITHOUT_FACTS = """PREFIX sscmm: <https://w3id.org/sscmm/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dqv: <http://www.w3.org/ns/dqv#>
DELETE { GRAPH ?g { ?s ?p ?o } } WHERE {
    GRAPH ?g { ?s ?p ?o } VALUES ?p { sscmm:summarises sscmm:matrixTarget prov:wasDerivedFrom dqv:computedOn dqv:isMeasurementOf dqv:value }
    FILTER (STRSTARTS(STR(?g), "urn:sscmm:result:")) } ;
DELETE WHERE { GRAPH ?g { ?s a dqv:QualityMeasurement } }"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    app = make_app(tmp_path_factory.mktemp("facts-data"), SPARQL_WORKERS=1)
    app.extensions["sscmm"].publish_examples()
    yield app.extensions["sscmm"].store
    app.extensions["sscmm"].close()


def _records(store):
    return {row["id"].value: row["assessment"] for row in store.select(RECORDS)}


def _values(store, query, **terms):
    for name, term in terms.items():
        query = query.replace(f"${name}", str(term))
    return store.select(query)


COUNTS = {  # the definitions of reporting-coverage before the facts existed, per city graph
    "selectedKPICount": "SELECT (COUNT(DISTINCT ?kpi) AS ?n) WHERE { GRAPH $graph { ?a sscmm:hasKPISelection ?s . ?s sscmm:kpi ?kpi } }",
    "reportedKPICount": "SELECT (COUNT(DISTINCT ?kpi) AS ?n) WHERE { GRAPH $graph { ?o sscmm:kpiValue ?v ; sscmm:kpi ?kpi } }",
    "verifiedKPICount": "SELECT (COUNT(DISTINCT ?kpi) AS ?n) WHERE { GRAPH $graph { "
                        "?o sscmm:verificationStatus sscmm:Verified ; sscmm:kpiValue ?v ; sscmm:kpi ?kpi } }",
}


def test_reporting_coverage_measurements_count_the_city_graph(store):
    records = _records(store)
    assert len(records) == len(EXPECTED)
    counts = set()
    for assessment_id, assessment in records.items():
        for metric, count_query in COUNTS.items():
            stored = _values(store, """SELECT ?n WHERE { GRAPH $results {
                ?m a dqv:QualityMeasurement ; dqv:isMeasurementOf sscmm:$metric ; dqv:computedOn $assessment ; dqv:value ?n } }""",
                             results=f"<urn:sscmm:result:{assessment_id}>", metric=metric, assessment=assessment)
            counted = _values(store, count_query, graph=f"<urn:sscmm:assessment:{assessment_id}>")
            assert [int(r["n"].value) for r in stored] == [int(counted[0]["n"].value)], (assessment_id, metric)
            counts.add(int(counted[0]["n"].value))
    assert 0 in counts and max(counts) > 3  # a city with nothing verified is measured as 0


def test_each_summary_says_what_it_summarises(store):
    for assessment_id in _records(store):
        rows = _values(store, """SELECT ?summary ?kpi ?point (GROUP_CONCAT(STR(?series)) AS ?said) WHERE { GRAPH $results {
            ?summary a sscmm:KPIValueSummary ; sscmm:kpi ?kpi . OPTIONAL { ?summary sscmm:dataPoint ?point }
            OPTIONAL { ?summary sscmm:summarises ?series } } } GROUP BY ?summary ?kpi ?point""",
                       results=f"<urn:sscmm:result:{assessment_id}>")
        assert rows
        for row in rows:
            assert row["said"].value == (row["point"] or row["kpi"]).value
        others = _values(store, "SELECT ?s WHERE { GRAPH $results { ?s sscmm:summarises ?o FILTER NOT EXISTS { ?s a sscmm:KPIValueSummary } } }",
                         results=f"<urn:sscmm:result:{assessment_id}>")
        assert others == []


def _linked(store, assessment_id, predicate):
    rows = _values(store, "SELECT ?s ?o WHERE { GRAPH $results { ?s $predicate ?o } }",
                   results=f"<urn:sscmm:result:{assessment_id}>", predicate=predicate)
    return {(row["s"].value, row["o"].value) for row in rows}


def _assert_links(store, expected_query, variable, predicate):
    """Each assessment's result links (``predicate``) exactly the pairs (?summary, ?variable)
    that ``expected_query`` finds in its graphs; returns how many links there were."""
    linked = 0
    for assessment_id, assessment in _records(store).items():
        expected = _values(store, expected_query, results=f"<urn:sscmm:result:{assessment_id}>",
                           graph=f"<urn:sscmm:assessment:{assessment_id}>", assessment=assessment)
        pairs = {(row["summary"].value, row[variable].value) for row in expected}
        assert _linked(store, assessment_id, predicate) == pairs, assessment_id
        linked += len(pairs)
    return linked


def test_summaries_are_derived_from_the_observations_they_summarise(store):
    assert _assert_links(store, """PREFIX sdmxd: <http://purl.org/linked-data/sdmx/2009/dimension#>
        SELECT ?summary ?observation WHERE {
            GRAPH $results { ?summary a sscmm:KPIValueSummary ; sscmm:kpi ?kpi . OPTIONAL { ?summary sscmm:dataPoint ?point } }
            GRAPH $graph {
                $assessment sscmm:forCity ?city .
                ?observation sscmm:kpi ?kpi ; sdmxd:refArea ?city ; sdmxd:refPeriod ?period ; sscmm:kpiValue ?value .
                OPTIONAL { ?observation sscmm:dataPoint ?observedPoint }
            }
            FILTER (COALESCE(?observedPoint, sscmm:none) = COALESCE(?point, sscmm:none)) }""",
                         "observation", "prov:wasDerivedFrom") > 50


def test_summaries_link_the_targets_of_their_kpi_in_the_assessments_matrix(store):
    assert _assert_links(store, """SELECT ?summary ?target WHERE {
            GRAPH $results { ?summary a sscmm:KPIValueSummary ; sscmm:kpi ?kpi . OPTIONAL { ?summary sscmm:dataPoint ?point } }
            GRAPH $graph {
                $assessment sscmm:hasPerformanceMatrix ?matrix . ?matrix sscmm:hasTarget ?target . ?target sscmm:kpi ?kpi .
                OPTIONAL { ?target sscmm:dataPoint ?targetPoint }
            }
            FILTER (COALESCE(?targetPoint, sscmm:none) = COALESCE(?point, sscmm:none)) }""",
                         "target", "sscmm:matrixTarget") > 20


def _without_facts(data_dir):
    """Remove the analysis facts from the store in data_dir, as if published before them."""
    store = EmbeddedStore(data_dir, workers=0)
    try:
        store.store.update(WITHOUT_FACTS)
        assert store.select("SELECT ?s WHERE { GRAPH ?g { ?s sscmm:summarises|dqv:value ?o } }") == []
        return store.select(RECORDS)
    finally:
        store.close()


def test_publications_stored_without_the_facts_get_them_when_the_service_starts(tmp_path):
    app = make_app(tmp_path, SPARQL_WORKERS=1)
    app.extensions["sscmm"].publish_examples()
    published = app.extensions["sscmm"].store.dump()
    app.extensions["sscmm"].close()
    assert len(_without_facts(tmp_path)) == len(EXPECTED)
    stripped = EmbeddedStore(tmp_path, workers=0)
    assert stripped.dump() != published
    stripped.close()

    restarted = make_app(tmp_path, SPARQL_WORKERS=1)
    store = restarted.extensions["sscmm"].store
    try:
        assert store.dump() == published  # the same triples as the publications wrote
        assert store.add_missing_facts() == 0  # nothing left to add
        rows = restarted.test_client().get("/analysis/reporting-coverage").get_json()["rows"]
        assert {r["cityName"]: r["reported"] for r in rows}["Exampleton"] == 5
    finally:
        restarted.extensions["sscmm"].close()

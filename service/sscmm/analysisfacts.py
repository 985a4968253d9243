"""Facts written with each published assessment for the cross-city analyses (analysis/*.rq).

Counting or looking things up in every city's graph at query time costs seconds over a
thousand cities on the embedded store (pyoxigraph 0.5: ~10 µs a statement looked up). So
publishing an assessment also writes, into its result graph (``urn:sscmm:result:{id}``):

- its reporting coverage, as DQV quality measurements of the assessment
  (``dqv:isMeasurementOf`` sscmm:selectedKPICount, sscmm:reportedKPICount or
  sscmm:verifiedKPICount, ``dqv:value`` an xsd:integer, 0 included): the distinct KPIs
  selected, with a reported value, and with a verified value in the city's graph;
- on each KPI value summary, ``sscmm:summarises``: its data point, or its KPI when it has
  none, so an analysis finds the summary of a KPI or data point in every result graph
  with one scan (``u4ssc-score``, ``kpi-across-cities``); and ``prov:wasDerivedFrom``
  each observation it summarises (of its KPI and data point, of the assessment's city,
  with a period and a value), so the values of one year are found from it
  (``kpi-across-cities``) without reading every statement about that KPI; and
  ``sscmm:matrixTarget`` each target of the assessment's own performance matrix for its
  KPI and data point (the level a value meets, ``kpi-across-cities``).

They depend only on the city's graph and its result, never on other cities', so they stay
true until the assessment is republished. Publications stored before these facts existed
get them from ``Store.add_missing_facts`` when the service (or ``sscmm load``) starts.
"""

import pyoxigraph as ox

from .namespaces import DQV, PROV, RDF, SDMXD, SSCMM, XSD

_TYPE = ox.NamedNode(str(RDF.type))
_KPI = ox.NamedNode(str(SSCMM.kpi))
_DATA_POINT = ox.NamedNode(str(SSCMM.dataPoint))
_KPI_VALUE = ox.NamedNode(str(SSCMM.kpiValue))
_VERIFICATION = ox.NamedNode(str(SSCMM.verificationStatus))
_VERIFIED = ox.NamedNode(str(SSCMM.Verified))
_SELECTION = ox.NamedNode(str(SSCMM.hasKPISelection))
_SUMMARY = ox.NamedNode(str(SSCMM.KPIValueSummary))
_FOR_CITY = ox.NamedNode(str(SSCMM.forCity))
_AREA = ox.NamedNode(str(SDMXD.refArea))
_PERIOD = ox.NamedNode(str(SDMXD.refPeriod))
SUMMARISES = ox.NamedNode(str(SSCMM.summarises))
DERIVED_FROM = ox.NamedNode(str(PROV.wasDerivedFrom))
MATRIX_TARGET = ox.NamedNode(str(SSCMM.matrixTarget))
_HAS_MATRIX = ox.NamedNode(str(SSCMM.hasPerformanceMatrix))
_HAS_TARGET = ox.NamedNode(str(SSCMM.hasTarget))
MEASUREMENT = ox.NamedNode(str(DQV.QualityMeasurement))
MEASURE_OF = ox.NamedNode(str(DQV.isMeasurementOf))
COMPUTED_ON = ox.NamedNode(str(DQV.computedOn))
VALUE = ox.NamedNode(str(DQV.value))
_INTEGER = ox.NamedNode(str(XSD.integer))
#: The reporting-coverage metrics, in the order their measurements are written.
METRICS = tuple(ox.NamedNode(str(SSCMM[name])) for name in ("selectedKPICount", "reportedKPICount",
                                                             "verifiedKPICount"))


def coverage_counts(city_triples):
    """{metric: count} of the reporting-coverage metrics over the city's graph (ox.Triples):
    as ``COUNT(DISTINCT ?kpi)`` over ``?a sscmm:hasKPISelection ?s . ?s sscmm:kpi ?kpi``, over
    ``?o sscmm:kpiValue ?v ; sscmm:kpi ?kpi`` and over the same with
    ``sscmm:verificationStatus sscmm:Verified``."""
    selections, valued, verified, kpis = set(), set(), set(), []
    for t in city_triples:
        if t.predicate == _SELECTION:
            selections.add(t.object)
        elif t.predicate == _KPI_VALUE:
            valued.add(t.subject)
        elif t.predicate == _VERIFICATION and t.object == _VERIFIED:
            verified.add(t.subject)
        elif t.predicate == _KPI:
            kpis.append((t.subject, t.object))
    counted = (selections, valued, valued & verified)
    return {metric: len({kpi for subject, kpi in kpis if subject in subjects})
            for metric, subjects in zip(METRICS, counted, strict=True)}


def measurement_node(results_name, metric):
    """The IRI of an assessment's measurement of a metric, in its result graph's namespace."""
    return ox.NamedNode(f"{results_name.value}#{metric.value.rsplit('#', 1)[-1]}")


def analysis_facts(assessment, city_triples, result_triples, results_name):
    """The facts to add to the result graph ``results_name`` (ox.Triples) of the assessment
    (a NamedNode), from the city's graph and the result graph's other triples."""
    facts = []
    for metric, count in coverage_counts(city_triples).items():
        node = measurement_node(results_name, metric)
        facts += [ox.Triple(node, _TYPE, MEASUREMENT), ox.Triple(node, MEASURE_OF, metric),
                  ox.Triple(node, COMPUTED_ON, assessment),
                  ox.Triple(node, VALUE, ox.Literal(str(count), datatype=_INTEGER))]
    return facts + _summary_facts(assessment, city_triples, result_triples)


def _properties(triples, predicates):
    """{predicate: {subject: object}} of the triples with those predicates (one value each)."""
    found = {p: {} for p in predicates}
    for t in triples:
        if t.predicate in found:
            found[t.predicate][t.subject] = t.object
    return found


def _summary_facts(assessment, city_triples, result_triples):
    """sscmm:summarises, prov:wasDerivedFrom and sscmm:matrixTarget of each KPI value
    summary of the result."""
    summaries = {t.subject for t in result_triples if t.predicate == _TYPE and t.object == _SUMMARY}
    derived = _properties(result_triples, (_KPI, _DATA_POINT))
    city = _properties(city_triples, (_FOR_CITY,))[_FOR_CITY].get(assessment)
    observed = _properties(city_triples, (_KPI, _DATA_POINT, _AREA, _PERIOD, _KPI_VALUE))
    observations = {}  # (kpi, data point or None) -> observations, as the summary rule reads them
    for observation, kpi in observed[_KPI].items():
        if (observed[_AREA].get(observation) == city and observation in observed[_PERIOD]
                and observation in observed[_KPI_VALUE]):
            observations.setdefault((kpi, observed[_DATA_POINT].get(observation)), []).append(observation)
    matrices = {t.object for t in city_triples if t.predicate == _HAS_MATRIX and t.subject == assessment}
    targets = {}  # (kpi, data point or None) -> the targets of the assessment's matrices
    for t in city_triples:
        if t.predicate == _HAS_TARGET and t.subject in matrices and t.object in observed[_KPI]:
            key = (observed[_KPI][t.object], observed[_DATA_POINT].get(t.object))
            targets.setdefault(key, set()).add(t.object)
    facts = []
    for summary in sorted(summaries, key=str):
        kpi, point = derived[_KPI].get(summary), derived[_DATA_POINT].get(summary)
        if kpi is None:
            continue
        facts.append(ox.Triple(summary, SUMMARISES, point if point is not None else kpi))
        facts += [ox.Triple(summary, DERIVED_FROM, o) for o in sorted(observations.get((kpi, point), ()), key=str)]
        facts += [ox.Triple(summary, MATRIX_TARGET, o) for o in sorted(targets.get((kpi, point), ()), key=str)]
    return facts

"""What a city's report page shows, computed from the JSON result of an assessment and the
city's graph (for the KPI values over time): the heatmap of aspects × levels, the radar
of aspect levels, the KPI table against the targets with direction and band, and a trend
per KPI. Aspects and levels come from the result, so every model is drawn the same way."""

from decimal import Decimal
from functools import lru_cache
from io import BytesIO

from rdflib import Namespace, URIRef
from rdflib.namespace import SKOS

from ..namespaces import SSCMM
from ..workbook import WorkbookError, WorkbookVocabulary, export
from . import charts

SDMXD = Namespace("http://purl.org/linked-data/sdmx/2009/dimension#")
_SERIES = """SELECT ?kpi ?point ?period ?value WHERE {
    ?obs a sscmm:KPIObservation ; sscmm:kpi ?kpi ; sdmxd:refPeriod ?period ; sscmm:kpiValue ?value .
    OPTIONAL { ?obs sscmm:dataPoint ?point } }"""


def heatmap_cells(result):
    """{(aspect name, level order as text): (met, reason)} from the result's criteria."""
    cells = {}
    for level in result["levels"]:
        for criterion in level["criteria"]:
            reasons = [failure["message"] for failure in criterion["failures"]]
            reason = criterion["message"] if criterion["satisfied"] else "; ".join(reasons) or criterion["message"]
            cells[(criterion["aspect"], str(level["level"]))] = (criterion["satisfied"], reason)
    return cells


def series(graph):
    """{(KPI IRI, data point IRI or None): [(period, number)] by period} of the graph's
    numeric observations."""
    found = {}
    if graph is None:
        return found
    for row in graph.query(_SERIES, initNs={"sscmm": SSCMM, "sdmxd": SDMXD}):
        value = row.value.toPython()
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            continue
        key = (str(row.kpi), str(row.point) if row.point is not None else None)
        found.setdefault(key, {})[str(row.period)] = float(value)
    return {key: sorted(points.items()) for key, points in found.items()}


def _direction(model, *terms):
    """The label of the desired direction of a data point (else of its KPI)."""
    for term in terms:
        direction = model.value(URIRef(term), SSCMM.direction) if term else None
        if direction is not None:
            return str(model.value(direction, SKOS.prefLabel) or direction)
    return None


def _band(met):
    """The highest level whose target the latest value meets, with every lower one met."""
    band = None
    for order in sorted(met, key=int):
        if not met[order]:
            break
        band = int(order)
    return band


def _next_target(targets, met, point=None):
    """The target of the lowest level not met yet (a number), for the trend's dashed line."""
    for order in sorted(targets, key=int):
        target = targets[order]
        if isinstance(target, dict) and point is not None:
            target = target.get(point)
        if isinstance(target, (int, float)) and not isinstance(target, bool) and not met.get(order, False):
            return target
    return None


def _target_text(target):
    if isinstance(target, dict):
        if set(target) <= {"min", "max"}:
            return f"{target.get('min', '')}..{target.get('max', '')}"
        return "; ".join(f"{point} {value}" for point, value in target.items())
    return "" if target is None else str(target)


def kpi_rows(result, model, observed):
    """One row per selected KPI (and a sub-row per data point) for the KPI table."""
    rows = []
    for kpi in result["kpis"]:
        trend_rows = [(None, kpi["name"], kpi)] if not kpi["data_points"] else \
            [(p["iri"], p["data_point"], p) for p in kpi["data_points"]]
        lines = []
        for point_iri, label, values in trend_rows:
            points = observed.get((kpi["iri"], point_iri), [])
            point_name = label if point_iri else None
            target = _next_target(kpi["targets"], kpi["met"], point_name)
            lines.append({
                "label": point_name, "direction": _direction(model, point_iri, kpi["iri"]),
                "baseline": values["baseline_value"], "baseline_period": values["baseline_period"],
                "latest": values["latest_value"], "latest_period": values["latest_period"],
                "change": values["change_since_baseline"], "points": points,
                "trend": charts.sparkline(points, f"{kpi['code']} {label} over time", target) if points else None,
            })
        rows.append({"code": kpi["code"], "name": kpi["name"], "iri": kpi["iri"], "unit": kpi["unit"],
                     "targets": [(order, _target_text(kpi["targets"][order]), kpi["met"].get(order))
                                 for order in sorted(kpi["targets"], key=int)],
                     "met": kpi["met"], "band": _band(kpi["met"]), "lines": lines})
    return rows


def report(result, graph, model):
    """Everything the report template needs besides the result itself."""
    columns = [(str(level["level"]), level["name"]) for level in result["levels"] if level["criteria"]]
    aspects = [aspect["name"] for aspect in result["aspects"]]
    levels = [level["level"] for level in result["levels"]]
    city = result["city"]["name"]
    return {
        "heatmap": charts.heatmap(aspects, columns, heatmap_cells(result),
                                  f"{city}: criteria met per aspect and level"),
        "radar": charts.radar([(a["name"], a["level"]["order"] if a["level"] else None) for a in result["aspects"]],
                              max(levels, default=1), f"{city}: level of each aspect"),
        "kpis": kpi_rows(result, model, series(graph)),
    }


def uses_workbook_model(graph, result):
    """Whether the assessment names the model it was assessed against (the workbook's
    layout is that model's)."""
    return (URIRef(result["assessment"]["iri"]), SSCMM.usesModel, URIRef(result["model"]["iri"])) in graph


@lru_cache(maxsize=8)
def _workbook_vocabulary(model, name):
    return WorkbookVocabulary(model, name)


def workbook(graph, result, model):
    """The assessment as a filled workbook (.xlsx bytes), or None when the assessment does
    not use the model the result is for (the workbook is laid out for one model)."""
    if not uses_workbook_model(graph, result):
        return None
    try:
        book = export(graph, _workbook_vocabulary(model, result["model"]["name"]))
    except WorkbookError:
        return None
    out = BytesIO()
    book.save(out)
    return out.getvalue()

"""GET /benchmark[?kpi=CODE&year=YYYY]: cities compared, from the analysis library
(analysis/*.rq): one KPI across cities as a bar chart with the benchmark as the target
line, and how many cities attained each level per aspect. Without ``kpi``, the KPI that
most cities report is shown."""

import json
from collections import Counter

from flask import Blueprint, render_template, request

from ..analysis import AnalysisError, run
from ..codes import normalise_code
from ..model import find_model
from ..queries import QueryFailed, QueryTimeout
from . import charts, services
from .browser import catalogue
from .cities import city_summaries
from .problems import Problem

bp = Blueprint("benchmark", __name__)


def _most_reported():
    """The KPI code reported (a latest value) by the most cities' latest assessments."""
    store, reported = services().store, Counter()
    for city in city_summaries(store.records()):
        result = json.loads(store.result_json(city["latest"]["id"]))
        reported.update(kpi["code"] for kpi in result["kpis"]
                        if kpi["latest_value"] is not None or any(p["latest_value"] is not None for p in kpi["data_points"]))
    return min(reported, key=lambda code: (-reported[code], code)) if reported else None


def _analysis(name, values):
    try:
        return run(services().store, services().analyses[name], values).rows
    except AnalysisError as err:
        raise Problem(400, str(err), slug="bad-parameter", title="The analysis cannot run with these parameters",
                      parameter=err.parameter) from None
    except QueryTimeout as err:
        raise Problem(503, str(err), slug="query-timeout", title="Query time limit reached") from None
    except QueryFailed as err:
        raise Problem(500, str(err), slug=err.slug, title="The analysis could not be evaluated") from None


def _kpi_charts(rows, kpi):
    """One bar chart per data point (one for a KPI without data points), the benchmark as
    the target line; ✓ when the value earns the full U4SSC points against it."""
    groups = {}
    for row in rows:
        groups.setdefault(row["dataPoint"], []).append(row)
    out = []
    for point, group in sorted(groups.items(), key=lambda item: str(item[0] or "")):
        group.sort(key=lambda row: row["rank"])
        benchmark = group[0]["benchmark"]
        items = [(row["cityName"], row["value"], None if row["benchmarkPoints"] is None else row["benchmarkPoints"] == 4)
                 for row in group]
        title = f"{kpi['code']} {kpi['name']}{' (' + point.rsplit('_', 1)[-1] + ')' if point else ''}, {group[0]['year']}"
        out.append({"title": title, "rows": group,
                    "chart": charts.bars(items, title, target=benchmark, target_label="benchmark", unit=kpi["unit"])})
    return out


def _distribution(rows, levels):
    """{aspect name: {level order: cities}} for the default model's levels, overall last."""
    ours = {level["item"] for level in levels}
    table = {}
    for row in rows:
        if row["level"] in ours:
            table.setdefault(row["aspectName"], {})[row["levelOrder"]] = row["cities"]
    overall = table.pop("overall", None)
    ordered = dict(sorted(table.items()))
    if overall is not None:
        ordered["overall"] = overall
    return ordered


@bp.get("/benchmark")
def benchmark():
    graph = services().engine.model
    model_iri = find_model(graph, services().engine.name)[0]
    browsed = catalogue(graph, model_iri)
    code = request.args.get("kpi") or _most_reported()
    kpi, kpi_charts = None, []
    if code:
        values = {"kpi": code, "year": request.args.get("year", "")}
        rows = _analysis("kpi-across-cities", values)  # 400 for a code that is no KPI
        notation = normalise_code(code.replace("-", ":"))  # valid: the analysis accepted it
        kpi = next((k for k in browsed["kpis"] if k["code"] == notation), {"code": notation, "name": "", "unit": ""})
        kpi_charts = _kpi_charts(rows, kpi)
    distribution = _distribution(_analysis("level-distribution", {}), browsed["levels"])
    overall = distribution.get("overall", {})
    overall_chart = charts.bars([(f"{level['order']} {level['name']}", overall.get(int(level["order"]), 0), None)
                                 for level in browsed["levels"]], "Cities per overall level") if overall else None
    return render_template("benchmark.html", kpi=kpi, kpis=browsed["kpis"], kpi_charts=kpi_charts,
                           year=request.args.get("year", ""), levels=browsed["levels"], distribution=distribution,
                           overall_chart=overall_chart)


"""GET /browse[?model=NAME]: the model browser for people: the levels in order, the
aspects, the achievements table (aspects × levels, each cell the criterion) and the KPI
catalogue with search and filters (static/sscmm.js). Everything is read from the model
data, so any model (y4904, wego-tmf, one loaded from other files) is browsed the same."""

from functools import lru_cache

from flask import Blueprint, render_template, request

from ..model import ModelError, all_models, find_model
from . import services
from .model import local_link
from .problems import Problem

bp = Blueprint("browser", __name__)
PREFIXES = """PREFIX sscmm: <https://w3id.org/sscmm/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
"""
LEVELS = PREFIXES + """SELECT ?item ?order ?name ?goal ?status WHERE {
    ?item sscmm:inModel ?model ; sscmm:levelOrder ?order .
    OPTIONAL { ?item skos:prefLabel ?name } OPTIONAL { ?item sscmm:levelGoal ?goal }
    OPTIONAL { ?item sscmm:contentStatus/skos:prefLabel ?status } } ORDER BY ?order"""
ASPECTS = PREFIXES + """SELECT ?item ?order ?name ?definition WHERE {
    ?item sscmm:inModel ?model ; sscmm:aspectOrder ?order .
    OPTIONAL { ?item skos:prefLabel ?name } OPTIONAL { ?item skos:definition ?definition } } ORDER BY ?order"""
ACHIEVEMENTS = PREFIXES + """SELECT ?item ?level ?aspect ?criterion ?action ?status WHERE {
    ?item a sscmm:Achievement ; sscmm:inModel ?model ; sscmm:level ?level ; sscmm:aspect ?aspect .
    OPTIONAL { ?item sscmm:criterion ?criterion } OPTIONAL { ?item sscmm:suggestedAction ?action }
    OPTIONAL { ?item sscmm:contentStatus/skos:prefLabel ?status } }"""
KPIS = PREFIXES + """SELECT ?item ?code ?name ?dimension ?subDimension ?category ?kind ?direction ?unit
                             (MIN(?applies) AS ?from) WHERE {
    ?model sscmm:usesCatalogue ?catalogue .
    ?item a sscmm:KPI ; skos:inScheme ?catalogue ; skos:notation ?code .
    OPTIONAL { ?item skos:prefLabel ?name }
    OPTIONAL { ?item sscmm:dimension/skos:prefLabel ?dimension }
    OPTIONAL { ?item sscmm:subDimension/skos:prefLabel ?subDimension }
    OPTIONAL { ?item sscmm:category/skos:prefLabel ?category }
    OPTIONAL { ?item sscmm:kpiType/skos:prefLabel ?kind }
    OPTIONAL { ?item sscmm:direction/skos:prefLabel ?direction }
    OPTIONAL { ?item sscmm:unitText ?unit }
    OPTIONAL { ?mapping sscmm:kpi ?item ; sscmm:inModel ?model ; sscmm:defaultApplicableLevel/sscmm:levelOrder ?applies }
} GROUP BY ?item ?code ?name ?dimension ?subDimension ?category ?kind ?direction ?unit ORDER BY ?code"""


def _rows(graph, query, model_iri):
    return [{name: (str(value) if value is not None else "") for name, value in row.asdict().items()}
            | {"href": local_link(str(row.item))}
            for row in graph.query(query, initBindings={"model": model_iri})]


@lru_cache(maxsize=16)
def catalogue(graph, model_iri):
    """What the page shows of one model (the model does not change while serving)."""
    levels, aspects = _rows(graph, LEVELS, model_iri), _rows(graph, ASPECTS, model_iri)
    cells = {}
    for achievement in _rows(graph, ACHIEVEMENTS, model_iri):
        cells[(achievement["aspect"], achievement["level"])] = achievement
    achieved_levels = [level for level in levels if any((a["item"], level["item"]) in cells for a in aspects)]
    kpis = _rows(graph, KPIS, model_iri)
    filters = {key: sorted({kpi[key] for kpi in kpis if kpi[key]}) for key in ("dimension", "kind", "direction")}
    return {"levels": levels, "aspects": aspects, "cells": cells, "achieved_levels": achieved_levels,
            "kpis": kpis, "filters": filters}


@bp.get("/browse")
def browse():
    graph = services().engine.model
    try:
        model_iri, name, label, version = find_model(graph, request.args.get("model", services().engine.name))
    except ModelError as err:
        raise Problem(404, str(err)) from None
    return render_template("browser.html", model={"iri": str(model_iri), "name": name, "label": label,
                                                  "version": version},
                           models=[(n, lab) for _iri, n, lab, _v in all_models(graph)], **catalogue(graph, model_iri))

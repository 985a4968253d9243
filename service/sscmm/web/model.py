"""The maturity model as linked data: /model and its parts, and the ontology's IRIs.

Every IRI under https://w3id.org/sscmm/ (the vocabulary, the models' levels, aspects and
achievements, the KPIs, units and cited documents) has its page at the path after that
prefix (``/ontology#KPI``, ``/model/y4904/level-1``, ``/kpi/u4ssc/EC-ICT-ICT-1C``), so a
w3id.org redirect to this service makes them dereferenceable. Turtle, JSON-LD or HTML by
Accept; ``?model=NAME`` picks the model (default y4904).
"""

import re
from functools import lru_cache

from flask import Blueprint, render_template, request
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDFS, SKOS

from ..model import ModelError, all_models, find_model
from ..namespaces import OWN_NAMESPACES, SSCMM, local_name
from ..store import oxigraph_triples
from . import services
from .content import negotiate, rdf_response
from .problems import Problem

bp = Blueprint("model", __name__)
W3ID = OWN_NAMESPACES[0]
ONTOLOGY = URIRef(W3ID + "ontology")
MEDIA_TYPES = ("text/turtle", "application/ld+json", "text/html")

#: The parts of a model: (title, query for ?item ?key ?label, ordered; ?model is bound).
PARTS = {
    "levels": ("Levels", """SELECT ?item ?key ?label WHERE {
        ?item sscmm:inModel ?model ; sscmm:levelOrder ?key . OPTIONAL { ?item skos:prefLabel ?label } } ORDER BY ?key"""),
    "aspects": ("Achievement aspects", """SELECT ?item ?key ?label WHERE {
        ?item sscmm:inModel ?model ; sscmm:aspectOrder ?key . OPTIONAL { ?item skos:prefLabel ?label } } ORDER BY ?key"""),
    "achievements": ("Achievements", """SELECT ?item ?key ?label WHERE {
        ?item a sscmm:Achievement ; sscmm:inModel ?model ;
              sscmm:level/sscmm:levelOrder ?level ; sscmm:aspect/sscmm:aspectOrder ?aspect .
        BIND (CONCAT("level ", STR(?level), ", aspect ", STR(?aspect)) AS ?key)
        OPTIONAL { ?item skos:prefLabel ?label } } ORDER BY ?level ?aspect"""),
    "kpis": ("KPIs", """SELECT ?item ?key ?label WHERE {
        ?model sscmm:usesCatalogue ?catalogue .
        ?item a sscmm:KPI ; skos:inScheme ?catalogue ; skos:notation ?key .
        OPTIONAL { ?item skos:prefLabel ?label } } ORDER BY ?key"""),
}


def local_link(iri):
    """Where an IRI's page is: here for the project's own IRIs, else the IRI itself."""
    return "/" + iri[len(W3ID):] if iri.startswith(W3ID) else iri


def _graph_and_model():
    graph = services().engine.model
    try:
        model_iri = find_model(graph, request.args.get("model"))[0]
    except ModelError as err:
        raise Problem(404, str(err)) from None
    return graph, model_iri


@lru_cache(maxsize=64)
def _items(graph, model_iri, part):
    """[(item, key, label)] of a part of a model (the model does not change while serving)."""
    items = {}
    for row in graph.query(PARTS[part][1], initBindings={"model": model_iri}):
        items.setdefault(row.item, (row.item, str(row.key), str(row.label) if row.label is not None else ""))
    return list(items.values())


def _description(graph, subjects):
    """The concise bounded descriptions of the subjects, in one graph."""
    described = Graph()
    for subject in subjects:
        graph.cbd(subject, target_graph=described, include_reifications=False)
    return described


def _label(graph, term):
    labels = sorted(graph.objects(term, SKOS.prefLabel), key=lambda label: (label.language != "en", str(label)))
    labels = labels or sorted(graph.objects(term, RDFS.label), key=str) or sorted(graph.objects(term, DCTERMS.title), key=str)
    if labels:
        return str(labels[0])
    return local_name(term)


def _view(graph, term):
    """How a term is shown in HTML: text and, for an IRI, a link."""
    if isinstance(term, URIRef):
        try:
            text = graph.namespace_manager.curie(term, generate=False)
        except (ValueError, KeyError):
            text = str(term)
        return {"text": text, "href": local_link(str(term))}
    if isinstance(term, Literal):
        return {"text": str(term), "note": term.language or ""}
    return {"text": "[…]"}


def _blocks(graph, subjects):
    """Per subject: its label, IRI, anchor and (property, values) rows, for the HTML."""
    blocks = []
    for subject in subjects:
        rows = {}
        for _s, p, o in sorted(graph.triples((subject, None, None))):
            rows.setdefault(p, []).append(_view(graph, o))
        blocks.append({"label": _label(graph, subject), "iri": str(subject),
                       "anchor": str(subject).rsplit("#", 1)[-1] if "#" in str(subject) else "",
                       "rows": [(_view(graph, p), values) for p, values in rows.items()]})
    return blocks


def _answer(graph, subjects, title, listing=None, href=lambda item, key: local_link(str(item))):
    media_type = negotiate(MEDIA_TYPES)
    if media_type != "text/html":
        return rdf_response(oxigraph_triples(_description(graph, subjects)), media_type)
    if listing is not None:
        return render_template("listing.html", title=title, items=[
            {"key": key, "label": label, "href": href(item, key), "iri": str(item)}
            for item, key, label in listing])
    return render_template("resource.html", title=title, blocks=_blocks(graph, subjects))


@bp.get("/model")
def model():
    """Every model the service knows; ``?model=NAME`` describes that one."""
    if request.args.get("model") is not None:
        graph, model_iri = _graph_and_model()
        return _answer(graph, [model_iri], _label(graph, model_iri))
    graph = services().engine.model
    listing = [(iri, name, f"{label} {version}".strip()) for iri, name, label, version in all_models(graph)]
    return _answer(graph, [iri for iri, _, _ in listing], "Maturity models", listing=listing,
                   href=lambda item, key: f"/model?model={key}")


def _part(part):
    graph, model_iri = _graph_and_model()
    listing = _items(graph, model_iri, part)
    return _answer(graph, [item for item, _, _ in listing], f"{PARTS[part][0]}: {_label(graph, model_iri)}",
                   listing=listing)


@bp.get("/model/levels")
def levels():
    return _part("levels")


@bp.get("/model/aspects")
def aspects():
    return _part("aspects")


@bp.get("/model/achievements")
def achievements():
    return _part("achievements")


@bp.get("/model/kpis")
def kpis():
    return _part("kpis")


def _code_key(code):
    """KPI codes are written with varying spaces and separators: EC: ICT: ICT: 1C, EC-ICT-ICT-1C."""
    return re.sub(r"[\s:\-]+", "-", code.strip()).upper()


@bp.get("/model/kpis/<code>")
def kpi(code):
    graph, model_iri = _graph_and_model()
    wanted = _code_key(code)
    for item, key, _label_text in _items(graph, model_iri, "kpis"):
        if _code_key(key) == wanted or str(item).rsplit("/", 1)[-1].upper() == wanted:
            points = sorted(graph.objects(item, SSCMM.hasDataPoint))
            return _answer(graph, [item, *points], f"KPI {key}: {_label(graph, item)}")
    raise Problem(404, f"no KPI with the code {code!r} in {model_iri}")


@bp.get("/ontology")
def ontology():
    graph = services().engine.model
    terms = sorted(s for s in graph.subjects(RDFS.isDefinedBy, ONTOLOGY) if isinstance(s, URIRef))
    return _answer(graph, [ONTOLOGY, *terms], _label(graph, ONTOLOGY))


@bp.get("/model/<path:path>")
@bp.get("/kpi/<path:path>")
@bp.get("/unit/<path:path>")
@bp.get("/ref/<path:path>")
def resource(path):  # noqa: ARG001 - the rules differ in their prefix, so the IRI is made from the whole path
    graph = services().engine.model
    iri = URIRef(W3ID + request.path.lstrip("/"))
    if (iri, None, None) not in graph:
        raise Problem(404, f"{iri} is not described by the model")
    return _answer(graph, [iri], _label(graph, iri))

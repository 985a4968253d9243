"""The index page, GET /health and GET /openapi.json."""

from flask import Blueprint, jsonify, render_template

from .. import __version__
from ..model import all_models
from . import services
from .cities import city_summaries
from .content import negotiate
from .openapi import openapi

bp = Blueprint("meta", __name__)
LINKS = {"report": "/report", "benchmark": "/benchmark", "browse": "/browse", "assess": "/assess", "assessments": "/assessments", "cities": "/cities", "sparql": "/sparql",
         "model": "/model", "ontology": "/ontology", "openapi": "/openapi.json", "health": "/health"}


def index_page(problem=None, form=None):
    """The index page: what the service is, the upload form (with the problem of the last
    upload, if any) and the published cities with their latest levels."""
    service = services()
    models = all_models(service.engine.model)
    return render_template("index.html", links=LINKS, problem=problem, chosen=(form or {}).get("model") or service.engine.name,
                           turtle=(form or {}).get("turtle", ""), cities=city_summaries(service.store.records()),
                           models=[(name, f"{label} {version}".strip()) for _iri, name, label, version in models],
                           model_names={str(iri): name for iri, name, _label, _version in models})


@bp.get("/")
def index():
    if negotiate(("text/html", "application/json")) == "text/html":
        return index_page()
    return jsonify({"service": "sscmm", "version": __version__, "links": LINKS})


@bp.get("/health")
def health():
    """Up, and what it holds: a cheap query that fails when the store does."""
    service = services()
    assessments, cities = service.store.counts()
    return jsonify({"status": "ok", "version": __version__, "model": service.engine.name,
                    "assessments": assessments, "cities": cities})


@bp.get("/openapi.json")
def openapi_document():
    service = services()
    return jsonify(openapi([name for _iri, name, _label, _version in all_models(service.engine.model)],
                           service.analyses))

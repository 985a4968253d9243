"""The index page, GET /health and GET /openapi.json."""

from flask import Blueprint, jsonify, render_template

from .. import __version__
from . import services
from .content import negotiate
from .openapi import openapi

bp = Blueprint("meta", __name__)
LINKS = {"assess": "/assess", "assessments": "/assessments", "cities": "/cities", "sparql": "/sparql",
         "model": "/model", "ontology": "/ontology", "openapi": "/openapi.json", "health": "/health"}


@bp.get("/")
def index():
    if negotiate(("text/html", "application/json")) == "text/html":
        return render_template("index.html", links=LINKS)
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
    return jsonify(openapi())

"""The HTTP service: assess, publish, read back, SPARQL and the model.

``create_app(config=None)`` builds the Flask application; configuration comes from the
defaults below, then ``SSCMM_*`` environment variables (``SSCMM_DATA_DIR`` sets
``DATA_DIR``; values are read as JSON when they parse, so numbers are numbers), then the
``config`` mapping. One blueprint per resource; one store, token file and pool of SPARQL
workers per process (``app.extensions["sscmm"]``). ``serve`` runs the app under waitress.
"""

import logging

from flask import Flask, current_app
from rdflib import BNode, Graph

from ..analysis import load_analyses
from ..engine import engine_for
from ..levelshapes import LEVEL_SHAPES_DIR
from ..model import ModelError, find_model
from ..paths import ROOT
from ..rdfio import InputError, format_for, parse_file
from ..store import BENCHMARKS_GRAPH, MODEL_GRAPH, SHAPES_GRAPH, AlreadyPublished, open_store, oxigraph_triples
from ..tokens import TokenStore
from .problems import Problem, register_error_handlers

EXAMPLES_DIR = ROOT / "data" / "examples"
BENCHMARKS_DIR = ROOT / "data" / "benchmarks"
DEFAULTS = {
    "DATA_DIR": "var",  # the store, the token hashes and query snapshots
    "MAX_CONTENT_LENGTH": 10 * 1024 * 1024,  # bytes; a larger body is refused with 413
    "SPARQL_TIMEOUT": 10.0,  # seconds; a query still running then is stopped (503)
    "SPARQL_MAX_ROWS": 10000,  # solutions or triples; more are cut off (X-SSCMM-Truncated)
    "SPARQL_WORKERS": 2,  # query worker processes (queries run at the same time)
    "THREADS": 8,  # waitress worker threads
    "STORE": "embedded",  # or "sparql": a SPARQL 1.1 server at QUERY_URL, UPDATE_URL (and GSP_URL)
    "QUERY_URL": None,
    "UPDATE_URL": None,
    "GSP_URL": None,  # the server's Graph Store Protocol endpoint, when it has one
    "STORE_TIMEOUT": 60,  # seconds the service waits for a SPARQL store's answer to its own requests
}
log = logging.getLogger("sscmm.web")


class Services:
    """What every request uses: the store (with its query workers), the tokens and the engines."""

    def __init__(self, config):
        self.store = open_store(config)
        self.tokens = TokenStore(config["DATA_DIR"])
        self.engine = engine_for(None)  # built before the first request, not during it
        self.store.replace_graphs(reference_graphs(self.engine.model))
        upgraded = self.store.add_missing_facts()
        if upgraded:
            log.info("added the analysis facts to %d publication(s) stored without them", upgraded)
        self.analyses = load_analyses()

    def engine_named(self, name):
        """The engine of a model by its short name (None: the default); 400 for an unknown
        name, checked against the loaded model before any engine is built."""
        if name is None or name == self.engine.name:
            return self.engine
        try:
            find_model(self.engine.model, name)
        except ModelError as err:
            raise Problem(400, str(err), slug="unknown-model") from None
        return engine_for(name)

    def publish_examples(self):
        """Publish every example city of data/examples that is not published yet."""
        for path in sorted(EXAMPLES_DIR.iterdir()):
            try:
                format_for(path.name)
            except InputError:
                continue
            graph = parse_file(path)
            try:
                record = self.store.publish(oxigraph_triples(graph), self.engine.assess(graph))
                log.info("demo: published %s (%s, level %s) as /assessments/%s",
                         path.name, record.city_name, record.level_order, record.id)
            except AlreadyPublished:
                continue

    def close(self):
        self.store.close()


def _benchmarks():
    """The benchmark sets of data/benchmarks/ (for the U4SSC-style score), as one graph."""
    graph = Graph()
    for path in sorted(BENCHMARKS_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def reference_graphs(model):
    """The graphs the store holds beside the published ones, replaced at every start: the
    model, the shipped level shapes' criteria and the benchmark sets."""
    return {MODEL_GRAPH: model, BENCHMARKS_GRAPH: _benchmarks(),
            SHAPES_GRAPH: _criteria(sorted(LEVEL_SHAPES_DIR.glob("*.ttl")))}


def _criteria(paths):
    """What the level shapes of every shipped model say about each criterion (level, aspect,
    label, message): their statements without blank nodes, so the graph is the same at
    every start."""
    graph = Graph()
    for path in paths:
        for triple in Graph().parse(path, format="turtle"):
            if not any(isinstance(term, BNode) for term in triple):
                graph.add(triple)
    return graph


def services():
    return current_app.extensions["sscmm"]


def create_app(config=None):
    """The Flask application; ``config`` overrides the environment (tests pass DATA_DIR)."""
    # The blueprints import services() from here.
    from . import (analysis, assess, assessments, benchmark, browser, cities, imports, meta, model, reassess, reports,
                   sparql)

    app = Flask(__name__)  # static/: the pages' stylesheet and script, at /static/
    app.config.from_mapping(DEFAULTS)
    app.config.from_prefixed_env("SSCMM")
    app.config.from_mapping(config or {})
    app.extensions["sscmm"] = Services(app.config)
    for blueprint in (assess.bp, assessments.bp, cities.bp, sparql.bp, analysis.bp, model.bp, meta.bp, imports.bp,
                      reports.bp, browser.bp, benchmark.bp, reassess.bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    return app


def serve(app, host, port):
    """Run under waitress (threads in one process: one RocksDB writer) until stopped.

    waitress reads a whole body before the app sees it, so it is told to refuse, from the
    Content-Length (or as a chunked body grows), a body over twice MAX_CONTENT_LENGTH:
    such a body is answered 413 without being read. Up to that size the app answers the
    413, as a problem document."""
    import signal
    import sys

    from waitress import serve as waitress_serve

    limit = app.config.get("MAX_CONTENT_LENGTH")
    bodies = {"max_request_body_size": 2 * int(limit)} if limit else {}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        waitress_serve(app, host=host, port=port, threads=int(app.config["THREADS"]), ident="sscmm", **bodies)
    finally:
        app.extensions["sscmm"].close()

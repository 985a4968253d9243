"""POST /assess: assess a city's graph and answer the result; nothing is stored."""

from flask import Blueprint, Response, request

from . import services
from .content import negotiate, rdf_response, read_graph
from .problems import Problem
from ..store import oxigraph_triples

bp = Blueprint("assess", __name__)
RESULT_MEDIA_TYPES = ("application/json", "text/turtle", "application/ld+json")


def input_errors_problem(result):
    errors = result.as_dict()["input_errors"]
    return Problem(422, f"the graph has {len(errors)} input error(s) and was not assessed; "
                   "see docs/assessment-format.md", slug="input-invalid", title="The graph is not a valid assessment",
                   errors=errors)


@bp.post("/assess")
def assess():
    media_type = negotiate(RESULT_MEDIA_TYPES)
    engine = services().engine_named(request.args.get("model"))
    graph, _triples = read_graph()
    result = engine.assess(graph)
    if not result.valid:
        raise input_errors_problem(result)
    if media_type == "application/json":
        return Response(result.to_json(), mimetype="application/json")
    return rdf_response(oxigraph_triples(result.to_graph()), media_type)

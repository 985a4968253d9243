"""GET|POST /sparql: the SPARQL 1.1 Protocol, query forms only, over every published graph.

The default graph is the union of all graphs (unless ``default-graph-uri`` names some);
named graphs are the assessment, result, catalogue and model graphs. Update and SERVICE
are refused before evaluation; the time limit and row cap are sscmm.queries'.
"""

from flask import Blueprint, Response, current_app, render_template, request

from ..queries import MEDIA_TYPES, QueryFailed, QueryRefused, QueryTimeout, check_query
from ..terms import is_iri
from . import services
from .content import negotiate
from .problems import Problem

bp = Blueprint("sparql", __name__)
FORM_MEDIA_TYPE = "application/x-www-form-urlencoded"


def _update_refused():
    return Problem(400, "SPARQL Update is not accepted: this endpoint only answers queries",
                   slug="update-refused", title="Query refused")


def _protocol_request():
    """(query or None, default graph IRIs, named graph IRIs) as the protocol passes them."""
    if request.method == "GET":
        params, query = request.args, request.args.get("query")
    elif request.mimetype == FORM_MEDIA_TYPE:
        params, query = request.form, request.form.get("query")
    elif request.mimetype == "application/sparql-query":
        params, query = request.args, request.get_data(as_text=True)
    elif request.mimetype == "application/sparql-update":
        raise _update_refused()
    else:
        raise Problem(415, f"a SPARQL query is sent as {FORM_MEDIA_TYPE} or application/sparql-query, "
                      f"not {request.mimetype or '(no Content-Type)'}")
    if "update" in params:
        raise _update_refused()
    return query, _graph_iris(params, "default-graph-uri"), _graph_iris(params, "named-graph-uri")


def _graph_iris(params, name):
    iris = params.getlist(name)
    for iri in iris:
        if not is_iri(iri):
            raise Problem(400, f"{name}: {iri!r} is not an absolute IRI", slug="bad-parameter",
                          title="Bad graph IRI", parameter=name)
    return iris


@bp.route("/sparql", methods=["GET", "POST"])
def sparql():
    query, default_graphs, named_graphs = _protocol_request()
    if query is None:
        if request.accept_mimetypes.best_match([MEDIA_TYPES["SELECT"][0], "text/html"]) == "text/html":
            return render_template("sparql.html")  # a browser: a form to write a query in
        raise Problem(400, "no query: pass it as the query parameter", slug="no-query")
    try:
        form = check_query(query)
    except QueryRefused as err:
        raise Problem(400, str(err), slug=err.slug, title="Query refused") from None
    media_type = negotiate(MEDIA_TYPES[form])
    try:
        answer = services().store.query(query, media_type, default_graphs, named_graphs)
    except QueryTimeout as err:
        raise Problem(503, str(err), slug="query-timeout", title="Query time limit reached",
                      time_limit=current_app.config["SPARQL_TIMEOUT"]) from None
    except QueryFailed as err:
        status = 400 if err.slug == "syntax-error" else 500
        raise Problem(status, str(err), slug=err.slug, title="The query could not be evaluated") from None
    response = Response(answer.body, mimetype=media_type)
    if answer.truncated:
        max_rows = current_app.config["SPARQL_MAX_ROWS"]
        response.headers["X-SSCMM-Truncated"] = "true"
        response.headers["X-SSCMM-Max-Rows"] = str(max_rows)
    return response

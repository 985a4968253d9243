"""The cross-city analysis library over HTTP: GET /analysis (the list, with parameters)
and GET /analysis/{name}?param=value (JSON or CSV, by Accept)."""

from flask import Blueprint, Response, current_app, jsonify, request

from ..analysis import AnalysisError, run
from ..queries import QueryFailed, QueryTimeout
from . import services
from .content import negotiate
from .problems import Problem

bp = Blueprint("analysis", __name__)
MEDIA_TYPES = ("application/json", "text/csv")


@bp.get("/analysis")
def listing():
    negotiate(("application/json",))
    return jsonify({"analyses": [a.as_dict() for a in services().analyses.values()]})


@bp.get("/analysis/<name>")
def analysis(name):
    found = services().analyses.get(name)
    if found is None:
        raise Problem(404, f"no analysis is named {name!r}; GET /analysis lists them")
    media_type = negotiate(MEDIA_TYPES)
    try:
        table = run(services().store, found, request.args.to_dict())
    except AnalysisError as err:
        raise Problem(400, str(err), slug="bad-parameter", title="The analysis cannot run with these parameters",
                      parameter=err.parameter) from None
    except QueryTimeout as err:
        raise Problem(503, str(err), slug="query-timeout", title="Query time limit reached",
                      time_limit=current_app.config["SPARQL_TIMEOUT"]) from None
    except QueryFailed as err:
        raise Problem(500, str(err), slug=err.slug, title="The analysis could not be evaluated") from None
    headers = {"X-SSCMM-Truncated": "true"} if table.truncated else {}
    if media_type == "text/csv":
        return Response(table.to_csv(), mimetype="text/csv", headers=headers)
    response = jsonify(table.as_dict())
    response.headers.update(headers)
    return response

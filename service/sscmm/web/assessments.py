"""Publishing assessments (POST /assessments, with a city's token) and reading them back."""

import json

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request

from ..store import AlreadyPublished, NotAssessable, WrongCity
from . import services
from .assess import input_errors_problem
from .content import negotiate, read_graph
from .problems import Problem

bp = Blueprint("assessments", __name__)
READ_MEDIA_TYPES = ("application/json", "text/html", "text/turtle", "application/ld+json", "application/trig")


def token_city():
    """The city the request's bearer token may publish for; 401 without a live token."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "publishing needs a city's token: Authorization: Bearer TOKEN",
                      headers={"WWW-Authenticate": 'Bearer realm="sscmm"'})
    city = services().tokens.city_for(token.strip())
    if city is None:
        raise Problem(401, "the token is unknown or revoked",
                      headers={"WWW-Authenticate": 'Bearer realm="sscmm", error="invalid_token"'})
    return city


@bp.post("/assessments")
def publish():
    city = token_city()
    engine = services().engine_named(request.args.get("model"))
    graph, triples = read_graph()
    result = engine.assess(graph)
    try:
        record = services().store.publish(triples, result, for_city=city)
    except NotAssessable:
        raise input_errors_problem(result) from None
    except WrongCity as err:
        raise Problem(403, str(err), slug="wrong-city", title="The token does not publish for this city",
                      city=err.city, token_city=err.allowed) from None
    except AlreadyPublished as err:
        raise Problem(409, f"{err}; publish a new assessment under a new IRI", slug="already-published",
                      title="This assessment is already published", id=err.id,
                      link=f"/assessments/{err.id}") from None
    body = {**record.as_dict(), "city": {"id": record.city_id, "iri": record.city, "name": record.city_name,
                                         "link": f"/cities/{record.city_id}"}}
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"/assessments/{record.id}"
    return response


@bp.get("/assessments/<assessment_id>")
def read(assessment_id):
    store = services().store
    record = store.record(assessment_id)
    if record is None:
        raise Problem(404, f"no published assessment has the id {assessment_id!r}")
    media_type = negotiate(READ_MEDIA_TYPES)
    if media_type == "application/json":
        return Response(store.result_json(assessment_id), mimetype="application/json")
    if media_type == "text/html":
        return render_template("assessment.html", record=record, result=json.loads(store.result_json(assessment_id)))
    fmt = ox.RdfFormat.from_media_type(media_type)
    body = store.serialize(assessment_id, fmt, with_result=fmt == ox.RdfFormat.TRIG)
    return Response(body, mimetype=media_type)
